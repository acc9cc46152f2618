"""The demo's dates are coherent: every case's dates follow the procedure (inspection = violation day,
records and evidence in the investigation, notice before decision, hearing notice seven working days
ahead, decision within the period, service and payment after it), and the demo holds the records
(site and inquiry records on most investigated cases, a held hearing with its record, correction orders)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from django.utils import timezone

from zhifa.cases import deadlines as dl
from zhifa.cases.models import Case, CorrectionOrder, Hearing, InquiryRecord, SiteRecord
from zhifa.core.calendar import get_calendar

#: the order in which the procedure's actions happen (an action's day is never before an earlier one's)
ORDER = (
    "request_filing",
    "file",
    "start_investigation",
    "submit_for_review",
    "notify",
    "waive_rights",
    "request_hearing",
    "schedule_hearing",
    "record_hearing",
    "record_legal_review",
    "record_collective_discussion",
    "decide",
    "decide_on_the_spot",
    "collect_on_the_spot",
    "serve",
    "file_summary_copy",
    "start_enforcement",
    "send_demand",
    "record_payment",
    "close",
)


def _on(case: Case, action: str) -> date | None:
    value = (case.records or {}).get(action, {}).get("on")
    return date.fromisoformat(value) if value else None


def _day(dt) -> date:
    return timezone.localtime(dt).date()


def problems_of(case: Case, calendar) -> list[str]:
    out: list[str] = []
    v = case.violation_date

    def need(ok: bool, text: str) -> None:
        if not ok:
            out.append(f"{case.external_ref} {case.state}: {text}")

    need(str(v) in case.summary, f"案情摘要的检查日期与违法行为发生日{v}不一致")
    days = [(a, _on(case, a)) for a in ORDER if _on(case, a)]
    for (a, da), (b, db) in pairwise(days):
        need(da <= db, f"{a}（{da}）晚于{b}（{db}）")
    need(all(d >= v for _, d in days), "有办案操作早于违法行为发生日")
    end = case.decided_on
    for ev in case.evidence.all():
        need(_day(ev.collected_at) >= v, f"证据{ev.seq}收集于违法行为发生日之前")
        need(end is None or _day(ev.collected_at) <= end, f"证据{ev.seq}收集于决定之后")
    investigation = _on(case, "start_investigation")
    for r in case.site_records.all():
        need(_day(r.started_at) >= v and (end is None or _day(r.ended_at) <= end), f"现场笔录{r.seq}日期")
        need(case.filed_on is None or _day(r.started_at) <= case.filed_on, f"现场笔录{r.seq}应在检查时制作")
    for r in case.inquiries.all():
        need(investigation is not None and _day(r.started_at) >= investigation, f"询问笔录{r.seq}早于调查")
        need(end is None or _day(r.ended_at) <= end, f"询问笔录{r.seq}晚于决定")
    for r in case.correction_orders.all():
        need(case.filed_on is not None and r.issued_on >= case.filed_on, f"责令改正{r.seq}早于立案")
        need(r.deadline is None or r.deadline >= r.issued_on, f"责令改正{r.seq}期限早于责令日期")
    if case.filed_on:
        need(case.filed_on >= v, "立案早于违法行为发生日")
        if end and case.procedure == "general":
            due = dl.compute("decision", case.filed_on, calendar=calendar, extension_days=case.extension_days).due
            need(end <= due, f"决定（{end}）超过办案期限（{due}）")
    if case.notified_on and end and case.procedure == "general":
        need(case.notified_on <= end, "告知晚于决定")
    if case.served_on:
        need(end is not None and case.served_on >= end, "送达早于决定")
        for p in case.payments.all():
            need(p.paid_on >= case.served_on or p.on_the_spot, "缴款早于送达")
    h = getattr(case, "hearing", None)
    if h is not None:
        need(case.notified_on is not None and h.requested_on >= case.notified_on, "听证申请早于告知")
        latest = dl.compute("hearing_notice", case.hearing_date, calendar=calendar).due
        need(h.notice_on <= latest, f"听证通知（{h.notice_on}）不足七个工作日（最迟{latest}）")
        need(_day(h.hearing_at) == case.hearing_date, "听证时间与听证日期不一致")
        if h.held:
            need(h.recorded_on == case.hearing_date and (end is None or case.hearing_date <= end), "听证记录日期")
    return out


@pytest.mark.django_db(transaction=True)
def test_demo_dates_are_coherent_and_the_records_are_there(settings, tmp_path):
    from zhifa.demo import load_demo

    settings.MEDIA_ROOT = tmp_path
    load_demo(scale="small", seed=5, verbose=False)
    calendar = get_calendar()
    cases = list(
        Case.objects.filter(external_ref__startswith="demo:")
        .prefetch_related("evidence", "site_records", "inquiries", "correction_orders", "payments")
        .select_related("hearing")
    )
    assert cases
    problems = [p for c in cases for p in problems_of(c, calendar)]
    assert problems == []
    investigated = [c for c in cases if _on(c, "start_investigation")]
    both = [c for c in investigated if c.inquiries.all() and c.site_records.all()]
    assert len(investigated) >= 20 and len(cases) >= 40
    assert len(both) >= 0.8 * len(investigated)
    held = Hearing.objects.filter(held=True, case__state="decided")
    assert held.exists() and all(h.party_arguments and h.weighing for h in held)
    assert CorrectionOrder.objects.exists()
    assert InquiryRecord.objects.filter(frozen_at__isnull=False).exists()
    assert SiteRecord.objects.filter(frozen_at__isnull=True).exists()
