"""Case subcommands. ``zhifa deadline``: compute a statutory deadline (no database needed).

    zhifa deadline --rule hearing_request --start 2025-09-26
    {"rule": "hearing_request", "due": "2025-10-10", "counting": "working_days", "basis": "…", …}

Exit codes: 0 with the result as JSON on stdout; 2 with ``{"code", "message", "field"}`` on stdout for
an unknown rule, a bad date or number, or a date the working-day calendar has no data for.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from zhifa.cases import deadlines as dl
from zhifa.core.errors import DomainError
from zhifa.core.workcal import WorkingCalendar


def register(sub: argparse._SubParsersAction) -> None:
    deadline = sub.add_parser(
        "deadline",
        help="计算法定期限（如 hearing_request、service、preservation、payment、decision）",
        description="按《行政处罚法》第八十五条等规定计算期限，输出 JSON。规则：" + "、".join(dl.RULES_BY_CODE),
    )
    # --rule and --start are checked here rather than by argparse, so a bad value still gets a JSON error
    deadline.add_argument("--rule", help="期限规则代码；--list 列出全部规则")
    deadline.add_argument("--start", help="起算日期 YYYY-MM-DD（触发事件当日，不计入期限；hearing_notice 为听证日期）")
    deadline.add_argument("--days", help="可配置规则（statement）的天数")
    deadline.add_argument("--extension-days", default="0", help="经批准延长的天数（decision、seizure）")
    deadline.add_argument(
        "--suspended",
        action="append",
        default=[],
        metavar="FROM[:TO]",
        help="中止期间（可重复）；TO 为恢复日，省略表示尚未恢复（计至 --as-of）",
    )
    deadline.add_argument("--as-of", help="计算未恢复的中止期间所至日期，默认今天")
    deadline.add_argument("--list", action="store_true", help="列出全部期限规则")
    deadline.set_defaults(func=_deadline, needs_django=False)


def _calendar() -> WorkingCalendar:
    """The working-day calendar, with the administrator-entered years when Django is running.

    Started without Django (``needs_django=False``, the default for this command) the library's
    years alone count: importing ``zhifa.core.calendar`` would need configured settings.
    """
    try:
        from django.apps import apps

        if not apps.ready:
            return WorkingCalendar()
        from zhifa.core.calendar import get_calendar
    except ImportError:
        return WorkingCalendar()
    return get_calendar()


def _print(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _parse_date(value: str | None, field: str, label: str) -> date:
    if not value:
        raise DomainError("deadline.invalid_date", f"请提供{label}（YYYY-MM-DD）", field)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError("deadline.invalid_date", f"{label}格式应为 YYYY-MM-DD：{value}", field) from None


def _parse_int(value: str | None, field: str, label: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise DomainError("deadline.invalid_number", f"{label}必须是整数：{value}", field) from None


def _rules_table() -> list[dict[str, object]]:
    return [
        {
            "rule": r.code,
            "label": r.label,
            "amount": r.amount,
            "unit": str(r.unit),
            "counting": str(r.counting),
            "direction": str(r.direction),
            "start_event": r.start_event,
            "basis": r.basis,
            "note": r.note,
        }
        for r in dl.RULES
    ]


def _deadline(args: argparse.Namespace) -> int:
    if args.list:
        _print(_rules_table())
        return 0
    try:
        if not args.rule:
            raise DomainError("deadline.unknown_rule", "请用 --rule 指定期限规则", "rule")
        dl.get_rule(args.rule)
        start = _parse_date(args.start, "start", "起算日期")
        suspensions = []
        for item in args.suspended:
            begin, _sep, end = item.partition(":")
            suspensions.append(
                dl.Period(
                    _parse_date(begin, "suspended", "中止日期"),
                    _parse_date(end, "suspended", "恢复日期") if end else None,
                )
            )
        as_of = _parse_date(args.as_of, "as_of", "计算日期") if args.as_of else date.today()
        result = dl.compute(
            args.rule,
            start,
            calendar=_calendar(),
            amount=_parse_int(args.days, "days", "天数"),
            extension_days=_parse_int(args.extension_days, "extension_days", "延长天数") or 0,
            suspensions=suspensions,
            as_of=as_of,
        )
    except DomainError as e:
        error = e.as_dict()
        if e.code == "calendar.no_data":
            error["field"] = "start"
        _print(error)
        return 2
    _print(result.as_dict())
    return 0
