"""Statute citations: parsing ``《…》第四十三条第一款第（二）项`` and the set of citable
provisions in force for a case (pure).

The verifier never looks a provision up anywhere: the caller passes a
:class:`CitableProvisions` built from the catalog version in force for the case (its provisions
and the laws with their effective dates). :meth:`CitableProvisions.from_context` gives the
minimal set (the case's own provisions) when no catalog is at hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .context import DocumentContext, Provision
from .numbers import CN_NUMERAL_RE, parse_int

_NUM = rf"(?:\d+|{CN_NUMERAL_RE})"
ARTICLE_RE = re.compile(
    rf"第\s*(?P<art>{_NUM})\s*条"
    rf"(?:\s*第\s*(?P<para>{_NUM})\s*款)?"
    rf"(?:\s*第?\s*[（(]\s*(?P<item>{_NUM})\s*[)）]\s*项|\s*第\s*(?P<item2>{_NUM})\s*项)?"
)
LAW_RE = re.compile(
    r"《(?P<title>[^《》]{2,60})》(?:\s*[（(]\s*(?P<ver>\d{4})\s*年?\s*(?:修订|修正|版|年版|文本)?\s*[)）])?"
)
LAW_VERSION_BEFORE_RE = re.compile(r"(?P<ver>\d{4})\s*年\s*(?:修订|修正)?\s*(?:版|文本)?\s*的?\s*$")
_SENTENCE_BREAK = re.compile(r"[。；;\n！？]")


_TITLE_YEAR = re.compile(r"（\s*(\d{4})\s*年?\s*(?:修订|修正|版|文本)?\s*）$")


def norm_law_title(title: str) -> str:
    """Comparable law title: no 《》, no 中华人民共和国 prefix, ASCII brackets, no spaces, no
    version suffix (``道路运输条例（2023年修订）`` → ``道路运输条例``; see :func:`title_version`)."""
    t = title.strip().strip("《》")
    t = t.replace("(", "（").replace(")", "）").replace(" ", "").replace("\u3000", "")
    if t.startswith("中华人民共和国"):
        t = t[len("中华人民共和国") :]
    return _TITLE_YEAR.sub("", t)


def title_version(title: str) -> str:
    """The year a title carries as its version suffix (``（2022年修订）`` → ``2022``), or ""."""
    t = title.strip().strip("《》").replace("(", "（").replace(")", "）").replace(" ", "")
    m = _TITLE_YEAR.search(t)
    return m.group(1) if m else ""


def parse_article_label(label: str) -> tuple[int, int | None, int | None] | None:
    m = ARTICLE_RE.search(label or "")
    if not m:
        return None
    art = parse_int(m.group("art"))
    para = parse_int(m.group("para")) if m.group("para") else None
    item_raw = m.group("item") or m.group("item2")
    item = parse_int(item_raw) if item_raw else None
    if art is None:
        return None
    return art, para, item


@dataclass(frozen=True)
class Citation:
    law: str  # normalised title; "" when the article is not attached to a named law
    law_display: str
    article: int
    paragraph: int | None
    item: int | None
    version_hint: str  # year written next to the law title, e.g. "2022"
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        s = f"{self.law_display}第{self.article}条"
        if self.paragraph:
            s += f"第{self.paragraph}款"
        if self.item:
            s += f"第{self.item}项"
        return s


def parse_citations(text: str) -> list[Citation]:
    """Citations in order. An article without a title attaches to the last title in the same
    sentence (``《公路安全保护条例》第三十三条、第六十四条``)."""
    tokens: list[tuple[int, str, re.Match[str]]] = []
    for m in LAW_RE.finditer(text):
        tokens.append((m.start(), "law", m))
    for m in ARTICLE_RE.finditer(text):
        tokens.append((m.start(), "art", m))
    tokens.sort(key=lambda t: t[0])
    out: list[Citation] = []
    current: tuple[str, str, str, int] | None = None  # (norm, display, version, end)
    for pos, kind, m in tokens:
        if current is not None and _SENTENCE_BREAK.search(text, current[3], pos):
            current = None
        if kind == "law":
            version = m.group("ver") or title_version(m.group("title"))
            if not version:
                before = LAW_VERSION_BEFORE_RE.search(text[max(0, pos - 12) : pos])
                if before:
                    version = before.group("ver")
            current = (norm_law_title(m.group("title")), f"《{m.group('title')}》", version, m.end())
            continue
        parsed = parse_article_label(m.group(0))
        if parsed is None:
            continue
        art, para, item = parsed
        law, display, version = (current[0], current[1], current[2]) if current else ("", "", "")
        start = pos
        if current and text[current[3] : pos].strip() == "":
            # include the title in the span when the article follows it directly
            start = text.rfind("《", 0, pos)
        out.append(Citation(law, display, art, para, item, version, start, m.end(), m.group(0)))
        if current:
            current = (current[0], current[1], current[2], m.end())
    return out


@dataclass(frozen=True)
class LawRecord:
    """One version of a law: title, version label, in force [effective_from, effective_to]."""

    title: str
    version: str = ""
    effective_from: date | None = None
    effective_to: date | None = None
    repealed_by: str = ""

    @property
    def key(self) -> str:
        return norm_law_title(self.title)

    def in_force(self, day: date | None) -> bool:
        if day is None:
            return True
        if self.effective_from and day < self.effective_from:
            return False
        return not (self.effective_to and day > self.effective_to)


@dataclass(frozen=True)
class CitableEntry:
    law: str  # normalised title
    article: int
    paragraph: int | None = None
    item: int | None = None
    version: str = ""
    effective_from: date | None = None
    effective_to: date | None = None

    def in_force(self, day: date) -> bool:
        if self.effective_from and day < self.effective_from:
            return False
        return not (self.effective_to and day > self.effective_to)

    def matches(self, c: Citation, law: str | None = None) -> bool:
        if self.law != (law if law is not None else c.law) or self.article != c.article:
            return False
        if self.paragraph is not None and c.paragraph is not None and self.paragraph != c.paragraph:
            return False
        return not (self.item is not None and c.item is not None and self.item != c.item)


class CitableProvisions:
    """The provisions a document may cite: the catalog version in force for the case."""

    def __init__(
        self,
        entries: Iterable[CitableEntry],
        laws: Iterable[LawRecord] = (),
        catalog_version: str = "",
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        # aliases: short title → full title (《行政处罚法》 → 中华人民共和国行政处罚法 …)
        self.aliases = {norm_law_title(k): norm_law_title(v) for k, v in (aliases or {}).items()}
        self.entries = tuple(replace(e, law=self.canonical(e.law)) for e in entries)
        self.laws = tuple(laws)
        self.catalog_version = catalog_version
        self._by_law: dict[str, list[CitableEntry]] = {}
        for e in self.entries:
            self._by_law.setdefault(e.law, []).append(e)

    def extended(self, entries: Iterable[CitableEntry]) -> CitableProvisions:
        """The same set plus ``entries`` (laws, aliases and version unchanged)."""
        out = CitableProvisions((), self.laws, self.catalog_version)
        out.aliases = dict(self.aliases)
        out.entries = (*self.entries, *(replace(e, law=self.canonical(e.law)) for e in entries))
        for e in out.entries:
            out._by_law.setdefault(e.law, []).append(e)
        return out

    def canonical(self, law: str) -> str:
        key = norm_law_title(law) if law else law
        return self.aliases.get(key, key)

    @classmethod
    def from_records(
        cls,
        provisions: Iterable[Provision | Mapping[str, Any]],
        laws: Iterable[LawRecord | Mapping[str, Any]] = (),
        catalog_version: str = "",
    ) -> CitableProvisions:
        entries = []
        for p in provisions:
            if isinstance(p, Mapping):
                p = Provision(
                    str(p.get("law_title") or p.get("law") or ""),
                    str(p.get("article", "")),
                    str(p.get("text", "")),
                    str(p.get("version", "")),
                )
            parsed = parse_article_label(p.article)
            if parsed is None:
                continue
            art, para, item = parsed
            entries.append(CitableEntry(norm_law_title(p.law_title), art, para, item, p.version))
        records = []
        for law in laws:
            if isinstance(law, Mapping):
                law = LawRecord(
                    title=str(law["title"]),
                    version=str(law.get("version", "") or ""),
                    effective_from=_as_date(law.get("effective_from")),
                    effective_to=_as_date(law.get("effective_to")),
                    repealed_by=str(law.get("repealed_by", "") or ""),
                )
            records.append(law)
        return cls(entries, records, catalog_version)

    @classmethod
    def from_catalog(cls, cat: Any) -> CitableProvisions:
        """From a loaded catalog (``zhifa.catalog.yamlload.catalog()``), read by attribute: every
        provision of the catalog version, every law with its effective dates, and the short
        titles the catalog prints (《行政处罚法》) as aliases of the full ones."""
        entries = []
        aliases: dict[str, str] = {}
        for p in getattr(cat, "provisions", {}).values():
            if getattr(p, "article", None) is None:
                continue
            entries.append(
                CitableEntry(
                    norm_law_title(p.law),
                    int(p.article),
                    p.paragraph,
                    p.item,
                    "",
                    getattr(p, "effective_from", None),
                    getattr(p, "effective_to", None),
                )
            )
            if getattr(p, "short", None):
                aliases[p.short] = p.law
            m = LAW_RE.match(getattr(p, "citation", "") or "")
            if m:
                aliases[m.group("title")] = p.law
        laws = []
        for law in getattr(cat, "laws", {}).values():
            laws.append(
                LawRecord(
                    law.title,
                    title_version(law.title) or str(law.effective_from),
                    law.effective_from,
                    law.effective_to,
                )
            )
            if getattr(law, "short", None):
                aliases[law.short] = law.title
        return cls(entries, laws, str(getattr(cat, "version", "")), aliases)

    @classmethod
    def from_context(
        cls, ctx: DocumentContext, laws: Iterable[LawRecord | Mapping[str, Any]] = ()
    ) -> CitableProvisions:
        version = ctx.decision.catalog_version if ctx.decision else ""
        return cls.from_records(ctx.all_provisions(), laws, version)

    def laws_named(self, law: str) -> list[LawRecord]:
        law = self.canonical(law)
        return [r for r in self.laws if self.canonical(r.key) == law]

    def knows_law(self, law: str) -> bool:
        return self.canonical(law) in self._by_law or bool(self.laws_named(law))

    def entries_for(self, law: str) -> list[CitableEntry]:
        return self._by_law.get(self.canonical(law), [])


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
