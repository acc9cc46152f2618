"""Risk points for the 违法风险防控告知书 (pure): sector points + this violation's points.

Data: ``data/risk_points.yaml`` (editable). The violation block is chosen by the longest
catalog item-code prefix that matches the decision's ``item_code``; failing that, by scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .context import DocumentContext

RISK_PATH = Path(__file__).with_name("data") / "risk_points.yaml"


@dataclass(frozen=True)
class RiskBlock:
    key: str
    name: str
    points: tuple[str, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class RiskNotice:
    sector: RiskBlock
    violation: RiskBlock | None
    follow_up: str
    version: str


@lru_cache(maxsize=4)
def load_risk_data(path: str | None = None) -> dict[str, Any]:
    return yaml.safe_load(Path(path or RISK_PATH).read_text(encoding="utf-8"))


def _block(key: str, data: dict[str, Any]) -> RiskBlock:
    return RiskBlock(
        key=key,
        name=str(data.get("name", key)),
        points=tuple(data.get("points") or ()),
        measures=tuple(data.get("measures") or ()),
    )


def risk_notice_for(ctx: DocumentContext, path: str | None = None) -> RiskNotice:
    data = load_risk_data(path)
    sectors = data["sectors"]
    sector_key = ctx.party.sector if ctx.party.sector in sectors else "general"
    violations = data.get("violations") or {}
    item_code = ctx.decision.item_code if ctx.decision else ""
    vkey = ""
    for key in sorted(violations, key=len, reverse=True):
        if item_code and item_code.startswith(key):
            vkey = key
            break
    if not vkey:
        vkey = (data.get("scenarios") or {}).get(ctx.scenario, "") or ""
    violation = _block(vkey, violations[vkey]) if vkey in violations else None
    return RiskNotice(
        sector=_block(sector_key, sectors[sector_key]),
        violation=violation,
        follow_up=str(data.get("follow_up", "")),
        version=str(data.get("version", "")),
    )
