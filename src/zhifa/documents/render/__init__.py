"""Rendering: ``DocumentContext`` → PDF (WeasyPrint) or DOCX (docxtpl), with QR and SHA-256.

Public API (the lead wires these to cases):

* :func:`build_model` — the layout-neutral :class:`DocumentModel` (same words in both formats);
* :func:`render_document` — bytes + SHA-256 of one document in ``pdf`` or ``docx``;
* :func:`render_triple_delivery` — 三书同达: penalty decision, credit-repair notice and
  risk-prevention notice, plus one service receipt listing the three.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from ..reasoning.composer import Reasoning
from ..reasoning.context import DocumentContext, ServiceInfo
from .builders import SPECS, DocumentBuildError, build
from .model import DocumentModel

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

TRIPLE = ("penalty_decision", "credit_repair_notice", "risk_prevention_notice")

__all__ = [
    "MEDIA_TYPES",
    "SPECS",
    "TRIPLE",
    "DocumentBuildError",
    "RenderedDocument",
    "TripleDelivery",
    "build_model",
    "receipt_context",
    "render_document",
    "render_triple_delivery",
]


@dataclass(frozen=True)
class RenderedDocument:
    document_type: str
    title: str
    number: str
    format: str
    content: bytes = field(repr=False)
    sha256: str
    qr_url: str = ""

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def filename(self) -> str:
        base = f"{self.title}_{self.number}" if self.number else self.title
        return re.sub(r"[\\/:*?\"<>|\s]+", "_", base) + "." + self.format


def build_model(ctx: DocumentContext, reasoning: Reasoning | None = None, qr_url: str = "") -> DocumentModel:
    model = build(ctx, reasoning)
    return replace(model, qr_url=qr_url) if qr_url else model


def render_document(
    ctx: DocumentContext,
    fmt: str = "pdf",
    *,
    qr_url: str = "",
    reasoning: Reasoning | None = None,
    model: DocumentModel | None = None,
) -> RenderedDocument:
    """One document. ``reasoning`` lets the caller pass an accepted LLM draft's structure or a
    composed one it already has; by default the composer is used."""
    if fmt not in MEDIA_TYPES:
        raise DocumentBuildError("documents.bad_format", f"不支持的格式：{fmt}", "format")
    model = model or build_model(ctx, reasoning, qr_url)
    created = ctx.issue_date or ctx.decision_date or ctx.filing_date
    if fmt == "pdf":
        from .pdf import render_pdf

        content = render_pdf(model, qr_url, created)
    else:
        from .docx import render_docx

        content = render_docx(model, qr_url, created)
    return RenderedDocument(
        document_type=ctx.document_type,
        title=model.title,
        number=model.number or model.case_number,
        format=fmt,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        qr_url=qr_url,
    )


@dataclass(frozen=True)
class TripleDelivery:
    """三书同达: the three documents (per format) and one service receipt."""

    documents: tuple[RenderedDocument, ...]
    receipt: tuple[RenderedDocument, ...]
    contexts: tuple[DocumentContext, ...] = field(repr=False, default=())

    def by_type(self, document_type: str, fmt: str = "pdf") -> RenderedDocument:
        for d in (*self.documents, *self.receipt):
            if d.document_type == document_type and d.format == fmt:
                return d
        raise KeyError((document_type, fmt))


def triple_contexts(ctx: DocumentContext, numbers: Mapping[str, str]) -> tuple[DocumentContext, ...]:
    """The three contexts of a 三书同达 bundle (same case, own numbers, cross-referenced)."""
    missing = [t for t in TRIPLE if not numbers.get(t)]
    if missing:
        raise DocumentBuildError("documents.missing_field", f"三书同达缺少文书编号：{'、'.join(missing)}", "numbers")
    related = {**ctx.related_numbers, **{t: numbers[t] for t in TRIPLE}}
    issue = ctx.decision_date
    return tuple(ctx.with_document(t, numbers[t], related_numbers=related, issue_date=issue) for t in TRIPLE)


def receipt_context(ctx: DocumentContext, contexts: tuple[DocumentContext, ...], number: str = "") -> DocumentContext:
    """The one 送达回证 of a bundle: it lists every document served together, by title and number."""
    listed = tuple(f"{SPECS[c.document_type].title} {c.number}" for c in contexts)
    service = replace(ctx.service or ServiceInfo(), documents=listed)
    if service.served_on is None:
        service = replace(service, served_on=ctx.service_date)
    return ctx.with_document(
        "service_receipt",
        number,
        service=service,
        related_numbers=contexts[0].related_numbers if contexts else ctx.related_numbers,
    )


def render_triple_delivery(
    ctx: DocumentContext,
    *,
    numbers: Mapping[str, str],
    qr_url: Callable[[str, str], str] | Mapping[str, str] | None = None,
    formats: tuple[str, ...] = ("pdf", "docx"),
    with_receipt: bool = True,
    reasoning: Reasoning | None = None,
) -> TripleDelivery:
    """Render the penalty decision, the credit-repair notice and the risk-prevention notice
    for one case, plus one 送达回证 listing all three. ``qr_url`` maps a document type (and its
    number) to the public verification URL the caller signed."""

    def url(doc_type: str, number: str) -> str:
        if qr_url is None:
            return ""
        if callable(qr_url):
            return qr_url(doc_type, number)
        return qr_url.get(doc_type, "")

    contexts = triple_contexts(ctx, numbers)
    docs: list[RenderedDocument] = []
    for c in contexts:
        r = reasoning if c.document_type == "penalty_decision" else None
        for fmt in formats:
            docs.append(render_document(c, fmt, qr_url=url(c.document_type, c.number), reasoning=r))
    receipts: list[RenderedDocument] = []
    if with_receipt:
        rc = receipt_context(ctx, contexts, numbers.get("service_receipt", ""))
        for fmt in formats:
            receipts.append(render_document(rc, fmt, qr_url=url("service_receipt", rc.number)))
    return TripleDelivery(tuple(docs), tuple(receipts), contexts)
