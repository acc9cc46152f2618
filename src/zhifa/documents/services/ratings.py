"""Ratings of the enforcement left by the public on the verification page (supervision reads them)."""

from __future__ import annotations

from django.db import transaction

from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import Document, Rating
from zhifa.documents.signing import client_hash

MAX_COMMENT = 500


@transaction.atomic
def rating_submit(*, document: Document, score, comment: str = "", client_address: str = "") -> Rating:
    """Store a rating (1-5 and an optional comment) of an issued document's enforcement. The caller has
    checked the QR signature; the client address is kept only as a keyed hash."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise DomainError("rating.score_invalid", "请选择1到5分", "score") from None
    if not 1 <= score <= 5:
        raise DomainError("rating.score_invalid", "请选择1到5分", "score")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError("rating.comment_too_long", f"意见请不要超过{MAX_COMMENT}字", "comment")
    if document.status == DocumentStatus.DRAFT:
        raise DomainError("rating.not_issued", "该文书尚未签发", "document")
    rating = Rating.objects.create(
        document=document,
        agency_id=document.agency_id,
        score=score,
        comment=comment,
        client_hash=client_hash(client_address),
    )
    audit_record(
        actor=None,
        event_code="rating.submitted",
        obj=rating,
        object_repr=f"{document.title} {document.number} 评价",
        agency=document.agency_id,
        after={"document": str(document.pk), "score": score, "has_comment": bool(comment)},
    )
    return rating
