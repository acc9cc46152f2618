"""询问笔录, 现场笔录, 听证通知书 and 责令改正违法行为通知书 issued from the records of the case (nothing
retyped), and the held hearing worded in the decision's 情理: text extracted from the PDF and DOCX."""

from __future__ import annotations

from datetime import date

import pytest

from tests.cases.test_records import HEARING_FACTS, at, inquiry, schedule, site
from tests.documents.shell import docx_text, flat, pdf_text, stored
from zhifa.cases.services.records import correction_order_add, inquiry_record_add, site_record_add
from zhifa.documents.case_context import ContextUnavailable, case_context
from zhifa.documents.services import document_issue

pytestmark = pytest.mark.django_db
d = date.fromisoformat


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    def run(user, case, document_type):
        with django_capture_on_commit_callbacks(execute=True):
            return document_issue(actor=user, case=case.pk, document_type=document_type)

    return run


def texts(doc) -> list[str]:
    return [flat(pdf_text(stored(doc, "pdf"))), flat(docx_text(stored(doc, "docx")))]


def investigating(docs):
    from tests.cases.conftest import to_investigating

    return to_investigating(docs.team, docs.clock)


def test_without_records_the_types_say_what_is_missing(docs):
    case = investigating(docs)
    for t in ("inquiry_record", "site_record", "correction_order", "hearing_notice"):
        with pytest.raises(ContextUnavailable) as e:
            case_context(case, t)
        assert e.value.code == "documents.missing_field", t


def test_inquiry_and_site_records_from_the_case(docs, issue):
    team = docs.team
    case = investigating(docs)
    site_record_add(actor=team.officer.user, case=case, **site(team, party_signed=False, refusal_note="驾驶员拒绝签名"))
    inquiry_record_add(actor=team.officer.user, case=case, **inquiry(team))
    inquiry_record_add(
        actor=team.officer2.user,
        case=case,
        **inquiry(
            team,
            relation="证人",
            interviewee_name="李见证",
            started_at=at("2026-03-02 08:45"),
            ended_at=at("2026-03-02 08:55"),
            qa="问：你看到了什么？\n答：看到该车在检测站称重。",
        ),
    )
    [first] = issue(team.officer.user, case, "inquiry_record")
    for text in texts(first):
        assert "询问笔录" in text and case.number in text
        assert "王师傅" in text and "驾驶员" in text and "410000198001010011" in text
        assert team.officer.name in text and team.officer.licence_no in text
        assert team.officer2.name in text and team.officer2.licence_no in text
        assert "车上装的是什么货物？" in text and "钢材，从安阳装的货。" in text
        assert "以上笔录我已看过" in text
        assert "2026年3月2日8时00分" in text or "2026年3月2日08时00分" in text
    assert first.issue_date == d("2026-03-02")
    # one document per type and case: the second record is read by number
    second = case_context(case, "inquiry_record", record=2)
    assert second.inquiry.interviewee.name == "李见证" and second.extra["record_seq"] == 2
    assert second.inquiry.qa[0].answer == "看到该车在检测站称重。"
    with pytest.raises(ContextUnavailable) as e:
        case_context(case, "inquiry_record", record=3)
    assert e.value.code == "documents.record_not_found"

    [record] = issue(team.officer.user, case, "site_record")
    for text in texts(record):
        assert "现场笔录" in text and "G207国道南召段K1203治超检测站" in text
        assert "车货总质量58吨" in text and "责令当事人卸载超限部分货物" in text
        assert "驾驶员拒绝签名" in text and "驾驶员王师傅" in text
        assert team.officer.licence_no in text and team.officer2.licence_no in text
    assert record.issue_date == d("2026-03-01")


