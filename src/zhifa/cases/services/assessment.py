"""裁量: the catalog engine decides; the case keeps the Decision (trace, catalog version) and the amount.

:func:`case_assess` calls :func:`zhifa.catalog.engine.decide` with the case's item and facts and stores
a :class:`~zhifa.cases.models.DecisionRecord`. The officer takes the proposed amount, or another
amount inside the tier (the engine's ``fine_yuan.min``–``max``) with a written reason, which the
supervisors see. Notices and decisions must then carry exactly this penalty
(``case.penalty_differs_from_assessment``): to change an amount, assess again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from zhifa.agencies.choices import Role as AgencyRole
from zhifa.cases.choices_pure import SanctionKind
from zhifa.cases.models import DecisionRecord
from zhifa.cases.services.cases import (
    case_for_write,
    conditional_update,
    require_case_officer,
    require_licensed_officer,
    require_pre_decision,
    today_or,
)
from zhifa.cases.services.snapshot import policy_for
from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError

#: catalog sanction → the kind of administrative penalty in the case (行政处罚法 第9条). Orders to
#: correct and coercive measures are not penalties; they stay in the stored Decision.
ENGINE_SANCTIONS: dict[str, SanctionKind] = {
    "warning": SanctionKind.WARNING,
    "fine": SanctionKind.FINE,
    "confiscate_illegal_income": SanctionKind.CONFISCATE_INCOME,
    "confiscate_property": SanctionKind.CONFISCATE_PROPERTY,
    "confiscate_tolls": SanctionKind.CONFISCATE_INCOME,
    "suspend": SanctionKind.SUSPEND_BUSINESS,
    "revoke": SanctionKind.REVOKE_LICENCE,
}


def case_assess(
    *,
    actor,
    case,
    facts: dict[str, Any] | None = None,
    chosen_fine_yuan: int | None = None,
    reason: str = "",
    version: int | None = None,
    today: date | None = None,
) -> DecisionRecord:
    """Run the discretion engine for the case (with ``facts``, which replace the case's facts when
    given) and record the result and the chosen amount. Before the decision only; an assigned officer
    with a valid 执法证, or the head."""
    from zhifa.catalog.engine import decide

    today = today_or(today)
    obj = case_for_write(actor, case)
    officer = require_licensed_officer(actor, today) if not _is_head(actor) else _head(actor)
    require_case_officer(obj, officer)
    require_pre_decision(obj)
    with transaction.atomic():
        if facts is not None and not isinstance(facts, dict):
            raise DomainError("case.invalid_facts", "裁量事实格式无效", "facts")
        if facts is not None and dict(facts) != obj.facts:
            before = obj.facts
            conditional_update(obj, obj.version if version is None else version, facts=dict(facts))
            audit_record(
                actor=actor, event_code="case.updated", obj=obj, before={"facts": before}, after={"facts": obj.facts}
            )
        violation = obj.violation_date or today
        decision = decide(obj.item_code, obj.facts, violation, max(today, violation), obj.agency.region_code)
        data = decision.as_dict()
        sanctions = sorted({str(ENGINE_SANCTIONS[s]) for s in decision.sanctions if s in ENGINE_SANCTIONS})
        fine = decision.fine
        if SanctionKind.FINE not in sanctions or fine is None:
            if chosen_fine_yuan not in (None, 0):
                raise DomainError("case.amount_outside_tier", "裁量结论没有罚款，不能填写罚款金额", "chosen_fine_yuan")
            chosen = None
        else:
            chosen = fine.proposed if chosen_fine_yuan is None else chosen_fine_yuan
            if type(chosen) is not int:
                raise DomainError("case.invalid_amount", "罚款金额必须是以元为单位的整数", "chosen_fine_yuan")
            if chosen < max(fine.min, 1) or chosen > fine.max:
                raise DomainError(
                    "case.amount_outside_tier",
                    f"罚款金额须在裁量幅度{fine.min}元至{fine.max}元之内",
                    "chosen_fine_yuan",
                )
        reason = (reason or "").strip()
        deviates = fine is not None and chosen is not None and chosen != fine.proposed
        minimum = policy_for(obj.agency).reason_min_chars
        if deviates and len(reason) < minimum:
            raise DomainError(
                "case.deviation_reason_required",
                f"采用的金额（{chosen}元）不同于裁量建议金额（{fine.proposed}元），须书面说明理由（至少{minimum}个字）",
                "reason",
            )
        DecisionRecord.objects.filter(case=obj, current=True).update(current=False)
        record = DecisionRecord.objects.create(
            case=obj,
            current=True,
            item_code=decision.item,
            catalog_version=decision.catalog_version,
            engine_outcome=decision.outcome,
            severity=decision.severity or "",
            fine_min_yuan=fine.min if fine else None,
            fine_max_yuan=fine.max if fine else None,
            proposed_fine_yuan=fine.proposed if fine else None,
            chosen_fine_yuan=chosen,
            deviation_reason=reason if deviates else "",
            sanctions=sanctions,
            facts=data["facts"],
            decision=data,
            violation_date=decision.violation_date,
            decision_date=decision.decision_date,
            jurisdiction=decision.jurisdiction or "",
            created_by=actor,
        )
        audit_record(
            actor=actor,
            event_code="case.assessed",
            obj=obj,
            after={
                "record": record.pk,
                "item": decision.item,
                "catalog_version": decision.catalog_version,
                "outcome": decision.outcome,
                "fine_yuan": fine.as_dict() if fine else None,
                "chosen_fine_yuan": chosen,
                "sanctions": sanctions,
                "deviates": deviates,
            },
            reason=reason if deviates else "",
        )
    return record


def _is_head(actor) -> bool:
    from zhifa.core.permissions import officer_of

    officer = officer_of(actor)
    return officer is not None and officer.has_role(AgencyRole.HEAD)


def _head(actor):
    from zhifa.core.permissions import officer_of

    return officer_of(actor)
