"""Layout-neutral document model: what both the PDF and the DOCX renderer draw.

A builder (``builders.py``) turns a :class:`DocumentContext` into a :class:`DocumentModel` of
blocks; the HTML/PDF and DOCX renderers only lay the blocks out. So both formats always carry
the same words, and a test of one builder covers both.
"""

from __future__ import annotations

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
