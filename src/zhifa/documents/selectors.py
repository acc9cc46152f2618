"""Scoped reads of documents. Pages, the API and the CLI read documents through these functions.

Scoping is role × jurisdiction: a document of an agency outside the reader's jurisdiction does not
exist for them (NotFound → 404), whatever its id. Lists select what they show, so their query count
does not grow with the rows (tests/documents/test_query_counts.py). The portal's
:func:`public_document` is the one unscoped read; it is reached only with a valid QR signature and
shows only what ``Document`` holds for the public (never the context snapshot).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Value, When

from zhifa.cases.models import Case as CaseModel
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.documents.choices import BUNDLE_TYPES, TYPE_TITLES, DocumentStatus
from zhifa.documents.models import Document, Rating

#: within one issue (a 三书同达 bundle), the decision first and the receipt last
BUNDLE_ORDER = Case(
    *(When(document_type=t, then=Value(i)) for i, t in enumerate(BUNDLE_TYPES)),
    default=Value(len(BUNDLE_TYPES)),
    output_field=IntegerField(),
)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def document_list(
    *, user, document_type: str = "", status: str = "", q: str = "", case: int | None = None
) -> QuerySet[Document]:
    """Issued and voided documents in the user's jurisdiction, newest first."""
    qs = Document.objects.filter(agency_id__in=visible_agency_ids(user)).exclude(status=DocumentStatus.DRAFT)
    if document_type:
        qs = qs.filter(document_type=document_type)
    if status in (DocumentStatus.ISSUED, DocumentStatus.VOIDED):
        qs = qs.filter(status=status)
    if case:
        qs = qs.filter(case_id=case)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(case__number__icontains=q)
            | Q(case__party_name__icontains=q)
            | Q(case__plate__icontains=q.upper())
        )
    return (
        qs.select_related("case", "agency", "issued_by", "issued_by__officer")
        .defer("context", "reasoning_text", "reasoning_detail")
        .order_by("-issued_at", BUNDLE_ORDER, "number")
    )


def document_get(*, user, pk) -> Document:
    """One document (issued, voided or a draft) in the user's jurisdiction, or NotFound."""
    key = _uuid(pk)
    if key is None or officer_of(user) is None:
        raise NotFound("文书")
    doc = (
        Document.objects.filter(pk=key, agency_id__in=visible_agency_ids(user))
        .select_related("case", "agency", "bundle", "issued_by", "voided_by", "replaced_by")
        .first()
    )
    if doc is None:
        raise NotFound("文书")
    return doc


def bundle_documents(doc: Document) -> list[Document]:
    if not doc.bundle_id:
        return []
    return list(Document.objects.filter(bundle_id=doc.bundle_id).defer("context").order_by("issued_at", BUNDLE_ORDER))


@dataclass(frozen=True)
class RecordRow:
    """One record of the case (询问笔录, 现场笔录, 责令改正) under its type: its documents and whether one
    can be issued for it now."""

    seq: int
    label: str  # 第2份 · 证人 李** · 2026-03-02 (names masked: the panel is read across the jurisdiction)
    issued: list[Document]
    can_issue: bool
    reason: str

    @property
    def live(self) -> Document | None:
        return next((d for d in self.issued if d.status == DocumentStatus.ISSUED), None)


@dataclass(frozen=True)
class TypeRow:
    """One document type on a case's page: what was issued, and whether it can be issued now."""

    document_type: str
    title: str
    issued: list[Document]
    can_issue: bool
    reason: str  # why not, in Chinese
    bundle: bool = False
    records: list[RecordRow] | None = None  # the record types: one row per record of the case


PANEL_TYPES = (
    "case_filing",
    "evidence_register",
    "penalty_notice",
    "hearing_notice",
    "penalty_decision",
    "summary_penalty_decision",
    "no_penalty_decision",
    "payment_reminder",
    "closing_report",
    "inquiry_record",
    "site_record",
    "correction_order",
)


