"""Officer pages: the documents list, a case's documents (issue buttons for the types its state allows),
a document (reasoning, source, QR address, bundle, history; void and correct for the head), downloads
through a permission check (never a file URL), batch issuing with a progress bar (htmx polling the job).
Views check the shape of input and call the services; every rejection shows its Chinese message."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhifa.cases.choices import STATE_BADGE
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.models import AuditEvent, Job
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.documents.choices import STATUS_BADGE, TYPE_TITLES, DocumentStatus, DocumentType
from zhifa.documents.reasoning.llm import REASONS
from zhifa.documents.selectors import bundle_documents, case_document_panel, document_get, document_list, rating_summary
from zhifa.documents.services import (
    batch_candidates,
    document_correct,
    document_issue,
    document_open,
    document_prepare,
    document_void,
    documents_batch_start,
)

PAGE_SIZE = 50
EVENT_LABELS = {
    "document.drafted": "生成草稿",
    "document.issued": "签发",
    "document.voided": "作废",
    "document.downloaded": "下载",
    "document.integrity_failed": "完整性校验失败",
}


def _case_or_404(request, pk):
    from zhifa.cases.selectors import case_for_documents

    try:
        return case_for_documents(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _doc_or_404(request, pk):
    try:
        return document_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def document_list_view(request):
    g = request.GET
    filters = {"document_type": g.get("type", ""), "status": g.get("status", ""), "q": g.get("q", "").strip()}
    if filters["document_type"] not in DocumentType.values:
        filters["document_type"] = ""
    qs = document_list(user=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    return render(
        request,
        "documents/list.html",
        {
            "active_module": "documents",
            "page": page,
            "filters": filters,
            "types": DocumentType.choices,
            "statuses": [(DocumentStatus.ISSUED, "已签发"), (DocumentStatus.VOIDED, "已作废")],
            "status_badge": STATUS_BADGE,
            "ratings": rating_summary(user=request.user),
            "can_batch": _is_officer(request.user),
        },
    )


def _is_officer(user) -> bool:
    officer = officer_of(user)
    return officer is not None and officer.has_role("officer", "head")


@login_required
def case_documents_view(request, pk):
    case = _case_or_404(request, pk)
    rows = case_document_panel(user=request.user, case=case)
    return render(
        request,
        "documents/case.html",
        {
            "active_module": "documents",
            "case": case,
            "rows": rows,
            "state_badge": STATE_BADGE.get(case.state, "secondary"),
            "status_badge": STATUS_BADGE,
            "can_issue": _is_officer(request.user),
            "reasoned": {"penalty_notice", "penalty_decision", "summary_penalty_decision", "no_penalty_decision"},
        },
    )


@login_required
@require_POST
def issue_view(request, pk):
    case = _case_or_404(request, pk)
    kind = request.POST.get("document_type", "")
    record = request.POST.get("record") or None
    try:
        docs = document_issue(actor=request.user, case=case.pk, document_type=kind, record=record)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:case", pk=case.pk)
    if len(docs) > 1:
        messages.success(request, f"已签发三书同达：{'、'.join(f'{d.title}{d.number}' for d in docs)}")
    else:
        messages.success(request, f"已签发{docs[0].title}（{docs[0].number}）")
    return redirect("documents:detail", pk=docs[0].pk)


@login_required
@require_POST
def prepare_view(request, pk):
    case = _case_or_404(request, pk)
    try:
        draft = document_prepare(
            actor=request.user,
            case=case.pk,
            document_type=request.POST.get("document_type", ""),
            record=request.POST.get("record") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:case", pk=case.pk)
    return redirect("documents:detail", pk=draft.pk)


@login_required
def detail_view(request, pk):
    doc = _doc_or_404(request, pk)
    officer = officer_of(request.user)
    history = [
        (e, EVENT_LABELS.get(e.event_code, e.event_code))
        for e in AuditEvent.objects.filter(object_type="documents.document", object_id=str(doc.pk)).order_by("seq")
    ]
    return render(
        request,
        "documents/detail.html",
        {
            "active_module": "documents",
            "doc": doc,
            "bundle": bundle_documents(doc),
            "history": history,
            "status_badge": STATUS_BADGE,
            "fallback_text": REASONS.get(doc.reasoning_fallback, doc.reasoning_fallback),
            "is_head": officer is not None and officer.has_role("head"),
            "can_issue": _is_officer(request.user),
            "type_title": TYPE_TITLES.get(doc.document_type, doc.document_type),
            "paragraphs": [(p, bool(HEADING.match(p))) for p in doc.reasoning_text.split("\n") if p.strip()],
            "plain": _plain_summary(doc),
        },
    )


HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def _plain_summary(doc) -> str:
    """The plain-language summary for the party (the composer's second register), from the snapshot."""
    if not doc.reasoning_source or not doc.context:
        return ""
    from zhifa.documents.reasoning.composer import compose
    from zhifa.documents.reasoning.context import DocumentContext

    try:
        return compose(DocumentContext.from_dict(doc.context)).plain_summary
    except DomainError:
        return ""


@login_required
def download_view(request, pk, fmt):
    try:
        opened = document_open(actor=request.user, document=pk, fmt=fmt)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:detail", pk=pk)
    response = FileResponse(
        open(opened.path, "rb"),  # FileResponse closes it
        content_type=opened.media_type,
        as_attachment=request.GET.get("inline") != "1",
        filename=opened.filename,
    )
    response["X-Document-SHA256"] = opened.document.sha256_for(fmt)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def void_view(request, pk):
    doc = _doc_or_404(request, pk)
    action = request.POST.get("action", "void")
    reason = request.POST.get("reason", "")
    try:
        if action == "correct":
            docs = document_correct(actor=request.user, document=doc.pk, reason=reason)
            messages.success(request, f"已作废原文书并签发更正后的文书（{docs[0].number}）")
            return redirect("documents:detail", pk=docs[0].pk)
        document_void(actor=request.user, document=doc.pk, reason=reason)
        messages.success(request, "文书已作废")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("documents:detail", pk=doc.pk)


@login_required
def batch_view(request):
    user = request.user
    if not _is_officer(user):
        messages.error(request, "批量签发需要执法人员或负责人权限")
        return redirect("documents:list")
    if request.method == "POST":
        ids = request.POST.getlist("case")
        try:
            with transaction.atomic():
                job = documents_batch_start(actor=user, case_ids=ids)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("documents:batch")
        return redirect("documents:job", pk=job.pk)
    cases = list(batch_candidates(user=user, limit=300))
    recent = Job.objects.filter(kind="documents.batch_issue", created_by=user).order_by("-created_at")[:5]
    return render(
        request,
        "documents/batch.html",
        {"active_module": "documents", "cases": cases, "recent": recent, "state_badge": STATE_BADGE},
    )


def _job_or_404(request, pk) -> Job:
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    job = Job.objects.filter(pk=key, kind="documents.batch_issue").first()
    if job is None or (job.created_by_id != request.user.pk and job.agency_id not in visible_agency_ids(request.user)):
        raise Http404
    return job


@login_required
def job_view(request, pk):
    job = _job_or_404(request, pk)
    return render(request, "documents/job.html", {"active_module": "documents", "job": job, **_job_context(job)})


@login_required
def job_progress_view(request, pk):
    """The progress fragment htmx polls every second while the job runs."""
    job = _job_or_404(request, pk)
    return render(request, "documents/_job_progress.html", {"job": job, **_job_context(job)})


def _job_context(job: Job) -> dict:
    result = job.result or {}
    issued = result.get("issued") or []
    return {
        "running": job.status in ("queued", "running"),
        "issued_count": len(issued),
        "failed": result.get("failed") or [],
        "documents_count": result.get("documents", 0),
        "seconds": result.get("seconds"),
        "progress_url": reverse("documents:job_progress", args=[job.pk]),
    }
