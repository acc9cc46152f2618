"""Export of closed off-site overload cases in the fixed format of ``zhifa.offsite.export_format``
(docs/offsite-export-format.md), for the provincial overload network and the 第四十四条 report.

The export carries personal data the 第四十四条 report requires (the driver's name and 从业资格证号),
so it is limited to officers and heads of the jurisdiction and every export is audited (who, the
period, the number of rows and the SHA-256 of the file). From the command line (operators on the
server) it runs without a user, over every agency, or as ``--user`` within that user's jurisdiction.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError, PermissionDenied
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.offsite import export_format as fmt

EXPORT_ROLES = ("officer", "head")


def _decision_text(case) -> str:
    p = case.decided_penalty or {}
    sanctions = p.get("sanctions") or []
    parts = []
    if "warning" in sanctions:
        parts.append("警告")
    if case.fine_yuan:
        parts.append(f"罚款{case.fine_yuan}元")
    return "、".join(parts) or "—"


def _decision_numbers(case_ids: list[int]) -> dict[int, str]:
    """The 文号 of each case's issued 行政处罚决定书 (documents app), the latest one when corrected."""
    try:
        from zhifa.documents.models import Document
    except ImportError:  # pragma: no cover - the documents app is part of the platform
        return {}
    rows = (
        Document.objects.filter(case_id__in=case_ids, document_type="penalty_decision", status="issued")
        .exclude(number="")
        .order_by("case_id", "issued_at")
        .values_list("case_id", "number")
    )
    return dict(rows)


def export_rows(*, date_from: date, date_to: date, agency_ids=None) -> list[dict[str, Any]]:
    """The rows of closed off-site cases closed in [date_from, date_to] (report tasks hold the day)."""
    from zhifa.offsite.models import Passage, ReportTask

    if date_to < date_from:
        raise DomainError("offsite.bad_period", "结束日期不能早于开始日期", "date_to")
    tasks = (
        ReportTask.objects.filter(closed_on__range=(date_from, date_to), case__state="closed")
        .select_related(
            "case__agency",
            "case__vehicle__owner_enterprise",
            "case__driver__person",
            "case__driver__employer",
            "event__station",
            "event__cargo_source__enterprise",
        )
        .prefetch_related(
            Prefetch("event__passages", queryset=Passage.objects.filter(worst=True).only("id", "event_id", "passed_at"))
        )
        .order_by("closed_on", "case_id")
    )
    if agency_ids is not None:
        tasks = tasks.filter(case__agency_id__in=agency_ids)
    tasks = list(tasks)
    decision_numbers = _decision_numbers([t.case_id for t in tasks])
    out = []
    for t in tasks:
        case, ev = t.case, t.event
        vehicle, driver = case.vehicle, case.driver
        owner_ent = vehicle.owner_enterprise if vehicle else None
        source = getattr(ev, "cargo_source", None)
        worst = next(iter(ev.passages.all()), None)
        out.append(
            {
                "event_key": ev.event_key,
                "case_number": case.number or f"#{case.pk}",
                "decision_no": decision_numbers.get(case.pk),
                "deciding_agency": case.agency.name,
                "decided_on": case.decided_on,
                "decision": _decision_text(case),
                "fine_yuan": case.fine_yuan,
                "closed_on": t.closed_on,
                "plate": ev.plate,
                "plate_color": ev.plate_color or None,
                "vehicle_kind": (vehicle.kind if vehicle else None),
                "axles": ev.axles,
                "vehicle_enterprise": owner_ent.name if owner_ent else None,
                "vehicle_enterprise_uscc": owner_ent.uscc if owner_ent else None,
                "transport_cert_no": (vehicle.transport_cert_no or None) if vehicle else None,
                "owner": case.party_name,
                "driver_name": driver.person.name if driver else None,
                "driver_qualification_no": (driver.qualification_no or None) if driver else None,
                "driver_enterprise": driver.employer.name if driver and driver.employer else None,
                "cargo_source": f"{source.site_name}（{source.enterprise.name}）" if source else None,
                "cargo_source_uscc": source.enterprise.uscc if source else None,
                "loading_bill": getattr(ev, "loading_bill", "") or None,
                "passed_at": worst.passed_at if worst else ev.first_passed_at,
                "station_code": ev.station.code,
                "station_name": ev.station.name,
                "road": ev.station.road or None,
                "stake": ev.station.stake or None,
                "gross_kg": ev.gross_kg,
                "limit_kg": ev.limit_kg,
                "over_kg": ev.over_kg or 0,
                "passage_count": ev.passage_count,
                "recipient": t.recipient or None,
                "report_due_on": t.due_on,
            }
        )
    return out


def export_closed_cases(*, actor, date_from: date, date_to: date) -> tuple[bytes, int]:
    """The export file (bytes) and its row count, scoped to ``actor`` (None: the operator, all agencies)."""
    from zhifa.offsite.services.reports import report_tasks_sync

    agency_ids = None
    if actor is not None:
        officer = officer_of(actor)
        if officer is None or not officer.has_role(*EXPORT_ROLES):
            raise PermissionDenied("permission.role_required", "导出需要执法人员或负责人权限")
        agency_ids = visible_agency_ids(actor)
    report_tasks_sync(actor=actor, agency_ids=agency_ids)
    rows = export_rows(date_from=date_from, date_to=date_to, agency_ids=agency_ids)
    data = fmt.to_bytes(rows)
    with transaction.atomic():
        audit_record(
            actor=actor,
            event_code="offsite.cases_exported",
            object_type="offsite.export",
            object_repr=f"超限案件导出 {date_from}～{date_to}",
            agency=officer_of(actor).agency_id if actor is not None else None,
            after={
                "format": fmt.FORMAT_VERSION,
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "rows": len(rows),
                "sha256": hashlib.sha256(data).hexdigest(),
                "cases": [r["case_number"] for r in rows][:1000],
            },
        )
    return data, len(rows)
