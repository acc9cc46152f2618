"""The case procedure as a state machine with guards (pure: no Django).

The procedure is data: :data:`SPECS` holds one :class:`_Spec` per :class:`Action` (the states it may
start from, who may take it, whether it is an enforcement act needing a valid licence, the guards and
a planner that reads the parameters). Two functions answer the questions the services ask:

* :func:`allowed_actions` — what the actor may do in the case's current state, each option marked
  available or blocked with the reason code (for the buttons on the case page);
* :func:`check_transition` — check one action with its parameters; returns a :class:`Transition`
  (target state, audit event code, the fields to write, deadlines started, warnings) or raises
  :class:`~zhifa.core.errors.DomainError` with a stable code and a Chinese message.

:func:`apply` produces the next :class:`CaseSnapshot`, so a whole procedure can be walked and tested
without a database. Law: 《中华人民共和国行政处罚法》 (2021), 《中华人民共和国行政强制法》 and
《交通运输行政执法程序规定》; see docs/procedure.md for the table of states, actions and guards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from zhifa.cases import deadlines as dl
from zhifa.cases.choices_pure import (
    ACTION_LABELS,
    LOCKED_STATES,
    ROLE_LABELS,
    SANCTION_RANK,
    STATE_LABELS,
    Action,
    AmendmentKind,
    Outcome,
    PartyKind,
    Procedure,
    Role,
    SanctionKind,
    State,
)
from zhifa.core.errors import ConflictError, DomainError
from zhifa.core.workcal import WorkingCalendar

# ---------------------------------------------------------------------------------------------------
# Statutory constants (national law; not jurisdiction parameters)

#: 行政处罚法 第51条: on-the-spot fines up to 200 yuan for a person, 3,000 for an organisation.
SUMMARY_FINE_LIMIT_YUAN: Mapping[PartyKind, int] = MappingProxyType(
    {PartyKind.PERSON: 200, PartyKind.ORGANISATION: 3_000}
)
SUMMARY_SANCTIONS = frozenset({SanctionKind.WARNING, SanctionKind.FINE})
#: 行政处罚法 第68条第(一)项: fines up to 100 yuan may be collected on the spot.
ON_THE_SPOT_COLLECTION_LIMIT_YUAN = 100
#: 行政处罚法 第72条第1款第(一)项: 3% of the fine per day; 3% of one yuan is exactly 3 fen.
SURCHARGE_FEN_PER_YUAN_PER_DAY = 3
#: 行政处罚法 第42条.
MIN_OFFICERS = 2

#: 第63条: sanctions for which a hearing must always be offered ((三)(四), and (五) "其他较重的").
DEFAULT_HEARING_SANCTIONS = frozenset(
    {
        SanctionKind.DOWNGRADE_QUALIFICATION,
        SanctionKind.REVOKE_LICENCE,
        SanctionKind.SUSPEND_BUSINESS,
        SanctionKind.ORDER_CLOSURE,
        SanctionKind.RESTRICT_PRACTICE,
        SanctionKind.SUSPEND_LICENCE,
        SanctionKind.RESTRICT_ACTIVITY,
    }
)


# ---------------------------------------------------------------------------------------------------
# Parameters per jurisdiction


@dataclass(frozen=True)
class ProcedurePolicy:
    """Parameters a province (or the agency) sets; the defaults are documented in docs/procedure.md.

    The 较大数额 that triggers the hearing right (第63条) is set by each province and is not known
    for every province (FACTS-ADDENDUM §1(d)); the defaults are deliberately on the low side (a hearing
    offered when not required costs time; one not offered voids the penalty, 第38条) and above the
    on-the-spot limits, so a summary fine never needs a hearing.
    """

    jurisdiction: str = "default"
    large_amount_person_yuan: int = 2_000
    large_amount_organisation_yuan: int = 10_000
    # some provinces set a separate amount for violations in business activities (经营活动中的违法行为)
    large_amount_business_activity_yuan: int | None = None
    hearing_sanctions: frozenset[SanctionKind] = DEFAULT_HEARING_SANCTIONS
    # 第58条(四) catalogues and 第57条 "重大违法行为": None means "the 较大数额 above"
    legal_review_person_yuan: int | None = None
    legal_review_organisation_yuan: int | None = None
    collective_discussion_person_yuan: int | None = None
    collective_discussion_organisation_yuan: int | None = None
    statement_window_working_days: int = 5
    decision_extension_max_days: int | None = None
    reason_min_chars: int = 4


DEFAULT_POLICY = ProcedurePolicy()


# ---------------------------------------------------------------------------------------------------
# Snapshots


@dataclass(frozen=True)
class Licence:
    """执法证: number and validity (both days inclusive)."""

    number: str
    valid_from: date
    valid_to: date

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class OfficerSnapshot:
    officer_id: str
    licence: Licence | None = None


@dataclass(frozen=True)
class ActorSnapshot:
    officer_id: str
    roles: frozenset[Role]
    jurisdiction: frozenset[str]  # agency ids the actor may act for
    licence: Licence | None = None


@dataclass(frozen=True)
class Penalty:
    """A proposed or decided penalty: kinds of sanction, fine and value confiscated, in whole yuan."""

    sanctions: frozenset[SanctionKind]
    fine_yuan: int = 0
    confiscation_yuan: int = 0

    def __post_init__(self) -> None:
        try:
            kinds = frozenset(SanctionKind(s) for s in self.sanctions)
        except ValueError:
            raise DomainError("case.invalid_penalty", "处罚种类无效", "penalty") from None
        object.__setattr__(self, "sanctions", kinds)
        for name in ("fine_yuan", "confiscation_yuan"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise DomainError("case.invalid_amount", "金额必须是以元为单位的非负整数", name)
        if not kinds:
            raise DomainError("case.penalty_required", "请填写行政处罚的种类", "penalty")
        if (SanctionKind.FINE in kinds) != (self.fine_yuan > 0):
            raise DomainError("case.invalid_amount", "罚款种类与罚款金额不一致", "fine_yuan")
        confiscates = bool(kinds & {SanctionKind.CONFISCATE_INCOME, SanctionKind.CONFISCATE_PROPERTY})
        if self.confiscation_yuan and not confiscates:
            raise DomainError("case.invalid_amount", "填写了没收金额但处罚种类中没有没收", "confiscation_yuan")

    @classmethod
    def warning(cls) -> Penalty:
        return cls(frozenset({SanctionKind.WARNING}))

    @classmethod
    def fine(cls, yuan: int) -> Penalty:
        return cls(frozenset({SanctionKind.FINE}), fine_yuan=yuan)

    def heavier_than(self, other: Penalty) -> bool:
        """True if this penalty is heavier than ``other`` in any respect (第45条 comparison).

        Heavier: a larger fine or confiscation, or a kind of sanction that ``other`` does not have
        and that does not replace a sanction of ``other`` at least as severe.
        """
        if self.fine_yuan > other.fine_yuan or self.confiscation_yuan > other.confiscation_yuan:
            return True
        removed = other.sanctions - self.sanctions
        top_removed = max((SANCTION_RANK[s] for s in removed), default=0)
        return any(SANCTION_RANK[s] > top_removed for s in self.sanctions - other.sanctions)


@dataclass(frozen=True)
class Payment:
    paid_on: date
    amount_yuan: int


@dataclass(frozen=True)
class Instalment:
    due: date
    amount_yuan: int


Period = dl.Period


@dataclass(frozen=True)
class CaseSnapshot:
    """Everything the guards need to know about a case. The services build it from the models."""

    state: State
    procedure: Procedure
    party_kind: PartyKind
    agency_id: str
    version: int = 0
    officers: tuple[OfficerSnapshot, ...] = ()
    business_activity: bool = False  # the violation happened in business activities (经营活动)
    # filing and investigation
    filed_on: date | None = None
    extension_days: int = 0  # approved extensions of the decision period
    suspensions: tuple[Period, ...] = ()
    open_preservations: tuple[date, ...] = ()  # 先行登记保存 awaiting a decision (第56条)
    transferred_to: str | None = None
    # review (第57条第2款, 第58条)
    legal_review_flagged: bool = False  # 第58条(一)(三)(四) marked by the officer or the reviewer
    legal_review_passed: bool | None = None  # None: not reviewed; False: failed
    reviewed_penalty: Penalty | None = None
    complex_or_major: bool = False  # 情节复杂或者重大违法行为 (第57条第2款)
    collective_discussion_done: bool = False
    # notice, statement and hearing (第44条, 第45条, 第62-64条)
    notified_penalty: Penalty | None = None
    notified_on: date | None = None  # the day the notice reached the party
    statement_made: bool = False
    rights_waived: bool = False
    hearing_requested_on: date | None = None
    hearing_date: date | None = None
    hearing_notice_on: date | None = None
    hearing_held: bool = False
    hearing_waived: bool = False  # party absent or left (第64条(六)), or withdrew
    # decision and service
    outcome: Outcome | None = None
    decided_penalty: Penalty | None = None
    decided_on: date | None = None
    served_on: date | None = None
    decision_revoked: bool = False
    summary_copy_filed_on: date | None = None
    # execution
    payments: tuple[Payment, ...] = ()
    deferral_until: date | None = None
    instalments: tuple[Instalment, ...] = ()
    surcharge_waived_yuan: int = 0  # reduced under an enforcement agreement (行政强制法 第42条)
    demand_served_on: date | None = None
    court_applied_on: date | None = None
    # suspension and closing
    suspended_from: State | None = None
    closed_from: State | None = None


@dataclass(frozen=True)
class Notice:
    """A warning that does not block the action (e.g. a deadline already missed)."""

    code: str
    message: str


@dataclass(frozen=True)
class ActionOption:
    action: Action
    label: str
    target: State | None  # None when it depends on the parameters or on the case
    available: bool
    blocked_code: str | None = None
    blocked_message: str | None = None
    needs_reason: bool = False


@dataclass(frozen=True)
class Transition:
    action: Action
    source: State
    target: State
    event: str  # audit event code
    reason: str | None
    changes: Mapping[str, Any]  # CaseSnapshot fields to write (besides state and version)
    deadlines: tuple[dl.DeadlineResult, ...] = ()
    warnings: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class Owed:
    """Money position of a case on a day, in whole yuan."""

    fine_yuan: int
    paid_yuan: int
    surcharge_yuan: int  # 加处罚款 accrued (after any waiver)
    principal_outstanding_yuan: int
    total_outstanding_yuan: int


# ---------------------------------------------------------------------------------------------------
# Pure rules used by guards (public: the services and the UI use them too)


def _err(code: str, message: str, field: str | None = None) -> DomainError:
    return DomainError(code, message, field)


def large_amount_yuan(party_kind: PartyKind, policy: ProcedurePolicy, *, business_activity: bool = False) -> int:
    """The 较大数额 for this party (第63条第(一)(二)项), from the jurisdiction's parameters."""
    if business_activity and policy.large_amount_business_activity_yuan is not None:
        return policy.large_amount_business_activity_yuan
    if party_kind is PartyKind.PERSON:
        return policy.large_amount_person_yuan
    return policy.large_amount_organisation_yuan


