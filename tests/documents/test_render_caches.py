"""The renderers' per-process caches (QR codes, the parsed page CSS, font subsets, docxtpl's compiled
XML parts, one-row cell spans) change the CPU a document costs, never its bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zhifa.documents.reasoning.samples import gallery_context
from zhifa.documents.render import build_model, render_document
from zhifa.documents.render import docx as docx_render
from zhifa.documents.render import pdf as pdf_render
from zhifa.documents.render import qr as qr_render

QR = "https://zhifa.example.gov.cn/v/cache-test?sig=1a2b3c"


def _cold() -> None:
    qr_render._code.cache_clear()
    qr_render.qr_png.cache_clear()
    pdf_render._SUBSETS.clear()
    docx_render._jinja_env.cache_clear()


@pytest.mark.parametrize("code", ["penalty_decision", "service_receipt", "case_filing"])
def test_warm_caches_give_the_same_bytes_as_cold(code):
    ctx = gallery_context(code)
    _cold()
    cold = {fmt: render_document(ctx, fmt, qr_url=QR).sha256 for fmt in ("pdf", "docx")}
    warm = {fmt: render_document(ctx, fmt, qr_url=QR).sha256 for fmt in ("pdf", "docx")}
    assert cold == warm
    assert pdf_render._SUBSETS, "font subsets are kept"
    assert docx_render._jinja_env()._compiled, "docxtpl's parts are kept compiled"


def test_subset_cache_is_hit_by_the_title_font_of_the_next_document():
    _cold()
    first = gallery_context("penalty_decision")
    render_document(first, "pdf", qr_url=QR)
    keys = set(pdf_render._SUBSETS)
    render_document(first, "pdf", qr_url=QR + "2")
    # the same document with another QR code prints the same characters: nothing new to subset
    assert set(pdf_render._SUBSETS) == keys


def test_pre_parsed_css_lays_out_exactly_like_the_inline_style():
    ctx = gallery_context("penalty_decision")
    model = build_model(ctx, qr_url=QR)
    html = pdf_render.model_html(model, QR, ctx.issue_date or ctx.decision_date)
    assert "<style>" in html and "@page" in html  # the stand-alone HTML keeps its CSS
    inline = pdf_render.html_to_pdf(html)
    assert inline == pdf_render.render_pdf(model, QR, ctx.issue_date or ctx.decision_date)


def test_direct_cell_span_equals_python_docx_merge(monkeypatch):
    ctx = gallery_context("service_receipt")
    fast = render_document(ctx, "docx", qr_url=QR)
    monkeypatch.setattr(docx_render, "_span", lambda first, last, width: first.merge(last))
    merged = render_document(ctx, "docx", qr_url=QR)
    assert fast.sha256 == merged.sha256


def test_qr_png_and_data_uri_carry_the_same_image():
    import base64

    uri = qr_render.qr_png_data_uri(QR)
    assert base64.b64decode(uri.split(",", 1)[1]) == qr_render.qr_png(QR)


def test_font_folder_is_removed_at_exit(tmp_path):
    """WeasyPrint copies the @font-face files to a temporary folder; the process leaves none behind."""
    script = (
        "from zhifa.documents.reasoning.samples import gallery_context\n"
        "from zhifa.documents.render import render_document\n"
        "from zhifa.documents.render import pdf\n"
        "render_document(gallery_context('penalty_notice'), 'pdf')\n"
        "print(pdf._font_config()._folder or '')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    folder = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    assert "Exception ignored" not in out.stderr
    if folder:
        assert not Path(folder).exists()
