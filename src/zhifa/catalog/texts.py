"""Statute texts: parse the markdown law files and cut out one article / paragraph / item.

Pure module (no Django). The files under ``data/texts/`` are verbatim copies of public PRC
statutes (LawRefBook/Laws); ``data/excerpts/`` holds verbatim excerpts of rules whose full
text was not available, with their source in the file header. Provision texts are always
cut from these files at load time, never typed into the catalog.

File format: a ``# title`` line, an info block ending with ``<!-- INFO END -->``, then
``## 章`` headings and articles. An article starts with ``第X条`` at the start of a line;
each further non-empty line is a new paragraph (款), except lines that start with an item
number ``（一）``/``(一)``, which are items (项) of the paragraph before them. Excerpt files may
also contain ``## 摘录：KEY`` sections for provisions whose article number is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

_ARTICLE_RE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?[\s　]*")
_ITEM_RE = re.compile(r"^[（(]([零〇一二三四五六七八九十]+)[）)]")
_EXCERPT_RE = re.compile(r"^##\s*摘录[:：]\s*(\S.*)$")
ELLIPSIS = "……"


def cn_to_int(text: str) -> int:
    """Convert a Chinese numeral as used in article numbers (``一百零三``) to an int."""
    total = 0
    current = 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            total += (current or 1) * unit
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


def int_to_cn(number: int) -> str:
    """Inverse of :func:`cn_to_int` for 1..9999 (``103`` → ``一百零三``, ``10`` → ``十``)."""
    if number <= 0 or number >= 10000:
        raise ValueError(number)
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    units = [(1000, "千"), (100, "百"), (10, "十")]
    rest = number
    zero_pending = False
    for value, name in units:
        d = rest // value
        rest %= value
        if d:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            if not (value == 10 and d == 1 and not parts):
                parts.append(digits[d])
            parts.append(name)
        elif parts:
            zero_pending = True
    if rest:
        if zero_pending:
            parts.append("零")
        parts.append(digits[rest])
    return "".join(parts)


@dataclass
class Paragraph:
    text: str
    items: list[str] = field(default_factory=list)


@dataclass
class Article:
    number: int
    paragraphs: list[Paragraph] = field(default_factory=list)

    def full_text(self) -> str:
        lines: list[str] = []
        for p in self.paragraphs:
            lines.append(p.text)
            lines.extend(p.items)
        return "\n".join(lines)


@dataclass
class LawText:
    title: str
    info: list[str]
    articles: dict[int, Article]
    excerpts: dict[str, str]


class TextNotFound(LookupError):
    pass


def parse_law(text: str) -> LawText:
    lines = [ln.strip() for ln in text.splitlines()]
    title = ""
    info: list[str] = []
    articles: dict[int, Article] = {}
    excerpts: dict[str, list[str]] = {}
    in_info = True
    current: Article | None = None
    excerpt_key: str | None = None
    for line in lines:
        if not line:
            continue
        if in_info:
            if line.startswith("# ") and not title:
                title = line[2:].strip()
            elif line.startswith("<!-- INFO END"):
                in_info = False
            else:
                info.append(line)
            continue
        m_ex = _EXCERPT_RE.match(line)
        if m_ex:
            excerpt_key = m_ex.group(1).strip()
            excerpts[excerpt_key] = []
            current = None
            continue
        if line.startswith("#") or line.startswith("<!--"):
            current = None
            excerpt_key = None
            continue
        if excerpt_key is not None:
            excerpts[excerpt_key].append(line)
            continue
        m = _ARTICLE_RE.match(line)
        if m and not (m.group(2)):
            number = cn_to_int(m.group(1))
            body = line[m.end() :].strip()
            current = Article(number=number, paragraphs=[Paragraph(text=body)])
            articles[number] = current
            continue
        if current is None:
            continue
        if _ITEM_RE.match(line) and current.paragraphs:
            current.paragraphs[-1].items.append(line)
        else:
            current.paragraphs.append(Paragraph(text=line))
    return LawText(
        title=title,
        info=info,
        articles=articles,
        excerpts={k: "\n".join(v) for k, v in excerpts.items()},
    )


@lru_cache(maxsize=64)
def load_law(path: str) -> LawText:
    return parse_law(Path(path).read_text(encoding="utf-8"))


def _is_placeholder(text: str) -> bool:
    body = _ITEM_RE.sub("", text.strip(), count=1)
    return not body.replace(ELLIPSIS, "").replace("…", "").strip(" 　。；;:：")


def cut(
    law: LawText,
    article: int | None,
    paragraph: int | None = None,
    item: int | None = None,
    excerpt_key: str | None = None,
) -> tuple[str, str | None]:
    """Return ``(text, lead)`` for one provision; ``lead`` is the paragraph's opening words
    when an item is cited (an item is unreadable without them). Raises TextNotFound when
    the file does not hold the unit, or holds only an ellipsis placeholder for it."""
    if excerpt_key is not None:
        if excerpt_key not in law.excerpts:
            raise TextNotFound(f"摘录“{excerpt_key}”不存在")
        return law.excerpts[excerpt_key], None
    if article is None or article not in law.articles:
        raise TextNotFound(f"第{article}条不存在")
    art = law.articles[article]
    if paragraph is None and item is None:
        text = art.full_text()
        lead = None
    else:
        p_index = (paragraph or 1) - 1
        if p_index >= len(art.paragraphs):
            raise TextNotFound(f"第{article}条第{paragraph}款不存在")
        para = art.paragraphs[p_index]
        if item is None:
            text = "\n".join([para.text, *para.items])
            lead = None
        else:
            text = ""
            for line in para.items:
                m = _ITEM_RE.match(line)
                if m and cn_to_int(m.group(1)) == item:
                    text = line
                    break
            if not text:
                raise TextNotFound(f"第{article}条第{paragraph or 1}款第{item}项不存在")
            lead = para.text
    if _is_placeholder(text):
        raise TextNotFound(f"第{article}条的该部分在摘录中没有原文")
    if lead is not None and _is_placeholder(lead):
        lead = None
    return text, lead