def _reaches(penalty: Penalty, threshold: int, policy: ProcedurePolicy) -> bool:
    return (
        bool(penalty.sanctions & policy.hearing_sanctions)
        or penalty.fine_yuan >= threshold
        or penalty.confiscation_yuan >= threshold
    )


def _threshold(case: CaseSnapshot, policy: ProcedurePolicy, own: tuple[int | None, int | None]) -> int:
    """A specific (person, organisation) threshold when the policy sets one, else the 较大数额."""
    specific = own[0] if case.party_kind is PartyKind.PERSON else own[1]
    if specific is not None:
        return specific
    return large_amount_yuan(case.party_kind, policy, business_activity=case.business_activity)


def hearing_applicable(
    penalty: Penalty,
    party_kind: PartyKind,
    policy: ProcedurePolicy = DEFAULT_POLICY,
    *,
    business_activity: bool = False,
) -> bool:
    """Whether the party must be told of the right to a hearing (第63条)."""
    return _reaches(penalty, large_amount_yuan(party_kind, policy, business_activity=business_activity), policy)


def legal_review_required(
    case: CaseSnapshot, penalty: Penalty | None, policy: ProcedurePolicy = DEFAULT_POLICY
) -> bool:
    """第58条: flagged cases ((一)(三)(四)), cases that went through a hearing ((二)), and penalties at
    or above the jurisdiction's review threshold (its 重大执法决定 catalogue; default the 较大数额)."""
    if case.legal_review_flagged or case.hearing_held:
        return True
    if penalty is None:
        return False
    own = policy.legal_review_person_yuan, policy.legal_review_organisation_yuan
    return _reaches(penalty, _threshold(case, policy, own), policy)


def collective_discussion_required(
    case: CaseSnapshot, penalty: Penalty | None, policy: ProcedurePolicy = DEFAULT_POLICY
) -> bool:
    """第57条第2款: penalties for complex cases or major violations are decided collectively."""
    if penalty is None:
        return False
    if case.complex_or_major:
        return True
    own = policy.collective_discussion_person_yuan, policy.collective_discussion_organisation_yuan
    return _reaches(penalty, _threshold(case, policy, own), policy)


def late_payment_surcharge_fen(fine_yuan: int, due: date, on: date) -> int:
    """加处罚款 in fen on ``on`` for a fine due on ``due`` and not paid (行政处罚法 第72条第1款第(一)项).

    3% of the fine for each day after ``due`` up to and including ``on``, never more than the fine
    (行政强制法 第45条第2款). Exact in integer fen: 3% of one yuan is three fen.
    """
    if type(fine_yuan) is not int or fine_yuan < 0:
        raise _err("case.invalid_amount", "罚款金额必须是以元为单位的非负整数", "fine_yuan")
    days = max(0, (on - due).days)
    return min(fine_yuan * 100, fine_yuan * SURCHARGE_FEN_PER_YUAN_PER_DAY * days)


def late_payment_surcharge(fine_yuan: int, due: date, on: date) -> int:
    """加处罚款 in whole yuan (fractions of a yuan are dropped, in the party's favour)."""
    return late_payment_surcharge_fen(fine_yuan, due, on) // 100