def test_correction_order_from_the_case(docs, issue):
    team = docs.team
    case = investigating(docs)
    correction_order_add(
        actor=team.officer.user,
        case=case,
        requirement="卸载超限货物，恢复车辆符合限定标准的装载状态",
        deadline="2026-03-09",
        basis="《公路安全保护条例》第六十四条",
    )
    [doc] = issue(team.officer.user, case, "correction_order")
    assert doc.number and doc.issue_date == d("2026-03-02")
    for text in texts(doc):
        assert "责令改正违法行为通知书" in text and doc.number in text
        assert "卸载超限货物，恢复车辆符合限定标准的装载状态" in text
        assert "2026年3月9日前" in text and "《公路安全保护条例》第六十四条" in text
        assert docs.world.nz_enterprise.name in text


def test_hearing_notice_and_the_decision_after_the_hearing(docs, issue):
    team, clock = docs.team, docs.clock
    from tests.cases.conftest import act, new_case, to_notified

    case = to_notified(team, clock, new_case(team, facts=HEARING_FACTS))
    clock("2026-03-05")
    act(case, "request_hearing", team.officer, requested_on=d("2026-03-05"))
    schedule(case, team)
    [notice] = issue(team.officer.user, case, "hearing_notice")
    assert notice.issue_date == d("2026-03-05")
    for text in texts(notice):
        assert "听证通知书" in text and "南召县交通运输局三楼听证室" in text
        assert "2026年3月20日9时30分" in text or "2026年3月20日09时30分" in text
        assert team.reviewer.name in text and team.head.name in text and "公开" in text
        assert "2026年3月5日提出的听证申请" in text

    clock("2026-03-20")
    act(
        case,
        "record_hearing",
        team.head,
        result="held",
        party_arguments="车辆系首次超限，且已当场卸载超限货物",
        weighing="超限事实有称重记录证实，当事人所称首次超限已在裁量中考虑，不再减轻",
        record_reference="南召听证〔2026〕1号",
    )
    act(case, "record_legal_review", team.reviewer, passed=True, opinion="事实清楚，证据确凿，程序合法")
    act(case, "record_collective_discussion", team.head, minutes_reference="集体讨论记录1号")
    decided = act(case, "decide", team.head, outcome="penalty")
    assert decided.state == "decided"
    decision = issue(team.officer.user, case, "penalty_decision")[0]
    for text in texts(decision):
        assert "2026年3月20日9时30分" in text or "2026年3月20日09时30分" in text
        assert "公开举行了听证" in text and team.reviewer.name in text
        assert "车辆系首次超限，且已当场卸载超限货物" in text
        assert "南召听证〔2026〕1号" in text and "不再减轻" in text
    assert "举行了听证" in decision.reasoning_text


def test_the_hearing_is_not_in_a_decision_without_one(docs, issue):
    case = docs.decided()
    ctx = case_context(case, "penalty_decision")
    assert ctx.hearing is None


def test_the_composers_hearing_wording_passes_the_verifier(docs):
    from tests.cases.conftest import act, new_case, to_notified
    from zhifa.documents.reasoning.composer import compose
    from zhifa.documents.reasoning.verifier import verify_draft

    team, clock = docs.team, docs.clock
    case = to_notified(team, clock, new_case(team, facts=HEARING_FACTS))
    clock("2026-03-05")
    act(case, "request_hearing", team.officer, requested_on=d("2026-03-05"))
    schedule(case, team)
    clock("2026-03-20")
    act(case, "record_hearing", team.head, result="held", party_arguments="首次超限", weighing="不予采纳")
    act(case, "record_legal_review", team.reviewer, passed=True, opinion="事实清楚，证据确凿，程序合法")
    act(case, "record_collective_discussion", team.head, minutes_reference="集体讨论记录1号")
    case = act(case, "decide", team.head, outcome="penalty")
    ctx = case_context(case, "penalty_decision")
    text = compose(ctx).formal_text
    assert "南召县交通运输局三楼听证室公开举行了听证" in text
    result = verify_draft(text, ctx)
    assert result.accepted, result.problems
