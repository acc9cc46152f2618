"""DOCX rendering with docxtpl (editable in WPS/Word)."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import jinja2
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage

from .fonts import PAGE
from .model import Block, DocumentModel, label_lines
from .qr import qr_png

TEMPLATES = Path(__file__).resolve().parent.parent / "templates_docs" / "docx"
DEFAULT_TEMPLATE = TEMPLATES / "document.docx"

_STYLE = {
    "para": "ZF Body",
    "heading": "ZF Heading 1",
    "subheading": "ZF Heading 2",
    "addressee": "ZF Plain",
    "qa": "ZF Plain",
    "note": "ZF Plain",
    "right": "ZF Number",
}


@lru_cache(maxsize=32)
def _template_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


class _MemoEnvironment(jinja2.Environment):
    """docxtpl compiles every XML part (body, headers, footers, properties) with ``from_string`` on each
    render, about 5 ms a document; the sources are the template's own and repeat, so keep them compiled."""

    MAX = 256

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            if len(self._compiled) >= self.MAX:
                self._compiled.clear()
            found = self._compiled[source] = super().from_string(source)
        return found


@lru_cache(maxsize=1)
def _jinja_env() -> jinja2.Environment:
    # what docxtpl builds itself for ``render(..., autoescape=True)``
    return _MemoEnvironment(autoescape=True)


def template_for(doc_type: str) -> Path:
    own = TEMPLATES / f"{doc_type}.docx"
    return own if own.exists() else DEFAULT_TEMPLATE


def _borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def _span(first, last, width: int):
    """``first.merge(last)`` for cells of one fresh row: python-docx's merge first locates both cells in
    the table grid (xpath over every row, ~2 ms a merge); for a single row the span is known, so the
    first cell grows to ``width`` columns directly (the same elements result)."""
    tc = first._tc
    if hasattr(tc, "_grow_to"):
        tc._grow_to(width, 1)
        return first
    return first.merge(last)  # pragma: no cover - another python-docx version


def _add_table(doc, block: Block, anchor, style_id) -> None:
    ncols = sum(c.colspan for c in block.rows[0])
    table = doc.add_table(rows=0, cols=ncols)
    anchor.addprevious(table._tbl)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    total = PAGE["block_w_mm"]
    widths = [Mm(total * w / 100) for w in block.widths] if len(block.widths) == ncols else None
    for row in block.rows:
        r = table.add_row()
        # a form row is never split between pages (a label on one page and its value on the next)
        r._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        # ``r.cells`` walks the whole table's grid: take the row's cells once (a merge keeps the
        # elements of the cells to its right, so the list stays valid for the rest of the row)
        cells = r.cells
        col = 0
        for index, cell in enumerate(row):
            target = cells[col]
            if cell.colspan > 1:
                target = _span(target, cells[col + cell.colspan - 1], cell.colspan)
            p = target.paragraphs[0]
            p._p.style = style_id("ZF Table Label" if cell.label else "ZF Table")
            if cell.label:  # the same even line breaks as the PDF (身份证/件号码)
                width = PAGE["block_w_mm"] * block.cell_share(row, index)
                run = p.add_run()
                for i, line in enumerate(label_lines(cell.text, width, PAGE["table_pt"])):
                    if i:
                        run.add_break()
                    run.add_text(line)
            else:
                p.add_run(cell.text)
            for _ in range(max(0, cell.min_lines - 1)):
                target.add_paragraph("")._p.style = style_id("ZF Table")
            if cell.align == "center":
                p.alignment = 1
            col += cell.colspan
        if widths:
            for i, c in enumerate(r.cells):
                c.width = widths[i]


BODY_MARKER = "[[ZF-BODY]]"


def _fill(doc, model: DocumentModel) -> None:
    """Insert the blocks where the template has the body marker paragraph.

    (docxtpl's Subdoc would need docxcompose, which is not a locked dependency; building the
    body with python-docx in the rendered document is equivalent and keeps the template's
    styles.)"""
    marker = next((p for p in doc.paragraphs if p.text.strip() == BODY_MARKER), None)
    if marker is None:
        raise ValueError(f"DOCX template has no {BODY_MARKER} paragraph")
    anchor = marker._p
    # resolve style ids once: python-docx looks a style name up by scanning every style
    ids: dict[str, str] = {}

    def style_id(name: str) -> str:
        if name not in ids:
            ids[name] = doc.styles[name].style_id
        return ids[name]

    def add(text: str, style: str):
        p = doc.add_paragraph(text)
        p._p.style = style_id(style)
        anchor.addprevious(p._p)
        return p

    for b in model.blocks:
        if b.kind == "table":
            _add_table(doc, b, anchor, style_id)
        elif b.kind == "sign":
            first = True
            for line in b.lines:
                p = add(line, "ZF Sign")
                p.paragraph_format.right_indent = Pt(PAGE["body_pt"] * 4)
                if first:
                    p.paragraph_format.space_before = Pt(PAGE["body_pt"] * 2)
                    first = False
        else:
            add(b.text, _STYLE.get(b.kind, "ZF Body"))
    anchor.getparent().remove(anchor)


def _normalise_zip(data: bytes, when: date | None) -> bytes:
    """Fixed timestamps inside the zip so the same document gives the same bytes.

    The DOS date/time fields of every local header and central-directory entry are patched in
    place (contents and CRCs are unchanged), which avoids compressing the package twice."""
    day = when or date(2020, 1, 1)
    dos_date = ((day.year - 1980) << 9) | (day.month << 5) | day.day
    stamp = struct.pack("<HH", 0, dos_date)
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        start_dir = z.start_dir  # type: ignore[attr-defined]
    for info in infos:
        off = info.header_offset
        if buf[off : off + 4] != b"PK\x03\x04":
            raise ValueError("unexpected zip layout")
        buf[off + 10 : off + 14] = stamp
    pos = start_dir
    for _ in infos:
        if buf[pos : pos + 4] != b"PK\x01\x02":
            raise ValueError("unexpected zip central directory")
        buf[pos + 12 : pos + 16] = stamp
        name_len, extra_len, comment_len = struct.unpack("<HHH", buf[pos + 28 : pos + 34])
        pos += 46 + name_len + extra_len + comment_len
    return bytes(buf)


def render_docx(
    model: DocumentModel, qr_url: str = "", created: date | None = None, template: Path | None = None
) -> bytes:
    path = template or template_for(model.doc_type)
    tpl = DocxTemplate(io.BytesIO(_template_bytes(str(path))))
    qr = InlineImage(tpl, io.BytesIO(qr_png(qr_url)), width=Mm(20)) if qr_url else ""
    tpl.render({"m": model, "body": BODY_MARKER, "qr": qr}, jinja_env=_jinja_env(), autoescape=True)
    _fill(tpl.docx, model)
    props = tpl.docx.core_properties
    moment = datetime.combine(created or date(2020, 1, 1), datetime.min.time())
    props.created = moment
    props.modified = moment
    props.last_modified_by = model.agency_line
    props.author = model.agency_line
    props.title = f"{model.title} {model.number}".strip()
    props.revision = 1
    buf = io.BytesIO()
    tpl.save(buf)
    return _normalise_zip(buf.getvalue(), created)
