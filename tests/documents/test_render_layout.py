"""Layout details found by looking at the gallery: the first-line indent is two characters of the
grid (26 characters follow it), form labels break evenly, and a form fits its page."""

from __future__ import annotations

import io

import docx
import pypdf

from zhifa.documents.reasoning.samples import gallery_context
from zhifa.documents.render import render_document
from zhifa.documents.render.model import Block, DocumentModel, L, V, label_lines, table
from zhifa.documents.render.pdf import render_pdf


def _pages(model: DocumentModel) -> int:
    return len(pypdf.PdfReader(io.BytesIO(render_pdf(model))).pages)


def test_an_indented_paragraph_keeps_26_characters_on_its_first_line():
    # 26 after the indent + 21 full lines = 22 lines: exactly one page; one more character is a 23rd line
    full = 26 + 28 * 21
    one = DocumentModel("penalty_decision", "", "", "", "", (Block("para", "国" * full),))
    two = DocumentModel("penalty_decision", "", "", "", "", (Block("para", "国" * (full + 1)),))
    assert _pages(one) == 1
    assert _pages(two) == 2


def test_labels_break_evenly():
    width = 156 * 0.17  # the label column of the six-column forms
    assert label_lines("姓名", width, 12) == ("姓名",)
    assert label_lines("身份证件号码", width, 12) == ("身份证", "件号码")
    assert label_lines("负责人审批意见", width, 12) == ("负责人审", "批意见")
    assert label_lines("统一社会信用代码", width, 12) == ("统一社会", "信用代码")
    assert label_lines("Name of party", 10, 12) == ("Name of party",)  # not CJK: left to the renderer


def test_cell_share_follows_widths_and_spans():
    b = table([[L("a"), V("b", 2)], [L("c"), V("d"), V("e")]], (20, 30, 50))
    assert b.cell_share(b.rows[0], 1) == 0.8
    assert b.cell_share(b.rows[1], 2) == 0.5
    assert table([[L("a"), V("b")]], ()).cell_share((L("a"), V("b")), 0) == 0.5


def test_docx_label_has_the_same_break_as_the_pdf():
    doc = render_document(gallery_context("case_filing"), "docx")
    d = docx.Document(io.BytesIO(doc.content))
    labels = {c.text for t in d.tables for row in t.rows for c in row.cells}
    assert "身份证\n件号码" in labels


def test_forms_fit_one_page():
    for code in ("case_filing", "site_record", "evidence_register", "service_receipt", "closing_report"):
        doc = render_document(gallery_context(code), "pdf")
        assert len(pypdf.PdfReader(io.BytesIO(doc.content)).pages) == 1, code


def _lines(html: str) -> list[str]:
    """The text of every laid-out line of the first page (WeasyPrint's line boxes)."""
    from weasyprint import HTML

    from zhifa.documents.render.pdf import TEMPLATES, _font_config, _stylesheet

    page = HTML(string=html, base_url=str(TEMPLATES)).render(stylesheets=[_stylesheet()], font_config=_font_config())
    out: list[str] = []

    def walk(box):
        if type(box).__name__ == "LineBox":
            texts: list[str] = []

            def text(b):
                if hasattr(b, "text"):
                    texts.append(b.text)
                for c in getattr(b, "children", []) or []:
                    text(c)

            text(box)
            out.append("".join(texts))
            return
        for c in getattr(box, "children", []) or []:
            walk(c)

    walk(page.pages[0]._page_box)
    return out


def test_a_document_number_is_not_broken_inside_a_cell():
    """The 送达回证 listed 行政处罚决定书 南召交执罚决〔2026〕 / 0002号 over two lines: a number is kept whole."""
    from zhifa.documents.render import build_model
    from zhifa.documents.render.pdf import keep_numbers, model_html

    assert str(keep_numbers("行政处罚决定书 南召交执罚决〔2026〕0002号、<b>")) == (
        '行政处罚决定书 <span class="nobr">南召交执罚决〔2026〕0002号</span>、&lt;b&gt;'
    )
    lines = _lines(model_html(build_model(gallery_context("service_receipt")), inline_css=False))
    assert any("南召交执罚决〔2026〕0002号" in line for line in lines), lines
    assert not any(line.rstrip().endswith("〔2026〕") for line in lines), lines
