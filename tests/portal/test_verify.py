"""The public verification page behind a document's QR code: authentic, altered, missing, forged,
voided; what it shows (masked party, no identifiers); the law page; ratings; rate limits; CSRF."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from zhifa.core.models import AuditEvent
from zhifa.documents.models import Document, Rating
from zhifa.documents.services import document_correct, document_prepare, document_void
from zhifa.documents.signing import qr_signature, signature_valid, verification_path
from zhifa.portal import ratelimit

pytestmark = pytest.mark.django_db


def path_of(doc: Document) -> str:
    return urlparse(doc.qr_url).path


@pytest.fixture
def bundle(docs, issue, fast_render):
    return issue(docs.team.officer.user, docs.decided())


def test_the_qr_code_holds_the_public_origin_and_a_signature(bundle):
    decision = bundle[0]
    assert decision.qr_url == "https://zhifa.example.gov.cn" + verification_path(decision.pk)
    assert path_of(decision) == f"/p/v/{decision.pk}/{qr_signature(decision.pk)}/"
    sig = qr_signature(decision.pk)
    assert len(sig) == 20 and signature_valid(decision.pk, sig)
    assert not signature_valid(decision.pk, sig[:-1] + ("A" if sig[-1] != "A" else "B"))
    assert not signature_valid(bundle[1].pk, sig)


def test_an_authentic_document(client, bundle, docs):
    decision = bundle[0]
    r = client.get(path_of(decision))
    assert r.status_code == 200
    page = r.content.decode()
    assert "✓ 核验通过" in page and "未通过核验" not in page
    for shown in (decision.number, "行政处罚决定书", docs.world.nanzhao.name, "2026年3月5日", "已作出决定"):
        assert shown in page, shown
    enterprise = docs.world.nz_enterprise
    assert enterprise.name in page  # an organisation is shown by its name
    for hidden in (enterprise.uscc, "豫R12345", "13812345678"):
        assert hidden not in page, hidden
    assert reverse("portal:law", args=["overload.weight"]) in page
    assert decision.pdf_sha256 in page
    assert 'name="csrfmiddlewaretoken"' in page
    # the two-factor middleware and the login do not stand in the way
    assert "login" not in r.get("Location", "")


def test_a_person_is_masked(client, docs, issue, fast_render):
    from tests.documents.shell import OVERLOAD_FACTS
    from tests.factories import PersonFactory

    person = PersonFactory(agency=docs.world.nanzhao, name="张三丰")
    case = docs.decided(enterprise=None, person=person, facts={**OVERLOAD_FACTS, "gross_weight_kg": 50500})
    decision = issue(docs.team.officer.user, case)[0]
    page = client.get(path_of(decision)).content.decode()
    assert "张**" in page and "张三丰" not in page and person.id_number not in page


def test_an_altered_or_missing_file_fails(client, bundle):
    decision = bundle[0]
    stored = Path(settings.MEDIA_ROOT) / decision.pdf_path
    stored.write_bytes(stored.read_bytes() + b"%tampered")
    r = client.get(path_of(decision))
    assert r.status_code == 200
    page = r.content.decode()
    assert "未通过核验" in page and "可能已被改动" in page and "✓ 核验通过" not in page
    stored.unlink()
    page = client.get(path_of(decision)).content.decode()
    assert "未通过核验" in page and "无法取得" in page
    # the DOCX counts too
    other = bundle[1]
    (Path(settings.MEDIA_ROOT) / other.docx_path).write_bytes(b"PK\x03\x04 altered")
    assert "可能已被改动" in client.get(path_of(other)).content.decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda doc, sig: (doc, sig[:-2] + ("xx" if sig[-2:] != "xx" else "yy")),  # edited signature
        lambda doc, sig: (doc, ""),  # no signature: no route
        lambda doc, sig: ("00000000-0000-0000-0000-000000000000", sig),  # another id
        lambda doc, sig: ("not-a-uuid", qr_signature("not-a-uuid")),  # a "valid" signature of garbage
        lambda doc, sig: (str(doc)[:-1] + ("0" if str(doc)[-1] != "0" else "1"), sig),
    ],
)
def test_a_forged_or_altered_code_is_not_verified(client, bundle, mangle):
    decision = bundle[0]
    doc_id, sig = mangle(str(decision.pk), qr_signature(decision.pk))
    r = client.get(f"/p/v/{doc_id}/{sig}/")
    assert r.status_code == 404
    if sig:
        page = r.content.decode()
        assert "未通过核验" in page and decision.number not in page


def test_a_draft_is_never_verified(client, docs, issue, fast_render):
    case = docs.decided()
    draft = document_prepare(actor=docs.team.officer.user, case=case.pk, document_type="penalty_decision")
    r = client.get(verification_path(draft.pk))
    assert r.status_code == 404 and "未通过核验" in r.content.decode()


def test_a_voided_document_says_so(client, docs, bundle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = document_correct(actor=docs.team.head.user, document=bundle[0].pk, reason="当事人名称有误，予以更正")
    r = client.get(path_of(bundle[0]))
    assert r.status_code == 200
    page = r.content.decode()
    assert "已作废" in page and new[0].number in page and "✓ 核验通过" not in page
    assert "提交评价" not in page
    assert "✓ 核验通过" in client.get(path_of(new[0])).content.decode()
    document_void(actor=docs.team.head.user, document=new[0].pk, reason="决定被撤销")
    assert "已作废" in client.get(path_of(new[0])).content.decode()


def test_a_rating_is_stored_with_a_hashed_address(bundle):
    decision = bundle[0]
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    page = client.get(path_of(decision))
    token = page.cookies["csrftoken"].value
    rate_url = reverse("portal:rate", args=[str(decision.pk), qr_signature(decision.pk)])
    # without the CSRF token: refused
    assert client.post(rate_url, {"score": "5"}).status_code == 403
    r = client.post(rate_url, {"score": "4", "comment": "执法人员态度很好，讲解清楚", "csrfmiddlewaretoken": token})
    assert r.status_code == 302 and r["Location"].endswith("?rated=1#rate")
    rating = Rating.objects.get()
    assert (rating.document_id, rating.score, rating.agency_id) == (decision.pk, 4, decision.agency_id)
    assert rating.comment == "执法人员态度很好，讲解清楚"
    assert "203.0.113.7" not in rating.client_hash and len(rating.client_hash) == 64
    assert AuditEvent.objects.filter(event_code="rating.submitted").count() == 1
    assert "感谢您的评价" in client.get(r["Location"]).content.decode()
    # one rating per document per client a day
    again = client.post(rate_url, {"score": "1", "csrfmiddlewaretoken": token})
    assert again.status_code == 429 and Rating.objects.count() == 1


def test_a_bad_rating_is_refused_with_a_message(client, bundle):
    decision = bundle[0]
    rate_url = reverse("portal:rate", args=[str(decision.pk), qr_signature(decision.pk)])
    for data in ({"score": "9"}, {"score": "x"}, {}):
        r = client.post(rate_url, data)
        assert r.status_code == 400 and "请选择1到5分" in r.content.decode()
    r = client.post(rate_url, {"score": "3", "comment": "长" * 501})
    assert r.status_code == 400 and "500字" in r.content.decode()
    forged = f"/p/v/{decision.pk}/{'A' * 20}/rate/"
    assert client.post(forged, {"score": "5"}).status_code == 404
    assert client.get(rate_url).status_code == 405
    assert Rating.objects.count() == 0


def test_the_verification_page_is_rate_limited(client, bundle, monkeypatch):
    monkeypatch.setattr(ratelimit, "VERIFY", ratelimit.Limit("verify", 3, 60))
    path = path_of(bundle[0])
    assert [client.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "请求过于频繁" in client.get(path).content.decode()
    # forged codes count as well (no probing ids for free)
    assert client.get(f"/p/v/{bundle[0].pk}/{'B' * 20}/").status_code == 429
    # another client is not affected
    assert Client(REMOTE_ADDR="198.51.100.2").get(path).status_code == 200


def test_ratings_are_rate_limited_per_client(bundle, monkeypatch):
    monkeypatch.setattr(ratelimit, "RATE", ratelimit.Limit("rate", 2, 3600))
    client = Client(REMOTE_ADDR="192.0.2.9")
    codes = []
    for doc in bundle[:3]:
        url = reverse("portal:rate", args=[str(doc.pk), qr_signature(doc.pk)])
        codes.append(client.post(url, {"score": "5"}).status_code)
    assert codes == [302, 302, 429] and Rating.objects.count() == 2


def test_the_law_page(client):
    r = client.get(reverse("portal:law", args=["overload.weight"]) + "?d=2026-03-05")
    assert r.status_code == 200
    page = r.content.decode()
    for words in (
        "《公路安全保护条例》第三十三条",
        "《公路安全保护条例》第六十四条",
        "超过公路、公路桥梁",
        "怎样避免再次违法",
    ):
        assert words in page, words
    assert reverse("catalog:item", args=["overload.weight"]) in page
    assert client.get(reverse("portal:law", args=["no.such.item"])).status_code == 404
    assert client.get(reverse("portal:law", args=["overload.weight"]) + "?d=garbage").status_code == 200
