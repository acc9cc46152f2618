"""How a case is shown to the API and the command line (plain JSON-able dicts).

The party appears by name (as registered on the case); personal identifiers are never part of these
views (the case team reads them through ``parties.services.person_reveal``, which audits each read).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from zhifa.cases.choices import STATE_BADGE, CaseProcedure, CaseState, EvidenceKind, PartyKind
from zhifa.cases.selectors import current_record, deadline_panel, list_badge, money_position


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def case_row(case, today: date) -> dict[str, Any]:
    b = list_badge(case, today)
    return {
        "id": case.pk,
        "number": case.number,
        "display_number": case.display_number,
        "state": case.state,
        "state_label": CaseState(case.state).label,
        "procedure": case.procedure,
        "item": case.item_code,
        "item_name": case.item_name,
        "party": case.party_name,
        "party_kind": case.party_kind,
        "plate": case.plate,
        "agency": case.agency.name,
        "fine_yuan": case.fine_yuan,
        "violation_date": _iso(case.violation_date),
        "filed_on": _iso(case.filed_on),
        "decided_on": _iso(case.decided_on),
        "next_due": _iso(case.next_due),
        "next_due_rule": case.next_due_rule or None,
        "overdue": bool(case.next_due and case.next_due < today),
        "deadline_badge": b.text if b else None,
        "officers": [link.officer.name for link in case.case_officers.all()],
        "version": case.version,
    }


def _penalty(data: dict | None) -> dict | None:
    if not data:
        return None
    from zhifa.cases.choices import SanctionKind

    return {**data, "sanction_labels": [SanctionKind(s).label for s in data.get("sanctions", [])]}


def evidence_row(ev) -> dict[str, Any]:
    return {
        "id": ev.pk,
        "seq": ev.seq,
        "kind": ev.kind,
        "kind_label": EvidenceKind(ev.kind).label,
        "title": ev.title,
        "description": ev.description,
        "sha256": ev.sha256,
        "size": ev.size,
        "content_type": ev.content_type,
        "collected_at": ev.collected_at.isoformat(),
        "collected_place": ev.collected_place,
        "collected_by": ev.collected_by.name,
        "frozen": ev.frozen_at is not None,
        "integrity_ok": ev.integrity_ok,
        "download": f"/api/v1/cases/{ev.case_id}/evidence/{ev.pk}/file",
    }


def record_dict(record) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "id": record.pk,
        "item_code": record.item_code,
        "catalog_version": record.catalog_version,
        "outcome": record.engine_outcome,
        "fine_yuan": {
            "min": record.fine_min_yuan,
            "max": record.fine_max_yuan,
            "proposed": record.proposed_fine_yuan,
            "chosen": record.chosen_fine_yuan,
        },
        "deviation_reason": record.deviation_reason or None,
        "sanctions": record.sanctions,
        "trace": [step.get("result") for step in record.decision.get("trace", [])],
        "basis": [p.get("citation") for p in record.decision.get("basis", [])],
        "created_at": record.created_at.isoformat(),
    }


def deadlines_list(case, today: date) -> list[dict[str, Any]]:
    panel = deadline_panel(case, today)
    out = []
    for status, views in (("running", panel["running"]), ("noted", panel["noted"]), ("closed", panel["closed"])):
        for v in views:
            out.append(
                {
                    "rule": v.row.rule,
                    "label": v.row.label,
                    "start": _iso(v.row.start),
                    "due": _iso(v.row.due),
                    "counting": v.row.counting,
                    "basis": v.row.basis,
                    "status": status,
                    "badge": v.badge.text if v.badge else None,
                    "overdue": bool(v.badge and v.badge.overdue),
                }
            )
    return out


def case_detail(case, today: date, actions=None) -> dict[str, Any]:
    owed = money_position(case, today)
    data = case_row_detail(case, today)
    data.update(
        procedure_label=CaseProcedure(case.procedure).label,
        party_kind_label=PartyKind(case.party_kind).label,
        badge=STATE_BADGE[case.state],
        violation_place=case.violation_place,
        summary=case.summary,
        facts=case.facts,
        source=case.source,
        notified_penalty=_penalty(case.notified_penalty),
        decided_penalty=_penalty(case.decided_penalty),
        outcome=case.outcome or None,
        notified_on=_iso(case.notified_on),
        served_on=_iso(case.served_on),
        transferred_to=case.transferred_to or None,
        records=case.records,
        officers=[
            {"id": link.officer_id, "name": link.officer.name, "role": link.role, "licence_no": link.officer.licence_no}
            for link in case.case_officers.all()
        ],
        deadlines=deadlines_list(case, today),
        evidence=[evidence_row(ev) for ev in case.evidence.all()],
        preservations=[
            {
                "preserved_on": _iso(p.preserved_on),
                "due": _iso(p.due),
                "items": p.items,
                "approved_by": p.approved_by,
                "resolved_on": _iso(p.resolved_on),
                "resolution": p.resolution or None,
            }
            for p in case.preservations.all()
        ],
        payments=[{"paid_on": _iso(p.paid_on), "amount_yuan": p.amount_yuan} for p in case.payments.all()],
        owed=None
        if owed is None
        else {
            "fine_yuan": owed.fine_yuan,
            "paid_yuan": owed.paid_yuan,
            "surcharge_yuan": owed.surcharge_yuan,
            "outstanding_yuan": owed.total_outstanding_yuan,
        },
        assessment=record_dict(current_record(case)),
    )
    if actions is not None:
        data["actions"] = [
            {
                "action": str(o.action),
                "label": o.label,
                "available": o.available,
                "blocked_code": o.blocked_code,
                "blocked_message": o.blocked_message,
                "needs_reason": o.needs_reason,
            }
            for o in actions
        ]
    return data


def case_row_detail(case, today: date) -> dict[str, Any]:
    row = case_row(case, today)
    row.pop("deadline_badge")
    return row


# ---------------------------------------------------------------------------------------------------
# the records of a case (询问笔录、现场笔录、听证、责令改正)


def _when(value) -> str | None:
    from django.utils import timezone

    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def inquiry_row(r, *, team: bool) -> dict[str, Any]:
    """A 询问笔录. Identifiers of the person asked are always masked here (the documents carry them);
    outside the case team the name is masked too."""
    from zhifa.core.validators import mask_id_number, mask_name, mask_phone

    return {
        "seq": r.seq,
        "started_at": _when(r.started_at),
        "ended_at": _when(r.ended_at),
        "place": r.place,
        "interviewee": r.interviewee_name if team else mask_name(r.interviewee_name),
        "interviewee_id_number": mask_id_number(r.interviewee_id_number) if r.interviewee_id_number else "",
        "interviewee_phone": mask_phone(r.interviewee_phone) if r.interviewee_phone else "",
        "relation": r.relation,
        "inquirer": {"name": r.inquirer.name, "licence_no": r.inquirer_licence},
        "recorder": {"name": r.recorder.name, "licence_no": r.recorder_licence},
        "qa": list(r.qa) if team else [],
        "confirmation": r.confirmation,
        "signed": r.signed,
        "refusal_note": r.refusal_note,
        "frozen": r.frozen_at is not None,
    }


def site_row(r) -> dict[str, Any]:
    return {
        "seq": r.seq,
        "started_at": _when(r.started_at),
        "ended_at": _when(r.ended_at),
        "place": r.place,
        "officers": [
            {"name": r.officer1.name, "licence_no": r.officer1_licence},
            {"name": r.officer2.name, "licence_no": r.officer2_licence},
        ],
        "present": r.present,
        "findings": r.findings,
        "measures": r.measures,
        "party_signed": r.party_signed,
        "refusal_note": r.refusal_note,
        "frozen": r.frozen_at is not None,
    }


def hearing_row(h) -> dict[str, Any] | None:
    if h is None:
        return None
    return {
        "requested_on": _iso(h.requested_on),
        "hearing_at": _when(h.hearing_at),
        "place": h.place,
        "host": h.host.name,
        "clerk": h.clerk.name if h.clerk_id else "",
        "public": h.public,
        "not_public_reason": h.not_public_reason,
        "notice_on": _iso(h.notice_on),
        "held": h.held,
        "absent": h.absent,
        "record_reference": h.record_reference,
        "participants": h.participants,
        "party_arguments": h.party_arguments,
        "weighing": h.weighing,
        "record_summary": h.record_summary,
        "recorded_on": _iso(h.recorded_on),
    }


def correction_row(r) -> dict[str, Any]:
    return {
        "seq": r.seq,
        "issued_on": _iso(r.issued_on),
        "requirement": r.requirement,
        "deadline": _iso(r.deadline),
        "basis": r.basis,
        "officer": r.officer.name,
        "frozen": r.frozen_at is not None,
    }


def case_records(case, *, team: bool) -> dict[str, Any]:
    return {
        "inquiries": [inquiry_row(r, team=team) for r in case.inquiries.all()],
        "site_records": [site_row(r) for r in case.site_records.all()],
        "hearing": hearing_row(getattr(case, "hearing", None)),
        "corrections": [correction_row(r) for r in case.correction_orders.all()],
    }