def case_document_panel(*, user, case: CaseModel) -> list[TypeRow]:
    """The documents of a case by type: issued ones (voided kept, marked), and for each type whether the
    case's state and records allow issuing it now, or why not."""
    from zhifa.documents.case_context import case_context
    from zhifa.documents.services.issue import RECORD_TYPES, issued_numbers

    if case.agency_id not in visible_agency_ids(user):
        raise NotFound("案件")
    docs = list(
        Document.objects.filter(case=case)
        .exclude(status=DocumentStatus.DRAFT)
        .select_related("case")
        .defer("context")
        .order_by("issued_at")
    )
    by_type: dict[str, list[Document]] = {}
    for d in docs:
        by_type.setdefault(d.document_type, []).append(d)
    related = issued_numbers(case)
    rows = []
    for t in PANEL_TYPES:
        if t in RECORD_TYPES:
            rows.append(_record_type_row(case, t, by_type.get(t, []), related))
            continue
        issued = by_type.get(t, [])
        bundle = t == "penalty_decision"
        if bundle:
            for sub in ("credit_repair_notice", "risk_prevention_notice", "service_receipt"):
                issued = issued + by_type.get(sub, [])
        live = [d for d in issued if d.status == DocumentStatus.ISSUED]
        if live:
            rows.append(TypeRow(t, TYPE_TITLES[t], issued, False, "已签发；如需更正，由负责人作废后重新签发", bundle))
            continue
        try:
            case_context(case, t, related_numbers=related)
        except DomainError as exc:
            rows.append(TypeRow(t, TYPE_TITLES[t], issued, False, exc.message, bundle))
            continue
        rows.append(TypeRow(t, TYPE_TITLES[t], issued, True, "", bundle))
    return rows


def record_labels(case: CaseModel, document_type: str) -> list[tuple[int, str]]:
    """(seq, label) of each record of the type the case holds, one query."""
    from zhifa.core.validators import mask_name

    def day(value) -> str:
        from django.utils import timezone

        return timezone.localtime(value).date().isoformat()

    if document_type == "inquiry_record":
        rows = case.inquiries.order_by("seq").values_list("seq", "relation", "interviewee_name", "started_at")
        return [(q, f"第{q}份 · {rel} {mask_name(name)} · {day(at)}") for q, rel, name, at in rows]
    if document_type == "site_record":
        rows = case.site_records.order_by("seq").values_list("seq", "place", "started_at")
        return [(q, f"第{q}份 · {place} · {day(at)}") for q, place, at in rows]
    if document_type == "correction_order":
        rows = case.correction_orders.order_by("seq").values_list("seq", "issued_on", "deadline")
        return [(q, f"第{q}份 · 责令日期 {on} · 改正期限 {until or '立即改正'}") for q, on, until in rows]
    return []


def _record_type_row(case: CaseModel, t: str, docs: list[Document], related: dict[str, str]) -> TypeRow:
    """A record type: one :class:`RecordRow` per record. Whether the type can be made at all is checked
    once (with the first record); each record then can be issued unless it has a live document."""
    from zhifa.documents.case_context import case_context

    labels = record_labels(case, t)
    try:
        case_context(case, t, related_numbers=related, record=labels[0][0] if labels else None)
    except DomainError as exc:
        return TypeRow(t, TYPE_TITLES[t], docs, False, exc.message, records=[])
    records = []
    for seq, label in labels:
        mine = [d for d in docs if d.record_seq == seq]
        live = any(d.status == DocumentStatus.ISSUED for d in mine)
        reason = "已签发；如需更正，由负责人作废后重新签发" if live else ""
        records.append(RecordRow(seq, label, mine, not live, reason))
    can = any(r.can_issue for r in records)
    reason = "" if can else "每份记录均已签发文书"
    return TypeRow(t, TYPE_TITLES[t], docs, can, reason, records=records)


def public_document(document_id) -> Document | None:
    """The document a QR code names (the portal calls this only after checking the signature)."""
    key = _uuid(document_id)
    if key is None:
        return None
    return (
        Document.objects.filter(pk=key)
        .exclude(status=DocumentStatus.DRAFT)
        .select_related("agency", "case", "replaced_by")
        .only(
            "id",
            "document_type",
            "title",
            "number",
            "status",
            "issue_date",
            "issued_at",
            "voided_at",
            "pdf_sha256",
            "docx_sha256",
            "pdf_path",
            "docx_path",
            "party_masked",
            "agency_id",
            "agency__name",
            "case__state",
            "case__item_code",
            "case__item_name",
            "replaced_by__id",
            "replaced_by__number",
        )
        .first()
    )


def rating_list(*, user) -> QuerySet[Rating]:
    """Ratings of the enforcement in the user's jurisdiction (supervision), newest first."""
    return (
        Rating.objects.filter(agency_id__in=visible_agency_ids(user))
        .select_related("document", "agency")
        .order_by("-created_at")
    )


def rating_summary(*, user) -> dict:
    agg = Rating.objects.filter(agency_id__in=visible_agency_ids(user)).aggregate(n=Count("id"), avg=Avg("score"))
    return {"count": agg["n"] or 0, "average": round(agg["avg"], 2) if agg["avg"] is not None else None}


def type_title(code: str) -> str:
    return TYPE_TITLES.get(code, code)
