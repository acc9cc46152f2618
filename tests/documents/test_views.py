"""Officer pages and the API over the same services: a case's documents and its issue buttons, the
document page, permission-checked downloads, jurisdiction isolation (404 by page, API and download),
voiding by the head, batch issuing as a job with progress, and query budgets for the lists."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.urls import reverse

from tests.documents.shell import fake_render_items
from zhifa.core.models import AuditEvent, Job
from zhifa.documents.models import Document
from zhifa.documents.services import batch as batch_mod
from zhifa.documents.services import document_issue
from zhifa.documents.services import issue as issue_mod

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_render(monkeypatch):
    monkeypatch.setattr(issue_mod, "render_items", fake_render_items)
    monkeypatch.setattr(batch_mod, "render_items", fake_render_items)


@pytest.fixture
def issued(docs, fast_render, django_capture_on_commit_callbacks):
    case = docs.decided()
    with django_capture_on_commit_callbacks(execute=True):
        out = document_issue(actor=docs.team.officer.user, case=case.pk, document_type="penalty_decision")
    return case, out


def login(client, officer):
    client.force_login(officer.user)
    return client


def test_the_case_page_offers_the_types_its_state_allows(client, docs, fast_render, django_capture_on_commit_callbacks):
    case = docs.decided()
    login(client, docs.team.officer)
    r = client.get(reverse("documents:case", args=[case.pk]))
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-testid="issue-penalty_decision"' in page  # decided: 三书同达
    assert 'data-testid="issue-penalty_notice"' in page and 'data-testid="issue-case_filing"' in page
    assert 'data-testid="issue-closing_report"' not in page and "案件尚未结案" in page
    assert 'data-testid="issue-no_penalty_decision"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("documents:issue", args=[case.pk]), {"document_type": "penalty_decision"})
    decision = Document.objects.get(case=case, document_type="penalty_decision")
    assert r.status_code == 302 and r["Location"] == reverse("documents:detail", args=[decision.pk])
    page = client.get(reverse("documents:case", args=[case.pk])).content.decode()
    assert decision.number in page and 'data-testid="issue-penalty_decision"' not in page
    # a refusal shows its message
    r = client.post(reverse("documents:issue", args=[case.pk]), {"document_type": "penalty_decision"}, follow=True)
    assert "已签发" in r.content.decode()


def test_the_document_page_and_downloads(client, docs, issued):
    _case, (decision, *_rest) = issued
    login(client, docs.team.officer2)  # any officer of the agency reads
    page = client.get(reverse("documents:detail", args=[decision.pk])).content.decode()
    assert decision.number in page and decision.qr_url in page and decision.pdf_sha256 in page
    assert "说理模板" in page and "未配置大模型" in page
    assert "作废并更正" not in page  # not the head
    for fmt in ("pdf", "docx"):
        r = client.get(reverse("documents:download", args=[decision.pk, fmt]))
        assert r.status_code == 200
        body = b"".join(r.streaming_content)
        assert hashlib.sha256(body).hexdigest() == decision.sha256_for(fmt) == r["X-Document-SHA256"]
        assert "attachment" in r["Content-Disposition"]
    assert AuditEvent.objects.filter(event_code="document.downloaded", object_id=str(decision.pk)).count() == 2
    assert client.get(reverse("documents:download", args=[decision.pk, "exe"])).status_code == 302


def test_an_altered_file_is_not_served(client, docs, issued, settings):
    from pathlib import Path

    _case, (decision, *_rest) = issued
    (Path(settings.MEDIA_ROOT) / decision.pdf_path).write_bytes(b"%PDF altered")
    login(client, docs.team.officer)
    r = client.get(reverse("documents:download", args=[decision.pk, "pdf"]), follow=True)
    assert "SHA-256 不一致" in r.content.decode()
    assert AuditEvent.objects.filter(event_code="document.integrity_failed").count() == 1


def test_another_jurisdiction_gets_404_everywhere(client, docs, issued):
    case, (decision, *_rest) = issued
    login(client, docs.world.ly_officer)
    urls = [
        reverse("documents:case", args=[case.pk]),
        reverse("documents:detail", args=[decision.pk]),
        reverse("documents:download", args=[decision.pk, "pdf"]),
        reverse("documents:download", args=[decision.pk, "docx"]),
        f"/api/v1/documents/{decision.pk}",
        f"/api/v1/documents/{decision.pk}/file/pdf",
        f"/api/v1/documents/cases/{case.pk}",
        f"/api/v1/documents/cases/{case.pk}/compose?type=penalty_decision",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("documents:issue", args=[case.pk]), {"document_type": "case_filing"}),
        (reverse("documents:void", args=[decision.pk]), {"reason": "越权作废", "action": "void"}),
    ):
        assert client.post(url, data).status_code == 404, url
    r = client.post(
        f"/api/v1/documents/cases/{case.pk}/issue",
        data=json.dumps({"document_type": "case_filing"}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert client.get("/api/v1/documents").json()["count"] == 0
    assert decision.number not in client.get(reverse("documents:list")).content.decode()
    # the supervisor of the county sees it, read-only
    login(client, docs.world.nz_supervisor)
    assert client.get(reverse("documents:detail", args=[decision.pk])).status_code == 200
    assert client.post(reverse("documents:issue", args=[case.pk]), {"document_type": "case_filing"}).status_code == 302
    assert not Document.objects.filter(case=case, document_type="case_filing").exists()


def test_the_head_voids_and_corrects_on_the_page(client, docs, issued, django_capture_on_commit_callbacks):
    _case, (decision, *_rest) = issued
    login(client, docs.team.head)
    page = client.get(reverse("documents:detail", args=[decision.pk])).content.decode()
    assert "作废并更正" in page
    r = client.post(reverse("documents:void", args=[decision.pk]), {"action": "void", "reason": ""}, follow=True)
    assert "至少4个字" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("documents:void", args=[decision.pk]), {"action": "correct", "reason": "罚款缴纳银行有误"}
        )
    new = Document.objects.get(document_type="penalty_decision", status="issued")
    assert r["Location"] == reverse("documents:detail", args=[new.pk])
    page = client.get(reverse("documents:detail", args=[decision.pk])).content.decode()
    assert "已作废" in page and new.number in page and "罚款缴纳银行有误" in page


def test_api_issue_detail_and_list(client, docs, fast_render, django_capture_on_commit_callbacks):
    case = docs.notified()
    login(client, docs.team.officer)
    panel = client.get(f"/api/v1/documents/cases/{case.pk}").json()
    by_type = {row["type"]: row for row in panel}
    assert by_type["penalty_notice"]["can_issue"] and not by_type["penalty_decision"]["can_issue"]
    assert by_type["penalty_decision"]["reason"] == "案件尚未作出决定"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/documents/cases/{case.pk}/issue",
            data=json.dumps({"document_type": "penalty_notice"}),
            content_type="application/json",
        )
    assert r.status_code == 201
    notice = r.json()[0]
    assert notice["number"].endswith("罚告〔2026〕0001号") and notice["qr_url"].startswith("https://")
    r = client.post(
        f"/api/v1/documents/cases/{case.pk}/issue",
        data=json.dumps({"document_type": "penalty_decision"}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "documents.not_decided"
    listing = client.get("/api/v1/documents?type=penalty_notice").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == notice["id"]
    assert client.get(f"/api/v1/documents/{notice['id']}").json()["reasoning_source"] == "composer"
    composed = client.get(f"/api/v1/documents/cases/{case.pk}/compose?type=penalty_notice").json()
    assert "拟" in composed["formal_text"]
    checked = client.post(
        f"/api/v1/documents/cases/{case.pk}/check-draft",
        data=json.dumps({"document_type": "penalty_notice", "draft": composed["formal_text"].replace("4500", "9500")}),
        content_type="application/json",
    ).json()
    assert checked["accepted"] is False and checked["problems"][0]["code"]
    assert client.get("/api/v1/documents/not-a-uuid").status_code == 404


def test_batch_issuing_is_a_job_with_progress(client, docs, fast_render, django_capture_on_commit_callbacks):
    cases = [docs.decided(summary=f"批量案件{i}") for i in range(3)]
    done_already = cases[0]
    with django_capture_on_commit_callbacks(execute=True):
        document_issue(actor=docs.team.officer.user, case=done_already.pk, document_type="penalty_decision")
    login(client, docs.team.officer)
    page = client.get(reverse("documents:batch")).content.decode()
    assert cases[1].number in page and cases[2].number in page and f'value="{done_already.pk}"' not in page
    progress: list[tuple[int, int]] = []
    real = batch_mod.job_progress

    def spy(job_id, done, total=None, message=""):
        progress.append((done, total))
        real(job_id, done, total, message)

    batch_mod.job_progress = spy
    try:
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(
                reverse("documents:batch"), {"case": [str(c.pk) for c in cases]}
            )  # the first one is refused
    finally:
        batch_mod.job_progress = real
    job = Job.objects.get()
    assert r["Location"] == reverse("documents:job", args=[job.pk])
    assert job.status == "done" and (job.done, job.total) == (3, 3)
    assert [d for d, _t in progress][:3] == [1, 2, 3]
    assert len(job.result["issued"]) == 2 and job.result["documents"] == 8
    assert job.result["failed"][0]["code"] == "documents.already_issued"
    numbers = sorted(Document.objects.filter(document_type="penalty_decision").values_list("number_seq", flat=True))
    assert numbers == [1, 2, 3]  # gap-free after a refused case
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "签发 2 件，文书 8 份" in page and done_already.number in page and "hx-trigger" not in page
    fragment = client.get(reverse("documents:job_progress", args=[job.pk])).content.decode()
    assert 'data-status="done"' in fragment and "100%" in fragment
    assert client.get(f"/api/v1/documents/jobs/{job.pk}").json()["percent"] == 100
    login(client, docs.world.ly_officer)
    assert client.get(reverse("documents:job", args=[job.pk])).status_code == 404
    assert client.get(f"/api/v1/documents/jobs/{job.pk}").status_code == 404


def test_a_running_job_page_polls(client, docs):
    from zhifa.documents.services.batch import JOB_KIND

    job = Job.objects.create(
        kind=JOB_KIND, title="批量签发文书（3件）", params={}, created_by=docs.team.officer.user, total=3, done=1
    )
    login(client, docs.team.officer)
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and reverse("documents:job_progress", args=[job.pk]) in page
    assert "33%" in page


def test_batch_in_worker_processes_keeps_numbers_gap_free(docs, fast_render, django_capture_on_commit_callbacks):
    """The process pool path: five cases, two workers, one case refused in the middle."""
    from zhifa.documents.services.batch import batch_issue_job

    cases = [docs.decided(summary=f"进程池案件{i}") for i in range(5)]
    # the third case is issued by hand meanwhile: refused in the batch, its numbers are not consumed
    with django_capture_on_commit_callbacks(execute=True):
        document_issue(actor=docs.team.officer.user, case=cases[2].pk, document_type="penalty_decision")
    job = Job.objects.create(kind="documents.batch_issue", title="t", params={}, created_by=docs.team.officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        result = batch_issue_job(
            str(job.pk), case_ids=[c.pk for c in cases], user_id=docs.team.officer.user.pk, workers=2
        )
    assert result["workers"] == 2
    assert len(result["issued"]) == 4 and [f["case"] for f in result["failed"]] == [cases[2].pk]
    seqs = sorted(Document.objects.filter(document_type="credit_repair_notice").values_list("number_seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("n", [2, 6])
def test_list_query_budget(
    client, docs, fast_render, django_capture_on_commit_callbacks, django_assert_max_num_queries, n
):
    for i in range(n):
        case = docs.decided(summary=f"查询预算{i}")
        with django_capture_on_commit_callbacks(execute=True):
            document_issue(actor=docs.team.officer.user, case=case.pk, document_type="penalty_decision")
    login(client, docs.team.officer)
    client.get(reverse("documents:list"))  # warm the session and the user's scope
    with django_assert_max_num_queries(12):
        r = client.get(reverse("documents:list"))
    assert r.status_code == 200 and r.content.decode().count('class="document-row"') == 4 * n
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/documents").json()["count"] == 4 * n
    case_pk = Document.objects.values_list("case_id", flat=True).first()
    with django_assert_max_num_queries(40):
        assert client.get(reverse("documents:case", args=[case_pk])).status_code == 200


def test_api_void_correct_batch_and_ratings(client, docs, issued, django_capture_on_commit_callbacks):
    from zhifa.documents.models import Rating

    _case, (decision, *_rest) = issued
    login(client, docs.team.officer)

    def post(url, data):
        return client.post(url, data=json.dumps(data), content_type="application/json")

    r = post(f"/api/v1/documents/{decision.pk}/void", {"reason": "越权作废"})
    assert r.status_code == 403 and r.json()["code"] == "documents.head_required"
    login(client, docs.team.head)
    with django_capture_on_commit_callbacks(execute=True):
        r = post(f"/api/v1/documents/{decision.pk}/correct", {"reason": "当事人名称有误"})
    assert r.status_code == 201
    new = r.json()
    assert len(new) == 4 and new[0]["number"].endswith("0002号")
    assert client.get(f"/api/v1/documents/{decision.pk}").json()["replaced_by"] == new[0]["id"]
    r = post(f"/api/v1/documents/{new[0]['id']}/void", {"reason": "决定被复议撤销"})
    assert r.status_code == 200 and {d["status"] for d in r.json()} == {"voided"}
    other = docs.decided(summary="接口批量")
    with django_capture_on_commit_callbacks(execute=True):
        r = post("/api/v1/documents/batch", {"case_ids": [other.pk]})
    assert r.status_code == 202
    progress = client.get(r.json()["progress"]).json()
    assert progress["status"] == "done" and progress["result"]["documents"] == 4
    assert post("/api/v1/documents/batch", {"case_ids": []}).json()["code"] == "documents.nothing_selected"
    Rating.objects.create(document=decision, agency_id=decision.agency_id, score=4, client_hash="x" * 64)
    ratings = client.get("/api/v1/documents/ratings").json()
    assert ratings["summary"] == {"count": 1, "average": 4.0} and ratings["results"][0]["score"] == 4
    login(client, docs.world.ly_officer)
    assert client.get("/api/v1/documents/ratings").json()["count"] == 0
