"""Core subcommands: audit verify, config docs, calendar, api tokens, demo."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="审计链（执法全过程记录）")
    audit_sub = audit.add_subparsers(dest="audit_cmd", required=True)
    verify = audit_sub.add_parser("verify", help="校验哈希链，指出第一处断链")
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.set_defaults(func=_audit_verify, needs_django=True)

    cfg = sub.add_parser("config", help="配置项")
    cfg_sub = cfg.add_subparsers(dest="config_cmd", required=True)
    docs = cfg_sub.add_parser("docs", help="输出 docs/configuration.md")
    docs.set_defaults(func=_config_docs, needs_django=False)

    demo = sub.add_parser("demo", help="载入演示数据（可重复执行，不会重复写入）")
    demo.add_argument("--scale", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=20261125)
    demo.add_argument("--quiet", action="store_true")
    demo.add_argument("--print-logins", action="store_true", help="打印演示账号")
    demo.set_defaults(func=_demo, needs_django=True)

    token = sub.add_parser("token", help="为用户签发接口令牌")
    token.add_argument("username")
    token.add_argument("--name", default="cli")
    token.set_defaults(func=_token, needs_django=True)


def _audit_verify(args) -> int:
    from zhifa.core.audit import audit_verify

    count, broken = audit_verify()
    if args.format == "json":
        out = {"checked": count, "ok": broken is None}
        if broken:
            out["broken"] = {"seq": broken.seq, "id": broken.row_id, "code": broken.reason, "message": broken.message}
        print(json.dumps(out, ensure_ascii=False))
    elif broken is None:
        print(f"审计链完整：共校验 {count} 条记录")
    else:
        print(f"审计链断裂：第 {broken.seq} 条（id={broken.row_id}）：{broken.message} [{broken.reason}]")
    return 0 if broken is None else 1


def _config_docs(args) -> int:
    import zhifa.config.settings  # noqa: F401 - registers every setting
    from zhifa.config.env import render_markdown

    sys.stdout.write(render_markdown())
    return 0


def _demo(args) -> int:
    from zhifa.demo import load_demo

    summary = load_demo(scale=args.scale, seed=args.seed, verbose=not args.quiet)
    if not args.quiet:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.print_logins:
        from zhifa.demo import DEMO_PASSWORD

        print(f"\n演示账号（仅演示模式；密码均为 {DEMO_PASSWORD}）：")
        for row in summary["logins"]:
            print(f"  {row['username']:16s} {row['name']:6s} {row['agency']:10s} {row['roles']}")
    return 0


def _token(args) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from zhifa.core.audit import audit_record
    from zhifa.core.models import ApiToken

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(json.dumps({"code": "user.not_found", "message": "用户不存在", "field": "username"}, ensure_ascii=False))
        return 2
    raw = ApiToken.new_key()
    with transaction.atomic():
        tok = ApiToken.objects.create(user=user, name=args.name, prefix=raw[:10], key_hash=ApiToken.hash_key(raw))
        audit_record(actor=None, event_code="api_token.issued", obj=tok, object_repr=f"{user.username}:{args.name}")
    print(raw)
    return 0
