"""Rendering as plain data in, bytes out (pure), so issuing can render in worker processes.

:func:`render_items` takes what the issuing service decided — each document's context as JSON
(``DocumentContext.to_dict``), the reasoning text to print and the signed QR address — and returns
the PDF and DOCX bytes with their SHA-256. Nothing here touches the database; the service commits.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..reasoning.composer import REASONED_TYPES, Reasoning, compose
from ..reasoning.context import DocumentContext
from . import render_document

FORMATS = ("pdf", "docx")


def reasoning_for(ctx: DocumentContext, text: str | None) -> Reasoning | None:
    """The composer's reasoning for ``ctx`` printing ``text`` (an accepted draft) as its formal body.

    The part titles stay those of the phrasebook, so a paragraph equal to a title is still laid out as
    a heading."""
    if ctx.document_type not in REASONED_TYPES:
        return None
    composed = compose(ctx)
    if not text or text == composed.formal_text:
        return composed
    paragraphs = tuple(line.strip() for line in text.split("\n") if line.strip())
    return replace(composed, formal_paragraphs=paragraphs)


def render_item(item: dict[str, Any]) -> dict[str, Any]:
    ctx = DocumentContext.from_dict(item["context"])
    reasoning = reasoning_for(ctx, item.get("reasoning_text"))
    out: dict[str, Any] = {"id": item.get("id"), "title": ""}
    for fmt in item.get("formats") or FORMATS:
        doc = render_document(ctx, fmt, qr_url=item.get("qr_url", ""), reasoning=reasoning)
        out["title"] = doc.title
        out[fmt] = {"content": doc.content, "sha256": doc.sha256}
    return out


def render_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [render_item(item) for item in items]
