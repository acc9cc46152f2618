"""/api/v1/documents: list, detail, files (through the permission and integrity check — never a file URL),
a case's documents, issue (三书同达 for a penalty decision), void and correct, compose and check a draft
(the CLI contract over HTTP), batch issuing as a job with progress, and the public's ratings.

Errors are ``{code, message, field}``: 404 for anything outside the jurisdiction, 403 for a missing
role, 400 for a refused issue (with its reason code), 409 when the case changed during an issue.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from ninja import Router, Schema, Status

from zhifa.core.errors import DomainError, NotFound
from zhifa.core.models import Job
from zhifa.core.permissions import visible_agency_ids
from zhifa.documents.models import Document
from zhifa.documents.selectors import case_document_panel, document_get, document_list, rating_list, rating_summary
from zhifa.documents.services import (
    citable_provisions,
    document_correct,
    document_issue,
    document_open,
    document_void,
    documents_batch_start,
)

router = Router(tags=["执法文书"])


class IssueIn(Schema):
    document_type: str
    record: int | None = None  # 询问笔录 / 现场笔录 / 责令改正: the record's seq (default: the first not yet issued)


class ReasonIn(Schema):
    reason: str


class DraftIn(Schema):
    document_type: str
    draft: str


class BatchIn(Schema):
    case_ids: list[int]


def row(d: Document) -> dict[str, Any]:
    return {
        "id": str(d.pk),
        "type": d.document_type,
        "record_seq": d.record_seq or None,
        "title": d.title,
        "number": d.number,
        "status": d.status,
        "case": d.case_id,
        "case_number": d.case.number,
        "party": d.case.party_name,
        "issue_date": d.issue_date.isoformat() if d.issue_date else None,
        "issued_at": d.issued_at.isoformat() if d.issued_at else None,
        "bundle": str(d.bundle_id) if d.bundle_id else None,
        "pdf_sha256": d.pdf_sha256,
        "docx_sha256": d.docx_sha256,
    }


def detail(d: Document) -> dict[str, Any]:
    out = row(d)
    out.update(
        {
            "qr_url": d.qr_url,
            "reasoning_text": d.reasoning_text,
            "reasoning_source": d.reasoning_source,
            "reasoning_fallback": d.reasoning_fallback,
            "reasoning_detail": d.reasoning_detail,
            "voided_at": d.voided_at.isoformat() if d.voided_at else None,
            "void_reason": d.void_reason,
            "replaced_by": str(d.replaced_by_id) if d.replaced_by_id else None,
            "files": {fmt: f"/api/v1/documents/{d.pk}/file/{fmt}" for fmt in ("pdf", "docx") if d.status != "draft"},
        }
    )
    return out


@router.get("", summary="文书列表（辖区内已签发和已作废的文书）")
def list_documents(
    request, type: str = "", status: str = "", q: str = "", case: int | None = None, page: int = 1, page_size: int = 50
):
    qs = document_list(user=request.user, document_type=type, status=status, q=q, case=case)
    paginator = Paginator(qs, min(max(page_size, 1), 200))
    p = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": p.number,
        "pages": paginator.num_pages,
        "results": [row(d) for d in p.object_list],
    }


@router.get("/ratings", summary="公众评价（执法监督）")
def ratings(request, page: int = 1, page_size: int = 50):
    paginator = Paginator(rating_list(user=request.user), min(max(page_size, 1), 200))
    p = paginator.get_page(page)
    return {
        "summary": rating_summary(user=request.user),
        "count": paginator.count,
        "results": [
            {
                "document": str(r.document_id),
                "number": r.document.number,
                "agency": r.agency.name,
                "score": r.score,
                "comment": r.comment,
                "created_at": r.created_at.isoformat(),
            }
            for r in p.object_list
        ],
    }


@router.post("/batch", response={202: dict}, summary="批量签发已决定案件的决定文书（后台任务）")
def batch(request, payload: BatchIn):
    with transaction.atomic():
        job = documents_batch_start(actor=request.user, case_ids=payload.case_ids)
    return Status(202, {"job": str(job.pk), "total": job.total, "progress": f"/api/v1/documents/jobs/{job.pk}"})


@router.get("/jobs/{job_id}", summary="批量签发任务的进度与结果")
def job(request, job_id: str):
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        raise NotFound("任务") from None
    found = Job.objects.filter(pk=key, kind="documents.batch_issue").first()
    if found is None or (
        found.created_by_id != request.user.pk and found.agency_id not in visible_agency_ids(request.user)
    ):
        raise NotFound("任务")
    return {
        "id": str(found.pk),
        "status": found.status,
        "done": found.done,
        "total": found.total,
        "percent": found.percent,
        "message": found.message,
        "result": found.result if found.status == "done" else None,
    }


@router.get(
    "/cases/{case_id}",
    summary="案件的文书：已签发的，当前状态下可签发的种类（不可签发的附原因），笔录与责令改正逐份列出",
)
def case_documents(request, case_id: int):
    from zhifa.cases.selectors import case_for_documents

    case = case_for_documents(user=request.user, pk=case_id)
    return [
        {
            "type": r.document_type,
            "title": r.title,
            "can_issue": r.can_issue,
            "reason": r.reason,
            "bundle": r.bundle,
            "documents": [row(d) for d in r.issued],
            "records": None
            if r.records is None
            else [
                {
                    "seq": rec.seq,
                    "label": rec.label,
                    "issued": rec.live is not None,
                    "document": str(rec.live.pk) if rec.live else None,
                    "number": rec.live.number if rec.live else None,
                    "can_issue": rec.can_issue,
                    "reason": rec.reason,
                }
                for rec in r.records
            ],
        }
        for r in case_document_panel(user=request.user, case=case)
    ]


@router.post("/cases/{case_id}/issue", response={201: list[dict]}, summary="签发文书（行政处罚决定书即三书同达）")
def issue(request, case_id: int, payload: IssueIn):
    docs = document_issue(actor=request.user, case=case_id, document_type=payload.document_type, record=payload.record)
    return Status(201, [detail(d) for d in docs])


def _context(request, case_id: int, document_type: str):
    from zhifa.cases.selectors import case_for_documents
    from zhifa.documents.case_context import case_context
    from zhifa.documents.services.issue import issued_numbers

    case = case_for_documents(user=request.user, pk=case_id)
    return case_context(case, document_type, related_numbers=issued_numbers(case))


@router.get("/cases/{case_id}/compose", summary="说理文本（说理模板生成；与 zhifa documents compose 相同）")
def compose(request, case_id: int, type: str):
    from zhifa.documents.reasoning.composer import REASONED_TYPES
    from zhifa.documents.reasoning.composer import compose as compose_text

    if type not in REASONED_TYPES:
        raise DomainError("documents.not_reasoned", "该文书没有说理部分", "type")
    return compose_text(_context(request, case_id, type)).as_dict()


@router.post("/cases/{case_id}/check-draft", summary="校验说理草稿（与 zhifa documents check-draft 相同）")
def check_draft(request, case_id: int, payload: DraftIn):
    from zhifa.documents.reasoning.verifier import verify_draft

    ctx = _context(request, case_id, payload.document_type)
    return verify_draft(payload.draft, ctx, citable_provisions()).as_dict()


@router.get("/{document_id}", summary="文书详情（说理文本及来源、二维码地址、SHA-256）")
def get_document(request, document_id: str):
    return detail(document_get(user=request.user, pk=document_id))


@router.get("/{document_id}/file/{fmt}", summary="下载文书文件（校验 SHA-256，记录审计）")
def download(request, document_id: str, fmt: str):
    opened = document_open(actor=request.user, document=document_id, fmt=fmt)
    response = FileResponse(
        open(opened.path, "rb"), content_type=opened.media_type, as_attachment=True, filename=opened.filename
    )
    response["X-Document-SHA256"] = opened.document.sha256_for(fmt)
    return response


@router.post("/{document_id}/void", summary="作废（负责人；三书同达整组作废）")
def void(request, document_id: str, payload: ReasonIn):
    return [detail(d) for d in document_void(actor=request.user, document=document_id, reason=payload.reason)]


@router.post("/{document_id}/correct", response={201: list[dict]}, summary="更正：作废原文书并按案件当前记载重新签发")
def correct(request, document_id: str, payload: ReasonIn):
    docs = document_correct(actor=request.user, document=document_id, reason=payload.reason)
    return Status(201, [detail(d) for d in docs])
