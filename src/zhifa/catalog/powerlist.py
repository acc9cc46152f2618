"""The public power list (权责清单) of a jurisdiction on a date. Pure: no Django.

One row per item in force: the violated and penalty provisions (national and local), the
fine range after the jurisdiction's overlays, the other sanctions and the discretion
benchmarks that apply there. The web page and ``zhifa catalog list`` render these rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhifa.catalog.overload import check_region
from zhifa.catalog.schema import SANCTIONS, region_matches
from zhifa.catalog.yamlload import Catalog, catalog, penalty_bounds, version_in_force

CATEGORIES = {
    "overload": "治理超限超载",
    "road_transport": "道路运输",
    "ride_hailing": "网络预约出租汽车",
    "taxi": "巡游出租汽车",
    "highway": "公路路政",
}


@dataclass
class PowerListRow:
    code: str
    name: str
    category: str
    category_label: str
    subject: str
    version: str
    violated: list[str]
    penalty: list[str]
    local: list[str]
    fine_min: int | None
    fine_max: int | None
    multiple: bool
    sanctions: list[str]
    benchmarks: list[str]
    status: str
    local_only: bool
    notes: list[str] = field(default_factory=list)

    @property
    def basis(self) -> str:
        return "；".join(self.penalty + self.local)

    @property
    def sanction_labels(self) -> list[str]:
        return [SANCTIONS[s] for s in self.sanctions]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "category_label": self.category_label,
            "subject": self.subject,
            "version": self.version,
            "violated": self.violated,
            "penalty": self.penalty,
            "local": self.local,
            "fine_min": self.fine_min,
            "fine_max": self.fine_max,
            "multiple_of_income": self.multiple,
            "sanctions": self.sanctions,
            "benchmarks": self.benchmarks,
            "status": self.status,
            "local_only": self.local_only,
            "notes": self.notes,
        }


def power_list(region: str | None, on: date, cat: Catalog | None = None) -> list[PowerListRow]:
    cat = cat or catalog()
    region = check_region(region)
    params = cat.params(region)
    adopted = params["adopted_benchmarks"]
    rows: list[PowerListRow] = []
    for code, item in cat.items.items():
        if item.regions and not any(region_matches(r, region) for r in item.regions):
            continue
        v = version_in_force(item, on)
        if v is None:
            continue
        penalty = v.penalty
        local: list[str] = []
        notes: list[str] = []
        lo_b: int | None = None
        hi_b: int | None = None
        for overlay in cat.overlays_for(region):
            for entry in overlay.items.get(code, []):
                if not entry.in_force(on):
                    continue
                local.extend(
                    cat.provisions[p].citation for p in entry.provisions if cat.provisions[p].citation not in local
                )
                if entry.replace_penalty is not None:
                    penalty = entry.replace_penalty
                    notes.append(f"{overlay.name}地方性法规另行规定处罚标准")
                if entry.bounds is not None:
                    lo_b = entry.bounds.min if lo_b is None else max(lo_b, entry.bounds.min)
                    hi_b = entry.bounds.max if hi_b is None else min(hi_b, entry.bounds.max)
        lo, hi, _ = penalty_bounds(penalty, params)
        multiple = any(b.fine is not None and b.fine.multiple_of for b in penalty.brackets)
        has_fine = penalty.kind == "overload_weight" or any(b.fine is not None for b in penalty.brackets)
        if lo_b is not None and hi_b is not None:
            lo = max(lo, lo_b)
            hi = hi_b if hi is None else min(hi, hi_b)
        sanctions: list[str] = []
        for b in penalty.brackets:
            for s in ["warning"] * (b.warning != "none") + (["fine"] if b.fine else []) + list(b.sanctions):
                if s not in sanctions:
                    sanctions.append(s)
            for cs in b.conditional_sanctions:
                sanctions.extend(s for s in cs.sanctions if s not in sanctions)
        if penalty.kind == "overload_weight":
            sanctions = ["warning", "fine", "order_correction"]
        benchmarks = [
            f"{b.region_name}《{b.title}》"
            for b in item.benchmarks
            if v.id in b.applies_to_versions
            and b.effective_from <= on
            and (b.effective_to is None or on <= b.effective_to)
            and ((b.region is not None and region_matches(b.region, region)) or b.id in adopted)
        ]
        if item.status == "unconfirmed":
            notes.append("依据未经核实，幅度为辖区参数")
        rows.append(
            PowerListRow(
                code=code,
                name=item.name,
                category=item.category,
                category_label=CATEGORIES.get(item.category, item.category),
                subject=item.subject,
                version=v.id,
                violated=[cat.provisions[p].citation for p in v.violated],
                penalty=[cat.provisions[p].citation for p in v.penalty_provisions],
                local=local,
                fine_min=lo if has_fine else None,
                fine_max=hi if has_fine else None,
                multiple=multiple,
                sanctions=sanctions,
                benchmarks=benchmarks,
                status=item.status,
                local_only=bool(item.regions),
                notes=notes,
            )
        )
    rows.sort(key=lambda r: (list(CATEGORIES).index(r.category) if r.category in CATEGORIES else 99, r.code))
    return rows
