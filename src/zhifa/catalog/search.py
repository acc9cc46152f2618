"""Law search: jieba tokenisation + BM25 over the catalog's items and provisions. Pure.

``search("六轴货车超载")`` returns ranked :class:`Hit` objects (items first when scores tie).
An item's document is its name, keywords, subject, category and the citations and texts
of its provisions; a provision's document is its citation and text. The index is built
once per catalog version.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jieba
from rank_bm25 import BM25Okapi

from zhifa.catalog.yamlload import Catalog, catalog

jieba.setLogLevel(logging.WARNING)

# Domain words jieba does not know, so they stay whole.
_USER_WORDS = [
    "超限",
    "超载",
    "超限运输",
    "车货总质量",
    "六轴",
    "五轴",
    "四轴",
    "三轴",
    "二轴",
    "汽车列车",
    "网约车",
    "巡游出租汽车",
    "驾驶员证",
    "运输证",
    "经营许可证",
    "从业资格",
    "危险货物",
    "危货",
    "路产",
    "挖掘公路",
    "遗洒",
    "飘散",
    "触地拖行",
    "短途驳载",
    "货运源头单位",
    "货运站",
    "平面交叉道口",
    "非公路标志",
    "摆摊设点",
    "承运人责任险",
    "营运证",
    "首违不罚",
]
# Everyday words mapped onto the catalog's terms (query side only).
_SYNONYMS = {
    "超重": ["超限", "超载"],
    "超载": ["超限"],
    "拉货": ["货运", "货物"],
    "黑车": ["未取得", "经营许可"],
    "无证": ["未取得", "许可"],
    "开挖": ["挖掘"],
    "撒漏": ["遗洒"],
    "滴撒": ["遗洒"],
    "出租车": ["出租汽车"],
    "广告牌": ["标志"],
    "挖路": ["挖掘", "公路"],
    "占道": ["占用", "公路"],
    "危险品": ["危险货物"],
}
_STOP = set(
    "的 了 和 与 或 及 等 在 对 由 为 以 其 之 是 有 不 被 将 从 上 下 中 者 所 规定 违反 本 条例 办法 处 元".split()
)
_TOKEN_RE = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9_.]+")

for _w in _USER_WORDS:
    jieba.add_word(_w, freq=200000)


def tokenize(text: str, query: bool = False) -> list[str]:
    tokens: list[str] = []
    for tok in jieba.lcut_for_search(text):
        tok = tok.strip()
        if not tok or tok in _STOP or not _TOKEN_RE.search(tok):
            continue
        tokens.append(tok)
        if query and tok in _SYNONYMS:
            tokens.extend(_SYNONYMS[tok])
    return tokens


@dataclass(frozen=True)
class Hit:
    kind: str  # item | provision
    id: str
    title: str
    score: float
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet,
        }


@dataclass
class _Index:
    docs: list[tuple[str, str, str, str]]  # kind, id, title, snippet
    bm25: BM25Okapi


def _build(cat: Catalog) -> _Index:
    docs: list[tuple[str, str, str, str]] = []
    corpus: list[list[str]] = []
    for code, item in cat.items.items():
        prov_ids: list[str] = []
        for v in item.versions:
            prov_ids.extend(p for p in v.violated + v.penalty_provisions if p not in prov_ids)
        cites = " ".join(cat.provisions[p].citation for p in prov_ids)
        # name and keywords count twice: they are what an officer types
        text = " ".join(
            [item.name, item.name, " ".join(item.keywords) * 2, item.subject, code.replace(".", " "), cites]
        )
        docs.append(("item", code, item.name, cites))
        corpus.append(tokenize(text))
    for pid, p in cat.provisions.items():
        body = p.text or ""
        docs.append(("provision", pid, p.citation, body[:120]))
        corpus.append(tokenize(f"{p.citation} {p.lead or ''} {body}"))
    return _Index(docs, BM25Okapi(corpus))


@lru_cache(maxsize=2)
def _index_for(version: str) -> _Index:
    return _build(catalog())


def search(query: str, limit: int = 10, kinds: set[str] | None = None, cat: Catalog | None = None) -> list[Hit]:
    index = _build(cat) if cat is not None else _index_for(catalog().version)
    q = tokenize(query, query=True)
    if not q:
        return []
    scores = index.bm25.get_scores(q)
    ranked = sorted(
        range(len(index.docs)),
        key=lambda i: (-scores[i], 0 if index.docs[i][0] == "item" else 1, index.docs[i][1]),
    )
    hits: list[Hit] = []
    for i in ranked:
        if scores[i] <= 0:
            break
        kind, did, title, snippet = index.docs[i]
        if kinds and kind not in kinds:
            continue
        hits.append(Hit(kind, did, title, float(scores[i]), snippet))
        if len(hits) >= limit:
            break
    return hits
