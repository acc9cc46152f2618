"""The case services against the database: every write goes through the state machine, bumps the
version, stores the deadlines and writes one audit event; refusals leave nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest

from tests.cases.conftest import OVERLOAD_FACTS, act, new_case, to_decided, to_investigating, to_notified, to_served
from tests.factories import PersonFactory
from zhifa.cases.models import Case, CaseNumberCounter, CasePayment, Deadline, EvidencePreservation
from zhifa.cases.services import (
    case_act,
    case_assess,
    case_assign_officers,
    case_create,
    case_decide,
    case_file,
    case_update,
)
from zhifa.core.audit import audit_verify
from zhifa.core.errors import ConflictError, DomainError, NotFound, PermissionDenied
from zhifa.core.models import AuditEvent

pytestmark = pytest.mark.django_db
d = date.fromisoformat


def events(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("seq")
        .values_list("event_code", flat=True)
    )


def refused(code, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as e:
        fn(*args, **kwargs)
    assert e.value.code == code, e.value
    return e.value


class TestCreate:
    def test_registers_a_draft_with_the_team_and_an_audit_event(self, team, clock):
        case = new_case(team)
        assert (case.state, case.version, case.number) == ("draft", 0, "")
        assert case.party_name == team.world.nz_enterprise.name
        assert case.party_kind == "organisation"
        assert case.plate == "豫R12345"
        assert case.item_name.startswith("车辆违法超限运输")
        links = list(case.case_officers.values_list("officer_id", "role"))
        assert links == [(team.officer.pk, "lead"), (team.officer2.pk, "assist")]
        assert events(case) == ["case.created"]

    def test_party_outside_jurisdiction_is_not_found(self, team, clock):
        e = refused(
            "case.party_not_found",
            new_case,
            team,
            enterprise=None,
            vehicle=None,
            person=PersonFactory(agency=team.world.linyi),
        )
        assert e.field == "person"
        assert not Case.objects.exists()

    def test_exactly_one_party(self, team, clock):
        person = PersonFactory(agency=team.world.nanzhao)
        refused("case.party_required", new_case, team, person=person)
        refused("case.party_required", new_case, team, enterprise=None)

    def test_unknown_item_and_future_violation(self, team, clock):
        refused("case.unknown_item", new_case, team, item_code="no.such_item")
        refused("case.invalid_date", new_case, team, violation_date=d("2026-03-03"))

    def test_limitation_of_two_years(self, team, clock):
        e = refused("case.limitation_expired", new_case, team, violation_date=d("2024-02-28"))
        assert "第三十六条" in e.message
        assert new_case(team, violation_date=d("2024-03-04")).pk  # 2 years end 2026-03-04

    def test_expired_licence_is_refused(self, team, clock):
        e = refused("officer.licence_expired", new_case, team, actor=team.expired.user)
        assert "2025-06-30" in e.message

    def test_only_officers_register_cases(self, team, clock):
        with pytest.raises(PermissionDenied):
            new_case(team, actor=team.world.nz_admin.user)

    def test_other_officers_must_be_of_the_same_agency(self, team, clock):
        refused("case.officer_invalid", new_case, team, officers=[team.world.ly_officer])


class TestWalk:
    def test_general_case_from_filing_to_closing(self, team, clock):
        case = to_served(team, clock)
        assert case.state == "served"
        assert case.number.endswith("〔2026〕0001号")
        assert case.fine_yuan == 4500
        assert case.next_due is None  # the payment period is the party's window, not an agency obligation
        running = dict(Deadline.objects.filter(case=case, closed_at=None).values_list("rule", "due"))
        assert running == {"payment": d("2026-03-23")}  # served 03-06 + 15 days = Sat 03-21 → Mon 03-23
        clock("2026-03-20")
        act(case, "record_payment", team.officer, amount_yuan=4500, receipt_no="豫财罚0001")
        case = act(case, "close", team.head)
        assert case.state == "closed"
        assert case.version == 10
        assert list(CasePayment.objects.filter(case=case).values_list("amount_yuan", "receipt_no")) == [
            (4500, "豫财罚0001")
        ]
        assert not Deadline.objects.filter(case=case, closed_at=None).exists()
        assert events(case) == [
            "case.created",
            "case.filing_requested",
            "case.filed",
            "case.investigation_started",
            "case.assessed",
            "case.submitted_for_review",
            "case.notified",
            "case.rights_waived",
            "case.decided",
            "case.served",
            "case.payment_recorded",
            "case.closed",
        ]
        assert audit_verify()[1] is None

    def test_audit_event_holds_before_after_params_and_reason(self, team, clock):
        case = to_investigating(team, clock)
        clock("2026-03-03")
        case = act(case, "suspend", team.head, reason="等待车辆技术鉴定结论")
        ev = AuditEvent.objects.filter(event_code="case.suspended").get()
        assert ev.before["state"] == "investigating"
        assert ev.after["state"] == "suspended"
        assert ev.after["changes"]["suspended_from"] == "investigating"
        assert ev.reason == "等待车辆技术鉴定结论"
        assert ev.agency_id == case.agency_id
        assert case.next_due is None  # the decision period stops while suspended
        clock("2026-03-13")
        case = act(case, "resume", team.head)
        # 90 days from 03-02 is 05-31 (Sunday); 10 days suspended → 06-10
        assert case.next_due == d("2026-06-10")
        assert case.next_due_rule == "decision"

    def test_filing_starts_the_decision_period_and_issues_the_number(self, team, clock):
        case = new_case(team)
        clock("2026-03-02")
        act(case, "request_filing", team.officer)
        assert case.number == ""
        case = case_file(actor=team.head.user, case=case).case
        assert case.number == f"{team.world.nanzhao.short_name}交执罚〔2026〕0001号"
        assert (case.number_type, case.number_year, case.number_seq) == ("罚", 2026, 1)
        assert case.next_due == d("2026-06-01")  # 05-31 is a Sunday

    def test_summary_case_on_the_spot(self, team, clock):
        person = PersonFactory(agency=team.world.nanzhao)
        case = new_case(
            team, procedure="summary", enterprise=None, person=person, item_code="highway.spillage", facts={}
        )
        record = case_assess(actor=team.officer.user, case=case, chosen_fine_yuan=200, reason="遗洒面积小，已当场清扫")
        assert record.deviates
        case = act(case, "decide_on_the_spot", team.officer, rights_informed=True)
        assert case.state == "served"
        assert case.number.endswith("简〔2026〕0001号") or "〔2026〕0001号" in case.number
        assert case.number_type == "简"
        assert case.fine_yuan == 200

    def test_illegal_transition_changes_nothing(self, team, clock):
        case = new_case(team)
        refused("case.transition_not_allowed", act, case, "serve", team.officer, method="直接送达")
        case.refresh_from_db()
        assert (case.state, case.version) == ("draft", 0)
        assert events(case) == ["case.created"]

    def test_role_required(self, team, clock):
        case = new_case(team)
        act(case, "request_filing", team.officer)
        refused("case.role_required", act, case, "file", team.officer)

    def test_reason_required_for_dismissal(self, team, clock):
        case = to_investigating(team, clock)
        refused("case.reason_required", act, case, "dismiss", team.head, reason="不")
        case = act(case, "dismiss", team.head, reason="违法事实不能成立")
        assert case.state == "dismissed"
        refused("case.locked", act, case, "start_investigation", team.officer)
        case = act(case, "reopen", team.head, reason="发现新的证据")
        assert case.state == "investigating"


class TestJurisdictionAndLicence:
    def test_case_outside_jurisdiction_is_not_found(self, team, clock):
        case = to_investigating(team, clock)
        with pytest.raises(NotFound):
            act(case, "suspend", team.ly_head, reason="等待鉴定结论")
        with pytest.raises(NotFound):
            case_update(actor=team.ly_head.user, case=case, data={"summary": "x"})
        case.refresh_from_db()
        assert case.state == "investigating"

    def test_officer_with_expired_licence_cannot_act(self, team, clock):
        case = new_case(team, officers=[team.officer2, team.expired])
        e = refused("officer.licence_expired", act, case, "request_filing", team.expired)
        assert e.field == "actor"

    def test_two_licensed_officers_for_investigation(self, team, clock):
        case = new_case(team, officers=[team.expired])
        clock("2026-03-02")
        act(case, "request_filing", team.officer)
        act(case, "file", team.head)
        e = refused("case.two_officers_required", act, case, "start_investigation", team.officer)
        assert "第四十二条" in e.message
        case_assign_officers(actor=team.head.user, case=case, officer_ids=[team.officer.pk, team.officer2.pk])
        assert act(case, "start_investigation", team.officer).state == "investigating"

    def test_officer_not_assigned(self, team, clock):
        case = new_case(team)
        refused("case.not_assigned", act, case, "request_filing", team.reviewer)


class TestOptimisticLock:
    def test_stale_version_is_a_conflict_and_changes_nothing(self, team, clock):
        case = new_case(team)
        act(case, "request_filing", team.officer)  # version 1
        with pytest.raises(ConflictError) as e:
            case_act(actor=team.head.user, case=case, action="file", version=0)
        assert e.value.code == "case.version_conflict"
        case.refresh_from_db()
        assert (case.state, case.version, case.number) == ("pending_filing", 1, "")
        assert not CaseNumberCounter.objects.exists()

    def test_conditional_update_refuses_a_lost_update(self, team, clock, monkeypatch):
        """Someone writes between our read and our UPDATE: the UPDATE … WHERE version matches no row."""
        from zhifa.cases.services import cases as svc

        case = new_case(team)
        original = svc.case_for_write

        def read_then_interfere(actor, c):
            obj = original(actor, c)
            Case.objects.filter(pk=obj.pk).update(version=obj.version + 1)
            return obj

        monkeypatch.setattr(svc, "case_for_write", read_then_interfere)
        with pytest.raises(ConflictError) as e:
            case_act(actor=team.officer.user, case=case, action="request_filing")
        assert "第0版" in e.value.message and "第1版" in e.value.message
        case.refresh_from_db()
        assert case.state == "draft"
        assert events(case) == ["case.created"]

    def test_update_with_version(self, team, clock):
        case = new_case(team)
        case = case_update(actor=team.officer.user, case=case, data={"violation_place": "G207 K1204"}, version=0)
        assert case.version == 1
        with pytest.raises(ConflictError):
            case_update(actor=team.officer.user, case=case, data={"summary": "新的摘要"}, version=0)
        ev = AuditEvent.objects.filter(event_code="case.updated").get()
        assert ev.after == {"violation_place": "G207 K1204"}


class TestNumbering:
    def test_numbers_are_sequential_per_agency_year_and_type(self, team, clock):
        numbers = []
        for _ in range(3):
            case = new_case(team)
            act(case, "request_filing", team.officer)
            numbers.append(act(case, "file", team.head).number_seq)
        assert numbers == [1, 2, 3]
        # another agency counts on its own
        from tests.factories import EnterpriseFactory, OfficerFactory

        ly_officer2 = OfficerFactory(agency=team.world.linyi)
        ly_case = case_create(
            actor=team.world.ly_officer.user,
            procedure="general",
            item_code="overload.weight",
            violation_date=d("2026-03-01"),
            enterprise=EnterpriseFactory(agency=team.world.linyi),
            officers=[ly_officer2],
            facts=OVERLOAD_FACTS,
        )
        act(ly_case, "request_filing", team.world.ly_officer)
        assert act(ly_case, "file", team.ly_head).number_seq == 1

    def test_a_rolled_back_filing_does_not_consume_its_number(self, team, clock, monkeypatch):
        from zhifa.cases.services import cases as svc

        first, second = new_case(team), new_case(team)
        for c in (first, second):
            act(c, "request_filing", team.officer)

        def boom(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(svc, "store_deadlines", boom)
        with pytest.raises(RuntimeError):
            act(first, "file", team.head)
        monkeypatch.undo()
        first.refresh_from_db()
        assert (first.state, first.number) == ("pending_filing", "")
        assert act(second, "file", team.head).number_seq == 1  # the number was not consumed
        assert act(first, "file", team.head).number_seq == 2

    def test_year_comes_from_the_filing_date(self, team, clock):
        case = new_case(team, violation_date=d("2025-12-20"))
        clock("2026-01-05")
        act(case, "request_filing", team.officer)
        case = act(case, "file", team.head, filed_on=d("2025-12-31"))
        assert case.number_year == 2025 and "〔2025〕" in case.number


class TestPreservation:
    def test_preservation_row_deadline_and_resolution(self, team, clock):
        case = to_investigating(team, clock)
        clock("2026-03-03")
        refused("case.param_required", act, case, "preserve_evidence", team.officer, approved_by="张队长")
        case = act(
            case, "preserve_evidence", team.officer, approved_by="张队长", items="过磅单1张\n车辆行驶证复印件1份"
        )
        row = EvidencePreservation.objects.get(case=case)
        assert (row.preserved_on, row.due, row.resolved_on) == (d("2026-03-03"), d("2026-03-12"), None)
        assert case.next_due == d("2026-03-12")
        assert case.next_due_rule == "preservation"
        refused("case.preservation_open", act, case, "submit_for_review", team.officer)
        clock("2026-03-05")
        case = act(case, "resolve_preservation", team.officer2, resolution="released", note="已退还当事人")
        row.refresh_from_db()
        assert (row.resolved_on, row.resolution) == (d("2026-03-05"), "released")
        assert case.next_due_rule == "decision"

    def test_overdue_preservation_warns(self, team, clock):
        case = to_investigating(team, clock)
        clock("2026-03-03")
        act(case, "preserve_evidence", team.officer, approved_by="张队长", items="过磅单")
        clock("2026-03-16")
        case.refresh_from_db()
        assert case.next_due < date(2026, 3, 16)  # shown as overdue in lists
        result = case_act(
            actor=team.officer.user, case=case, action="resolve_preservation", params={"resolution": "released"}
        )
        assert [w.code for w in result.warnings] == ["case.preservation_overdue"]
        assert AuditEvent.objects.get(event_code="case.preservation_resolved").after["warnings"] == [
            "case.preservation_overdue"
        ]


class TestAssessment:
    def test_engine_decision_stored_with_trace_and_version(self, team, clock):
        case = to_investigating(team, clock)
        record = case_assess(actor=team.officer.user, case=case)
        assert (record.proposed_fine_yuan, record.chosen_fine_yuan, record.deviates) == (4500, 4500, False)
        assert record.catalog_version and record.decision["trace"]
        assert record.sanctions == ["fine"]
        assert record.jurisdiction == team.world.nanzhao.region_code

    def test_another_amount_needs_a_reason_and_stays_in_the_tier(self, team, clock):
        case = to_investigating(team, clock, new_case(team, item_code="highway.spillage", facts={"harm": "minor"}))
        e = refused(
            "case.deviation_reason_required", case_assess, actor=team.officer.user, case=case, chosen_fine_yuan=2000
        )
        assert "2500" in e.message
        refused(
            "case.amount_outside_tier",
            case_assess,
            actor=team.officer.user,
            case=case,
            chosen_fine_yuan=5001,
            reason="当事人配合调查",
        )
        record = case_assess(actor=team.officer.user, case=case, chosen_fine_yuan=2000, reason="已及时清除遗洒物")
        assert (record.fine_min_yuan, record.fine_max_yuan, record.proposed_fine_yuan) == (0, 5000, 2500)
        assert record.deviates and record.deviation_reason == "已及时清除遗洒物"
        ev = AuditEvent.objects.filter(event_code="case.assessed").last()
        assert (ev.after["chosen_fine_yuan"], ev.reason) == (2000, "已及时清除遗洒物")
        from zhifa.cases.selectors import deviation_list

        assert [r.pk for r in deviation_list(user=team.world.nz_supervisor.user)] == [record.pk]
        assert list(deviation_list(user=team.world.ly_officer.user)) == []

    def test_formula_amount_cannot_deviate(self, team, clock):
        case = to_investigating(team, clock)
        refused(
            "case.amount_outside_tier",
            case_assess,
            actor=team.officer.user,
            case=case,
            chosen_fine_yuan=4000,
            reason="配合调查",
        )
        record = case_assess(actor=team.officer.user, case=case, facts={**OVERLOAD_FACTS, "gross_weight_kg": 60000})
        assert (record.fine_min_yuan, record.fine_max_yuan, record.chosen_fine_yuan) == (5500, 5500, 5500)
        case.refresh_from_db()
        assert case.facts["gross_weight_kg"] == 60000

    def test_notice_and_decision_must_match_the_assessment(self, team, clock):
        case = to_investigating(team, clock)
        act(case, "submit_for_review", team.officer)
        refused("case.assessment_required", act, case, "notify", team.officer)
        case_assess(actor=team.officer.user, case=case)
        from zhifa.cases.workflow import Penalty

        e = refused(
            "case.penalty_differs_from_assessment", act, case, "notify", team.officer, penalty=Penalty.fine(3000)
        )
        assert e.field == "penalty"
        case = act(case, "notify", team.officer)
        assert case.notified_penalty == {"sanctions": ["fine"], "fine_yuan": 4500, "confiscation_yuan": 0}
        assert case.records["notify"]["basis"]  # the provisions from the engine's decision


class TestDecision:
    def test_no_decision_before_the_statement_window_closes(self, team, clock):
        case = to_notified(team, clock)
        e = refused("case.statement_window_open", case_decide, actor=team.head.user, case=case, outcome="penalty")
        assert "2026-03-11" in e.message
        clock("2026-03-12")
        case = case_decide(actor=team.head.user, case=case, outcome="penalty").case
        assert case.state == "decided"
        assert case.next_due_rule == "service"

    def test_lighter_after_the_statement_by_assessing_again(self, team, clock):
        case = to_investigating(team, clock, new_case(team, item_code="highway.spillage", facts={"harm": "minor"}))
        case_assess(actor=team.officer.user, case=case)  # 2,500 proposed
        act(case, "submit_for_review", team.officer)
        case = act(case, "notify", team.officer)
        clock("2026-03-04")
        act(case, "record_statement", team.officer, heard_on=d("2026-03-04"))
        case_assess(
            actor=team.officer.user, case=case, chosen_fine_yuan=1500, reason="当事人陈述申辩理由成立，已清除遗洒物"
        )
        clock("2026-03-12")
        case = case_decide(actor=team.head.user, case=case, outcome="penalty").case
        assert (case.state, case.fine_yuan) == ("decided", 1500)
        assert case.notified_penalty["fine_yuan"] == 2500

    def test_heavier_assessment_after_the_statement_is_refused(self, team, clock):
        case = to_notified(team, clock)
        clock("2026-03-05")
        act(case, "record_statement", team.officer, heard_on=d("2026-03-05"))
        case_assess(actor=team.officer.user, case=case, facts={**OVERLOAD_FACTS, "gross_weight_kg": 60000})
        clock("2026-03-12")
        refused("case.heavier_after_statement", case_decide, actor=team.head.user, case=case, outcome="penalty")

    def test_decision_freezes_the_evidence(self, team, clock):
        from tests.cases.test_evidence import upload

        case = to_notified(team, clock)
        ev = upload(team, case)
        clock("2026-03-05")
        act(case, "waive_rights", team.officer, waiver_reference="放弃声明")
        act(case, "decide", team.head, outcome="penalty")
        ev.refresh_from_db()
        assert ev.frozen_at is not None
        assert ev.custody.filter(event="frozen").exists()

    def test_amendment_after_the_decision(self, team, clock):
        case = to_decided(team, clock)
        refused("case.decision_final", act, case, "notify", team.officer)
        case = act(
            case, "amend_decision", team.head, kind="clerical", reference="更正通知书1号", reason="当事人名称笔误"
        )
        assert case.state == "decided"
        assert AuditEvent.objects.filter(event_code="case.decision_amended").get().reason == "当事人名称笔误"


class TestExecution:
    def test_overdue_payment_and_enforcement(self, team, clock):
        case = to_served(team, clock)
        clock("2026-03-24")  # the fine was due on 03-23
        case = act(case, "start_enforcement", team.head)
        assert case.state == "executing"
        from zhifa.cases.selectors import money_position

        owed = money_position(case, d("2026-03-25"))
        assert (owed.fine_yuan, owed.surcharge_yuan) == (4500, 270)  # 2 days × 3% × 4500
        refused("case.overpayment", act, case, "record_payment", team.officer, amount_yuan=5000)
        clock("2026-03-25")
        act(case, "record_payment", team.officer, amount_yuan=4770)
        assert act(case, "close", team.head).state == "closed"


def test_on_case_team_reveals_personal_data(team, clock):
    from zhifa.parties.selectors import person_reveal_allowed

    person = PersonFactory(agency=team.world.nanzhao)
    assert not person_reveal_allowed(team.officer.user, person)
    new_case(team, enterprise=None, person=person)
    assert person_reveal_allowed(team.officer.user, person)
    assert not person_reveal_allowed(team.reviewer.user, person)
