"""Catalog subcommands (pure: no Django, no database).

- ``zhifa decide --item CODE --violation-date D [--decision-date D] [--region CODE] --facts FILE|-``
  prints the Decision as JSON; ``--item`` may be repeated for one act that breaks several
  items (cumulative caps apply). Bad input exits 2 printing ``{"code","message","field"}``.
- ``zhifa law search QUERY`` ranks items and provisions (jieba + BM25).
- ``zhifa catalog check`` reports catalog problems (exit 1 when there are any);
  ``zhifa catalog list`` lists the items in force for a region and date.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from typing import Any, NoReturn

from zhifa.core.errors import DomainError

_ARG_FIELDS = {
    "--item": "item",
    "--violation-date": "violation_date",
    "--decision-date": "decision_date",
    "--region": "region",
    "--facts": "facts",
}


_ARG_MESSAGES = {
    "the following arguments are required:": "缺少必需的参数",
    "unrecognized arguments:": "无法识别的参数",
    "expected one argument": "缺少参数值",
    "argument ": "参数 ",
}


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(err: DomainError) -> NoReturn:
    _print_json(err.as_dict())
    raise SystemExit(2)


def _json_errors(parser: argparse.ArgumentParser) -> None:
    """Make argparse problems of this subcommand exit 2 with the JSON error shape."""

    def error(message: str) -> NoReturn:
        field = None
        for opt, name in _ARG_FIELDS.items():
            if opt in message:
                field = name
                break
        text = message
        for en, zh in _ARG_MESSAGES.items():
            text = text.replace(en, zh)
        _fail(DomainError("decide.bad_arguments", f"命令参数错误：{text}", field))

    original = parser.parse_known_args

    def parse_known_args(args: Any = None, namespace: Any = None) -> Any:
        ns, extras = original(args, namespace)
        if extras:
            error(f"unrecognized arguments: {' '.join(extras)}")
        return ns, extras

    parser.error = error  # type: ignore[method-assign]
    parser.parse_known_args = parse_known_args  # type: ignore[method-assign]


def register(sub: argparse._SubParsersAction) -> None:
    decide = sub.add_parser(
        "decide",
        help="按处罚事项和事实计算裁量结果（输出 JSON）",
        description="按权责清单与裁量基准计算处罚决定建议，输出 JSON（含说明 trace）。",
    )
    decide.add_argument("--item", action="append", required=True, metavar="CODE", help="处罚事项代码，可重复")
    decide.add_argument("--violation-date", required=True, metavar="YYYY-MM-DD", help="违法行为发生日")
    decide.add_argument("--decision-date", metavar="YYYY-MM-DD", help="作出决定日（默认今天）")
    decide.add_argument("--region", metavar="CODE", help="辖区6位行政区划代码，如 411321")
    decide.add_argument("--facts", required=True, metavar="FILE|-", help="事实 JSON 文件，- 表示标准输入")
    decide.add_argument("--words", action="store_true", help="只输出文字说明（不输出 JSON）")
    decide.set_defaults(func=_decide, needs_django=False)
    _json_errors(decide)

    law = sub.add_parser("law", help="法律条文与处罚事项检索")
    law_sub = law.add_subparsers(dest="law_cmd", required=True)
    search = law_sub.add_parser("search", help="按关键词检索处罚事项与条文（jieba 分词 + BM25）")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--kind", choices=["all", "item", "provision"], default="all")
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=_search, needs_django=False)

    cat = sub.add_parser("catalog", help="权责清单目录")
    cat_sub = cat.add_subparsers(dest="catalog_cmd", required=True)
    check = cat_sub.add_parser("check", help="检查目录：档次重叠或缺失、放宽幅度的叠加层、无原文条款、有效期间断")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=_check, needs_django=False)
    lst = cat_sub.add_parser("list", help="列出某辖区某日有效的处罚事项")
    lst.add_argument("--region", metavar="CODE")
    lst.add_argument("--date", metavar="YYYY-MM-DD")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=_list, needs_django=False)


def _parse_date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        _fail(DomainError("decide.bad_date", f"日期“{value}”格式应为 YYYY-MM-DD", field))
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(DomainError("decide.bad_date", f"日期“{value}”不存在", field))


def _read_facts(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    except OSError as exc:
        _fail(DomainError("decide.facts_unreadable", f"无法读取事实文件：{exc.strerror or exc}", "facts"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(DomainError("decide.bad_json", f"事实不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）", "facts"))
    if not isinstance(data, dict):
        _fail(DomainError("decide.bad_facts", "事实应为 JSON 对象（键为事实名）", "facts"))
    return data


def _decide(args: argparse.Namespace) -> int:
    from zhifa.catalog.engine import decide, decide_combined
    from zhifa.catalog.yamlload import catalog

    items = catalog().items
    for code in args.item:
        if code not in items:
            _fail(DomainError("decide.unknown_item", f"未知的处罚事项代码“{code}”", "item"))
    vdate = _parse_date(args.violation_date, "violation_date")
    ddate = _parse_date(args.decision_date, "decision_date") or date.today()
    facts = _read_facts(args.facts)
    try:
        if len(args.item) == 1:
            result = decide(args.item[0], facts, vdate, ddate, args.region)
            if args.words:
                sys.stdout.write("\n".join(result.explain()) + "\n")
                return 0
            _print_json(result.as_dict())
        else:
            combined = decide_combined([(code, facts) for code in args.item], vdate, ddate, args.region)
            if args.words:
                for d in combined.decisions:
                    sys.stdout.write("\n".join(d.explain()) + "\n\n")
                return 0
            _print_json(combined.as_dict())
    except DomainError as err:
        _fail(err)
    return 0


def _search(args: argparse.Namespace) -> int:
    from zhifa.catalog.search import search

    kinds = None if args.kind == "all" else {args.kind}
    hits = search(args.query, limit=args.limit, kinds=kinds)
    if args.json:
        _print_json([h.as_dict() for h in hits])
        return 0
    if not hits:
        print("没有找到相关的处罚事项或条文")
        return 0
    for i, h in enumerate(hits, 1):
        print(f"{i:2d}. [{'事项' if h.kind == 'item' else '条文'}] {h.id}  {h.title}  (得分 {h.score:.2f})")
    return 0


def _check(args: argparse.Namespace) -> int:
    from zhifa.catalog.check import run_check

    report = run_check()
    if args.json:
        _print_json(report.as_dict())
    else:
        sys.stdout.write(report.as_text())
    return 1 if report.problems else 0


def _list(args: argparse.Namespace) -> int:
    from zhifa.catalog.powerlist import power_list

    on = _parse_date(args.date, "date") or date.today()
    try:
        rows = power_list(args.region, on)
    except DomainError as err:
        _fail(err)
    if args.json:
        _print_json([r.as_dict() for r in rows])
        return 0
    for r in rows:
        fine = (
            f"{r.fine_min}–{r.fine_max}元" if r.fine_max is not None else ("按违法所得倍数" if r.multiple else "无罚款")
        )
        print(f"{r.code:45s} {r.name}  [{fine}]  {r.basis}")
    return 0
