"""/api/v1/offsite (review part): the review queue and event detail, confirm / reject / resolve vehicle
(with the version seen), 一超四罚, report tasks, the export file and the chart data.

Added to the off-site router by ``zhifa.offsite.api``. Errors are the project's ``{code, message,
field}``: 404 outside the jurisdiction, 409 on a version conflict, 403 for a missing role.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from zhifa.offsite.selectors_review import (
    STATUS_LABELS,
    chart_station_days,
    chart_top_offenders,
    event_get,
    event_passages,
    event_trace,
    fourfold_report,
    report_badge,
    report_tasks,
    review_queue,
)
from zhifa.offsite.services.export import export_closed_cases
from zhifa.offsite.services.reports import report_task_mark_sent
from zhifa.offsite.services.review import event_confirm, event_reject, event_reopen, event_resolve_vehicle

router = Router(tags=["非现场执法：审核、一超四罚、抄告"])


class ConfirmIn(Schema):
    version: int
    note: str = ""
    driver: int | None = None
    cargo_source: int | None = None
    loading_bill: str = ""
    officers: list[int] = []


class RejectIn(Schema):
    version: int
    reason: str


class VehicleIn(Schema):
    version: int
    vehicle: int | None = None
    new_vehicle: dict[str, Any] | None = None


class SentIn(Schema):
    reference: str
    sent_on: date | None = None
    version: int | None = None


def _event_row(e) -> dict[str, Any]:
    return {
        "id": e.pk,
        "event_key": e.event_key,
        "status": e.status,
        "status_label": STATUS_LABELS.get(e.status, e.status),
        "version": e.version,
        "plate": e.plate,
        "plate_color": e.plate_color,
        "station": e.station.code,
        "first_passed_at": e.first_passed_at.isoformat(),
        "last_passed_at": e.last_passed_at.isoformat(),
        "passage_count": e.passage_count,
        "axles": e.axles,
        "gross_kg": e.gross_kg,
        "limit_kg": e.limit_kg,
        "over_kg": e.over_kg,
        "outcome": e.outcome,
        "fine_yuan": e.fine_yuan,
        "vehicle": e.vehicle_id,
        "owner": (e.owner_enterprise.name if e.owner_enterprise else e.owner_person.name if e.owner_person else None),
        "case": e.case_id,
        # set when a certificate or device recorded or revoked after the review changed the evidence
        "evidence_changed_at": e.evidence_changed_at.isoformat() if e.evidence_changed_at else None,
    }


@router.get("/review/events", summary="超限事件审核队列（按状态、站点、车牌、日期筛选）")
def list_events(
    request,
    status: str = "pending_review",
    station: int | None = None,
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    outcome: str = "",
    order: str = "new",
    page: int = 1,
    page_size: int = 50,
):
    qs = review_queue(
        user=request.user,
        status=status,
        station=station,
        q=q,
        date_from=date_from,
        date_to=date_to,
        outcome=outcome,
        order=order,
    )
    size = min(max(page_size, 1), 200)
    start = (max(page, 1) - 1) * size
    rows = list(qs[start : start + size + 1])
    return {"page": max(page, 1), "has_next": len(rows) > size, "results": [_event_row(e) for e in rows[:size]]}


@router.get("/review/events/{pk}", summary="超限事件详情：过车记录、设备检定、图像、裁量")
def get_event(request, pk: int):
    e = event_get(user=request.user, pk=pk)
    passages = event_passages(e)
    out = _event_row(e)
    out["passages"] = [
        {
            "record_id": p.record_id,
            "station": p.station.code,
            "lane": p.lane,
            "passed_at": p.passed_at.isoformat(),
            "axles": p.axles,
            "gross_kg": p.gross_kg,
            "limit_kg": p.limit_kg,
            "over_kg": p.over_kg,
            "length_mm": p.length_mm,
            "width_mm": p.width_mm,
            "height_mm": p.height_mm,
            "worst": p.worst,
            "evidence_usable": p.evidence_usable and p.calibration is not None,
            "device": p.device.serial if p.device else None,
            "certificate": (
                {
                    "no": p.calibration.certificate_no,
                    "issuer": p.calibration.issuer,
                    "valid_from": p.calibration.valid_from.isoformat(),
                    "valid_to": p.calibration.valid_to.isoformat() if p.calibration.valid_to else None,
                    "accuracy_class": p.calibration.accuracy_class,
                }
                if p.calibration
                else None
            ),
            "images": p.images or [],
        }
        for p in passages
    ]
    out["evidence_changes"] = e.evidence_changes.splitlines()
    out["proposal"] = event_trace(e, passages) if e.status in ("pending_review", "vehicle_unknown") else None
    return out


@router.post("/review/events/{pk}/confirm", summary="审核确认：登记非现场案件并提请立案（带版本号）")
def confirm_event(request, pk: int, payload: ConfirmIn):
    r = event_confirm(actor=request.user, event=pk, **payload.dict())
    return {"event": _event_row(event_get(user=request.user, pk=pk)), "case": r.case.pk, "warnings": list(r.warnings)}


@router.post("/review/events/{pk}/reject", summary="驳回超限事件（须说明理由；带版本号）")
def reject_event(request, pk: int, payload: RejectIn):
    event_reject(actor=request.user, event=pk, reason=payload.reason, version=payload.version)
    return _event_row(event_get(user=request.user, pk=pk))


@router.post("/review/events/{pk}/reopen", summary="已驳回事件重新审核（须说明理由；带版本号；按现有通行记录重新计算）")
def reopen_event(request, pk: int, payload: RejectIn):
    event_reopen(actor=request.user, event=pk, reason=payload.reason, version=payload.version)
    return _event_row(event_get(user=request.user, pk=pk))


@router.post("/review/events/{pk}/vehicle", summary="确认车辆（选择已登记车辆或登记新车辆；带版本号）")
def resolve_vehicle(request, pk: int, payload: VehicleIn):
    event_resolve_vehicle(
        actor=request.user, event=pk, vehicle=payload.vehicle, new_vehicle=payload.new_vehicle, version=payload.version
    )
    return _event_row(event_get(user=request.user, pk=pk))


@router.get("/fourfold", summary="一超四罚：车辆、驾驶人、企业、货运源头单位的滚动计数与处理建议")
def fourfold(request, on: date | None = None, crossing_only: bool = True):
    today = timezone.localdate()
    page = fourfold_report(user=request.user, ref=min(on or today, today))
    rep = page.report
    out: dict[str, Any] = {
        "from": rep.start.isoformat(),
        "to": rep.ref.isoformat(),
        "basis": rep.counting.basis,
        "count_date": page.count_date,
        "window_months": rep.counting.window_months,
    }
    for key, tallies in rep.by_subject().items():
        out[key] = [
            {
                "id": t.subject_id,
                "name": page.names[key].get(t.subject_id),
                "count": t.count,
                "pending": t.pending,
                "fleet": t.fleet,
                "crosses": t.crosses,
                "proposal": (
                    {
                        "item": t.proposal.item,
                        "label": t.proposal.label,
                        "sanctions": list(t.proposal.sanctions),
                        "basis": list(t.proposal.basis),
                    }
                    if t.proposal
                    else None
                ),
                "cases": [
                    {"id": c.case_id, "number": c.case_number, "on": c.on.isoformat(), "decided": c.decided}
                    for c in t.cases
                ],
            }
            for t in tallies
            if t.crosses or not crossing_only
        ]
    return out


@router.get("/report-tasks", summary="第四十四条抄告任务（待抄告、已抄告）")
def list_report_tasks(request, status: str = "due", q: str = "", limit: int = 100):
    today = timezone.localdate()
    rows = report_tasks(user=request.user, status=status, q=q)[: min(max(limit, 1), 500)]
    return [
        {
            "id": t.pk,
            "case": t.case_id,
            "case_number": t.case.number,
            "event": t.event_id,
            "plate": t.event.plate,
            "recipient": t.recipient,
            "closed_on": t.closed_on.isoformat() if t.closed_on else None,
            "due_on": t.due_on.isoformat(),
            "status": t.status,
            "badge": report_badge(t, today)[1],
            "overdue": t.status == "due" and t.due_on < today,
            "sent_on": t.sent_on.isoformat() if t.sent_on else None,
            "reference": t.reference,
            "version": t.version,
        }
        for t in rows
    ]


@router.post("/report-tasks/{pk}/sent", summary="标记已抄告（回执编号必填）")
def mark_sent(request, pk: int, payload: SentIn):
    t = report_task_mark_sent(
        actor=request.user, task=pk, reference=payload.reference, sent_on=payload.sent_on, version=payload.version
    )
    return {"id": t.pk, "status": t.status, "sent_on": t.sent_on.isoformat(), "reference": t.reference}


@router.get("/export", summary="导出已结案的超限案件（固定格式 CSV，见 docs/offsite-export-format.md）")
def export(request, date_from: date, date_to: date):
    data, n = export_closed_cases(actor=request.user, date_from=date_from, date_to=date_to)
    resp = HttpResponse(data, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="offsite-closed-{date_from}-{date_to}.csv"'
    resp["X-Rows"] = str(n)
    return resp


@router.get("/charts/stations", summary="各站点每日超限率（来自站点日统计）")
def charts_stations(request, days: int = 30):
    return chart_station_days(user=request.user, days=days)


@router.get("/charts/top", summary="近12个月超限次数最多的车辆和企业")
def charts_top(request, limit: int = 10):
    return chart_top_offenders(user=request.user, limit=limit)
