"""Case subcommands.

``zhifa deadline``: compute a statutory deadline (no database needed)::

    zhifa deadline --rule hearing_request --start 2025-09-26
    {"rule": "hearing_request", "due": "2025-10-10", "counting": "working_days", "basis": "…", …}

Exit codes: 0 with the result as JSON on stdout; 2 with ``{"code", "message", "field"}`` on stdout for
an unknown rule, a bad date or number, or a date the working-day calendar has no data for.

``zhifa cases list [--state STATE] [--item CODE] [--overdue] [--user NAME] --format json`` prints the
cases (number, state, item, party, fine_yuan …); ``zhifa cases verify-evidence`` re-hashes every
stored evidence file and flags the ones that no longer match (exit 1 when any); ``zhifa cases
refresh-deadlines`` recomputes the stored deadlines (after a calendar year is entered).
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

    cases = sub.add_parser("cases", help="案件（列表、证据完整性校验、期限重算）")
    cases_sub = cases.add_subparsers(dest="cases_cmd", metavar="SUBCOMMAND")
    cases_sub.required = True
    listing = cases_sub.add_parser("list", help="列出案件（JSON 或文本）")
    listing.add_argument("--state", default="all", help="状态（如 investigating、decided）；open 为未办结；默认全部")
    listing.add_argument("--item", default="", help="处罚事项代码")
    listing.add_argument("--overdue", action="store_true", help="只列出已逾期的案件")
    listing.add_argument("--user", default="", help="按该用户的辖区列出（默认全部机构）")
    listing.add_argument("--limit", type=int, default=0, help="最多输出的条数（0 为不限）")
    listing.add_argument("--format", choices=["json", "text"], default="text")
    listing.set_defaults(func=_cases_list, needs_django=True)
    verify = cases_sub.add_parser("verify-evidence", help="重新计算证据文件的 SHA-256，标记不一致的证据")
    verify.add_argument("--format", choices=["json", "text"], default="text")
    verify.set_defaults(func=_verify_evidence, needs_django=True)
    refresh = cases_sub.add_parser("refresh-deadlines", help="重新计算在办案件的期限（录入新年度日历后）")
    refresh.set_defaults(func=_refresh_deadlines, needs_django=True)


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


# --- zhifa cases … (Django) ------------------------------------------------------------------------


def _cases_row(case, today: date) -> dict[str, object]:
    return {
        "id": case.pk,
        "number": case.number,
        "state": case.state,
        "state_label": case.get_state_display(),
        "procedure": case.procedure,
        "item": case.item_code,
        "item_name": case.item_name,
        "party": case.party_name,
        "plate": case.plate,
        "fine_yuan": case.fine_yuan,
        "agency": case.agency.name,
        "filed_on": case.filed_on.isoformat() if case.filed_on else None,
        "decided_on": case.decided_on.isoformat() if case.decided_on else None,
        "next_due": case.next_due.isoformat() if case.next_due else None,
        "overdue": bool(case.next_due and case.next_due < today),
    }


def _cases_list(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from zhifa.cases.choices import CaseState
    from zhifa.cases.models import Case
    from zhifa.core.permissions import visible_agency_ids

    if args.state not in ("all", "open") and args.state not in CaseState.values:
        _print(
            DomainError(
                "cases.bad_state", f"未知的状态：{args.state}（可用：{'、'.join(CaseState.values)}）", "state"
            ).as_dict()
        )
        return 2
    today = timezone.localdate()
    qs = Case.objects.select_related("agency").order_by("id")
    if args.user:
        user = get_user_model().objects.filter(username=args.user).first()
        if user is None:
            _print(DomainError("cases.unknown_user", f"没有用户“{args.user}”", "user").as_dict())
            return 2
        qs = qs.filter(agency_id__in=visible_agency_ids(user))
    if args.state == "open":
        qs = qs.exclude(state__in=["closed", "dismissed"])
    elif args.state != "all":
        qs = qs.filter(state=args.state)
    if args.item:
        qs = qs.filter(item_code=args.item)
    if args.overdue:
        qs = qs.filter(next_due__lt=today)
    if args.limit:
        qs = qs[: args.limit]
    rows = (_cases_row(c, today) for c in qs.iterator(chunk_size=2000))
    if args.format == "json":
        print("[", end="")
        for i, row in enumerate(rows):
            print(("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False), end="")
        print("\n]")
        return 0
    for row in rows:
        fine = f"{row['fine_yuan']}元" if row["fine_yuan"] is not None else "—"
        print(f"{row['number'] or '（未编号）':28s} {row['state_label']:10s} {row['item']:40s} {row['party']}  {fine}")
    return 0


def _verify_evidence(args: argparse.Namespace) -> int:
    from zhifa.cases.models import Evidence
    from zhifa.cases.services import evidence_verify_all

    total = Evidence.objects.count()
    failed = evidence_verify_all()
    if args.format == "json":
        _print(
            {
                "checked": total,
                "failed": [{"id": e.pk, "case": e.case_id, "seq": e.seq, "sha256": e.sha256} for e in failed],
            }
        )
    else:
        print(f"已校验证据 {total} 件，不一致 {len(failed)} 件")
        for e in failed:
            print(f"  案件 {e.case_id} 证据{e.seq}（{e.title}）SHA-256 {e.sha256}")
    return 1 if failed else 0


def _refresh_deadlines(args: argparse.Namespace) -> int:
    from zhifa.cases.models import Case
    from zhifa.cases.services import case_refresh_deadlines

    done = failed = 0
    for case in Case.objects.exclude(state__in=["closed", "dismissed"]).only("pk").iterator(chunk_size=2000):
        try:
            case_refresh_deadlines(case=case)
            done += 1
        except DomainError as e:
            failed += 1
            print(f"案件 {case.pk}：{e.message}")
    print(f"已重算 {done} 件，失败 {failed} 件")
    return 1 if failed else 0
