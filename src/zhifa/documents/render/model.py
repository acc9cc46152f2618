"""Layout-neutral document model: what both the PDF and the DOCX renderer draw.

A builder (``builders.py``) turns a :class:`DocumentContext` into a :class:`DocumentModel` of
blocks; the HTML/PDF and DOCX renderers only lay the blocks out. So both formats always carry
the same words, and a test of one builder covers both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    label: bool = False  # a field name (shaded, centred)
    colspan: int = 1
    min_lines: int = 0  # free-writing room (signatures, opinions)
    align: str = ""  # "", "center", "right"


@dataclass(frozen=True)
class Block:
    """kind: para | heading | subheading | addressee | table | qa | sign | note | right."""

    kind: str
    text: str = ""
    rows: tuple[tuple[Cell, ...], ...] = ()
    widths: tuple[int, ...] = ()  # column widths in percent (tables)
    lines: tuple[str, ...] = ()  # sign block lines

    def cell_share(self, row: tuple[Cell, ...], index: int) -> float:
        """The share (0–1) of the table width the ``index``-th cell of ``row`` spans."""
        ncols = sum(c.colspan for c in self.rows[0]) if self.rows else 1
        start = sum(c.colspan for c in row[:index])
        span = row[index].colspan
        if len(self.widths) == ncols:
            return sum(self.widths[start : start + span]) / 100
        return span / ncols


#: padding on both sides of a form cell plus its rules (the CSS gives 1.5 mm a side)
CELL_PAD_MM = 3.3
MM_PER_PT = 25.4 / 72


def label_lines(text: str, width_mm: float, pt: float) -> tuple[str, ...]:
    """A form label laid out over the lines it needs, evenly: 身份证/件号码 rather than 身份证件号/码.

    Labels are short runs of CJK characters of one width (``pt``); ``width_mm`` is the cell's width.
    Text with spaces or Latin letters is left to the renderer's own line breaking."""
    per_line = max(1, int((width_mm - CELL_PAD_MM) / (pt * MM_PER_PT)))
    if len(text) <= per_line or not all("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text):
        return (text,)
    lines = math.ceil(len(text) / per_line)
    size = math.ceil(len(text) / lines)
    return tuple(text[i : i + size] for i in range(0, len(text), size))


@dataclass(frozen=True)
class DocumentModel:
    doc_type: str
    title: str
    agency_line: str
    number: str  # printed under the title (document number with 〔〕) or ""
    case_number: str
    blocks: tuple[Block, ...]
    issue_date: str = ""
    qr_url: str = ""
    qr_caption: str = "扫码核验文书"
    meta: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """All words of the document in reading order (tests and search)."""
        out = [self.agency_line, self.title, self.number]
        for b in self.blocks:
            if b.text:
                out.append(b.text)
            for row in b.rows:
                out.append(" ".join(c.text for c in row))
            out.extend(b.lines)
        return "\n".join(x for x in out if x)


def para(text: str) -> Block:
    return Block("para", text)


def heading(text: str) -> Block:
    return Block("heading", text)


def subheading(text: str) -> Block:
    return Block("subheading", text)


def note(text: str) -> Block:
    return Block("note", text)


def right(text: str) -> Block:
    return Block("right", text)


def addressee(text: str) -> Block:
    return Block("addressee", text)


def qa(question: str, answer: str) -> tuple[Block, Block]:
    return Block("qa", "问：" + question), Block("qa", "答：" + answer)


def table(rows: list[list[Cell]] | list[tuple[Cell, ...]], widths: tuple[int, ...]) -> Block:
    return Block("table", rows=tuple(tuple(r) for r in rows), widths=widths)


def sign(*lines: str) -> Block:
    return Block("sign", lines=tuple(x for x in lines if x))


def L(text: str, colspan: int = 1) -> Cell:
    return Cell(text, label=True, colspan=colspan)


def V(text: str, colspan: int = 1, min_lines: int = 0, align: str = "") -> Cell:
    return Cell(text or "／", colspan=colspan, min_lines=min_lines, align=align)
