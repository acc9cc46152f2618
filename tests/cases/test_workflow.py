"""The procedure state machine (zhifa.cases.workflow): whole walks, then one class per guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.cases.choices_pure import Action, Outcome, PartyKind, Procedure, Role, SanctionKind, State
from zhifa.cases.workflow import (
    DEFAULT_POLICY,
    SPECS,
    ActorSnapshot,
    CaseSnapshot,
    Instalment,
    Licence,
    OfficerSnapshot,
    Payment,
    Penalty,
    ProcedurePolicy,
    allowed_actions,
    amount_owed,
    apply,
    case_deadlines,
    check_transition,
    hearing_applicable,
    late_payment_surcharge,
    late_payment_surcharge_fen,
    payment_obligations,
    surcharge_cap_date,
)
from zhifa.core.errors import ConflictError, DomainError

d = date.fromisoformat

LICENCE = Licence("交执豫A0001", d("2020-01-01"), d("2030-12-31"))
EXPIRED = Licence("交执豫A0002", d("2018-01-01"), d("2025-06-30"))
O1 = OfficerSnapshot("o1", LICENCE)
O2 = OfficerSnapshot("o2", LICENCE)
OFFICER = ActorSnapshot("o1", frozenset({Role.OFFICER}), frozenset({"A"}), LICENCE)
OFFICER2 = ActorSnapshot("o2", frozenset({Role.OFFICER}), frozenset({"A"}), LICENCE)
HEAD = ActorSnapshot("h1", frozenset({Role.HEAD}), frozenset({"A"}))
REVIEWER = ActorSnapshot("r1", frozenset({Role.LEGAL_REVIEWER}), frozenset({"A"}))

FINE_1000 = Penalty.fine(1_000)  # below the default 较大数额 for an organisation (10,000)
FINE_20000 = Penalty.fine(20_000)  # at or above it: hearing, legal review, collective discussion
NOTICE = {"facts": "超限运输", "reasons": "违反第三十三条", "basis": "公路安全保护条例第六十四条"}


def make(state: State = State.DRAFT, **kw) -> CaseSnapshot:
    base = {
        "procedure": Procedure.GENERAL,
        "party_kind": PartyKind.ORGANISATION,
        "agency_id": "A",
        "officers": (O1, O2),
    }
    base.update(kw)
    return CaseSnapshot(state=state, **base)


def go(case: CaseSnapshot, action: str, actor: ActorSnapshot, today: str, **params) -> CaseSnapshot:
    return apply(case, check_transition(case, action, actor, params, d(today)))


def refused(case: CaseSnapshot, action: str, actor: ActorSnapshot, today: str, **params) -> DomainError:
    with pytest.raises(DomainError) as e:
        check_transition(case, action, actor, params, d(today))
    return e.value


def notified(penalty: Penalty = FINE_1000, on: str = "2025-09-26", **kw) -> CaseSnapshot:
    """A general case notified on ``on`` (a Friday before National Day 2025: windows end 2025-10-10)."""
    kw.setdefault("filed_on", d("2025-09-01"))
    return make(State.NOTIFIED, notified_penalty=penalty, notified_on=d(on), **kw)


def served(penalty: Penalty = FINE_1000, on: str = "2025-10-15", **kw) -> CaseSnapshot:
    """Served Wed 2025-10-15: the fine is due by Thu 2025-10-30."""
    kw.setdefault("filed_on", d("2025-09-01"))
    return make(
        State.SERVED,
        outcome=Outcome.PENALTY,
        decided_penalty=penalty,
        decided_on=d("2025-10-14"),
        served_on=d(on),
        **kw,
    )


# ---------------------------------------------------------------------------------------------------
# Whole procedures


def test_general_procedure_from_filing_to_closing():
    case = make()
    case = go(case, "request_filing", OFFICER, "2025-09-01")
    assert case.state is State.PENDING_FILING
    t = check_transition(case, "file", HEAD, {}, d("2025-09-01"))
    assert (t.event, t.target) == ("case.filed", State.FILED)
    assert [(x.rule, x.due) for x in t.deadlines] == [("decision", d("2025-12-01"))]
    case = apply(case, t)
    case = go(case, "start_investigation", OFFICER, "2025-09-02")
    case = go(case, "preserve_evidence", OFFICER, "2025-09-03", approved_by="张队长")
    case = go(case, "resolve_preservation", OFFICER2, "2025-09-05")
    case = go(case, "submit_for_review", OFFICER, "2025-09-10")
    case = go(case, "record_legal_review", REVIEWER, "2025-09-11", passed=True, opinion="事实清楚", penalty=FINE_20000)
    case = go(case, "record_collective_discussion", HEAD, "2025-09-11", minutes_reference="集讨〔2025〕3号")
    t = check_transition(case, "notify", OFFICER, {"penalty": FINE_20000, **NOTICE}, d("2025-09-12"))
    assert {x.rule: x.due for x in t.deadlines} == {"statement": d("2025-09-19"), "hearing_request": d("2025-09-19")}
    case = apply(case, t)
    case = go(case, "request_hearing", OFFICER, "2025-09-18")
    case = go(case, "schedule_hearing", OFFICER, "2025-09-19", hearing_date=d("2025-10-13"), presiding_officer_id="p9")
    case = go(case, "record_hearing", HEAD, "2025-10-13", result="held", record_reference="听证笔录1号")
    # after the hearing the earlier review and discussion no longer count (第58条(二), 第65条)
    assert refused(case, "decide", HEAD, "2025-10-14", outcome="penalty").code == "case.legal_review_required"
    case = go(case, "record_legal_review", REVIEWER, "2025-10-14", passed=True, opinion="同意")
    assert refused(case, "decide", HEAD, "2025-10-14", outcome="penalty").code == "case.collective_discussion_required"
    case = go(case, "record_collective_discussion", HEAD, "2025-10-14", minutes_reference="集讨〔2025〕4号")
    t = check_transition(case, "decide", HEAD, {"outcome": "penalty", "penalty": Penalty.fine(15_000)}, d("2025-10-14"))
    assert [(x.rule, x.due) for x in t.deadlines] == [("service", d("2025-10-23"))]
    case = apply(case, t)
    t = check_transition(case, "serve", OFFICER, {"method": "直接送达"}, d("2025-10-15"))
    assert [(x.rule, x.due) for x in t.deadlines] == [("payment", d("2025-10-30"))]
    case = apply(case, t)
    assert refused(case, "close", HEAD, "2025-10-20").code == "case.outstanding_payment"
    case = go(case, "record_payment", OFFICER, "2025-10-29", amount_yuan=15_000)
    case = go(case, "close", HEAD, "2025-10-31")
    assert case.state is State.CLOSED
    assert case.version == 18  # one per applied transition


def test_summary_procedure_on_the_spot():
    case = make(procedure=Procedure.SUMMARY, party_kind=PartyKind.PERSON)
    t = check_transition(
        case, "decide_on_the_spot", OFFICER, {"penalty": Penalty.fine(100), "rights_informed": True}, d("2024-09-27")
    )
    assert t.target is State.SERVED  # handed over on the spot (第52条)
    # 15 days from 09-27 is Sat 2024-10-12, a make-up working day: no roll
    assert {x.rule: x.due for x in t.deadlines} == {"summary_filing": d("2024-10-10"), "payment": d("2024-10-12")}
    case = apply(case, t)
    assert case.served_on == case.decided_on == d("2024-09-27")
    case = go(case, "collect_on_the_spot", OFFICER, "2024-09-27")
    assert amount_owed(case, d("2024-09-27")).total_outstanding_yuan == 0
    assert refused(case, "close", HEAD, "2024-09-30").code == "case.summary_copy_missing"
    case = go(case, "file_summary_copy", OFFICER, "2024-09-30")
    case = go(case, "close", HEAD, "2024-09-30")
    assert case.state is State.CLOSED


# ---------------------------------------------------------------------------------------------------
# State, role, jurisdiction, licence


class TestStateAndActor:
    def test_transition_not_allowed(self):
        e = refused(make(State.FILED, filed_on=d("2025-09-01")), "serve", OFFICER, "2025-09-02", method="x")
        assert e.code == "case.transition_not_allowed"
        assert e.message.startswith("当前状态不能执行该操作")

    def test_unknown_action(self):
        assert refused(make(), "teleport", OFFICER, "2025-09-01").code == "case.unknown_action"

    def test_role_required(self):
        case = make(State.PENDING_FILING)
        assert refused(case, "file", OFFICER, "2025-09-01").code == "case.role_required"

    def test_outside_jurisdiction(self):
        outsider = replace(HEAD, jurisdiction=frozenset({"B"}))
        assert refused(make(State.PENDING_FILING), "file", outsider, "2025-09-01").code == "case.outside_jurisdiction"

    def test_actor_licence_expired(self):
        actor = replace(OFFICER, licence=EXPIRED)
        e = refused(make(), "request_filing", actor, "2025-09-01")
        assert (e.code, e.field) == ("officer.licence_expired", "actor")

    def test_actor_licence_missing_or_not_yet_valid(self):
        assert refused(make(), "request_filing", replace(OFFICER, licence=None), "2025-09-01").code == (
            "officer.licence_missing"
        )
        future = Licence("交执豫A0003", d("2026-01-01"), d("2030-12-31"))
        assert refused(make(), "request_filing", replace(OFFICER, licence=future), "2025-09-01").code == (
            "officer.licence_not_yet_valid"
        )

    def test_officer_must_be_assigned(self):
        stranger = replace(OFFICER, officer_id="o9")
        assert refused(make(), "request_filing", stranger, "2025-09-01").code == "case.not_assigned"

    def test_wrong_procedure(self):
        summary = make(procedure=Procedure.SUMMARY)
        assert refused(summary, "request_filing", OFFICER, "2025-09-01").code == "case.wrong_procedure"
        general = make()
        e = refused(general, "decide_on_the_spot", OFFICER, "2025-09-01", penalty=Penalty.warning())
        assert e.code == "case.wrong_procedure"

    def test_version_conflict(self):
        case = make(State.PENDING_FILING, version=4)
        with pytest.raises(ConflictError) as e:
            check_transition(case, "file", HEAD, {"version": 3}, d("2025-09-01"))
        assert e.value.code == "case.version_conflict"
        assert apply(case, check_transition(case, "file", HEAD, {"version": 4}, d("2025-09-01"))).version == 5

    def test_apply_refuses_a_stale_transition(self):
        case = make(State.PENDING_FILING)
        t = check_transition(case, "file", HEAD, {}, d("2025-09-01"))
        with pytest.raises(ConflictError):
            apply(apply(case, t), t)


class TestTwoOfficers:
    """第42条: investigation and on-the-spot penalties by at least two officers with valid licences."""

    CASES = [
        (make(State.FILED, filed_on=d("2025-09-01")), "start_investigation", {}),
        (make(State.INVESTIGATING, filed_on=d("2025-09-01")), "preserve_evidence", {"approved_by": "张队长"}),
        (make(State.INVESTIGATING, filed_on=d("2025-09-01")), "submit_for_review", {}),
        (
            make(procedure=Procedure.SUMMARY),
            "decide_on_the_spot",
            {"penalty": Penalty.warning(), "rights_informed": True},
        ),
    ]

    @pytest.mark.parametrize(("case", "action", "params"), CASES, ids=[c[1] for c in CASES])
    def test_one_officer_is_not_enough(self, case, action, params):
        alone = replace(case, officers=(O1,))
        e = refused(alone, action, OFFICER, "2025-09-05", **params)
        assert e.code == "case.two_officers_required"
        check_transition(case, action, OFFICER, params, d("2025-09-05"))  # two: accepted

    def test_an_expired_licence_does_not_count(self):
        case = make(State.FILED, filed_on=d("2025-09-01"), officers=(O1, OfficerSnapshot("o2", EXPIRED)))
        e = refused(case, "start_investigation", OFFICER, "2025-09-05")
        assert e.code == "case.two_officers_required"
        assert "o2" in e.message

    def test_allowed_actions_shows_the_block(self):
        case = make(State.FILED, filed_on=d("2025-09-01"), officers=(O1,))
        [option] = [
            o for o in allowed_actions(case, OFFICER, d("2025-09-05")) if o.action is Action.START_INVESTIGATION
        ]
        assert not option.available
        assert option.blocked_code == "case.two_officers_required"


class TestFiling:
    def test_refuse_filing_needs_a_reason(self):
        case = make(State.PENDING_FILING)
        assert refused(case, "refuse_filing", HEAD, "2025-09-01").code == "case.reason_required"
        t = check_transition(case, "refuse_filing", HEAD, {"reason": "不属于本机关管辖范围"}, d("2025-09-01"))
        assert (t.target, t.event, t.reason) == (State.DISMISSED, "case.filing_refused", "不属于本机关管辖范围")

    def test_transfer_names_the_receiving_body(self):
        case = make(State.INVESTIGATING, filed_on=d("2025-09-01"))
        e = refused(case, "transfer", HEAD, "2025-09-05", reason="违法行为发生地不在本辖区")
        assert (e.code, e.field) == ("case.param_required", "receiving_body")
        case = go(
            case,
            "transfer",
            HEAD,
            "2025-09-05",
            reason="违法行为发生地不在本辖区",
            receiving_body="某县交通运输综合执法大队",
        )
        assert (case.state, case.transferred_to) == (State.TRANSFERRED, "某县交通运输综合执法大队")

    def test_filing_date_cannot_be_in_the_future(self):
        e = refused(make(State.PENDING_FILING), "file", HEAD, "2025-09-01", filed_on=d("2025-09-02"))
        assert (e.code, e.field) == ("case.invalid_date", "filed_on")

    def test_dismiss_records_where_it_came_from(self):
        case = go(
            make(State.UNDER_REVIEW, filed_on=d("2025-09-01")), "dismiss", HEAD, "2025-09-05", reason="违法事实不清"
        )
        assert (case.state, case.closed_from) == (State.DISMISSED, State.UNDER_REVIEW)


class TestPreservation:
    def test_head_approval_required(self):
        case = make(State.INVESTIGATING, filed_on=d("2025-09-01"))
        assert refused(case, "preserve_evidence", OFFICER, "2025-09-03").field == "approved_by"

    def test_open_preservation_blocks_review_and_late_resolution_warns(self):
        case = make(State.INVESTIGATING, filed_on=d("2025-09-01"), open_preservations=(d("2025-09-26"),))
        assert refused(case, "submit_for_review", OFFICER, "2025-10-20").code == "case.preservation_open"
        t = check_transition(case, "resolve_preservation", OFFICER, {}, d("2025-10-20"))
        assert [w.code for w in t.warnings] == ["case.preservation_overdue"]  # due 2025-10-13
        on_time = check_transition(case, "resolve_preservation", OFFICER, {}, d("2025-10-13"))
        assert not on_time.warnings
        assert apply(case, on_time).open_preservations == ()

    def test_nothing_to_resolve_is_shown_blocked(self):
        case = make(State.INVESTIGATING, filed_on=d("2025-09-01"))
        [option] = [
            o for o in allowed_actions(case, OFFICER, d("2025-09-05")) if o.action is Action.RESOLVE_PRESERVATION
        ]
        assert (option.available, option.blocked_code) == (False, "case.no_open_preservation")
        assert refused(case, "resolve_preservation", OFFICER, "2025-09-05").code == "case.no_open_preservation"


class TestDecisionPeriod:
    def test_extension_is_approved_with_a_reason_and_capped_by_policy(self):
        case = make(State.INVESTIGATING, filed_on=d("2025-07-05"))
        t = check_transition(case, "extend_deadline", HEAD, {"days": 30, "reason": "案情复杂需鉴定"}, d("2025-09-01"))
        assert t.deadlines[0].due == d("2025-11-03")  # 10-03 + 30 days is Sunday 11-02
        capped = ProcedurePolicy(decision_extension_max_days=30)
        case = replace(case, extension_days=20)
        with pytest.raises(DomainError) as e:
            check_transition(
                case, "extend_deadline", HEAD, {"days": 15, "reason": "案情复杂需鉴定"}, d("2025-09-01"), policy=capped
            )
        assert e.value.code == "case.extension_too_long"
        assert (
            refused(case, "extend_deadline", HEAD, "2025-09-01", days=0, reason="案情复杂需鉴定").code
            == "case.invalid_amount"
        )

    def test_suspension_is_excluded_and_resume_returns_to_the_previous_state(self):
        case = make(State.INVESTIGATING, filed_on=d("2025-07-05"))
        case = go(case, "suspend", HEAD, "2025-08-01", reason="等待技术鉴定结论")
        assert (case.state, case.suspended_from) == (State.SUSPENDED, State.INVESTIGATING)
        assert case_deadlines(case, d("2025-08-05")) == []  # the clock is stopped
        t = check_transition(case, "resume", HEAD, {}, d("2025-08-11"))
        assert t.target is State.INVESTIGATING
        assert t.deadlines[0].due == d("2025-10-13")  # 10-03 + 10 days
        assert apply(case, t).suspensions[0].end == d("2025-08-11")


class TestNotice:
    def test_notice_must_state_facts_reasons_and_basis(self):
        case = make(State.UNDER_REVIEW, filed_on=d("2025-09-01"))
        e = refused(case, "notify", OFFICER, "2025-09-12", penalty=FINE_1000, facts="超限运输", reasons="理由")
        assert (e.code, e.field) == ("case.notice_incomplete", "basis")
        assert refused(case, "notify", OFFICER, "2025-09-12", **NOTICE).code == "case.penalty_required"

    def test_hearing_window_only_when_hearing_applies(self):
        case = make(State.UNDER_REVIEW, filed_on=d("2025-09-01"))
        small = check_transition(case, "notify", OFFICER, {"penalty": FINE_1000, **NOTICE}, d("2025-09-26"))
        assert [x.rule for x in small.deadlines] == ["statement"]
        big = check_transition(case, "notify", OFFICER, {"penalty": FINE_20000, **NOTICE}, d("2025-09-26"))
        assert {x.rule: x.due for x in big.deadlines} == {
            "statement": d("2025-10-10"),
            "hearing_request": d("2025-10-10"),
        }

    def test_no_penalty_decision_before_notice(self):
        case = make(State.UNDER_REVIEW, filed_on=d("2025-09-01"))
        e = refused(case, "decide", HEAD, "2025-09-12", outcome="penalty", penalty=FINE_1000)
        assert e.code == "case.notice_required"

    def test_not_established_needs_no_notice(self):
        case = make(State.UNDER_REVIEW, filed_on=d("2025-09-01"))
        t = check_transition(case, "decide", HEAD, {"outcome": "not_established"}, d("2025-09-12"))
        assert t.target is State.DECIDED
        assert t.changes["decided_penalty"] is None

    def test_transfer_to_judiciary(self):
        case = make(State.UNDER_REVIEW, filed_on=d("2025-09-01"))
        t = check_transition(
            case, "decide", HEAD, {"outcome": "transfer_judicial", "receiving_body": "某县公安局"}, d("2025-09-12")
        )
        assert t.target is State.TRANSFERRED


class TestStatementWindow:
    """第62条: no decision while the party may still make a statement, unless heard or waived."""

    def test_window_open(self):
        e = refused(notified(), "decide", HEAD, "2025-10-10", outcome="penalty")
        assert e.code == "case.statement_window_open"
        assert "2025-10-10" in e.message

    def test_after_the_window(self):
        assert (
            check_transition(notified(), "decide", HEAD, {"outcome": "penalty"}, d("2025-10-11")).target
            is State.DECIDED
        )

    def test_statement_heard(self):
        case = go(notified(), "record_statement", OFFICER, "2025-09-29")
        assert check_transition(case, "decide", HEAD, {"outcome": "penalty"}, d("2025-09-30")).target is State.DECIDED

    def test_rights_waived_in_writing(self):
        case = notified()
        assert refused(case, "waive_rights", OFFICER, "2025-09-29").field == "waiver_reference"
        case = go(case, "waive_rights", OFFICER, "2025-09-29", waiver_reference="放弃声明-001")
        assert check_transition(case, "decide", HEAD, {"outcome": "penalty"}, d("2025-09-29")).target is State.DECIDED

    def test_policy_sets_the_window(self):
        short = ProcedurePolicy(statement_window_working_days=2)  # 09-28, 09-29
        t = check_transition(notified(), "decide", HEAD, {"outcome": "penalty"}, d("2025-09-30"), policy=short)
        assert t.target is State.DECIDED


class TestHeavierAfterStatement:
    """第45条第2款: a statement or defence never leads to a heavier penalty."""

    def test_decision_heavier_than_notice_after_statement(self):
        case = notified(Penalty.fine(5_000), statement_made=True)
        e = refused(case, "decide", HEAD, "2025-10-13", outcome="penalty", penalty=Penalty.fine(6_000))
        assert (e.code, e.field) == ("case.heavier_after_statement", "penalty")
        lighter = check_transition(
            case, "decide", HEAD, {"outcome": "penalty", "penalty": Penalty.fine(4_000)}, d("2025-10-13")
        )
        assert lighter.changes["decided_penalty"] == Penalty.fine(4_000)

    def test_renotice_cannot_raise_it_either(self):
        case = notified(Penalty.fine(5_000), statement_made=True)
        e = refused(case, "notify", OFFICER, "2025-10-13", penalty=Penalty.fine(6_000), **NOTICE)
        assert e.code == "case.heavier_after_statement"

    def test_added_sanction_is_heavier(self):
        case = notified(Penalty.fine(5_000), statement_made=True)
        heavier = Penalty(frozenset({SanctionKind.FINE, SanctionKind.SUSPEND_LICENCE}), fine_yuan=5_000)
        assert refused(case, "decide", HEAD, "2025-10-13", outcome="penalty", penalty=heavier).code == (
            "case.heavier_after_statement"
        )

    def test_without_statement_a_heavier_penalty_needs_a_new_notice(self):
        case = notified(Penalty.fine(5_000))
        e = refused(case, "decide", HEAD, "2025-10-13", outcome="penalty", penalty=Penalty.fine(6_000))
        assert e.code == "case.renotice_required"
        renotified = go(case, "notify", OFFICER, "2025-10-13", penalty=Penalty.fine(6_000), **NOTICE)
        assert renotified.notified_penalty == Penalty.fine(6_000)

    def test_heavier_than_comparison(self):
        fine = Penalty.fine(1_000)
        assert not Penalty.warning().heavier_than(fine)  # a warning in place of a fine
        assert Penalty(frozenset({SanctionKind.FINE, SanctionKind.PUBLIC_CRITICISM}), fine_yuan=1_000).heavier_than(
            fine
        )
        assert not Penalty.fine(1_000).heavier_than(fine)
        assert Penalty.fine(1_001).heavier_than(fine)


class TestHearing:
    def test_applicability_thresholds_per_party_and_policy(self):
        person, org = PartyKind.PERSON, PartyKind.ORGANISATION
        assert hearing_applicable(Penalty.fine(2_000), person)
        assert not hearing_applicable(Penalty.fine(1_999), person)
        assert hearing_applicable(Penalty.fine(10_000), org)
        assert not hearing_applicable(Penalty.fine(9_999), org)
        revoke = Penalty(frozenset({SanctionKind.REVOKE_LICENCE}))
        assert hearing_applicable(revoke, person)  # 第63条(三), whatever the amount
        province = ProcedurePolicy(jurisdiction="37", large_amount_person_yuan=5_000)
        assert not hearing_applicable(Penalty.fine(2_000), person, province)
        business = ProcedurePolicy(large_amount_business_activity_yuan=20_000)
        assert not hearing_applicable(Penalty.fine(15_000), org, business, business_activity=True)
        assert hearing_applicable(Penalty.fine(15_000), org, business, business_activity=False)

    def test_request_window_keeps_the_decision_waiting(self):
        case = notified(FINE_20000, statement_made=True)
        e = refused(case, "decide", HEAD, "2025-10-10", outcome="penalty")
        assert e.code == "case.hearing_request_window_open"

    def test_request_after_five_working_days_is_late(self):
        case = notified(FINE_20000)
        e = refused(case, "request_hearing", OFFICER, "2025-10-11", requested_on=d("2025-10-11"))
        assert e.code == "case.hearing_request_late"
        assert go(case, "request_hearing", OFFICER, "2025-10-10").hearing_requested_on == d("2025-10-10")

    def test_request_when_not_applicable(self):
        assert (
            refused(notified(FINE_1000), "request_hearing", OFFICER, "2025-09-29").code == "case.hearing_not_applicable"
        )

    def test_notice_seven_working_days_before(self):
        case = notified(FINE_20000, on="2025-09-12", hearing_requested_on=d("2025-09-15"))
        e = refused(
            case, "schedule_hearing", OFFICER, "2025-09-26", hearing_date=d("2025-10-13"), presiding_officer_id="p9"
        )
        assert e.code == "case.hearing_notice_too_late"
        assert "2025-09-25" in e.message
        ok = go(
            case, "schedule_hearing", OFFICER, "2025-09-25", hearing_date=d("2025-10-13"), presiding_officer_id="p9"
        )
        assert (ok.hearing_date, ok.hearing_notice_on) == (d("2025-10-13"), d("2025-09-25"))

    def test_presiding_officer_is_not_an_investigator(self):
        case = notified(FINE_20000, on="2025-09-12", hearing_requested_on=d("2025-09-15"))
        e = refused(
            case, "schedule_hearing", OFFICER, "2025-09-16", hearing_date=d("2025-10-20"), presiding_officer_id="o2"
        )
        assert e.code == "case.presiding_officer_conflict"

    def test_decision_waits_for_the_hearing(self):
        case = notified(FINE_20000, hearing_requested_on=d("2025-09-29"), hearing_date=d("2025-10-20"))
        assert refused(case, "decide", HEAD, "2025-10-14", outcome="penalty").code == "case.hearing_pending"
        assert (
            refused(case, "record_hearing", HEAD, "2025-10-17", result="held", record_reference="x").code
            == "case.hearing_not_yet"
        )

    def test_record_hearing_is_offered_only_when_scheduled_and_due(self):
        def option(case, today):
            [o] = [o for o in allowed_actions(case, OFFICER, d(today)) if o.action is Action.RECORD_HEARING]
            return o

        requested = notified(FINE_20000, hearing_requested_on=d("2025-09-29"))
        assert option(requested, "2025-10-14").blocked_code == "case.hearing_not_scheduled"
        scheduled = notified(FINE_20000, hearing_requested_on=d("2025-09-29"), hearing_date=d("2025-10-20"))
        assert option(scheduled, "2025-10-17").blocked_code == "case.hearing_not_yet"
        assert option(scheduled, "2025-10-20").available

    def test_party_absent_counts_as_waiver(self):
        case = notified(
            FINE_20000,
            hearing_requested_on=d("2025-09-29"),
            hearing_date=d("2025-10-20"),
            legal_review_passed=True,
            reviewed_penalty=FINE_20000,
            collective_discussion_done=True,
        )
        case = go(case, "record_hearing", HEAD, "2025-10-20", result="absent")
        assert case.hearing_waived and not case.hearing_held
        assert check_transition(case, "decide", HEAD, {"outcome": "penalty"}, d("2025-10-21")).target is State.DECIDED


class TestLegalReviewAndCollectiveDiscussion:
    def ready(self, **kw) -> CaseSnapshot:
        kw.setdefault("rights_waived", True)
        return notified(FINE_20000, **kw)

    def test_required_and_missing(self):
        assert refused(
            self.ready(collective_discussion_done=True), "decide", HEAD, "2025-09-29", outcome="penalty"
        ).code == ("case.legal_review_required")

    def test_failed(self):
        case = self.ready(legal_review_passed=False, collective_discussion_done=True)
        assert refused(case, "decide", HEAD, "2025-09-29", outcome="penalty").code == "case.legal_review_failed"

    def test_review_must_cover_the_penalty(self):
        case = self.ready(
            legal_review_passed=True, reviewed_penalty=Penalty.fine(15_000), collective_discussion_done=True
        )
        assert refused(case, "decide", HEAD, "2025-09-29", outcome="penalty").code == "case.legal_review_required"
        ok = check_transition(
            case, "decide", HEAD, {"outcome": "penalty", "penalty": Penalty.fine(15_000)}, d("2025-09-29")
        )
        assert ok.target is State.DECIDED

    def test_collective_discussion_required(self):
        case = self.ready(legal_review_passed=True, reviewed_penalty=FINE_20000)
        assert (
            refused(case, "decide", HEAD, "2025-09-29", outcome="penalty").code == "case.collective_discussion_required"
        )

    def test_flags_make_small_cases_major(self):
        case = notified(FINE_1000, rights_waived=True, complex_or_major=True)
        assert (
            refused(case, "decide", HEAD, "2025-09-29", outcome="penalty").code == "case.collective_discussion_required"
        )
        flagged = make(State.UNDER_REVIEW, filed_on=d("2025-09-01"), legal_review_flagged=True)
        assert refused(flagged, "decide", HEAD, "2025-09-29", outcome="no_penalty").code == "case.legal_review_required"

    def test_reviewer_is_not_a_case_officer(self):
        both = ActorSnapshot("o1", frozenset({Role.LEGAL_REVIEWER}), frozenset({"A"}))
        case = make(State.UNDER_REVIEW, filed_on=d("2025-09-01"))
        e = refused(case, "record_legal_review", both, "2025-09-10", passed=True, opinion="同意")
        assert e.code == "case.reviewer_conflict"

    def test_small_case_needs_neither(self):
        case = notified(FINE_1000, rights_waived=True)
        assert check_transition(case, "decide", HEAD, {"outcome": "penalty"}, d("2025-09-29")).target is State.DECIDED


class TestSummaryProcedure:
    @pytest.mark.parametrize(
        ("party", "ok", "too_much"), [(PartyKind.PERSON, 200, 201), (PartyKind.ORGANISATION, 3_000, 3_001)]
    )
    def test_fine_limits(self, party, ok, too_much):
        case = make(procedure=Procedure.SUMMARY, party_kind=party)
        check_transition(
            case, "decide_on_the_spot", OFFICER, {"penalty": Penalty.fine(ok), "rights_informed": True}, d("2025-09-01")
        )
        e = refused(
            case, "decide_on_the_spot", OFFICER, "2025-09-01", penalty=Penalty.fine(too_much), rights_informed=True
        )
        assert e.code == "case.summary_limit_exceeded"

    def test_only_warning_or_fine(self):
        case = make(procedure=Procedure.SUMMARY)
        check_transition(
            case,
            "decide_on_the_spot",
            OFFICER,
            {"penalty": Penalty.warning(), "rights_informed": True},
            d("2025-09-01"),
        )
        suspend = Penalty(frozenset({SanctionKind.SUSPEND_LICENCE}))
        e = refused(case, "decide_on_the_spot", OFFICER, "2025-09-01", penalty=suspend, rights_informed=True)
        assert e.code == "case.summary_sanction_not_allowed"

    def test_rights_must_be_told_on_the_spot(self):
        case = make(procedure=Procedure.SUMMARY)
        e = refused(case, "decide_on_the_spot", OFFICER, "2025-09-01", penalty=Penalty.fine(50))
        assert (e.code, e.field) == ("case.notice_required", "rights_informed")

    def test_late_copy_is_flagged(self):
        case = make(
            State.SERVED,
            procedure=Procedure.SUMMARY,
            outcome=Outcome.PENALTY,
            decided_penalty=Penalty.warning(),
            decided_on=d("2024-09-27"),
            served_on=d("2024-09-27"),
        )
        t = check_transition(case, "file_summary_copy", OFFICER, {}, d("2024-10-11"))  # due 2024-10-10
        assert [w.code for w in t.warnings] == ["case.summary_copy_late"]
        assert not check_transition(case, "file_summary_copy", OFFICER, {}, d("2024-10-10")).warnings

    @pytest.mark.parametrize(
        ("procedure", "fine", "params", "allowed"),
        [
            (Procedure.SUMMARY, 100, {}, True),
            (Procedure.SUMMARY, 150, {}, False),
            (Procedure.SUMMARY, 150, {"hard_to_enforce_later": True}, True),
            (Procedure.GENERAL, 5_000, {}, False),
            (Procedure.GENERAL, 5_000, {"remote_area": True}, True),
        ],
    )
    def test_collection_on_the_spot(self, procedure, fine, params, allowed):
        case = served(Penalty.fine(fine), procedure=procedure)
        if allowed:
            after = go(case, "collect_on_the_spot", OFFICER, "2025-10-15", **params)
            assert after.payments == (Payment(d("2025-10-15"), fine),)
        else:
            e = refused(case, "collect_on_the_spot", OFFICER, "2025-10-15", **params)
            assert e.code == "case.on_the_spot_collection_not_allowed"


class TestAfterDecision:
    def test_decision_final(self):
        case = served()
        assert refused(case, "notify", OFFICER, "2025-10-16", penalty=FINE_1000, **NOTICE).code == "case.decision_final"
        assert refused(case, "decide", HEAD, "2025-10-16", outcome="penalty").code == "case.decision_final"

    def test_service_overdue_is_flagged(self):
        case = make(State.DECIDED, outcome=Outcome.PENALTY, decided_penalty=FINE_1000, decided_on=d("2026-02-12"))
        t = check_transition(
            case, "serve", OFFICER, {"method": "邮寄送达", "served_on": d("2026-03-02")}, d("2026-03-02")
        )
        assert [w.code for w in t.warnings] == ["case.service_overdue"]
        ok = check_transition(
            case, "serve", OFFICER, {"method": "邮寄送达", "served_on": d("2026-02-28")}, d("2026-03-02")
        )
        assert not ok.warnings

    def test_clerical_correction_cannot_change_the_penalty(self):
        case = served()
        e = refused(
            case,
            "amend_decision",
            HEAD,
            "2025-10-20",
            kind="clerical",
            reference="更正-1",
            reason="当事人名称笔误",
            penalty=Penalty.fine(900),
        )
        assert e.code == "case.decision_final"
        t = check_transition(
            case,
            "amend_decision",
            HEAD,
            {"kind": "clerical", "reference": "更正-1", "reason": "当事人名称笔误"},
            d("2025-10-20"),
        )
        assert (t.target, dict(t.changes)) == (State.SERVED, {})

    def test_change_on_review_may_not_be_heavier(self):
        case = served()
        params = {"kind": "changed_on_review", "reference": "复决〔2025〕9号", "reason": "复议机关变更"}
        e = refused(case, "amend_decision", HEAD, "2025-12-01", penalty=Penalty.fine(1_500), **params)
        assert e.code == "case.amendment_heavier"
        t = check_transition(case, "amend_decision", HEAD, {**params, "penalty": Penalty.fine(500)}, d("2025-12-01"))
        assert t.changes["decided_penalty"] == Penalty.fine(500)
        assert [x.rule for x in t.deadlines] == ["publication_withdrawal"]

    def test_revocation_closes_and_redo_reopens_the_investigation(self):
        params = {"reference": "判决书-1", "reason": "人民法院判决撤销"}
        revoked = go(served(), "amend_decision", HEAD, "2025-12-01", kind="revoked_on_review", **params)
        assert (revoked.state, revoked.decision_revoked) == (State.CLOSED, True)
        assert amount_owed(revoked, d("2026-01-01")).total_outstanding_yuan == 0
        redo = go(served(), "amend_decision", HEAD, "2025-12-01", kind="redo_on_review", **params)
        assert (redo.state, redo.outcome, redo.decided_penalty, redo.notified_on) == (
            State.INVESTIGATING,
            None,
            None,
            None,
        )

    def test_amendment_needs_a_reason(self):
        e = refused(served(), "amend_decision", HEAD, "2025-12-01", kind="clerical", reference="更正-1")
        assert e.code == "case.reason_required"


class TestLockedAndReopen:
    def closed(self) -> CaseSnapshot:
        return replace(
            served(payments=(Payment(d("2025-10-20"), 1_000),)), state=State.CLOSED, closed_from=State.SERVED
        )

    def test_closed_case_is_locked(self):
        e = refused(self.closed(), "record_payment", OFFICER, "2025-11-01", amount_yuan=1)
        assert e.code == "case.locked"
        assert refused(self.closed(), "suspend", HEAD, "2025-11-01", reason="需要中止").code == "case.locked"

    def test_only_reopen_is_offered(self):
        assert [o.action for o in allowed_actions(self.closed(), HEAD, d("2025-11-01"))] == [Action.REOPEN]
        assert allowed_actions(self.closed(), OFFICER, d("2025-11-01")) == []

    def test_reopen_requires_a_reason_and_is_audited(self):
        assert refused(self.closed(), "reopen", HEAD, "2025-11-01").code == "case.reason_required"
        assert refused(self.closed(), "reopen", HEAD, "2025-11-01", reason="错").code == "case.reason_required"
        t = check_transition(self.closed(), "reopen", HEAD, {"reason": "缴款凭证与银行记录不符"}, d("2025-11-01"))
        assert (t.target, t.event, t.reason) == (State.SERVED, "case.reopened", "缴款凭证与银行记录不符")

    def test_dismissed_case_is_locked_too(self):
        case = make(State.DISMISSED, filed_on=d("2025-09-01"), closed_from=State.INVESTIGATING)
        assert refused(case, "start_investigation", OFFICER, "2025-09-10").code == "case.locked"
        assert go(case, "reopen", HEAD, "2025-09-10", reason="发现新的违法证据").state is State.INVESTIGATING


class TestExecution:
    def test_surcharge_and_overpayment(self):
        case = served(FINE_1000)  # due 2025-10-30
        owed = amount_owed(case, d("2025-11-10"))  # 11 days late: 33% of 1,000
        assert (owed.surcharge_yuan, owed.total_outstanding_yuan) == (330, 1_330)
        e = refused(case, "record_payment", OFFICER, "2025-11-10", amount_yuan=1_331, paid_on=d("2025-11-10"))
        assert e.code == "case.overpayment"
        paid = go(case, "record_payment", OFFICER, "2025-11-10", amount_yuan=1_330, paid_on=d("2025-11-10"))
        assert amount_owed(paid, d("2025-12-31")).total_outstanding_yuan == 0  # the surcharge stopped

    def test_back_dated_payment_cannot_overpay(self):
        case = served(FINE_1000, payments=(Payment(d("2025-10-28"), 600),))
        e = refused(case, "record_payment", OFFICER, "2025-11-01", amount_yuan=500, paid_on=d("2025-10-20"))
        assert (e.code, e.field) == ("case.overpayment", "amount_yuan")
        assert "400" in e.message
        assert go(case, "record_payment", OFFICER, "2025-11-01", amount_yuan=400, paid_on=d("2025-10-20")).payments

    def test_partial_payment_stops_surcharge_on_the_part_paid(self):
        case = served(FINE_1000, payments=(Payment(d("2025-11-01"), 600),))  # 600 paid 2 days late
        owed = amount_owed(case, d("2025-11-10"))
        # 600 x 3% x 2 days = 36; 400 x 3% x 11 days = 132
        assert (owed.principal_outstanding_yuan, owed.surcharge_yuan) == (400, 168)

    def test_enforcement_only_once_overdue(self):
        case = served(FINE_1000)
        assert refused(case, "start_enforcement", HEAD, "2025-10-30").code == "case.payment_not_overdue"
        assert go(case, "start_enforcement", HEAD, "2025-10-31").state is State.EXECUTING

    def test_court_application_guards(self):
        case = replace(served(FINE_1000), state=State.EXECUTING)
        assert refused(case, "apply_to_court", HEAD, "2026-05-01").code == "case.demand_required"
        case = go(case, "send_demand", OFFICER, "2026-04-10")  # wait ends 2026-04-24
        assert refused(case, "apply_to_court", HEAD, "2026-04-24").code == "case.demand_wait"
        early = replace(case, demand_served_on=d("2025-11-03"))
        e = refused(early, "apply_to_court", HEAD, "2026-04-15")
        assert e.code == "case.court_application_premature"  # 诉讼 period runs to 2026-04-15
        assert go(early, "apply_to_court", HEAD, "2026-04-16").court_applied_on == d("2026-04-16")
        assert refused(early, "apply_to_court", HEAD, "2026-07-16").code == "case.court_application_expired"

    def test_deferral_moves_the_due_date_and_the_court_window(self):
        case = served(FINE_1000)
        e = refused(case, "approve_deferral", HEAD, "2025-10-20", until=d("2026-01-15"))
        assert e.field == "application_reference"
        case = go(
            case, "approve_deferral", HEAD, "2025-10-20", until=d("2026-06-30"), application_reference="暂缓申请-1"
        )
        assert payment_obligations(case) == [Instalment(d("2026-06-30"), 1_000)]
        assert amount_owed(case, d("2026-06-30")).surcharge_yuan == 0
        assert amount_owed(case, d("2026-07-01")).surcharge_yuan == 30
        # without the deferral the window would open 2026-04-16; with it, after 2026-06-30
        early = replace(case, state=State.EXECUTING, demand_served_on=d("2026-05-06"))
        assert refused(early, "apply_to_court", HEAD, "2026-06-30").code == "case.court_application_premature"
        assert go(early, "apply_to_court", HEAD, "2026-07-01").court_applied_on == d("2026-07-01")

    def test_instalments(self):
        case = served(Penalty.fine(3_000))
        plan = (Instalment(d("2025-11-15"), 1_000), Instalment(d("2025-12-15"), 1_000))
        e = refused(
            case, "approve_instalments", HEAD, "2025-10-20", instalments=plan, application_reference="分期申请-1"
        )
        assert e.code == "case.instalments_mismatch"
        plan = (*plan, Instalment(d("2026-01-15"), 1_000))
        case = go(case, "approve_instalments", HEAD, "2025-10-20", instalments=plan, application_reference="分期申请-1")
        assert not go_overdue(case, "2025-11-15")
        assert go_overdue(case, "2025-11-16")
        # only the first instalment is late on 2025-11-20: 1,000 x 3% x 5 days
        assert amount_owed(case, d("2025-11-20")).surcharge_yuan == 150

    def test_close_with_money_owed_needs_a_termination_basis(self):
        case = replace(served(FINE_1000), state=State.EXECUTING, court_applied_on=d("2026-04-16"))
        assert refused(case, "close", HEAD, "2026-09-01").code == "case.outstanding_payment"
        ok = check_transition(
            case, "close", HEAD, {"termination_basis": "法院终结执行裁定书（2026）豫0101执1号"}, d("2026-09-01")
        )
        assert ok.target is State.CLOSED

    def test_enforcement_agreement_waives_surcharge(self):
        case = replace(served(FINE_1000), state=State.EXECUTING)
        e = refused(
            case,
            "enforcement_agreement",
            HEAD,
            "2025-11-10",
            reason="当事人补救",
            agreement_reference="协议-1",
            surcharge_waived_yuan=331,
        )
        assert e.code == "case.invalid_amount"  # only 330 has accrued
        case = go(
            case,
            "enforcement_agreement",
            HEAD,
            "2025-11-10",
            reason="当事人补救",
            agreement_reference="协议-1",
            surcharge_waived_yuan=330,
        )
        assert amount_owed(case, d("2025-11-10")).total_outstanding_yuan == 1_000


def go_overdue(case: CaseSnapshot, today: str) -> bool:
    try:
        check_transition(case, "start_enforcement", HEAD, {}, d(today))
    except DomainError as e:
        assert e.code == "case.payment_not_overdue"
        return False
    return True


class TestAllowedActionsAndDeadlines:
    def test_options_for_roles(self):
        case = notified(FINE_20000)
        head = {o.action for o in allowed_actions(case, HEAD, d("2025-09-29"))}
        assert {Action.DECIDE, Action.RECORD_COLLECTIVE_DISCUSSION, Action.DISMISS} <= head
        assert Action.RECORD_STATEMENT not in head
        officer = {o.action: o for o in allowed_actions(case, OFFICER, d("2025-09-29"))}
        assert officer[Action.RECORD_STATEMENT].available
        assert officer[Action.SCHEDULE_HEARING].blocked_code == "case.hearing_not_requested"
        supervisor = ActorSnapshot("s1", frozenset({Role.SUPERVISOR}), frozenset({"A"}))
        assert allowed_actions(case, supervisor, d("2025-09-29")) == []

    def test_expired_licence_blocks_every_enforcement_act(self):
        actor = replace(OFFICER, licence=EXPIRED)
        acts = [o for o in allowed_actions(notified(), actor, d("2025-09-29")) if SPECS[o.action].officer_act]
        assert len(acts) >= 4
        assert {o.blocked_code for o in acts} == {"officer.licence_expired"}

    def test_deadline_panel(self):
        filed = make(State.INVESTIGATING, filed_on=d("2025-07-05"), open_preservations=(d("2025-09-26"),))
        assert {(x.rule, x.due) for x in case_deadlines(filed, d("2025-09-29"))} == {
            ("decision", d("2025-10-09")),
            ("preservation", d("2025-10-13")),
        }
        assert {x.rule for x in case_deadlines(notified(FINE_20000), d("2025-09-29"))} == {
            "decision",
            "statement",
            "hearing_request",
        }
        [payment] = case_deadlines(served(), d("2025-10-20"))
        assert (payment.rule, payment.due) == ("payment", d("2025-10-30"))
        assert case_deadlines(served(payments=(Payment(d("2025-10-20"), 1_000),)), d("2025-10-21")) == []


# ---------------------------------------------------------------------------------------------------
# 加处罚款


@pytest.mark.parametrize(
    ("fine", "on", "expected"),
    [
        (1_000, "2025-10-30", 0),  # paid on the due day
        (1_000, "2025-10-31", 30),  # one day late: 3%
        (1_000, "2025-12-02", 990),  # 33 days
        (1_000, "2025-12-03", 1_000),  # 34 days: capped at the fine
        (1_000, "2026-10-30", 1_000),
        (150, "2025-10-31", 4),  # 4.5 yuan: fractions dropped
        (0, "2026-01-01", 0),
    ],
)
def test_late_payment_surcharge(fine, on, expected):
    assert late_payment_surcharge(fine, d("2025-10-30"), d(on)) == expected


def test_surcharge_in_fen_is_exact():
    assert late_payment_surcharge_fen(150, d("2025-10-30"), d("2025-10-31")) == 450
    assert surcharge_cap_date(d("2025-10-30")) == d("2025-12-03")


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_surcharge_refuses_non_integer_money(bad):
    with pytest.raises(DomainError):
        late_payment_surcharge(bad, d("2025-10-30"), d("2025-11-30"))


@settings(max_examples=200, deadline=None)
@given(
    fine=st.integers(min_value=0, max_value=10_000_000),
    due=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    late=st.integers(min_value=-30, max_value=2_000),
    more=st.integers(min_value=0, max_value=100),
)
def test_surcharge_properties(fine, due, late, more):
    on = date.fromordinal(due.toordinal() + late)
    s = late_payment_surcharge(fine, due, on)
    assert 0 <= s <= fine  # never more than the fine (行政强制法 第45条)
    assert s == min(fine, fine * 3 * max(0, late) // 100)
    assert late_payment_surcharge(fine, due, date.fromordinal(on.toordinal() + more)) >= s  # monotone


def test_penalty_validation():
    with pytest.raises(DomainError) as e:
        Penalty(frozenset({SanctionKind.FINE}))
    assert e.value.code == "case.invalid_amount"
    with pytest.raises(DomainError):
        Penalty(frozenset({SanctionKind.WARNING}), fine_yuan=100)
    with pytest.raises(DomainError):
        Penalty(frozenset({SanctionKind.FINE}), fine_yuan=True)
    with pytest.raises(DomainError) as e:
        Penalty(frozenset())
    assert e.value.code == "case.penalty_required"
    assert DEFAULT_POLICY.large_amount_person_yuan > 200  # above the on-the-spot limits
    assert DEFAULT_POLICY.large_amount_organisation_yuan > 3_000


def test_docs_cover_every_action_rule_and_reason_code():
    """docs/procedure.md is the reference for legal officers: it must not drift from the code."""
    import re
    from pathlib import Path

    from zhifa.cases import deadlines, workflow

    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "procedure.md").read_text(encoding="utf-8")
    source = Path(workflow.__file__).read_text(encoding="utf-8") + Path(deadlines.__file__).read_text(encoding="utf-8")
    codes = set(
        re.findall(r'(?:_err|DomainError|ConflictError|Notice)\(\s*"((?:case|officer|deadline)\.[a-z_]+)"', source)
    )
    assert len(codes) > 60
    missing = sorted(c for c in codes if f"`{c}`" not in doc)
    missing += [a.value for a in Action if f"`{a.value}`" not in doc]
    missing += [r.code for r in deadlines.RULES if f"`{r.code}`" not in doc]
    missing += [spec.event for spec in SPECS.values() if f"`{spec.event}`" not in doc]
    assert not missing, missing
