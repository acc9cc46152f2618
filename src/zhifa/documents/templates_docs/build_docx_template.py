"""Build ``docx/document.docx``: the docxtpl template for every document type.

Run ``python -m zhifa.documents.templates_docs.build_docx_template`` after changing the layout;
the result is committed. An agency may instead edit ``document.docx`` in WPS/Word (styles,
header, footer) or drop a ``<document_type>.docx`` beside it with the same Jinja variables:

* ``{{ m.agency_line }}``, ``{{ m.title }}``, ``{{ m.number }}``, ``{{ m.case_number }}``,
  ``{{ m.issue_date }}`` — from the :class:`~zhifa.documents.render.model.DocumentModel`;
* ``{{ qr }}`` — the QR image, ``{{ m.qr_caption }}`` its caption;
* ``{{ body }}`` — a marker paragraph; the body (paragraphs and tables built from the
  model's blocks) is inserted in its place.

Page: A4, GB/T 9704-2012 margins (top 37 mm, inside 28 mm, text block 156 × 225 mm), a line grid
of 22 lines and 28 characters a line (body characters 0.25 pt narrower), body style 3号 仿宋, title
2号 小标宋, page numbers "— n —" in 4号 宋体 on the outer side (odd pages right, even pages left).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zhifa.documents.render.fonts import LETTER_SPACING_PT, LINE_PT, PAGE, ROLES

OUT = Path(__file__).with_name("docx") / "document.docx"


def _fonts(style_or_run, role: str, size_pt: float, bold: bool = False) -> None:
    font = style_or_run.font
    font.size = Pt(size_pt)
    font.bold = bold
    font.name = "Times New Roman"
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), ROLES[role].docx_east_asia)
    rfonts.set(qn("w:ascii"), "Times New Roman")
    rfonts.set(qn("w:hAnsi"), "Times New Roman")


def _para_style(
    doc,
    name: str,
    role: str,
    size: float,
    *,
    indent: bool,
    align=None,
    bold: bool = False,
    exact: float | None = LINE_PT,
    grid: bool = True,
):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles["Normal"]
    _fonts(st, role, size, bold)
    pf = st.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact)
    if indent:
        pf.first_line_indent = Pt(size * 2)
    if align is not None:
        pf.alignment = align
    if not grid:
        # off the line grid: a line of this style keeps its own exact height (on the grid a 小四 table
        # line or a 2号 title line takes whole 28.95 pt grid lines: a one-page form on two pages), and its
        # characters their natural width (the body's tightening is for 3号 only)
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        st.element.get_or_add_pPr().append(snap)
        _letter_spacing(st, 0)
    return st


def body_spacing_twips() -> int:
    """Character spacing of the body in twentieths of a point: the largest that still fits 28 characters of
    3号 in the 156 mm line (whole twips only: -5, i.e. -0.25 pt; the PDF uses -0.215 pt)."""
    line_pt = PAGE["block_w_mm"] * 72 / 25.4
    twips = int(LETTER_SPACING_PT * 20)
    while (PAGE["body_pt"] + twips / 20) * PAGE["chars"] > line_pt:
        twips -= 1
    return twips


def _letter_spacing(style, twips: int) -> None:
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twips))
    rpr.append(spacing)


def _page_field(paragraph) -> None:
    run = paragraph.add_run("— ")
    _fonts(run, "pageno", PAGE["pageno_pt"])
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        r = paragraph.add_run()
        _fonts(r, "pageno", PAGE["pageno_pt"])
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
    tail = paragraph.add_run(" —")
    _fonts(tail, "pageno", PAGE["pageno_pt"])


def build(out: Path = OUT) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.start_type = WD_SECTION.NEW_PAGE
    sec.page_width, sec.page_height = Mm(PAGE["width_mm"]), Mm(PAGE["height_mm"])
    sec.top_margin = Mm(PAGE["top_mm"])
    sec.bottom_margin = Mm(PAGE["bottom_mm"])
    sec.left_margin = Mm(PAGE["inner_mm"])
    sec.right_margin = Mm(PAGE["outer_mm"])
    sec.gutter = Mm(0)
    sec.footer_distance = Mm(PAGE["bottom_mm"] - 7 - 6)
    sec.header_distance = Mm(15)
    # mirror margins so 订口 is on the binding side of even pages too
    settings = doc.settings.element
    mirror = OxmlElement("w:mirrorMargins")
    settings.insert(0, mirror)
    doc.settings.odd_and_even_pages_header_footer = True
    # 22 lines: a line grid. 28 characters a line: the body's characters are 0.25 pt narrower (as the PDF's
    # letter-spacing), not a character grid. A character grid whose cell (15.79 pt) is narrower than the
    # 3号 character (16 pt) is compressed by Word and WPS but given two cells a character by LibreOffice
    # (and the office suites built on it): 14 characters a line and twice the pages.
    sectpr = sec._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))

    normal = doc.styles["Normal"]
    _fonts(normal, "body", PAGE["body_pt"])
    _letter_spacing(normal, body_spacing_twips())
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PT)
    normal.paragraph_format.space_after = Pt(0)

    _para_style(doc, "ZF Body", "body", PAGE["body_pt"], indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para_style(doc, "ZF Plain", "body", PAGE["body_pt"], indent=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para_style(
        doc,
        "ZF Title",
        "title",
        PAGE["title_pt"],
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=ROLES["title"].weight >= 700,
        exact=LINE_PT * 1.25,
        grid=False,
    )
    _para_style(doc, "ZF Number", "body", PAGE["body_pt"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para_style(doc, "ZF Heading 1", "heading1", PAGE["body_pt"], indent=True)
    _para_style(doc, "ZF Heading 2", "heading2", PAGE["body_pt"], indent=True)
    _para_style(doc, "ZF Sign", "body", PAGE["body_pt"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para_style(doc, "ZF Table", "body", PAGE["table_pt"], indent=False, exact=PAGE["table_pt"] * 1.5, grid=False)
    _para_style(
        doc,
        "ZF Table Label",
        "heading1",
        PAGE["table_pt"],
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        exact=PAGE["table_pt"] * 1.5,
        grid=False,
    )
    _para_style(doc, "ZF QR", "body", 7, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, exact=None, grid=False)

    odd = sec.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(PAGE["pageno_pt"])
    _page_field(odd)
    even = sec.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(PAGE["pageno_pt"])
    _page_field(even)

    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._p.getparent().remove(body._p)
    doc.add_paragraph("{{ qr }}", style="ZF QR")
    doc.add_paragraph("{{ m.agency_line }}", style="ZF Title")
    doc.add_paragraph("{{ m.title }}", style="ZF Title")
    doc.add_paragraph("{{ m.number }}", style="ZF Number")
    doc.add_paragraph("{{ body }}", style="ZF Body")
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.core_properties.author = "zhifa"
    doc.core_properties.title = "zhifa document template"
    doc.save(out)
    return out


if __name__ == "__main__":
    print(build())
