"""超限运输车辆行驶公路管理规定 第四十四条: the report (抄告) of a dealt-with overload case to the
vehicle's registration place.

"公路管理机构在违法超限运输案件处理完毕后7个工作日内，应当将与案件相关的下列信息通过车辆超限管理
信息系统抄告车籍所在地道路运输管理机构" — the period starts when the case is **closed** (结案, the
case procedure's last act: 处理完毕) and runs 7 working days on the working-day calendar
(``zhifa.core.calendar.get_calendar``: the closing day itself is not counted).

The cases app knows nothing of off-site events, so tasks are created by :func:`report_tasks_sync`,
which finds closed off-site cases without a task (idempotent; one audit row per batch). The task
list page, the export and the demo call it; ``zhifa offsite report-tasks`` runs it from cron.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhifa.core.audit import audit_record
from zhifa.core.calendar import get_calendar
from zhifa.core.errors import ConflictError, DomainError, NotFound
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.offsite.homeagency import recipient_for

REPORT_WORKING_DAYS = 7
WRITER_ROLES = ("officer", "head")


def closed_on(case) -> date | None:
    """The day the case was closed (the ``close`` action's record)."""
    rec = (case.records or {}).get("close") or {}
    try:
        return date.fromisoformat(rec["on"])
    except (KeyError, TypeError, ValueError):
        return None


def report_tasks_sync(*, actor=None, agency_ids=None) -> int:
    """Create the missing report tasks of closed off-site cases (all, or those of ``agency_ids``).
    Returns the number created."""
    from zhifa.offsite.models import OverloadEvent, ReportTask

    events = (
        OverloadEvent.objects.filter(case__state="closed", report_tasks__isnull=True)
        .select_related("case")
        .order_by("id")
    )
    if agency_ids is not None:
        events = events.filter(case__agency_id__in=agency_ids)
    events = list(events[:5000])
    if not events:
        return 0
    cal = get_calendar()
    rows = []
    for ev in events:
        day = closed_on(ev.case) or timezone.localdate()
        rows.append(
            ReportTask(
                case=ev.case,
                event=ev,
                recipient=recipient_for(ev.plate) or "（号牌无法确定车籍地，请人工填写）",
                due_on=cal.add_working_days(day, REPORT_WORKING_DAYS),
                closed_on=day,
                status="due",
            )
        )
    with transaction.atomic():
        created = ReportTask.objects.bulk_create(rows, ignore_conflicts=True)
        audit_record(
            actor=actor,
            event_code="offsite.report_tasks_created",
            object_type="offsite.reporttask",
            object_repr=f"第四十四条抄告任务 {len(rows)} 项",
            after={"cases": [r.case_id for r in rows], "count": len(rows)},
        )
    return len(created)


def report_task_mark_sent(*, actor, task, reference: str, sent_on: date | None = None, version: int | None = None):
    """Record that the report was sent (through the overload information system), with its reference."""
    from zhifa.offsite.models import ReportTask

    officer = officer_of(actor)
    if officer is None or not officer.has_role(*WRITER_ROLES):
        from zhifa.core.errors import PermissionDenied

        raise PermissionDenied("permission.role_required", "该操作需要执法人员或负责人权限")
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("offsite.reference_required", "请填写抄告的文号或系统回执编号", "reference")
    sent_on = sent_on or timezone.localdate()
    if sent_on > timezone.localdate():
        raise DomainError("offsite.invalid_date", "抄告日期不能晚于今天", "sent_on")
    pk = getattr(task, "pk", task)
    with transaction.atomic():
        obj = (
            ReportTask.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(pk=pk, case__agency_id__in=visible_agency_ids(actor))
            .first()
        )
        if obj is None:
            raise NotFound("抄告任务")
        if version is not None and int(version) != obj.version:
            raise ConflictError("offsite.version_conflict", "该抄告任务已被他人更新，请刷新后重试", "version")
        if obj.status == "sent":
            raise ConflictError("offsite.already_sent", f"该任务已于{obj.sent_on}标记为已抄告", "status")
        if obj.closed_on and sent_on < obj.closed_on:
            raise DomainError("offsite.invalid_date", "抄告日期不能早于结案日期", "sent_on")
        ReportTask.objects.filter(pk=obj.pk).update(
            status="sent", sent_on=sent_on, sent_by=officer, reference=reference[:100], version=F("version") + 1
        )
        obj.refresh_from_db()
        audit_record(
            actor=actor,
            event_code="offsite.report_sent",
            obj=obj,
            agency=obj.case.agency_id,
            before={"status": "due"},
            after={
                "status": "sent",
                "sent_on": sent_on.isoformat(),
                "reference": obj.reference,
                "recipient": obj.recipient,
                "late": sent_on > obj.due_on,
            },
        )
    return obj
