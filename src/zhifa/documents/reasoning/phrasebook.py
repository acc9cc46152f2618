"""Phrasebook (说理式执法用语规范): approved phrases per scenario and 执法忌语 (pure).

The phrasebook is YAML data an agency edits (default: ``data/phrasebook.yaml``). Phrases may
hold ``{placeholders}`` that the composer fills from the case; numbers are never typed into a
phrase. :func:`check_phrasebook` reports problems an editor can fix (unknown placeholder, a
scenario missing, an approved phrase that contains a forbidden one) with stable codes.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from zhifa.core.errors import DomainError

from .context import SCENARIOS

DATA_DIR = Path(__file__).with_name("data")
DEFAULT_PATH = DATA_DIR / "phrasebook.yaml"

# Names a phrase may use; the composer supplies every one of them from the case.
PLACEHOLDERS = frozenset(
    {
        "party_name",
        "plate",
        "agency_name",
        "agency_phone",
        "violated",
        "penalty_basis",
        "item_name",
        "benchmark",
        "catalog_version",
        "correction_note",
        "harm",
        "review_days",
        "review_body",
        "lawsuit_months",
        "court",
        "payment_days",
        "bank",
        "epay",
        "late_basis",
        "late_percent",
        "credit_rule",
        "earliest_repair",
    }
)

# Keys every scenario must resolve (from common or its own block).
REQUIRED_KEYS = (
    "name",
    "opening",
    "facts_title",
    "law_title",
    "equity_title",
    "facts_intro",
    "evidence_intro",
    "evidence_close",
    "violation",
    "penalty_basis",
    "discretion_intro",
    "purpose",
    "remedies",
    "payment",
    "late_fee",
    "credit_path",
    "closing",
    "plain_greeting",
    "plain_fact",
    "plain_closing",
)


class PhrasebookError(DomainError):
    pass


@dataclass(frozen=True)
class ForbiddenPhrase:
    phrase: str
    reason: str = ""
    instead: str = ""


@dataclass(frozen=True)
class Phrasebook:
    version: str
    title: str
    common: Mapping[str, str]
    scenarios: Mapping[str, Mapping[str, str]]
    forbidden: tuple[ForbiddenPhrase, ...] = ()
    fact_terms: tuple[str, ...] = ()
    fact_labels: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    def phrase(self, scenario: str, key: str) -> str:
        block = self.scenarios.get(scenario, {})
        if key in block:
            return block[key]
        if key in self.common:
            return self.common[key]
        raise PhrasebookError("phrasebook.missing_phrase", f"用语规范缺少场景“{scenario}”的用语“{key}”", key)

    def has(self, scenario: str, key: str) -> bool:
        return key in self.scenarios.get(scenario, {}) or key in self.common

    def fill(self, scenario: str, key: str, values: Mapping[str, Any]) -> str:
        """The phrase with placeholders filled; a missing value is an error, never a blank."""
        template = self.phrase(scenario, key)
        names = placeholders(template)
        missing = [n for n in names if n not in values or values[n] in (None, "")]
        if missing:
            raise PhrasebookError(
                "phrasebook.missing_value",
                f"用语“{key}”需要案件中的{'、'.join(missing)}，但案件中没有该信息",
                key,
            )
        return template.format_map({n: values[n] for n in names})

    def find_forbidden(self, text: str) -> list[ForbiddenPhrase]:
        squashed = _squash(text)
        return [f for f in self.forbidden if _squash(f.phrase) in squashed]


def _squash(text: str) -> str:
    """Forbidden phrases are matched ignoring spaces and punctuation between characters."""
    return re.sub(r"[\s，,。.！!？?、；;：:“”\"'‘’…—\-]", "", text)


def placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def load_phrasebook(path: str | Path | None = None) -> Phrasebook:
    p = Path(path) if path else DEFAULT_PATH
    if path is None:
        return _default()
    return _parse(p.read_text(encoding="utf-8"), str(p))


@lru_cache(maxsize=1)
def _default() -> Phrasebook:
    return _parse(DEFAULT_PATH.read_text(encoding="utf-8"), str(DEFAULT_PATH))


def parse_phrasebook(text: str, source: str = "<string>") -> Phrasebook:
    return _parse(text, source)


def _parse(text: str, source: str) -> Phrasebook:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise PhrasebookError("phrasebook.yaml", f"用语规范不是有效的YAML：{exc}", source)
    if not isinstance(data, Mapping):
        raise PhrasebookError("phrasebook.yaml", "用语规范的顶层应为对象", source)
    forbidden = []
    for entry in data.get("forbidden") or ():
        if isinstance(entry, str):
            forbidden.append(ForbiddenPhrase(entry))
        else:
            forbidden.append(
                ForbiddenPhrase(str(entry["phrase"]), str(entry.get("reason", "")), str(entry.get("instead", "")))
            )
    scenarios = {
        str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in (data.get("scenarios") or {}).items()
    }
    return Phrasebook(
        version=str(data.get("version", "")),
        title=str(data.get("title", "说理式执法用语规范")),
        common={str(k): str(v) for k, v in (data.get("common") or {}).items()},
        scenarios=scenarios,
        forbidden=tuple(forbidden),
        fact_terms=tuple(str(t) for t in data.get("fact_terms") or ()),
        fact_labels={str(k): str(v) for k, v in (data.get("fact_labels") or {}).items()},
        source=source,
    )


@dataclass(frozen=True)
class PhrasebookProblem:
    code: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail}


def check_phrasebook(book: Phrasebook) -> list[PhrasebookProblem]:
    """Problems an editor must fix before the phrasebook is used."""
    problems: list[PhrasebookProblem] = []
    for scenario in SCENARIOS:
        if scenario not in book.scenarios:
            problems.append(PhrasebookProblem("missing_scenario", f"缺少场景 {scenario}"))
            continue
        for key in REQUIRED_KEYS:
            if not book.has(scenario, key):
                problems.append(PhrasebookProblem("missing_phrase", f"场景 {scenario} 缺少用语 {key}"))
    blocks: list[tuple[str, Mapping[str, str]]] = [("common", book.common)]
    blocks.extend(book.scenarios.items())
    for where, block in blocks:
        for key, phrase in block.items():
            try:
                names = placeholders(phrase)
            except ValueError as exc:
                problems.append(PhrasebookProblem("bad_placeholder", f"{where}.{key}: {exc}"))
                continue
            for name in names:
                if name not in PLACEHOLDERS:
                    problems.append(PhrasebookProblem("unknown_placeholder", f"{where}.{key}: {{{name}}}"))
            for bad in book.find_forbidden(phrase):
                problems.append(PhrasebookProblem("forbidden_in_phrase", f"{where}.{key} 含有忌语“{bad.phrase}”"))
            stripped = re.sub(r"\{[^}]*\}", "", phrase)
            if re.search(r"\d", stripped):
                problems.append(PhrasebookProblem("number_in_phrase", f"{where}.{key}: 数字应来自案件，不应写在用语中"))
    return problems
