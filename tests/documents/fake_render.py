"""A stand-in for the renderer where the bytes do not matter (portal, views, batches): distinct,
deterministic bytes per document, so hashes and files behave as with real documents. No Django
import, so worker processes (spawned) can load it."""

from __future__ import annotations

import hashlib


def fake_render_items(payload: list[dict]) -> list[dict]:
    out = []
    for item in payload:
        ctx = item["context"]
        entry = {"id": item["id"], "title": {"penalty_decision": "行政处罚决定书"}.get(ctx["document_type"], "")}
        for fmt in ("pdf", "docx"):
            content = f"{fmt}:{item['id']}:{ctx.get('document_number')}:{item['qr_url']}".encode()
            entry[fmt] = {"content": content, "sha256": hashlib.sha256(content).hexdigest()}
        out.append(entry)
    return out
