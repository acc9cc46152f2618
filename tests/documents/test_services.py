"""Issuing through the services, from cases walked with the cases services: 三书同达, the text of the
issued PDF and DOCX, gap-free 〔〕 numbers, immutability, voiding and correction, permissions."""

from __future__ import annotations

import hashlib

import pytest

from tests.documents.shell import OVERLOAD_FACTS, docx_text, flat, pdf_text, stored
from zhifa.core.errors import DomainError, NotFound, PermissionDenied
from zhifa.core.models import AuditEvent
from zhifa.documents.case_context import ContextUnavailable, case_context
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import Document, DocumentBundle, DocumentNumberCounter, ImmutableDocumentError
from zhifa.documents.services import document_correct, document_issue, document_prepare, document_void
from zhifa.documents.services import issue as issue_mod
from zhifa.documents.signing import signature_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """``issue(user, case, type)``: issue and run the after-commit file writes."""

    def run(user, case, document_type, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return document_issue(actor=user, case=case.pk, document_type=document_type, **kw)

    return run


def test_a_penalty_decision_issues_the_triple_bundle_with_one_receipt(docs, issue):
    case = docs.decided()
    out = issue(docs.team.officer.user, case, "penalty_decision")
    assert [d.document_type for d in out] == [
        "penalty_decision",
        "credit_repair_notice",
        "risk_prevention_notice",
        "service_receipt",
    ]
    bundle = DocumentBundle.objects.get()
    assert {d.bundle_id for d in out} == {bundle.pk}
    decision, credit, risk, receipt = out
    short = docs.world.nanzhao.short_name
    assert decision.number == f"{short}罚决〔2026〕0001号"
    assert credit.number == f"{short}信修〔2026〕0001号"
    assert risk.number == f"{short}风防〔2026〕0001号"
    assert receipt.number == case.number  # the receipt carries the case number, no 文号 of its own
    for d in out:
        assert d.status == DocumentStatus.ISSUED and d.issue_date.isoformat() == "2026-03-05"
        for fmt in ("pdf", "docx"):
            data = stored(d, fmt)
            assert hashlib.sha256(data).hexdigest() == d.sha256_for(fmt)
            assert len(data) == getattr(d, f"{fmt}_size")
        assert d.qr_url.startswith("https://zhifa.example.gov.cn/p/v/")
        doc_id, sig = d.qr_url.rstrip("/").split("/")[-2:]
        assert doc_id == str(d.pk) and signature_valid(d.pk, sig)
    # one 送达回证 lists the three documents by number
    receipt_text = flat(pdf_text(stored(receipt, "pdf")))
    for d in out[:3]:
        assert d.number in receipt_text
    # audited in the same transaction: one event per document and one on the case
    assert AuditEvent.objects.filter(event_code="document.issued").count() == 4
    assert AuditEvent.objects.filter(event_code="case.documents_issued", object_id=str(case.pk)).count() == 1


def test_issued_texts_carry_party_amount_articles_and_number(docs, issue):
    case = docs.decided()
    decision, credit, risk, _receipt = issue(docs.team.officer.user, case, "penalty_decision")
    party = docs.world.nz_enterprise
    for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
        text = flat(extract(stored(decision, fmt)))
        assert decision.number in text
        assert party.name in text and party.uscc in text
        assert "罚款人民币4500元" in text and "肆仟伍佰元整" in text
        assert "《公路安全保护条例》第三十三条" in text and "《公路安全保护条例》第六十四条" in text
        assert "58000千克" in text and "49000千克" in text
        assert "豫R12345" in text
        assert "南召县人民政府" in text and "南召县人民法院" in text
        credit_text = flat(extract(stored(credit, fmt)))
        assert decision.number in credit_text and credit.number in credit_text
        # decided 2026-03-05: the 2023 rules (国家发展改革委令第58号) are in force
        assert "第58号" in credit_text
        risk_text = flat(extract(stored(risk, fmt)))
        assert risk.number in risk_text and "超限" in risk_text
    # the snapshot reproduces the context it was rendered from
    from zhifa.documents.reasoning.context import DocumentContext

    ctx = DocumentContext.from_dict(decision.context)
    assert ctx.document_number == decision.number and ctx.party.uscc == party.uscc
    assert decision.reasoning_source == "composer" and decision.reasoning_fallback == "llm_not_configured"
    assert "罚款人民币4500元" in decision.reasoning_text


def test_numbers_are_gap_free_per_agency_year_and_type(docs, issue, monkeypatch):
    first = docs.decided()
    issue(docs.team.officer.user, first, "penalty_decision")

    # a failing render rolls back: no number is used, no row, no file
    second = docs.decided(summary="第二起")

    def broken(payload):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(issue_mod, "render_items", broken)
    with pytest.raises(RuntimeError):
        issue(docs.team.officer.user, second, "penalty_decision")
    assert DocumentNumberCounter.objects.get(code="罚决").last_seq == 1
    assert not Document.objects.filter(case=second).exists()
    monkeypatch.undo()

    out = issue(docs.team.officer.user, second, "penalty_decision")
    assert out[0].number.endswith("〔2026〕0002号")
    assert out[1].number.endswith("〔2026〕0002号")


def test_a_number_taken_meanwhile_is_rendered_again_with_the_next(docs, issue, monkeypatch):
    """Optimistic numbering: another issue commits between prediction and commit."""
    case = docs.decided()
    real = issue_mod.render_items
    calls = []

    def render_and_race(payload):
        calls.append([p["context"].get("document_number") for p in payload])
        if len(calls) == 1:  # somebody takes 0001 while we render
            DocumentNumberCounter.objects.update_or_create(
                agency=docs.world.nanzhao, year=2026, code="罚决", defaults={"last_seq": 1}
            )
        return real(payload)

    monkeypatch.setattr(issue_mod, "render_items", render_and_race)
    out = issue(docs.team.officer.user, case, "penalty_decision")
    assert len(calls) == 2
    assert calls[0][0].endswith("0001号") and calls[1][0].endswith("0002号")
    assert out[0].number.endswith("〔2026〕0002号")
    assert out[0].number in flat(pdf_text(stored(out[0], "pdf")))


def test_an_issued_document_is_immutable(docs, issue):
    case = docs.decided()
    decision = issue(docs.team.officer.user, case, "penalty_decision")[0]
    row = Document.objects.get(pk=decision.pk)
    row.reasoning_text = "改过的说理"
    with pytest.raises(ImmutableDocumentError):
        row.save()
    row = Document.objects.get(pk=decision.pk)
    row.pdf_sha256 = "0" * 64
    with pytest.raises(ImmutableDocumentError):
        row.save()
    # issuing the same type again is refused: a correction voids and replaces
    with pytest.raises(DomainError) as e:
        issue(docs.team.head.user, case, "penalty_decision")
    assert e.value.code == "documents.already_issued"
    with pytest.raises(DomainError) as e:
        issue(docs.team.officer.user, case, "credit_repair_notice")
    assert e.value.code == "documents.type_not_allowed"


def test_voiding_and_correcting_a_bundle(docs, issue, django_capture_on_commit_callbacks):
    case = docs.decided()
    old = issue(docs.team.officer.user, case, "penalty_decision")
    with pytest.raises(PermissionDenied):
        document_void(actor=docs.team.officer.user, document=old[0].pk, reason="文字错误")
    with pytest.raises(DomainError) as e:
        document_correct(actor=docs.team.head.user, document=old[0].pk, reason="")
    assert e.value.code == "documents.reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        new = document_correct(actor=docs.team.head.user, document=old[1].pk, reason="当事人地址有误，予以更正")
    assert new[0].number.endswith("〔2026〕0002号")
    for d in old:
        d.refresh_from_db()
        assert d.status == DocumentStatus.VOIDED and d.void_reason == "当事人地址有误，予以更正"
        assert d.replaced_by.document_type == d.document_type and d.replaced_by.status == DocumentStatus.ISSUED
        assert stored(d, "pdf")  # the voided files stay
    assert DocumentBundle.objects.filter(status="voided").count() == 1
    assert AuditEvent.objects.filter(event_code="document.voided").count() == 4
    # voiding alone
    voided = document_void(actor=docs.team.head.user, document=new[0].pk, reason="决定被复议撤销")
    assert len(voided) == 4 and all(v.status == "voided" for v in voided)
    with pytest.raises(DomainError) as e:
        document_void(actor=docs.team.head.user, document=new[0].pk, reason="再次作废")
    assert e.value.code == "documents.not_issued"


def test_only_the_case_team_issues_and_only_in_the_jurisdiction(docs, issue):
    from tests.factories import OfficerFactory

    case = docs.decided()
    with pytest.raises(NotFound):
        issue(docs.world.ly_officer.user, case, "penalty_decision")
    outsider = OfficerFactory(agency=docs.world.nanzhao, user__username="nz9")
    with pytest.raises(DomainError) as e:
        issue(outsider.user, case, "penalty_decision")
    assert e.value.code == "documents.not_assigned"
    with pytest.raises(PermissionDenied):
        issue(docs.world.nz_admin.user, case, "penalty_decision")
    with pytest.raises(DomainError) as e:
        issue(docs.team.expired.user, case, "penalty_decision")
    assert e.value.code == "officer.licence_expired"
    # the head issues without being assigned
    assert issue(docs.team.head.user, case, "penalty_decision")


def test_types_follow_the_case_state_and_outcome(docs, issue):
    notified = docs.notified()
    with pytest.raises(ContextUnavailable) as e:
        issue(docs.team.officer.user, notified, "penalty_decision")
    assert e.value.code == "documents.not_decided"
    notice = issue(docs.team.officer.user, notified, "penalty_notice")[0]
    assert notice.number.endswith("罚告〔2026〕0001号")
    text = flat(pdf_text(stored(notice, "pdf")))
    assert "拟" in text and "陈述" in text and "4500元" in text
    filing = issue(docs.team.officer.user, notified, "case_filing")[0]
    assert filing.number == notified.number and filing.number_seq is None
    assert "☑行政检查中发现" in flat(pdf_text(stored(filing, "pdf")))
    with pytest.raises(ContextUnavailable) as e:
        issue(docs.team.officer.user, notified, "closing_report")
    assert e.value.code == "documents.not_closed"


def test_a_no_penalty_decision(docs, issue):
    from tests.documents.shell import new_case, to_notified

    case = to_notified(docs.team, docs.clock, new_case(docs.team))
    docs.act(case, "waive_rights", docs.team.officer, waiver_reference="放弃声明")
    docs.act(case, "decide", docs.team.head, outcome="no_penalty")
    with pytest.raises(ContextUnavailable):
        issue(docs.team.officer.user, case, "penalty_decision")
    doc = issue(docs.team.officer.user, case, "no_penalty_decision")[0]
    text = flat(pdf_text(stored(doc, "pdf")))
    assert "不予行政处罚决定书" in text and "不予行政处罚" in text
    assert "4500元" not in text.replace("4500元以下", "")


def test_without_document_settings_issuing_says_what_is_missing(docs, issue):
    from zhifa.documents.models import DocumentProfile

    case = docs.decided()
    DocumentProfile.objects.all().delete()
    with pytest.raises(DomainError) as e:
        issue(docs.team.officer.user, case, "penalty_decision")
    assert e.value.code == "documents.profile_missing"


def test_without_a_public_address_nothing_is_issued(docs, issue, settings):
    case = docs.decided()
    settings.ZHIFA_PUBLIC_BASE_URL = ""
    with pytest.raises(DomainError) as e:
        issue(docs.team.officer.user, case, "penalty_decision")
    assert e.value.code == "documents.public_url_missing"


def test_a_person_party_gets_the_full_id_on_their_document_and_masked_elsewhere(docs, issue):
    from tests.factories import PersonFactory

    person = PersonFactory(agency=docs.world.nanzhao, name="张三丰")
    facts = {**OVERLOAD_FACTS, "gross_weight_kg": 50500}  # 1.5 t over: 500 yuan, below the hearing amount
    case = docs.decided(enterprise=None, person=person, facts=facts)
    decision = issue(docs.team.officer.user, case, "penalty_decision")[0]
    text = flat(pdf_text(stored(decision, "pdf")))
    assert person.id_number in text and "张三丰" in text
    assert decision.party_masked == "张**"
    assert case_context(case, "penalty_decision").party.id_number == person.id_number


def test_a_model_draft_is_used_only_when_it_passes_the_verifier(docs, issue, settings, llm_server):
    from tests.documents.conftest import completion
    from zhifa.documents.reasoning.composer import compose

    case = docs.decided()
    composed = compose(case_context(case, "penalty_decision")).formal_text
    settings.ZHIFA_LLM_BASE_URL = llm_server.base_url
    settings.ZHIFA_LLM_MODEL = "test-model"
    settings.ZHIFA_LLM_TIMEOUT = 5
    polished = composed.replace("本案未发现造成其他危害后果。", "经查，本案未发现造成其他危害后果。")
    llm_server.reply = lambda req: (200, completion(polished), 0.0)
    draft = document_prepare(actor=docs.team.officer.user, case=case.pk, document_type="penalty_decision")
    assert draft.status == "draft" and draft.reasoning_source == "llm" and draft.reasoning_text == polished
    # the issue uses the draft the officer saw (no second request), promoted to the issued row
    requests = len(llm_server.requests)
    decision = issue(docs.team.officer.user, case, "penalty_decision")[0]
    assert len(llm_server.requests) == requests
    assert decision.pk == draft.pk and decision.reasoning_source == "llm"
    assert "经查，本案未发现造成其他危害后果" in flat(pdf_text(stored(decision, "pdf")))

    # a draft that changes the amount is rejected and the reason recorded
    other = docs.decided(summary="另一起超限运输")
    llm_server.reply = lambda req: (200, completion(polished.replace("4500元", "5000元")), 0.0)
    decision2 = issue(docs.team.officer.user, other, "penalty_decision")[0]
    assert decision2.reasoning_source == "composer" and decision2.reasoning_fallback == "draft_rejected"
    assert "amount_mismatch" in decision2.reasoning_detail
    assert "5000元" not in flat(pdf_text(stored(decision2, "pdf")))


def test_a_summary_decision_states_the_chosen_amount_and_its_reason(docs, issue):
    from tests.documents.shell import act, new_case
    from tests.factories import PersonFactory
    from zhifa.cases.services import case_assess

    person = PersonFactory(agency=docs.world.nanzhao, name="李四")
    case = new_case(
        docs.team,
        procedure="summary",
        item_code="highway.spillage",
        facts={"harm": "minor"},
        enterprise=None,
        person=person,
        summary="豫R12345号车辆装载物遗洒污染公路路面",
    )
    docs.clock("2026-03-02")
    case_assess(actor=docs.team.officer.user, case=case, chosen_fine_yuan=100, reason="遗洒量少，当事人已当场清除")
    act(case, "decide_on_the_spot", docs.team.officer, rights_informed=True)
    with pytest.raises(ContextUnavailable):
        issue(docs.team.officer.user, case, "penalty_decision")
    doc = issue(docs.team.officer.user, case, "summary_penalty_decision")[0]
    assert doc.number.endswith("简决〔2026〕0001号")
    text = flat(pdf_text(stored(doc, "pdf")))
    assert "确定罚款100元" in text and "遗洒量少，当事人已当场清除" in text
    assert "罚款人民币100元" in text and person.id_number in text
    assert "@" not in text  # no internal catalog codes (highway.spillage@2011)


def test_a_document_tells_only_what_happened_by_its_date(docs, issue):
    case = docs.decided()  # notified 03-04, rights waived 03-05, decided 03-05
    notice = issue(docs.team.officer.user, case, "penalty_notice")[0]
    notice_text = flat(pdf_text(stored(notice, "pdf")))
    assert "放弃陈述" not in notice_text and "有权进行陈述和申辩" in notice_text
    decision = issue(docs.team.officer.user, case, "penalty_decision")[0]
    assert "明确表示放弃陈述、申辩的权利" in flat(pdf_text(stored(decision, "pdf")))
    assert decision.context["related_numbers"]["penalty_notice"] == notice.number


def test_the_seal_never_stands_alone_on_the_last_page(docs, issue):
    import io

    import pypdf

    decision = issue(docs.team.officer.user, docs.decided(), "penalty_decision")[0]
    pages = pypdf.PdfReader(io.BytesIO(stored(decision, "pdf"))).pages
    last = flat(pages[-1].extract_text())
    seal_only = flat(f"{docs.world.nanzhao.name}（印章）2026年3月5日")
    assert seal_only in last and len(last) > len(seal_only) + 5
