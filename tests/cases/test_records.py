"""The records of a case: 询问笔录, 现场笔录, the hearing arrangement and record, 责令改正 — every guard of
their services (state, case officer, licence, two officers, dates, host ≠ investigator, 7-day notice,
frozen after the decision, optimistic lock, jurisdiction) and what they write (rows, version, audit)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cases.conftest import OVERLOAD_FACTS, act, new_case, to_decided, to_investigating, to_notified
from tests.factories import OfficerFactory
from zhifa.cases.models import Case, CorrectionOrder, Hearing, InquiryRecord, SiteRecord
from zhifa.cases.services import case_assess, case_assign_officers
from zhifa.cases.services.records import (
    correction_order_add,
    inquiry_record_add,
    record_amend,
    site_record_add,
)
from zhifa.core.errors import ConflictError, DomainError, NotFound
from zhifa.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
d = date.fromisoformat
HEARING_FACTS = {**OVERLOAD_FACTS, "gross_weight_kg": 75000}  # 26 t over: 13,000 yuan → hearing right


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def inquiry(team, **kw):
    data = {
        "started_at": at("2026-03-02 08:00"),
        "ended_at": at("2026-03-02 08:40"),
        "place": "南召县交通运输综合行政执法大队询问室",
        "interviewee_name": "王师傅",
        "interviewee_id_number": "410000198001010011",
        "relation": "驾驶员",
        "inquirer": team.officer.pk,
        "recorder": team.officer2.pk,
        "qa": "问：我们是南召县交通运输综合行政执法大队的执法人员，这是我们的执法证件，你看清楚了吗？\n答：看清楚了。"
        "\n问：车上装的是什么货物？\n答：钢材，从安阳装的货。",
    }
    data.update(kw)
    return data


def site(team, **kw):
    data = {
        "started_at": at("2026-03-01 15:10"),
        "ended_at": at("2026-03-01 15:50"),
        "place": "G207国道南召段K1203治超检测站",
        "officer1": team.officer.pk,
        "officer2": team.officer2.pk,
        "present": "驾驶员王师傅",
        "findings": "豫R12345号重型半挂牵引车经称重检测车货总质量58吨，6轴车辆限定标准49吨",
        "measures": "责令当事人卸载超限部分货物",
    }
    data.update(kw)
    return data


def refused(code, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as e:
        fn(*args, **kwargs)
    assert e.value.code == code, e.value
    return e.value


def case_events(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("seq")
        .values_list("event_code", flat=True)
    )


class TestInquiry:
    def test_recorded_by_two_licensed_case_officers_with_audit_and_version(self, team, clock):
        case = to_investigating(team, clock)
        version = Case.objects.get(pk=case.pk).version
        row = inquiry_record_add(actor=team.officer.user, case=case, version=version, **inquiry(team))
        assert (row.seq, row.relation, row.interviewee_name) == (1, "驾驶员", "王师傅")
        assert row.inquirer_licence == team.officer.licence_no and row.recorder_licence == team.officer2.licence_no
        assert [p["q"][:6] for p in row.qa] == ["我们是南召县", "车上装的是什"]
        assert row.qa[1]["a"] == "钢材，从安阳装的货。"
        assert row.confirmation.startswith("以上笔录我已看过")
        assert Case.objects.get(pk=case.pk).version == version + 1
        assert case_events(case)[-1] == "case.inquiry_recorded"
        second = inquiry_record_add(actor=team.officer2.user, case=case, **inquiry(team, relation="证人"))
        assert second.seq == 2

    def test_the_party_as_a_person_is_taken_from_the_case(self, team, clock):
        from tests.factories import PersonFactory

        person = PersonFactory(agency=team.world.nanzhao)
        case = to_investigating(team, clock, new_case(team, enterprise=None, person=person))
        row = inquiry_record_add(
            actor=team.officer.user, case=case, **inquiry(team, relation="当事人", interviewee_name="")
        )
        assert (row.interviewee_name, row.interviewee_id_number) == (person.name, person.id_number)

    def test_guards(self, team, clock):
        case = to_investigating(team, clock)
        user = team.officer.user
        refused(
            "record.two_officers", inquiry_record_add, actor=user, case=case, **inquiry(team, recorder=team.officer.pk)
        )
        refused(
            "record.officer_not_assigned",
            inquiry_record_add,
            actor=user,
            case=case,
            **inquiry(team, recorder=team.head.pk),
        )
        refused(
            "record.before_violation",
            inquiry_record_add,
            actor=user,
            case=case,
            **inquiry(team, started_at=at("2026-02-28 10:00")),
        )
        refused(
            "record.invalid_time",
            inquiry_record_add,
            actor=user,
            case=case,
            **inquiry(team, ended_at=at("2026-03-02 07:59")),
        )
        refused(
            "record.invalid_time",
            inquiry_record_add,
            actor=user,
            case=case,
            **inquiry(team, started_at=at("2026-03-03 10:00"), ended_at=at("2026-03-03 11:00")),
        )
        refused("record.qa_invalid", inquiry_record_add, actor=user, case=case, **inquiry(team, qa="问：有吗？"))
        refused("record.relation_invalid", inquiry_record_add, actor=user, case=case, **inquiry(team, relation="朋友"))
        refused(
            "record.refusal_note_required", inquiry_record_add, actor=user, case=case, **inquiry(team, signed=False)
        )
        # not a case officer (the head is licensed but not on the case), an expired licence, another agency
        refused("case.not_assigned", inquiry_record_add, actor=team.head.user, case=case, **inquiry(team))
        refused("officer.licence_expired", inquiry_record_add, actor=team.expired.user, case=case, **inquiry(team))
        with pytest.raises(NotFound):
            inquiry_record_add(actor=team.ly_head.user, case=case, **inquiry(team))
        assert not InquiryRecord.objects.exists()
        assert case_events(case)[-1] == "case.investigation_started"

    def test_stale_version_conflicts_and_writes_nothing(self, team, clock):
        case = to_investigating(team, clock)
        seen = Case.objects.get(pk=case.pk).version
        inquiry_record_add(actor=team.officer.user, case=case, version=seen, **inquiry(team))
        with pytest.raises(ConflictError):
            inquiry_record_add(actor=team.officer2.user, case=case, version=seen, **inquiry(team, relation="证人"))
        assert InquiryRecord.objects.count() == 1

    def test_state_guards_and_frozen_after_decision(self, team, clock):
        case = to_investigating(team, clock)
        row = inquiry_record_add(actor=team.officer.user, case=case, **inquiry(team))
        row = record_amend(actor=team.officer.user, kind="inquiry", record=row, data={"place": "执法车内"})
        assert row.place == "执法车内" and case_events(case)[-1] == "case.inquiry_amended"
        clock("2026-03-04")
        case_assess(actor=team.officer.user, case=case)
        act(case, "submit_for_review", team.officer)
        refused("record.state_not_allowed", inquiry_record_add, actor=team.officer.user, case=case, **inquiry(team))
        act(case, "notify", team.officer)
        clock("2026-03-05")
        act(case, "waive_rights", team.officer, waiver_reference="放弃声明")
        act(case, "decide", team.head, outcome="penalty")
        row.refresh_from_db()
        assert row.frozen_at is not None
        refused("record.frozen", inquiry_record_add, actor=team.officer.user, case=case, **inquiry(team))
        refused(
            "record.frozen",
            record_amend,
            actor=team.officer.user,
            kind="inquiry",
            record=row,
            data={"place": "别处"},
        )


class TestSite:
    def test_site_record_during_the_inspection_before_filing(self, team, clock):
        case = new_case(team)
        row = site_record_add(
            actor=team.officer.user, case=case, **site(team, party_signed=False, refusal_note="驾驶员拒绝签名")
        )
        assert (row.seq, row.party_signed, row.refusal_note) == (1, False, "驾驶员拒绝签名")
        assert row.officer2_licence == team.officer2.licence_no
        assert case_events(case)[-1] == "case.site_recorded"
        refused(
            "record.field_required", site_record_add, actor=team.officer.user, case=case, **site(team, findings=" ")
        )

    def test_site_record_needs_two_different_officers(self, team, clock):
        case = new_case(team)
        refused(
            "record.two_officers",
            site_record_add,
            actor=team.officer.user,
            case=case,
            **site(team, officer2=team.officer.pk),
        )
        assert not SiteRecord.objects.exists()


class TestCorrection:
    def test_states_dates_and_freezing(self, team, clock):
        case = new_case(team)
        data = {"requirement": "立即卸载超限货物，消除违法状态", "deadline": "2026-03-02"}
        refused("record.state_not_allowed", correction_order_add, actor=team.officer.user, case=case, **data)
        case = to_investigating(team, clock, case)
        refused(
            "record.deadline_invalid",
            correction_order_add,
            actor=team.officer.user,
            case=case,
            requirement="卸载",
            deadline="2026-03-01",
        )
        refused(
            "record.basis_invalid",
            correction_order_add,
            actor=team.officer.user,
            case=case,
            basis="第二十八条",
            **data,
        )
        row = correction_order_add(actor=team.officer.user, case=case, **data)
        assert (row.issued_on, row.deadline, row.basis) == (
            d("2026-03-02"),
            d("2026-03-02"),
            "《中华人民共和国行政处罚法》第二十八条第一款",
        )
        assert row.frozen_at is None and case_events(case)[-1] == "case.correction_ordered"
        clock("2026-03-04")
        case_assess(actor=team.officer.user, case=case)
        act(case, "submit_for_review", team.officer)
        act(case, "notify", team.officer)
        clock("2026-03-05")
        act(case, "waive_rights", team.officer, waiver_reference="放弃声明")
        act(case, "decide", team.head, outcome="penalty")
        row.refresh_from_db()
        assert row.frozen_at is not None
        refused(
            "record.frozen",
            record_amend,
            actor=team.officer.user,
            kind="correction",
            record=row,
            data={"deadline": None},
        )
        # a correction may still be ordered with the decision (第二十八条), and is final at once
        later = correction_order_add(
            actor=team.officer.user, case=case, requirement="按核定载质量装载", deadline="2026-03-20"
        )
        assert later.seq == 2 and later.frozen_at is not None


def to_hearing_requested(team, clock):
    case = to_notified(team, clock, new_case(team, facts=HEARING_FACTS))
    clock("2026-03-05")
    return act(case, "request_hearing", team.officer, requested_on=d("2026-03-05"))


def schedule(case, team, **kw):
    params = {
        "hearing_date": d("2026-03-20"),
        "hearing_time": "09:30",
        "place": "南召县交通运输局三楼听证室",
        "presiding_officer_id": str(team.reviewer.pk),
        "clerk_officer_id": str(team.head.pk),
        "notice_on": d("2026-03-05"),
    }
    params.update(kw)
    return act(case, "schedule_hearing", team.officer, **params)


class TestHearing:
    def test_arrangement_then_record(self, team, clock):
        case = to_hearing_requested(team, clock)
        case = schedule(case, team)
        h = Hearing.objects.get(case=case)
        assert (h.place, h.host_id, h.clerk_id, h.public, h.notice_on) == (
            "南召县交通运输局三楼听证室",
            team.reviewer.pk,
            team.head.pk,
            True,
            d("2026-03-05"),
        )
        assert h.hearing_at == at("2026-03-20 09:30") and h.requested_on == d("2026-03-05")
        clock("2026-03-20")
        refused("case.param_required", act, case, "record_hearing", team.head, result="held")
        act(
            case,
            "record_hearing",
            team.head,
            result="held",
            party_arguments="车辆系首次超限，货物为临时加装",
            weighing="当事人所称情况不足以减轻处罚，不予采纳",
        )
        h.refresh_from_db()
        assert h.held and h.record_reference.endswith("听证笔录") and h.recorded_on == d("2026-03-20")
        assert h.party_arguments == "车辆系首次超限，货物为临时加装"

    def test_host_must_not_have_investigated(self, team, clock):
        case = to_hearing_requested(team, clock)
        refused("case.presiding_officer_conflict", schedule, case, team, presiding_officer_id=str(team.officer2.pk))
        # an officer who took part in the investigation and left the team still may not preside
        third = OfficerFactory(agency=team.world.nanzhao, user__username="nz3", roles=["officer"])
        fresh = new_case(team, facts=HEARING_FACTS, officers=[team.officer2, third])
        clock("2026-03-02")
        act(fresh, "request_filing", team.officer)
        act(fresh, "file", team.head)
        act(fresh, "start_investigation", team.officer)
        inquiry_record_add(actor=team.officer.user, case=fresh, **inquiry(team, recorder=third.pk))
        case_assign_officers(
            actor=team.officer.user,
            case=fresh,
            officer_ids=[team.officer.pk, team.officer2.pk],
            lead_id=team.officer.pk,
        )
        clock("2026-03-04")
        case_assess(actor=team.officer.user, case=fresh)
        act(fresh, "submit_for_review", team.officer)
        act(fresh, "notify", team.officer)
        clock("2026-03-05")
        act(fresh, "request_hearing", team.officer, requested_on=d("2026-03-05"))
        refused("case.presiding_officer_conflict", schedule, fresh, team, presiding_officer_id=str(third.pk))

    def test_notice_less_than_seven_working_days_before_is_refused(self, team, clock):
        case = to_hearing_requested(team, clock)
        refused("case.hearing_notice_too_late", schedule, case, team, hearing_date=d("2026-03-10"))
        assert not Hearing.objects.exists()

    def test_place_time_and_public_reason_are_required(self, team, clock):
        case = to_hearing_requested(team, clock)
        refused("case.param_required", schedule, case, team, place="")
        refused("record.invalid_time", schedule, case, team, hearing_time="")
        refused("case.param_required", schedule, case, team, public=False)
        schedule(case, team, public=False, not_public_reason="涉及当事人的商业秘密")
        assert Hearing.objects.get(case=case).not_public_reason == "涉及当事人的商业秘密"

    def test_frozen_after_decision(self, team, clock):
        case = to_decided(team, clock)
        refused("record.frozen", site_record_add, actor=team.officer.user, case=case, **site(team))
        assert not CorrectionOrder.objects.exists()
