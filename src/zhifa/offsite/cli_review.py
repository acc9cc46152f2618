"""``zhifa offsite export`` and ``zhifa offsite report-tasks`` (need the database; registered by ``cli.py``)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式错误：{text}（应为 YYYY-MM-DD）") from None


def register_review(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="导出已结案的超限案件（第四十四条字段，固定格式 CSV）",
        description="按结案日期导出非现场超限案件，格式见 docs/offsite-export-format.md（zhifa-offsite-44/1）。",
    )
    p.add_argument("--from", dest="date_from", required=True, type=_date, help="结案日期起（YYYY-MM-DD，含）")
    p.add_argument("--to", dest="date_to", required=True, type=_date, help="结案日期止（YYYY-MM-DD，含）")
    p.add_argument("--out", required=True, type=Path, help="输出文件")
    p.add_argument("--user", default=None, help="以该用户身份导出（仅其辖区）；缺省为全部机构（运维）")
    p.set_defaults(func=_export, needs_django=True)

    p = sub.add_parser(
        "report-tasks",
        help="为已结案的非现场案件生成第四十四条抄告任务（可由定时任务运行）",
    )
    p.set_defaults(func=_report_tasks, needs_django=True)


def _user(username: str | None):
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        print(f"用户不存在：{username}", file=sys.stderr)
        raise SystemExit(2)
    return user


def _export(args: argparse.Namespace) -> int:
    from zhifa.core.errors import DomainError
    from zhifa.offsite.services.export import export_closed_cases

    try:
        data, n = export_closed_cases(actor=_user(args.user), date_from=args.date_from, date_to=args.date_to)
    except DomainError as e:
        print(f"{e.code}: {e.message}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"已导出 {n} 件已结案超限案件（{args.date_from}～{args.date_to}）到 {args.out}")
    return 0


def _report_tasks(args: argparse.Namespace) -> int:
    from zhifa.offsite.services.reports import report_tasks_sync

    n = report_tasks_sync(actor=None)
    print(f"新生成抄告任务 {n} 项")
    return 0