def surcharge_cap_date(due: date) -> date:
    """The first day on which the surcharge reaches the cap (the fine amount): 34 days after ``due``."""
    days = -(-100 // SURCHARGE_FEN_PER_YUAN_PER_DAY)
    return due + timedelta(days=days)


def payment_obligations(case: CaseSnapshot, calendar: WorkingCalendar | None = None) -> list[Instalment]:
    """What the party must pay and by when: the fine due 15 days after service, or by the approved
    deferral, or in the approved instalments (any part not in the plan stays due on the first date)."""
    fine = case.decided_penalty.fine_yuan if case.decided_penalty else 0
    if fine == 0 or case.served_on is None or case.decision_revoked:
        return []
    if case.deferral_until is not None:
        first_due = case.deferral_until
    else:
        first_due = dl.compute("payment", case.served_on, calendar=calendar).due
    if not case.instalments:
        return [Instalment(first_due, fine)]
    plan = sorted(case.instalments, key=lambda i: i.due)
    rest = fine - sum(i.amount_yuan for i in plan)
    return ([Instalment(first_due, rest)] if rest > 0 else []) + plan


def _allocate(
    obligations: list[Instalment], payments: tuple[Payment, ...], on: date
) -> list[tuple[Instalment, int, int]]:
    """Apply payments made up to ``on`` to the obligations, earliest first (money beyond the
    principal pays the surcharge).

    Returns (obligation, unpaid balance, surcharge in fen) for each. The surcharge runs on the unpaid
    part of each obligation from the day after its due date, capped at that obligation's amount.
    """
    balances = [o.amount_yuan for o in obligations]
    surcharge = [0] * len(obligations)
    for p in sorted((p for p in payments if p.paid_on <= on), key=lambda p: p.paid_on):
        amount = p.amount_yuan
        for i, o in enumerate(obligations):
            if amount == 0:
                break
            take = min(balances[i], amount)
            if take:
                surcharge[i] += take * SURCHARGE_FEN_PER_YUAN_PER_DAY * max(0, (p.paid_on - o.due).days)
                balances[i] -= take
                amount -= take
    rows = []
    for i, o in enumerate(obligations):
        fen = surcharge[i] + balances[i] * SURCHARGE_FEN_PER_YUAN_PER_DAY * max(0, (on - o.due).days)
        rows.append((o, balances[i], min(fen, o.amount_yuan * 100)))
    return rows


def amount_owed(case: CaseSnapshot, on: date, calendar: WorkingCalendar | None = None) -> Owed:
    """Fine, payments, accrued 加处罚款 and what is still owed on ``on``."""
    obligations = payment_obligations(case, calendar)
    fine = sum(o.amount_yuan for o in obligations)
    paid = sum(p.amount_yuan for p in case.payments if p.paid_on <= on)
    rows = _allocate(obligations, case.payments, on)
    surcharge = max(0, sum(fen for _o, _b, fen in rows) // 100 - case.surcharge_waived_yuan)
    principal_left = sum(b for _o, b, _f in rows)
    return Owed(
        fine_yuan=fine,
        paid_yuan=paid,
        surcharge_yuan=surcharge,
        principal_outstanding_yuan=principal_left,
        total_outstanding_yuan=max(0, fine + surcharge - paid),
    )


def payment_overdue(case: CaseSnapshot, on: date, calendar: WorkingCalendar | None = None) -> bool:
    """True if some part of the fine was due before ``on`` and is still unpaid."""
    rows = _allocate(payment_obligations(case, calendar), case.payments, on)
    return any(balance > 0 and o.due < on for o, balance, _fen in rows)


def decision_deadline(
    case: CaseSnapshot, today: date, calendar: WorkingCalendar | None = None
) -> dl.DeadlineResult | None:
    """第60条: 90 days from filing, plus approved extensions, suspensions excluded."""
    if case.filed_on is None:
        return None
    return dl.compute(
        "decision",
        case.filed_on,
        calendar=calendar,
        extension_days=case.extension_days,
        suspensions=case.suspensions,
        as_of=today,
    )


def statement_deadline(
    case: CaseSnapshot, policy: ProcedurePolicy = DEFAULT_POLICY, calendar: WorkingCalendar | None = None
) -> dl.DeadlineResult | None:
    if case.notified_on is None:
        return None
    return dl.compute("statement", case.notified_on, calendar=calendar, amount=policy.statement_window_working_days)


def hearing_request_deadline(case: CaseSnapshot, calendar: WorkingCalendar | None = None) -> dl.DeadlineResult | None:
    if case.notified_on is None:
        return None
    return dl.compute("hearing_request", case.notified_on, calendar=calendar)


def case_deadlines(
    case: CaseSnapshot,
    today: date,
    policy: ProcedurePolicy = DEFAULT_POLICY,
    calendar: WorkingCalendar | None = None,
) -> list[dl.DeadlineResult]:
    """The deadlines running in the case's current state (the deadline panel and the overdue flag)."""
    cal = calendar if calendar is not None else WorkingCalendar()
    state = case.suspended_from if case.state is State.SUSPENDED else case.state
    out: list[dl.DeadlineResult] = []
    if case.state in LOCKED_STATES or state is State.TRANSFERRED:
        return out
    pre_decision = {State.FILED, State.INVESTIGATING, State.UNDER_REVIEW, State.NOTIFIED}
    if state in pre_decision and case.state is not State.SUSPENDED:
        result = decision_deadline(case, today, cal)
        if result is not None:
            out.append(result)
    out.extend(dl.compute("preservation", d, calendar=cal) for d in case.open_preservations)
    if state is State.NOTIFIED and case.notified_penalty is not None and not case.rights_waived:
        statement, hearing = statement_deadline(case, policy, cal), hearing_request_deadline(case, cal)
        if not case.statement_made and statement is not None:
            out.append(statement)
        if (
            case.hearing_requested_on is None
            and hearing is not None
            and hearing_applicable(
                case.notified_penalty, case.party_kind, policy, business_activity=case.business_activity
            )
        ):
            out.append(hearing)
    if state is State.DECIDED and case.decided_on is not None and case.procedure is Procedure.GENERAL:
        out.append(dl.compute("service", case.decided_on, calendar=cal))
    if case.procedure is Procedure.SUMMARY and case.decided_on and case.summary_copy_filed_on is None:
        out.append(dl.compute("summary_filing", case.decided_on, calendar=cal))
    if state in (State.SERVED, State.EXECUTING):
        rows = _allocate(payment_obligations(case, cal), case.payments, today)
        unpaid = [o for o, balance, _fen in rows if balance > 0]
        if unpaid and case.served_on is not None:
            first = unpaid[0]
            base = dl.compute("payment", case.served_on, calendar=cal)
            if first.due != base.due:
                base = replace(
                    base,
                    label="暂缓或分期缴纳期限",
                    due=first.due,
                    basis="《中华人民共和国行政处罚法》第六十六条第二款",
                    nominal_due=None,
                )
            out.append(base)
    if state is State.EXECUTING and case.demand_served_on is not None and case.court_applied_on is None:
        out.append(dl.compute("demand_wait", case.demand_served_on, calendar=cal))
        if case.served_on is not None:
            _opens, window = court_window(case, cal)
            out.append(window)
    return out


def court_window(case: CaseSnapshot, calendar: WorkingCalendar | None = None) -> tuple[date, dl.DeadlineResult]:
    """(first day, deadline) for applying to the court (行政强制法 第53条, 行政处罚法 第72条第2款)."""
    if case.served_on is None:
        raise _err("case.transition_not_allowed", "决定书尚未送达")
    ends = [i.due for i in case.instalments]
    if case.deferral_until is not None:
        ends.append(case.deferral_until)
    return dl.court_application_window(case.served_on, performance_ends=max(ends, default=None), calendar=calendar)


# ---------------------------------------------------------------------------------------------------
# The machine


@dataclass(frozen=True)
class _Ctx:
    case: CaseSnapshot
    actor: ActorSnapshot
    params: Mapping[str, Any]
    today: date
    policy: ProcedurePolicy
    calendar: WorkingCalendar


@dataclass
class _Plan:
    target: State
    changes: dict[str, Any] = field(default_factory=dict)
    deadlines: list[dl.DeadlineResult] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)


Guard = Callable[[_Ctx], None]
Planner = Callable[[_Ctx], _Plan]

ALL_PROCEDURES = frozenset(Procedure)
GENERAL_ONLY = frozenset({Procedure.GENERAL})
SUMMARY_ONLY = frozenset({Procedure.SUMMARY})
POST_DECISION = frozenset({State.DECIDED, State.SERVED, State.EXECUTING})
PRE_DECISION_ONLY = frozenset(
    {
        Action.NOTIFY,
        Action.DECIDE,
        Action.DECIDE_ON_THE_SPOT,
        Action.SUBMIT_FOR_REVIEW,
        Action.RETURN_FOR_INVESTIGATION,
        Action.DISMISS,
        Action.WAIVE_RIGHTS,
        Action.RECORD_STATEMENT,
    }
)


@dataclass(frozen=True)
class _Spec:
    action: Action
    sources: frozenset[State]
    roles: frozenset[Role]
    event: str
    plan: Planner
    target: State | None = None
    procedures: frozenset[Procedure] = ALL_PROCEDURES
    officer_act: bool = False  # an enforcement act: valid licence, assigned to the case
    needs_reason: bool = False
    pre: tuple[Guard, ...] = ()


# --- parameter readers -----------------------------------------------------------------------------


def _date(ctx: _Ctx, name: str, *, label: str, not_before: date | None = None) -> date:
    """A date parameter, today when absent; never in the future."""
    value = ctx.params.get(name, ctx.today)
    if not isinstance(value, date):
        raise _err("case.invalid_date", f"{label}不是有效日期", name)
    if value > ctx.today:
        raise _err("case.invalid_date", f"{label}不能晚于今天", name)
    if not_before is not None and value < not_before:
        raise _err("case.invalid_date", f"{label}不能早于{not_before.isoformat()}", name)
    return value


def _text(ctx: _Ctx, name: str, *, label: str) -> str:
    value = ctx.params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _err("case.param_required", f"请填写{label}", name)
    return value.strip()


def _positive_int(ctx: _Ctx, name: str, *, label: str) -> int:
    value = ctx.params.get(name)
    if type(value) is not int or value <= 0:
        raise _err("case.invalid_amount", f"{label}必须是正整数", name)
    return value


def _penalty(ctx: _Ctx, default: Penalty | None = None) -> Penalty:
    value = ctx.params.get("penalty", default)
    if not isinstance(value, Penalty):
        raise _err("case.penalty_required", "请填写行政处罚的种类和金额", "penalty")
    return value


def _reason(ctx: _Ctx) -> str:
    value = ctx.params.get("reason")
    text = value.strip() if isinstance(value, str) else ""
    if len(text) < ctx.policy.reason_min_chars:
        raise _err("case.reason_required", f"请说明理由（至少{ctx.policy.reason_min_chars}个字）", "reason")
    return text


# --- guards ----------------------------------------------------------------------------------------


def _two_officers(ctx: _Ctx) -> None:
    valid = {o.officer_id for o in ctx.case.officers if o.licence is not None and o.licence.valid_on(ctx.today)}
    if len(valid) < MIN_OFFICERS:
        lapsed = [o.officer_id for o in ctx.case.officers if o.officer_id not in valid]
        extra = f"（执法证无效或已过期：{'、'.join(lapsed)}）" if lapsed else ""
        raise _err(
            "case.two_officers_required",
            f"调查取证和当场处罚须由两名以上持有效执法证的执法人员实施（《中华人民共和国行政处罚法》第四十二条）{extra}",
            "officers",
        )


def _no_open_preservation(ctx: _Ctx) -> None:
    if ctx.case.open_preservations:
        raise _err("case.preservation_open", "尚有先行登记保存的证据未作出处理决定，请先作出处理决定", "evidence")


def _not_case_officer(code: str, role: str) -> Guard:
    def guard(ctx: _Ctx) -> None:
        if ctx.actor.officer_id in {o.officer_id for o in ctx.case.officers}:
            raise _err(code, f"{role}不得由本案调查人员担任", "actor")

    return guard


def _payment_overdue(ctx: _Ctx) -> None:
    if not payment_overdue(ctx.case, ctx.today, ctx.calendar):
        raise _err("case.payment_not_overdue", "罚款尚未逾期，不能转入强制执行")


def _something_owed(ctx: _Ctx) -> None:
    if amount_owed(ctx.case, ctx.today, ctx.calendar).total_outstanding_yuan <= 0:
        raise _err("case.nothing_owed", "当事人没有尚未缴纳的罚款")


def _court_application_ready(ctx: _Ctx) -> None:
    case = ctx.case
    if case.demand_served_on is None:
        raise _err(
            "case.demand_required",
            "申请人民法院强制执行前应当催告当事人履行义务（《中华人民共和国行政强制法》第五十四条）",
        )
    wait = dl.compute("demand_wait", case.demand_served_on, calendar=ctx.calendar)
    if ctx.today <= wait.due:
        raise _err("case.demand_wait", f"催告书送达满十个工作日（{wait.due.isoformat()}）后方可申请强制执行")
    opens, window = court_window(case, ctx.calendar)
    if ctx.today < opens:
        raise _err(
            "case.court_application_premature",
            f"复议、诉讼期限或暂缓、分期缴纳期限尚未届满，{opens.isoformat()}起方可申请人民法院强制执行",
        )
    if ctx.today > window.due:
        raise _err(
            "case.court_application_expired",
            f"申请人民法院强制执行的期限已于{window.due.isoformat()}届满（《中华人民共和国行政强制法》第五十三条）",
        )


def _hearing_requested(ctx: _Ctx) -> None:
    if ctx.case.hearing_requested_on is None:
        raise _err("case.hearing_not_requested", "当事人未申请听证")


# --- planners --------------------------------------------------------------------------------------


def _same(ctx: _Ctx, **changes: Any) -> _Plan:
    return _Plan(ctx.case.state, dict(changes))


def _to(state: State) -> Planner:
    """A planner for an action with no parameters of its own."""
    return lambda ctx: _Plan(state)


def _plan_file(ctx: _Ctx) -> _Plan:
    filed_on = _date(ctx, "filed_on", label="立案日期")
    plan = _Plan(State.FILED, {"filed_on": filed_on})
    plan.deadlines.append(dl.compute("decision", filed_on, calendar=ctx.calendar))
    return plan


def _plan_to_dismissed(ctx: _Ctx) -> _Plan:
    return _Plan(State.DISMISSED, {"closed_from": ctx.case.state})


def _plan_transfer(ctx: _Ctx) -> _Plan:
    body = _text(ctx, "receiving_body", label="受移送机关")
    return _Plan(State.TRANSFERRED, {"transferred_to": body})


def _plan_preserve(ctx: _Ctx) -> _Plan:
    _text(ctx, "approved_by", label="批准先行登记保存的负责人")
    day = _date(ctx, "preserved_on", label="登记保存日期", not_before=ctx.case.filed_on)
    plan = _same(ctx, open_preservations=(*ctx.case.open_preservations, day))
    plan.deadlines.append(dl.compute("preservation", day, calendar=ctx.calendar))
    return plan


def _open_preservation(ctx: _Ctx) -> None:
    if not ctx.case.open_preservations:
        raise _err("case.no_open_preservation", "没有待处理的先行登记保存")


def _plan_resolve_preservation(ctx: _Ctx) -> _Plan:
    open_ = list(ctx.case.open_preservations)
    which = ctx.params.get("preserved_on", min(open_))
    if which not in open_:
        raise _err("case.no_open_preservation", "没有该日期的先行登记保存", "preserved_on")
    open_.remove(which)
    plan = _same(ctx, open_preservations=tuple(open_))
    due = dl.compute("preservation", which, calendar=ctx.calendar).due
    if ctx.today > due:
        plan.warnings.append(
            Notice("case.preservation_overdue", f"先行登记保存应于{due.isoformat()}前作出处理决定，已逾期")
        )
    return plan


def _plan_extend(ctx: _Ctx) -> _Plan:
    days = _positive_int(ctx, "days", label="延长天数")
    total = ctx.case.extension_days + days
    cap = ctx.policy.decision_extension_max_days
    if cap is not None and total > cap:
        raise _err("case.extension_too_long", f"办案期限累计最多延长{cap}日", "days")
    plan = _same(ctx, extension_days=total)
    result = decision_deadline(replace(ctx.case, extension_days=total), ctx.today, ctx.calendar)
    if result is not None:
        plan.deadlines.append(result)
    return plan


def _plan_return(ctx: _Ctx) -> _Plan:
    return _Plan(
        State.INVESTIGATING,
        {"legal_review_passed": None, "reviewed_penalty": None, "collective_discussion_done": False},
    )


def _plan_legal_review(ctx: _Ctx) -> _Plan:
    passed = ctx.params.get("passed")
    if not isinstance(passed, bool):
        raise _err("case.param_required", "请选择审核结论（通过或不通过）", "passed")
    _text(ctx, "opinion", label="审核意见")
    reviewed = ctx.params.get("penalty", ctx.case.notified_penalty)
    if reviewed is not None and not isinstance(reviewed, Penalty):
        raise _err("case.invalid_penalty", "审核的处罚内容无效", "penalty")
    return _same(ctx, legal_review_passed=passed, reviewed_penalty=reviewed if passed else None)


def _plan_collective(ctx: _Ctx) -> _Plan:
    _text(ctx, "minutes_reference", label="集体讨论记录编号")
    return _same(ctx, collective_discussion_done=True)


def _plan_notify(ctx: _Ctx) -> _Plan:
    case = ctx.case
    penalty = _penalty(ctx)
    for name, label in (("facts", "违法事实"), ("reasons", "理由"), ("basis", "依据")):
        value = ctx.params.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _err("case.notice_incomplete", f"告知书须载明拟作出处罚的{label}（第四十四条）", name)
    earlier = case.notified_penalty
    if earlier is not None and (case.statement_made or case.hearing_held) and penalty.heavier_than(earlier):
        raise _err(
            "case.heavier_after_statement",
            "当事人已陈述申辩，不得因此给予更重的处罚（《中华人民共和国行政处罚法》第四十五条第二款）",
            "penalty",
        )
    notified_on = _date(ctx, "notified_on", label="告知书送达日期", not_before=case.filed_on)
    plan = _Plan(
        State.NOTIFIED,
        {
            "notified_penalty": penalty,
            "notified_on": notified_on,
            "rights_waived": False,
            "hearing_requested_on": None,
            "hearing_date": None,
            "hearing_notice_on": None,
            "hearing_waived": False,
        },
    )
    plan.deadlines.append(
        dl.compute("statement", notified_on, calendar=ctx.calendar, amount=ctx.policy.statement_window_working_days)
    )
    if hearing_applicable(penalty, case.party_kind, ctx.policy, business_activity=case.business_activity):
        plan.deadlines.append(dl.compute("hearing_request", notified_on, calendar=ctx.calendar))
    return plan


def _plan_statement(ctx: _Ctx) -> _Plan:
    _date(ctx, "heard_on", label="陈述申辩日期", not_before=ctx.case.notified_on)
    return _same(ctx, statement_made=True)


def _plan_waive(ctx: _Ctx) -> _Plan:
    _text(ctx, "waiver_reference", label="当事人书面放弃权利的材料编号")
    return _same(ctx, rights_waived=True)


def _plan_request_hearing(ctx: _Ctx) -> _Plan:
    case = ctx.case
    if case.notified_penalty is None or not hearing_applicable(
        case.notified_penalty, case.party_kind, ctx.policy, business_activity=case.business_activity
    ):
        raise _err("case.hearing_not_applicable", "拟作出的行政处罚不属于应当告知听证权利的情形（第六十三条）")
    if case.hearing_requested_on is not None:
        raise _err("case.hearing_already_requested", "当事人已申请听证")
    requested_on = _date(ctx, "requested_on", label="听证申请日期", not_before=case.notified_on)
    due = dl.compute("hearing_request", case.notified_on, calendar=ctx.calendar).due
    if requested_on > due:
        raise _err(
            "case.hearing_request_late",
            f"听证申请应在告知后五个工作日内（{due.isoformat()}前）提出（第六十四条第一款第（一）项）",
            "requested_on",
        )
    return _same(ctx, hearing_requested_on=requested_on, rights_waived=False, hearing_waived=False)


def _plan_schedule_hearing(ctx: _Ctx) -> _Plan:
    case = ctx.case
    if case.hearing_held:
        raise _err("case.hearing_already_held", "听证已经举行")
    hearing_date = ctx.params.get("hearing_date")
    if not isinstance(hearing_date, date) or hearing_date <= ctx.today:
        raise _err("case.invalid_date", "听证日期须为今天以后的日期", "hearing_date")
    presiding = _text(ctx, "presiding_officer_id", label="听证主持人")
    if presiding in {o.officer_id for o in case.officers}:
        raise _err(
            "case.presiding_officer_conflict",
            "听证由非本案调查人员主持（第六十四条第一款第（四）项）",
            "presiding_officer_id",
        )
    notice_on = _date(ctx, "notice_on", label="听证通知送达日期", not_before=case.hearing_requested_on)
    latest = dl.compute("hearing_notice", hearing_date, calendar=ctx.calendar)
    if notice_on > latest.due:
        raise _err(
            "case.hearing_notice_too_late",
            f"应在举行听证的七个工作日前通知当事人；{hearing_date.isoformat()}举行的听证最迟应于"
            f"{latest.due.isoformat()}通知（第六十四条第一款第（二）项）",
            "hearing_date",
        )
    plan = _same(ctx, hearing_date=hearing_date, hearing_notice_on=notice_on)
    plan.deadlines.append(latest)
    return plan


def _hearing_due(ctx: _Ctx) -> None:
    """A hearing is recorded once it has been scheduled and its day has come (a pre-guard, so the case
    page shows the button disabled with this reason instead of refusing it when pressed)."""
    case = ctx.case
    if case.hearing_date is None:
        raise _err("case.hearing_not_scheduled", "尚未通知听证时间")
    if ctx.today < case.hearing_date:
        raise _err("case.hearing_not_yet", f"听证定于{case.hearing_date.isoformat()}举行，尚未到期")


def _plan_record_hearing(ctx: _Ctx) -> _Plan:
    result = ctx.params.get("result")
    if result == "held":
        _text(ctx, "record_reference", label="听证笔录编号")
        # the decision must rest on the hearing record (第65条): earlier review and discussion lapse
        return _same(
            ctx,
            hearing_held=True,
            legal_review_passed=None,
            reviewed_penalty=None,
            collective_discussion_done=False,
        )
    if result == "absent":  # 第64条(六): absent without reason or left without leave = waived
        return _same(ctx, hearing_waived=True)
    raise _err("case.param_required", "请选择听证结果（held 已举行 / absent 当事人缺席或中途退出）", "result")


def _check_penalty_decision(ctx: _Ctx, penalty: Penalty, decided_on: date) -> list[Notice]:
    """The guards before a penalty decision in the general procedure (第44-45条, 第57-58条, 第62-65条)."""
    case, policy = ctx.case, ctx.policy
    if case.state is not State.NOTIFIED or case.notified_penalty is None:
        raise _err(
            "case.notice_required",
            "作出行政处罚决定前，应当告知当事人拟作出的处罚内容及事实、理由、依据和依法享有的权利（第四十四条、第六十二条）",
        )
    if penalty.heavier_than(case.notified_penalty):
        if case.statement_made or case.hearing_held:
            raise _err(
                "case.heavier_after_statement",
                "当事人已陈述申辩，不得因此给予更重的处罚（《中华人民共和国行政处罚法》第四十五条第二款）",
                "penalty",
            )
        raise _err("case.renotice_required", "决定的处罚重于已告知的内容，须重新告知当事人", "penalty")
    if not case.rights_waived:
        statement = statement_deadline(case, policy, ctx.calendar)
        if not case.statement_made and statement is not None and decided_on <= statement.due:
            raise _err(
                "case.statement_window_open",
                f"陈述申辩期限至{statement.due.isoformat()}届满，当事人未陈述申辩也未明确放弃，暂不能作出决定",
            )
        if hearing_applicable(case.notified_penalty, case.party_kind, policy, business_activity=case.business_activity):
            if case.hearing_requested_on is not None:
                if not (case.hearing_held or case.hearing_waived):
                    raise _err(
                        "case.hearing_pending", "当事人已申请听证，应当在听证后根据听证笔录作出决定（第六十五条）"
                    )
            else:
                hearing = hearing_request_deadline(case, ctx.calendar)
                if hearing is not None and decided_on <= hearing.due:
                    raise _err(
                        "case.hearing_request_window_open",
                        f"听证申请期限至{hearing.due.isoformat()}届满，暂不能作出决定",
                    )
    if legal_review_required(case, penalty, policy):
        if case.legal_review_passed is None:
            raise _err("case.legal_review_required", "本案应当经法制审核，未经法制审核不得作出决定（第五十八条）")
        if case.legal_review_passed is False:
            raise _err("case.legal_review_failed", "法制审核未通过，不得作出决定（第五十八条）")
        if case.reviewed_penalty is None or penalty.heavier_than(case.reviewed_penalty):
            raise _err("case.legal_review_required", "法制审核未涵盖或轻于决定的处罚内容，须重新法制审核", "penalty")
    if collective_discussion_required(case, penalty, policy) and not case.collective_discussion_done:
        raise _err(
            "case.collective_discussion_required",
            "情节复杂或者重大违法行为给予行政处罚，应当由负责人集体讨论决定（第五十七条第二款）",
        )
    warnings = []
    due = decision_deadline(case, decided_on, ctx.calendar)
    if due is not None and decided_on > due.due:
        warnings.append(Notice("case.decision_overdue", f"已超过办案期限（{due.due.isoformat()}）"))
    return warnings


def _plan_decide(ctx: _Ctx) -> _Plan:
    case = ctx.case
    try:
        outcome = Outcome(ctx.params.get("outcome"))
    except ValueError:
        raise _err(
            "case.param_required", "请选择处理决定（给予处罚、不予处罚、违法事实不能成立或移送司法机关）", "outcome"
        ) from None
    decided_on = _date(ctx, "decided_on", label="决定日期", not_before=case.notified_on or case.filed_on)
    if outcome is Outcome.PENALTY:
        penalty: Penalty | None = _penalty(ctx, case.notified_penalty)
        warnings = _check_penalty_decision(ctx, penalty, decided_on)
    else:
        if ctx.params.get("penalty") is not None:
            raise _err("case.invalid_penalty", "不予处罚或移送的决定不能填写处罚内容", "penalty")
        penalty = None
        warnings = []
        if legal_review_required(case, None, ctx.policy) and case.legal_review_passed is not True:
            code = "case.legal_review_failed" if case.legal_review_passed is False else "case.legal_review_required"
            raise _err(code, "本案应当经法制审核并通过后方可作出决定（第五十八条）")
    changes = {"outcome": outcome, "decided_penalty": penalty, "decided_on": decided_on}
    if outcome is Outcome.TRANSFER_JUDICIAL:
        changes["transferred_to"] = _text(ctx, "receiving_body", label="受移送的司法机关")
        return _Plan(State.TRANSFERRED, changes, warnings=warnings)
    plan = _Plan(State.DECIDED, changes, warnings=warnings)
    plan.deadlines.append(dl.compute("service", decided_on, calendar=ctx.calendar))
    return plan


def _plan_on_the_spot(ctx: _Ctx) -> _Plan:
    case = ctx.case
    penalty = _penalty(ctx)
    if not penalty.sanctions <= SUMMARY_SANCTIONS:
        raise _err("case.summary_sanction_not_allowed", "当场只能作出警告或者罚款（第五十一条）", "penalty")
    limit = SUMMARY_FINE_LIMIT_YUAN[case.party_kind]
    if penalty.fine_yuan > limit:
        raise _err(
            "case.summary_limit_exceeded",
            f"当场罚款不得超过{limit}元（公民二百元、法人或者其他组织三千元，第五十一条），请适用普通程序",
            "penalty",
        )
    if ctx.params.get("rights_informed") is not True:
        raise _err(
            "case.notice_required",
            "当场处罚前应当口头告知违法事实、处罚理由和依据及陈述申辩权利，并听取陈述申辩（程序规定第六十一条）",
            "rights_informed",
        )
    decided_on = _date(ctx, "decided_on", label="决定日期")
    plan = _Plan(
        State.SERVED,
        {"outcome": Outcome.PENALTY, "decided_penalty": penalty, "decided_on": decided_on, "served_on": decided_on},
    )
    plan.deadlines.append(dl.compute("summary_filing", decided_on, calendar=ctx.calendar))
    if penalty.fine_yuan:
        plan.deadlines.append(dl.compute("payment", decided_on, calendar=ctx.calendar))
    return plan


def _plan_summary_copy(ctx: _Ctx) -> _Plan:
    case = ctx.case
    if case.summary_copy_filed_on is not None:
        raise _err("case.summary_copy_already_filed", "当场处罚决定书已备案")
    filed_on = _date(ctx, "filed_on", label="备案日期", not_before=case.decided_on)
    plan = _same(ctx, summary_copy_filed_on=filed_on)
    if case.decided_on is not None:
        due = dl.compute("summary_filing", case.decided_on, calendar=ctx.calendar).due
        if filed_on > due:
            plan.warnings.append(Notice("case.summary_copy_late", f"应于{due.isoformat()}前备案，已逾期"))
    return plan


def _plan_serve(ctx: _Ctx) -> _Plan:
    case = ctx.case
    _text(ctx, "method", label="送达方式")
    served_on = _date(ctx, "served_on", label="送达日期", not_before=case.decided_on)
    plan = _Plan(State.SERVED, {"served_on": served_on})
    if case.decided_on is not None:
        due = dl.compute("service", case.decided_on, calendar=ctx.calendar).due
        if served_on > due:
            plan.warnings.append(
                Notice("case.service_overdue", f"决定书应于{due.isoformat()}前送达（第六十一条），已逾期")
            )
    if case.decided_penalty is not None and case.decided_penalty.fine_yuan:
        plan.deadlines.append(dl.compute("payment", served_on, calendar=ctx.calendar))
    return plan


def _plan_amend(ctx: _Ctx) -> _Plan:
    case = ctx.case
    try:
        kind = AmendmentKind(ctx.params.get("kind"))
    except ValueError:
        raise _err(
            "case.param_required", "请选择变更方式（更正、复议诉讼变更、撤销、重新作出、自行纠错）", "kind"
        ) from None
    _text(ctx, "reference", label="依据文书编号（更正通知、复议决定书、判决书或撤销决定书）")
    new = ctx.params.get("penalty")
    if kind is AmendmentKind.CLERICAL:
        if new is not None and new != case.decided_penalty:
            raise _err("case.decision_final", "更正只能修改文字错误，不得改变处罚内容", "penalty")
        return _same(ctx)
    plan: _Plan
    if kind is AmendmentKind.CHANGED_ON_REVIEW:
        if not isinstance(new, Penalty):
            raise _err("case.penalty_required", "请填写变更后的处罚内容", "penalty")
        if case.decided_penalty is not None and new.heavier_than(case.decided_penalty):
            raise _err("case.amendment_heavier", "变更后的处罚不得重于原决定（行政复议法第六十三条第二款）", "penalty")
        plan = _same(ctx, decided_penalty=new)
    elif kind is AmendmentKind.REDO_ON_REVIEW:
        plan = _Plan(
            State.INVESTIGATING,
            {
                "outcome": None,
                "decided_penalty": None,
                "decided_on": None,
                "served_on": None,
                "notified_on": None,
                "rights_waived": False,
                "legal_review_passed": None,
                "reviewed_penalty": None,
                "collective_discussion_done": False,
                "hearing_requested_on": None,
                "hearing_date": None,
                "hearing_notice_on": None,
                "hearing_waived": False,
                "deferral_until": None,
                "instalments": (),
            },
        )
    else:  # revoked on review, or withdrawn by the agency itself
        plan = _Plan(State.CLOSED, {"decision_revoked": True, "closed_from": case.state})
    plan.deadlines.append(dl.compute("publication_withdrawal", ctx.today, calendar=ctx.calendar))
    return plan


def _plan_payment(ctx: _Ctx) -> _Plan:
    case = ctx.case
    amount = _positive_int(ctx, "amount_yuan", label="缴款金额")
    paid_on = _date(ctx, "paid_on", label="缴款日期", not_before=case.decided_on)
    payments = (*case.payments, Payment(paid_on, amount))
    # checked with every payment, at the latest payment date (a back-dated payment included)
    after = amount_owed(replace(case, payments=payments), max(p.paid_on for p in payments), ctx.calendar)
    excess = after.paid_yuan - after.fine_yuan - after.surcharge_yuan
    if excess > 0:
        raise _err("case.overpayment", f"缴款金额超过应缴金额（{amount - excess}元）", "amount_yuan")
    return _same(ctx, payments=payments)


def _plan_collect(ctx: _Ctx) -> _Plan:
    case = ctx.case
    penalty = case.decided_penalty
    fine = penalty.fine_yuan if penalty else 0
    if fine == 0:
        raise _err("case.nothing_owed", "本案没有罚款")
    small = case.procedure is Procedure.SUMMARY and fine <= ON_THE_SPOT_COLLECTION_LIMIT_YUAN
    hard = case.procedure is Procedure.SUMMARY and ctx.params.get("hard_to_enforce_later") is True
    remote = ctx.params.get("remote_area") is True  # 第69条: 边远、水上、交通不便地区, on the party's request
    if not (small or hard or remote):
        raise _err(
            "case.on_the_spot_collection_not_allowed",
            "只有当场处罚一百元以下罚款、不当场收缴事后难以执行，或者边远、水上、交通不便地区当事人提出的，"
            "才可以当场收缴罚款（第六十八条、第六十九条）",
        )
    owed = amount_owed(case, ctx.today, ctx.calendar).total_outstanding_yuan
    if owed <= 0:
        raise _err("case.nothing_owed", "罚款已缴清")
    plan = _same(ctx, payments=(*case.payments, Payment(ctx.today, owed)))
    plan.deadlines.append(dl.compute("cash_handover", ctx.today, calendar=ctx.calendar))
    return plan


def _plan_deferral(ctx: _Ctx) -> _Plan:
    _text(ctx, "application_reference", label="当事人申请材料编号")
    until = ctx.params.get("until")
    if not isinstance(until, date) or until <= ctx.today:
        raise _err("case.invalid_date", "暂缓缴纳的截止日期须晚于今天", "until")
    return _same(ctx, deferral_until=until)


def _plan_instalments(ctx: _Ctx) -> _Plan:
    _text(ctx, "application_reference", label="当事人申请材料编号")
    plan = ctx.params.get("instalments")
    if not isinstance(plan, (list, tuple)) or len(plan) < 2 or not all(isinstance(i, Instalment) for i in plan):
        raise _err("case.instalments_invalid", "分期缴纳至少分两期，每期须有日期和金额", "instalments")
    dues = [i.due for i in plan]
    if any(type(i.amount_yuan) is not int or i.amount_yuan <= 0 for i in plan) or dues != sorted(set(dues)):
        raise _err("case.instalments_invalid", "每期金额须为正整数，日期须依次递增", "instalments")
    if dues[0] < ctx.today:
        raise _err("case.instalments_invalid", "分期日期不能早于今天", "instalments")
    principal = amount_owed(ctx.case, ctx.today, ctx.calendar).principal_outstanding_yuan
    if sum(i.amount_yuan for i in plan) != principal:
        raise _err("case.instalments_mismatch", f"各期金额之和须等于未缴罚款{principal}元", "instalments")
    return _same(ctx, instalments=tuple(plan))


def _plan_agreement(ctx: _Ctx) -> _Plan:
    _text(ctx, "agreement_reference", label="执行协议编号")
    waived = ctx.params.get("surcharge_waived_yuan")
    if type(waived) is not int or waived < 0:
        raise _err("case.invalid_amount", "减免的加处罚款必须是以元为单位的非负整数", "surcharge_waived_yuan")
    accrued = amount_owed(replace(ctx.case, surcharge_waived_yuan=0), ctx.today, ctx.calendar).surcharge_yuan
    if waived > accrued:
        raise _err("case.invalid_amount", f"减免金额不能超过已产生的加处罚款（{accrued}元）", "surcharge_waived_yuan")
    return _same(ctx, surcharge_waived_yuan=waived)


def _plan_demand(ctx: _Ctx) -> _Plan:
    served_on = _date(ctx, "served_on", label="催告书送达日期", not_before=ctx.case.served_on)
    plan = _same(ctx, demand_served_on=served_on)
    plan.deadlines.append(dl.compute("demand_wait", served_on, calendar=ctx.calendar))
    return plan


def _plan_court(ctx: _Ctx) -> _Plan:
    return _same(ctx, court_applied_on=ctx.today)


def _plan_suspend(ctx: _Ctx) -> _Plan:
    case = ctx.case
    return _Plan(
        State.SUSPENDED,
        {"suspended_from": case.state, "suspensions": (*case.suspensions, Period(ctx.today))},
    )


def _plan_resume(ctx: _Ctx) -> _Plan:
    case = ctx.case
    if case.suspended_from is None:
        raise _err("case.transition_not_allowed", "无法确定中止前的状态")
    periods = list(case.suspensions)
    if periods and periods[-1].end is None:
        periods[-1] = Period(periods[-1].start, ctx.today)
    plan = _Plan(case.suspended_from, {"suspended_from": None, "suspensions": tuple(periods)})
    result = decision_deadline(replace(case, suspensions=tuple(periods)), ctx.today, ctx.calendar)
    if result is not None and case.suspended_from in {
        State.FILED,
        State.INVESTIGATING,
        State.UNDER_REVIEW,
        State.NOTIFIED,
    }:
        plan.deadlines.append(result)
    return plan


def _plan_close(ctx: _Ctx) -> _Plan:
    case = ctx.case
    if case.procedure is Procedure.SUMMARY and case.summary_copy_filed_on is None:
        raise _err("case.summary_copy_missing", "当场处罚决定书尚未报所属执法部门备案（第五十二条第三款）")
    owed = amount_owed(case, ctx.today, ctx.calendar)
    if owed.total_outstanding_yuan > 0:
        basis = ctx.params.get("termination_basis")
        if not isinstance(basis, str) or not basis.strip():
            raise _err(
                "case.outstanding_payment",
                f"尚有未缴罚款（含加处罚款）{owed.total_outstanding_yuan}元，不能结案；"
                "法院裁定终结执行等情形须填写终结依据",
                "termination_basis",
            )
    return _Plan(State.CLOSED, {"closed_from": case.state})


def _plan_reopen(ctx: _Ctx) -> _Plan:
    previous = ctx.case.closed_from
    if previous is None:
        raise _err("case.transition_not_allowed", "无法确定结案前的状态，不能重新开启")
    return _Plan(previous, {"closed_from": None})


# --- the table -------------------------------------------------------------------------------------

_OFFICER = frozenset({Role.OFFICER})
_HEAD = frozenset({Role.HEAD})
_REVIEWER = frozenset({Role.LEGAL_REVIEWER})
_PRE_DECISION = frozenset({State.FILED, State.INVESTIGATING, State.UNDER_REVIEW, State.NOTIFIED})
S = State

SPECS: Mapping[Action, _Spec] = MappingProxyType(
    {
        spec.action: spec
        for spec in (
            _Spec(Action.REQUEST_FILING, frozenset({S.DRAFT}), _OFFICER, "case.filing_requested",
                  _to(S.PENDING_FILING), S.PENDING_FILING, GENERAL_ONLY, officer_act=True),
            _Spec(Action.FILE, frozenset({S.PENDING_FILING}), _HEAD, "case.filed", _plan_file, S.FILED,
                  GENERAL_ONLY),
            _Spec(Action.REFUSE_FILING, frozenset({S.PENDING_FILING}), _HEAD, "case.filing_refused",
                  _plan_to_dismissed, S.DISMISSED, GENERAL_ONLY, needs_reason=True),
            _Spec(Action.TRANSFER, frozenset({S.PENDING_FILING, S.FILED, S.INVESTIGATING, S.UNDER_REVIEW}),
                  _HEAD, "case.transferred", _plan_transfer, S.TRANSFERRED, GENERAL_ONLY, needs_reason=True),
            _Spec(Action.START_INVESTIGATION, frozenset({S.FILED}), _OFFICER, "case.investigation_started",
                  _to(S.INVESTIGATING), S.INVESTIGATING, GENERAL_ONLY, officer_act=True,
                  pre=(_two_officers,)),
            _Spec(Action.PRESERVE_EVIDENCE, frozenset({S.INVESTIGATING}), _OFFICER, "case.evidence_preserved",
                  _plan_preserve, S.INVESTIGATING, GENERAL_ONLY, officer_act=True, pre=(_two_officers,)),
            _Spec(Action.RESOLVE_PRESERVATION, frozenset({S.INVESTIGATING, S.UNDER_REVIEW, S.NOTIFIED}),
                  _OFFICER, "case.preservation_resolved", _plan_resolve_preservation, None, GENERAL_ONLY,
                  officer_act=True, pre=(_open_preservation,)),
            _Spec(Action.EXTEND_DEADLINE, _PRE_DECISION, _HEAD, "case.deadline_extended", _plan_extend, None,
                  GENERAL_ONLY, needs_reason=True),
            _Spec(Action.SUBMIT_FOR_REVIEW, frozenset({S.INVESTIGATING}), _OFFICER, "case.submitted_for_review",
                  _to(S.UNDER_REVIEW), S.UNDER_REVIEW, GENERAL_ONLY, officer_act=True,
                  pre=(_two_officers, _no_open_preservation)),
            _Spec(Action.RETURN_FOR_INVESTIGATION, frozenset({S.UNDER_REVIEW, S.NOTIFIED}), _HEAD | _REVIEWER,
                  "case.returned_for_investigation", _plan_return, S.INVESTIGATING, GENERAL_ONLY,
                  needs_reason=True),
            _Spec(Action.RECORD_LEGAL_REVIEW, frozenset({S.UNDER_REVIEW, S.NOTIFIED}), _REVIEWER,
                  "case.legal_reviewed", _plan_legal_review, None, GENERAL_ONLY,
                  pre=(_not_case_officer("case.reviewer_conflict", "法制审核"),)),
            _Spec(Action.RECORD_COLLECTIVE_DISCUSSION, frozenset({S.UNDER_REVIEW, S.NOTIFIED}), _HEAD,
                  "case.collectively_discussed", _plan_collective, None, GENERAL_ONLY),
            _Spec(Action.NOTIFY, frozenset({S.UNDER_REVIEW, S.NOTIFIED}), _OFFICER, "case.notified",
                  _plan_notify, S.NOTIFIED, GENERAL_ONLY, officer_act=True),
            _Spec(Action.RECORD_STATEMENT, frozenset({S.NOTIFIED}), _OFFICER, "case.statement_recorded",
                  _plan_statement, S.NOTIFIED, GENERAL_ONLY, officer_act=True),
            _Spec(Action.WAIVE_RIGHTS, frozenset({S.NOTIFIED}), _OFFICER, "case.rights_waived", _plan_waive,
                  S.NOTIFIED, GENERAL_ONLY, officer_act=True),
            _Spec(Action.REQUEST_HEARING, frozenset({S.NOTIFIED}), _OFFICER, "case.hearing_requested",
                  _plan_request_hearing, S.NOTIFIED, GENERAL_ONLY, officer_act=True),
            _Spec(Action.SCHEDULE_HEARING, frozenset({S.NOTIFIED}), _OFFICER, "case.hearing_scheduled",
                  _plan_schedule_hearing, S.NOTIFIED, GENERAL_ONLY, officer_act=True,
                  pre=(_hearing_requested,)),
            _Spec(Action.RECORD_HEARING, frozenset({S.NOTIFIED}), _OFFICER | _HEAD, "case.hearing_recorded",
                  _plan_record_hearing, S.NOTIFIED, GENERAL_ONLY, pre=(_hearing_requested, _hearing_due)),
            _Spec(Action.DECIDE, frozenset({S.UNDER_REVIEW, S.NOTIFIED}), _HEAD, "case.decided", _plan_decide,
                  None, GENERAL_ONLY),
            _Spec(Action.DECIDE_ON_THE_SPOT, frozenset({S.DRAFT}), _OFFICER, "case.decided_on_the_spot",
                  _plan_on_the_spot, S.SERVED, SUMMARY_ONLY, officer_act=True, pre=(_two_officers,)),
            _Spec(Action.FILE_SUMMARY_COPY, frozenset({S.SERVED, S.EXECUTING}), _OFFICER,
                  "case.summary_copy_filed", _plan_summary_copy, None, SUMMARY_ONLY, officer_act=True),
            _Spec(Action.SERVE, frozenset({S.DECIDED}), _OFFICER, "case.served", _plan_serve, S.SERVED,
                  GENERAL_ONLY, officer_act=True),
            _Spec(Action.AMEND_DECISION, POST_DECISION, _HEAD, "case.decision_amended", _plan_amend, None,
                  needs_reason=True),
            _Spec(Action.RECORD_PAYMENT, frozenset({S.SERVED, S.EXECUTING}), _OFFICER | _HEAD,
                  "case.payment_recorded", _plan_payment, None, pre=(_something_owed,)),
            _Spec(Action.COLLECT_ON_THE_SPOT, frozenset({S.SERVED}), _OFFICER, "case.collected_on_the_spot",
                  _plan_collect, S.SERVED, officer_act=True, pre=(_something_owed,)),
            _Spec(Action.APPROVE_DEFERRAL, frozenset({S.SERVED, S.EXECUTING}), _HEAD, "case.deferral_approved",
                  _plan_deferral, None, pre=(_something_owed,)),
            _Spec(Action.APPROVE_INSTALMENTS, frozenset({S.SERVED, S.EXECUTING}), _HEAD,
                  "case.instalments_approved", _plan_instalments, None, pre=(_something_owed,)),
            _Spec(Action.START_ENFORCEMENT, frozenset({S.SERVED}), _OFFICER | _HEAD, "case.enforcement_started",
                  _to(S.EXECUTING), S.EXECUTING, pre=(_payment_overdue,)),
            _Spec(Action.ENFORCEMENT_AGREEMENT, frozenset({S.EXECUTING}), _HEAD, "case.enforcement_agreement",
                  _plan_agreement, S.EXECUTING, needs_reason=True),
            _Spec(Action.SEND_DEMAND, frozenset({S.EXECUTING}), _OFFICER, "case.demand_sent", _plan_demand,
                  S.EXECUTING, officer_act=True, pre=(_something_owed,)),
            _Spec(Action.APPLY_TO_COURT, frozenset({S.EXECUTING}), _HEAD, "case.court_enforcement_applied",
                  _plan_court, S.EXECUTING, pre=(_something_owed, _court_application_ready)),
            _Spec(Action.SUSPEND, _PRE_DECISION | POST_DECISION, _HEAD, "case.suspended", _plan_suspend,
                  S.SUSPENDED, needs_reason=True),
            _Spec(Action.RESUME, frozenset({S.SUSPENDED}), _HEAD, "case.resumed", _plan_resume, None),
            _Spec(Action.DISMISS, _PRE_DECISION, _HEAD, "case.dismissed", _plan_to_dismissed, S.DISMISSED,
                  GENERAL_ONLY, needs_reason=True),
            _Spec(Action.CLOSE, frozenset({S.SERVED, S.EXECUTING, S.TRANSFERRED}), _HEAD, "case.closed",
                  _plan_close, S.CLOSED),
            _Spec(Action.REOPEN, LOCKED_STATES, _HEAD, "case.reopened", _plan_reopen, None, needs_reason=True),
        )
    }
)  # fmt: skip


def _spec(action: Action | str) -> _Spec:
    try:
        return SPECS[Action(action)]
    except ValueError:
        raise _err("case.unknown_action", f"未知的操作：{action}", "action") from None


def check_licence(licence: Licence | None, today: date) -> None:
    """The acting officer's 执法证 must be valid on ``today`` (enforcement acts, 第42条)."""
    if licence is None:
        raise _err("officer.licence_missing", "您未持有行政执法证件，不能实施执法行为", "actor")
    if today > licence.valid_to:
        raise _err(
            "officer.licence_expired",
            f"您的执法证（{licence.number}）已于{licence.valid_to.isoformat()}到期",
            "actor",
        )
    if today < licence.valid_from:
        raise _err(
            "officer.licence_not_yet_valid",
            f"您的执法证（{licence.number}）自{licence.valid_from.isoformat()}起有效",
            "actor",
        )


def _check_actor_and_state(spec: _Spec, ctx: _Ctx) -> None:
    """Guards that depend only on the case, the actor and the day (not on the parameters)."""
    case, actor = ctx.case, ctx.actor
    if case.state in LOCKED_STATES and spec.action is not Action.REOPEN:
        raise _err("case.locked", "案件已结案或已终止，不能再修改；确需变更的，由负责人说明理由后重新开启")
    if case.state not in spec.sources:
        if case.state in POST_DECISION and spec.action in PRE_DECISION_ONLY:
            raise _err("case.decision_final", "决定已作出，只能通过更正、复议诉讼结果或自行纠错程序变更")
        raise _err(
            "case.transition_not_allowed",
            f"当前状态不能执行该操作（{STATE_LABELS[case.state]}：{ACTION_LABELS[spec.action]}）",
        )
    if case.procedure not in spec.procedures:
        name = "简易程序" if case.procedure is Procedure.SUMMARY else "普通程序"
        raise _err("case.wrong_procedure", f"{name}案件不能执行该操作")
    if case.agency_id not in actor.jurisdiction:
        raise _err("case.outside_jurisdiction", "该案件不在您的辖区内")
    if not spec.roles & actor.roles:
        needed = "或".join(ROLE_LABELS[r] for r in sorted(spec.roles))
        raise _err("case.role_required", f"该操作需要{needed}权限")
    if spec.officer_act:
        check_licence(actor.licence, ctx.today)
        if actor.officer_id not in {o.officer_id for o in case.officers}:
            raise _err("case.not_assigned", "您不是本案的承办执法人员", "actor")
    for guard in spec.pre:
        guard(ctx)


def allowed_actions(
    case: CaseSnapshot,
    actor: ActorSnapshot,
    today: date,
    *,
    policy: ProcedurePolicy = DEFAULT_POLICY,
    calendar: WorkingCalendar | None = None,
) -> list[ActionOption]:
    """Actions defined for the case's state and procedure that the actor's roles cover.

    Each is ``available`` unless a guard that does not depend on parameters blocks it; then the
    option carries the reason code and message (shown on a disabled button). Guards that read the
    parameters (amounts, dates) run in :func:`check_transition`.
    """
    ctx = _Ctx(case, actor, MappingProxyType({}), today, policy, calendar or WorkingCalendar())
    options = []
    for spec in SPECS.values():
        if case.state not in spec.sources or case.procedure not in spec.procedures or not spec.roles & actor.roles:
            continue
        try:
            _check_actor_and_state(spec, ctx)
        except DomainError as e:
            options.append(
                ActionOption(
                    spec.action, ACTION_LABELS[spec.action], spec.target, False, e.code, e.message, spec.needs_reason
                )
            )
        else:
            options.append(
                ActionOption(spec.action, ACTION_LABELS[spec.action], spec.target, True, needs_reason=spec.needs_reason)
            )
    return options


def check_transition(
    case: CaseSnapshot,
    action: Action | str,
    actor: ActorSnapshot,
    params: Mapping[str, Any] | None,
    today: date,
    *,
    policy: ProcedurePolicy = DEFAULT_POLICY,
    calendar: WorkingCalendar | None = None,
) -> Transition:
    """Check ``action`` on ``case`` by ``actor`` on ``today``; return the transition or raise.

    ``params`` holds the action's inputs as Python values (``date``, ``int`` yuan, :class:`Penalty`,
    ``str``); ``params["version"]``, when given, must equal ``case.version`` (optimistic locking:
    :class:`~zhifa.core.errors.ConflictError` ``case.version_conflict`` otherwise).
    """
    spec = _spec(action)
    params = MappingProxyType(dict(params or {}))
    ctx = _Ctx(case, actor, params, today, policy, calendar or WorkingCalendar())
    if "version" in params and params["version"] != case.version:
        raise ConflictError("case.version_conflict", "案件已被他人修改，请刷新后重试", "version")
    _check_actor_and_state(spec, ctx)
    reason = _reason(ctx) if spec.needs_reason else None
    plan = spec.plan(ctx)
    return Transition(
        action=spec.action,
        source=case.state,
        target=plan.target,
        event=spec.event,
        reason=reason,
        changes=MappingProxyType(plan.changes),
        deadlines=tuple(plan.deadlines),
        warnings=tuple(plan.warnings),
    )


def apply(case: CaseSnapshot, transition: Transition) -> CaseSnapshot:
    """The case after ``transition`` (state, changed fields, version + 1)."""
    if transition.source is not case.state:
        raise ConflictError("case.version_conflict", "案件状态已改变，请刷新后重试", "version")
    return replace(case, state=transition.target, version=case.version + 1, **transition.changes)
