"""The law-education page behind a document's QR code: the violated provision and the penalty
provision of the catalog version in force on the document's date, quoted, with why the rule exists
and how to avoid the violation, in plain words (from the phrasebook and the risk points, the same
data the documents use)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from zhifa.catalog.yamlload import catalog, version_in_force
from zhifa.documents.reasoning.phrasebook import load_phrasebook
from zhifa.documents.reasoning.prevention import load_risk_data


@dataclass(frozen=True)
class QuotedProvision:
    citation: str
    text: str


@dataclass(frozen=True)
class LawPage:
    code: str
    name: str
    day: date
    violated: list[QuotedProvision]
    penalty: list[QuotedProvision]
    purpose: str = ""
    risks: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)


def _scenario(code: str) -> str:
    if code.startswith("overload."):
        return "onsite_overload"
    if code.startswith("highway."):
        return "highway_admin"
    if code.startswith("ride_hailing."):
        return "ride_hailing"
    return "onsite_road_transport"


def _quoted(ids: list[str], provisions) -> list[QuotedProvision]:
    out = []
    for pid in ids:
        p = provisions.get(pid)
        if p is not None:
            out.append(QuotedProvision(p.citation, (p.text or "").strip()))
    return out


def law_page(code: str, day: date) -> LawPage | None:
    cat = catalog()
    item = cat.items.get(code)
    if item is None:
        return None
    version = version_in_force(item, day) or (item.versions[-1] if item.versions else None)
    if version is None:
        return None
    try:
        purpose = load_phrasebook().phrase(_scenario(code), "purpose").replace("你（单位）", "您")
    except Exception:  # an edited phrasebook without the phrase: the page still shows the law
        purpose = ""
    violations = load_risk_data().get("violations") or {}
    block = next((violations[k] for k in sorted(violations, key=len, reverse=True) if code.startswith(k)), {})
    return LawPage(
        code=code,
        name=item.name,
        day=day,
        violated=_quoted(version.violated, cat.provisions),
        penalty=_quoted(version.penalty_provisions, cat.provisions),
        purpose=purpose,
        risks=list(block.get("points") or []),
        measures=list(block.get("measures") or []),
    )
