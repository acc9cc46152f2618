"""Between the models and the pure procedure core: snapshots in, column values out.

:func:`case_snapshot` builds the :class:`~zhifa.cases.workflow.CaseSnapshot` the guards read from a
:class:`~zhifa.cases.models.Case` (with its officers, payments and open 先行登记保存);
:func:`actor_snapshot` builds the actor; :func:`columns_for` turns a transition's ``changes`` into
the column values to write. Penalties are stored as JSON ``{"sanctions": [...], "fine_yuan": n,
"confiscation_yuan": n}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from zhifa.agencies.models import Agency, Officer
from zhifa.cases.choices_pure import PartyKind, Procedure, Role, State
from zhifa.cases.workflow import (
    DEFAULT_POLICY,
    ActorSnapshot,
    CaseSnapshot,
    Instalment,
    Licence,
    OfficerSnapshot,
    Payment,
    Penalty,
    Period,
    ProcedurePolicy,
)
from zhifa.core.permissions import visible_agency_ids

# snapshot fields kept in rows of their own rather than in columns of Case
ROW_FIELDS = frozenset({"payments", "open_preservations"})


def penalty_to_json(p: Penalty | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "sanctions": sorted(str(s) for s in p.sanctions),
        "fine_yuan": p.fine_yuan,
        "confiscation_yuan": p.confiscation_yuan,
    }


def penalty_from_json(data: dict[str, Any] | None) -> Penalty | None:
    if not data:
        return None
    return Penalty(
        frozenset(data.get("sanctions") or ()),
        fine_yuan=int(data.get("fine_yuan") or 0),
        confiscation_yuan=int(data.get("confiscation_yuan") or 0),
    )


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def licence_of(officer: Officer) -> Licence | None:
    if officer.licence_no and officer.licence_valid_from and officer.licence_valid_to:
        return Licence(officer.licence_no, officer.licence_valid_from, officer.licence_valid_to)
    return None


def policy_for(agency: Agency) -> ProcedurePolicy:
    """The procedure parameters of the agency's jurisdiction.

    Every province uses the documented defaults (docs/procedure.md) until its own 较大数额 and review
    catalogue are entered; the province code is recorded so the audit shows which policy applied.
    """
    from dataclasses import replace

    return replace(DEFAULT_POLICY, jurisdiction=agency.province_code)


def case_snapshot(case) -> CaseSnapshot:
    """The snapshot of ``case``; reads ``case_officers`` (with officers), ``payments`` and ``preservations``
    through the prefetch cache when there is one."""
    officers = tuple(
        OfficerSnapshot(str(link.officer_id), licence_of(link.officer)) for link in case.case_officers.all()
    )
    payments = tuple(Payment(p.paid_on, p.amount_yuan) for p in case.payments.all())
    open_preservations = tuple(sorted(p.preserved_on for p in case.preservations.all() if p.resolved_on is None))
    return CaseSnapshot(
        state=State(case.state),
        procedure=Procedure(case.procedure),
        party_kind=PartyKind(case.party_kind),
        agency_id=str(case.agency_id),
        version=case.version,
        officers=officers,
        business_activity=case.business_activity,
        filed_on=case.filed_on,
        extension_days=case.extension_days,
        suspensions=tuple(Period(_d(s), _d(e)) for s, e in case.suspensions),
        open_preservations=open_preservations,
        transferred_to=case.transferred_to or None,
        legal_review_flagged=case.legal_review_flagged,
        legal_review_passed=case.legal_review_passed,
        reviewed_penalty=penalty_from_json(case.reviewed_penalty),
        complex_or_major=case.complex_or_major,
        collective_discussion_done=case.collective_discussion_done,
        notified_penalty=penalty_from_json(case.notified_penalty),
        notified_on=case.notified_on,
        statement_made=case.statement_made,
        rights_waived=case.rights_waived,
        hearing_requested_on=case.hearing_requested_on,
        hearing_date=case.hearing_date,
        hearing_notice_on=case.hearing_notice_on,
        hearing_held=case.hearing_held,
        hearing_waived=case.hearing_waived,
        outcome=case.outcome or None,
        decided_penalty=penalty_from_json(case.decided_penalty),
        decided_on=case.decided_on,
        served_on=case.served_on,
        decision_revoked=case.decision_revoked,
        summary_copy_filed_on=case.summary_copy_filed_on,
        payments=payments,
        deferral_until=case.deferral_until,
        instalments=tuple(Instalment(date.fromisoformat(d), int(y)) for d, y in case.instalments),
        surcharge_waived_yuan=case.surcharge_waived_yuan,
        demand_served_on=case.demand_served_on,
        court_applied_on=case.court_applied_on,
        suspended_from=State(case.suspended_from) if case.suspended_from else None,
        closed_from=State(case.closed_from) if case.closed_from else None,
    )


def actor_snapshot(user, officer: Officer) -> ActorSnapshot:
    roles = frozenset(Role(r) for r in officer.role_codes if r in Role._value2member_map_)
    return ActorSnapshot(
        officer_id=str(officer.pk),
        roles=roles,
        jurisdiction=frozenset(str(i) for i in visible_agency_ids(user)),
        licence=licence_of(officer),
    )


def column_value(name: str, value: Any) -> Any:
    """The column value for snapshot field ``name``."""
    if name in {"notified_penalty", "reviewed_penalty", "decided_penalty"}:
        return penalty_to_json(value)
    if name == "suspensions":
        return [[p.start.isoformat(), p.end.isoformat() if p.end else None] for p in value]
    if name == "instalments":
        return [[i.due.isoformat(), i.amount_yuan] for i in value]
    if name in {"outcome", "suspended_from", "closed_from", "transferred_to"}:
        return str(value) if value is not None else ""
    return value


def columns_for(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: column_value(name, value) for name, value in changes.items() if name not in ROW_FIELDS}


def jsonable(value: Any) -> Any:
    """Parameters and changes as JSON for the audit trail and ``Case.records``."""
    if isinstance(value, Penalty):
        return penalty_to_json(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Payment):
        return {"paid_on": value.paid_on.isoformat(), "amount_yuan": value.amount_yuan}
    if isinstance(value, Instalment):
        return {"due": value.due.isoformat(), "amount_yuan": value.amount_yuan}
    if isinstance(value, Period):
        return {"start": value.start.isoformat(), "end": value.end.isoformat() if value.end else None}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, str):  # StrEnum members too
        return str(value)
    return value
