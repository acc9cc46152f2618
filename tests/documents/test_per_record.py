"""One document per record: a case holding several 询问笔录, 现场笔录 and 责令改正 issues one document for
each record (``Document.record_seq``), each with its own content (and 文号 where the type has one);
re-issuing a record is refused, voiding and correcting work per record, the case page and the API list
each record with its state, and their query counts do not grow with the records."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.cases.test_records import at, inquiry, site
from tests.documents.shell import docx_text, fake_render_items, flat, pdf_text, stored
from zhifa.cases.services.records import correction_order_add, inquiry_record_add, site_record_add
from zhifa.core.errors import DomainError
from zhifa.documents.models import Document
from zhifa.documents.services import document_correct, document_issue, document_prepare, document_void
from zhifa.documents.services import issue as issue_mod

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    def run(user, case, document_type, record=None):
        with django_capture_on_commit_callbacks(execute=True):
            return document_issue(actor=user, case=case.pk, document_type=document_type, record=record)

    return run


@pytest.fixture
def fast_render(monkeypatch):
    monkeypatch.setattr(issue_mod, "render_items", fake_render_items)


def investigating(docs):
    from tests.cases.conftest import to_investigating

    return to_investigating(docs.team, docs.clock)


def add_inquiries(team, case, n: int = 2):
    inquiry_record_add(actor=team.officer.user, case=case, **inquiry(team))
    for i in range(2, n + 1):
        inquiry_record_add(
            actor=team.officer2.user,
            case=case,
            **inquiry(
                team,
                relation="证人",
                interviewee_name=f"李见证{i}",
                started_at=at(f"2026-03-01 16:{5 * i:02d}"),
                ended_at=at(f"2026-03-01 16:{5 * i + 4:02d}"),
                qa=f"问：你看到了什么？\n答：看到该车在检测站称重，第{i}位证人。",
            ),
        )


def add_corrections(team, case):
    for requirement, deadline in (
        ("卸载超限货物，恢复车辆符合限定标准的装载状态", "2026-03-09"),
        ("补办超限运输许可", ""),
    ):
        correction_order_add(
            actor=team.officer.user,
            case=case,
            requirement=requirement,
            deadline=deadline or None,
            basis="《公路安全保护条例》第六十四条",
        )


def texts(doc) -> list[str]:
    return [flat(pdf_text(stored(doc, "pdf"))), flat(docx_text(stored(doc, "docx")))]


def test_two_inquiry_records_give_two_documents_with_their_own_content(docs, issue):
    team = docs.team
    case = investigating(docs)
    add_inquiries(team, case)
    [first] = issue(team.officer.user, case, "inquiry_record")  # default: the first record not yet issued
    [second] = issue(team.officer.user, case, "inquiry_record")
    assert (first.record_seq, second.record_seq) == (1, 2)
    assert first.context["extra"]["record_seq"] == 1 and second.context["extra"]["record_seq"] == 2
    for text in texts(first):
        assert "王师傅" in text and "钢材，从安阳装的货。" in text and "李见证2" not in text
    for text in texts(second):
        assert "李见证2" in text and "证人" in text and "第2位证人" in text and "钢材，从安阳装的货。" not in text
    assert first.pdf_sha256 != second.pdf_sha256
    # re-issuing a record is refused, whether named or by default when all are issued
    for record in (1, 2, None):
        with pytest.raises(DomainError) as e:
            issue(team.officer.user, case, "inquiry_record", record)
        assert e.value.code == "documents.already_issued"
    with pytest.raises(DomainError) as e:
        issue(team.officer.user, case, "inquiry_record", 3)
    assert e.value.code == "documents.record_not_found"
    assert Document.objects.filter(case=case, document_type="inquiry_record", status="issued").count() == 2


def test_correction_orders_each_get_their_own_number(docs, issue):
    team = docs.team
    case = investigating(docs)
    add_corrections(team, case)
    [second] = issue(team.officer.user, case, "correction_order", 2)
    [first] = issue(team.officer.user, case, "correction_order", 1)
    assert second.number != first.number and "责改" in first.number and "责改" in second.number
    assert (first.number_seq, second.number_seq) == (second.number_seq + 1, first.number_seq - 1)
    [t1, _] = texts(first)
    [t2, _] = texts(second)
    assert first.number in t1 and "卸载超限货物" in t1 and "补办超限运输许可" not in t1
    assert second.number in t2 and "补办超限运输许可" in t2 and "卸载超限货物" not in t2


def test_site_records_and_other_types_keep_their_keys(docs, fast_render, issue):
    team = docs.team
    case = investigating(docs)
    site_record_add(actor=team.officer.user, case=case, **site(team))
    site_record_add(actor=team.officer2.user, case=case, **site(team, place="南召县交通运输局停车场"))
    a = issue(team.officer.user, case, "site_record", 2)[0]
    b = issue(team.officer.user, case, "site_record")[0]
    assert (a.record_seq, b.record_seq) == (2, 1)
    assert "南召县交通运输局停车场" in a.context["site"]["place"]
    # a type made from the case as a whole has key 0 and stays one per case
    [filing] = issue(team.officer.user, case, "case_filing")
    assert filing.record_seq == 0
    with pytest.raises(DomainError) as e:
        issue(team.officer.user, case, "case_filing")
    assert e.value.code == "documents.already_issued"
    with pytest.raises(DomainError) as e:
        issue(team.officer.user, case, "case_filing", 2)
    assert e.value.code == "documents.record_not_applicable"


def test_the_database_keeps_one_issued_document_per_record(docs, fast_render, issue):
    team = docs.team
    case = investigating(docs)
    add_inquiries(team, case)
    [first] = issue(team.officer.user, case, "inquiry_record", 1)
    copy = Document.objects.filter(pk=first.pk).values()[0]
    copy.update(id=None, pdf_path="x", docx_path="y")
    copy.pop("id")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(**copy)
    copy["record_seq"] = 2
    Document.objects.create(**copy)  # another record: allowed


def test_void_and_correct_per_record(docs, fast_render, issue, django_capture_on_commit_callbacks):
    team = docs.team
    case = investigating(docs)
    add_corrections(team, case)
    [one] = issue(team.officer.user, case, "correction_order", 1)
    [two] = issue(team.officer.user, case, "correction_order", 2)
    voided = document_void(actor=team.head.user, document=two.pk, reason="改正要求写错")
    assert [d.pk for d in voided] == [two.pk]
    one.refresh_from_db()
    assert one.status == "issued"
    [again] = issue(team.officer.user, case, "correction_order")  # default: the record without a live document
    assert again.record_seq == 2 and again.number != two.number
    with django_capture_on_commit_callbacks(execute=True):
        [fixed] = document_correct(actor=team.head.user, document=one.pk, reason="改正期限有误，予以更正")
    assert fixed.record_seq == 1 and fixed.document_type == "correction_order"
    one.refresh_from_db()
    again.refresh_from_db()
    assert one.status == "voided" and one.replaced_by_id == fixed.pk
    assert again.status == "issued" and again.replaced_by_id is None
    live = Document.objects.filter(case=case, document_type="correction_order", status="issued")
    assert sorted(live.values_list("record_seq", flat=True)) == [1, 2]


def test_drafts_are_per_record(docs, fast_render):
    team = docs.team
    case = investigating(docs)
    add_inquiries(team, case)
    d1 = document_prepare(actor=team.officer.user, case=case.pk, document_type="inquiry_record", record=1)
    d2 = document_prepare(actor=team.officer.user, case=case.pk, document_type="inquiry_record", record=2)
    again = document_prepare(actor=team.officer.user, case=case.pk, document_type="inquiry_record", record=2)
    assert d1.pk != d2.pk and again.pk == d2.pk and (d1.record_seq, d2.record_seq) == (1, 2)
    [issued] = document_issue(actor=team.officer.user, case=case.pk, document_type="inquiry_record", record=2)
    assert issued.pk == d2.pk and issued.status == "issued"


def test_case_page_and_api_list_each_record(client, docs, fast_render, issue):
    team = docs.team
    case = investigating(docs)
    add_inquiries(team, case)
    [first] = issue(team.officer.user, case, "inquiry_record", 1)
    client.force_login(team.officer.user)
    page = client.get(reverse("documents:case", args=[case.pk])).content.decode()
    assert 'data-testid="records-inquiry_record"' in page
    assert 'data-testid="issue-inquiry_record-2"' in page and 'data-testid="issue-inquiry_record-1"' not in page
    assert "李**" in page or "李*" in page  # names masked in the labels
    assert "李见证2" not in page
    r = client.post(reverse("documents:issue", args=[case.pk]), {"document_type": "inquiry_record", "record": "2"})
    assert r.status_code == 302
    second = Document.objects.get(case=case, document_type="inquiry_record", record_seq=2)
    assert r.url == reverse("documents:detail", args=[second.pk])
    rows = {row["type"]: row for row in client.get(f"/api/v1/documents/cases/{case.pk}").json()}
    records = rows["inquiry_record"]["records"]
    assert [(x["seq"], x["issued"], x["document"]) for x in records] == [
        (1, True, str(first.pk)),
        (2, True, str(second.pk)),
    ]
    assert rows["case_filing"]["records"] is None
    # the API picks the record too, and refuses an issued one
    add_corrections(team, case)
    post = lambda data: client.post(  # noqa: E731
        f"/api/v1/documents/cases/{case.pk}/issue", data=json.dumps(data), content_type="application/json"
    )
    r = post({"document_type": "correction_order", "record": 2})
    assert r.status_code == 201 and r.json()[0]["record_seq"] == 2
    r = post({"document_type": "correction_order", "record": 2})
    assert r.status_code == 400 and r.json()["code"] == "documents.already_issued"


def test_case_page_queries_do_not_grow_with_the_records(client, docs, fast_render, issue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team = docs.team
    case = investigating(docs)
    client.force_login(team.officer.user)

    def count(url):
        client.get(url)  # warm the session and the scope
        with CaptureQueriesContext(connection) as c:
            assert client.get(url).status_code == 200
        return len(c)

    page, api = reverse("documents:case", args=[case.pk]), f"/api/v1/documents/cases/{case.pk}"
    add_inquiries(team, case, 2)
    issue(team.officer.user, case, "inquiry_record", 1)
    before = count(page), count(api), count("/api/v1/documents")
    for i in range(3, 7):
        inquiry_record_add(
            actor=team.officer2.user,
            case=case,
            **inquiry(
                team,
                relation="证人",
                interviewee_name=f"张见证{i}",
                started_at=at(f"2026-03-01 17:{5 * i:02d}"),
                ended_at=at(f"2026-03-01 17:{5 * i + 4:02d}"),
            ),
        )
    for seq in (2, 3, 5):
        issue(team.officer.user, case, "inquiry_record", seq)
    after = count(page), count(api), count("/api/v1/documents")
    assert after == before
    assert client.get(page).content.decode().count('data-testid="issue-inquiry_record-') == 2
