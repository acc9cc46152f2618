"""A small stand-in for ``zhifa.catalog``'s overload rules, for these tests ONLY.

It implements the interface the catalog promised (``overload_rules(region, on_date)``)
from FACTS C (超限规定 第3条, 第43条) and, for a banded provincial formula, the Zhejiang
rule quoted in FACTS-ADDENDUM §3 (浙江省公路条例 第53条). ``fine_for`` is written
independently of zhifa.offsite.limits so the tests compare two implementations.
When the real catalog lands, the tests also run against it (see test_catalog_contract).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

NATIONAL_LIMITS = [
    # (axles, vehicle_kind, single_drive_axle, limit_kg); None = any
    (2, "truck", None, 18000),
    (3, "truck", None, 25000),
    (3, "combination", None, 27000),
    (4, "truck", None, 31000),
    (4, "combination", None, 36000),
    (5, "combination", None, 43000),
    (6, "combination", False, 49000),
    (6, "combination", True, 46000),
]


@dataclass(frozen=True)
class Band:
    from_pct: Decimal
    to_pct: Decimal | None
    yuan_per_unit: int


@dataclass(frozen=True)
class StandInRules:
    catalog_version: str = "standin-national-2016"
    provisions: tuple[str, ...] = (
        "《超限运输车辆行驶公路管理规定》第三条第一款",
        "《超限运输车辆行驶公路管理规定》第四十三条第一款第（二）项",
    )
    limits_table: tuple = tuple(NATIONAL_LIMITS)
    tolerance_kg: int = 0
    tolerance_pct: Decimal = Decimal(0)
    implausible_gross_kg: int = 200_000
    max_length_mm: int = 18100
    max_width_mm: int = 2550
    max_height_mm: int = 4000
    warning_max_over_kg: int = 1000
    unit_kg: int = 1000
    yuan_per_unit: int = 500
    rounding: str = "floor"
    cap_yuan: int | None = 30000
    bands: tuple[Band, ...] = field(default_factory=tuple)

    def limit_kg(self, axles: int, vehicle_kind: str | None, single_drive_axle: bool | None) -> int | None:
        a = min(axles, 6)  # 六轴及以上
        for ax, kind, sda, limit in self.limits_table:
            if ax == a and kind == vehicle_kind and (sda is None or sda == bool(single_drive_axle)):
                return limit
        return None

    def fine_for(self, over_kg: int, limit_kg: int) -> tuple[str, int]:
        if self.bands:
            total = 0
            for b in self.bands:
                lo = Fraction(limit_kg) * Fraction(b.from_pct) / 100
                hi = None if b.to_pct is None else Fraction(limit_kg) * Fraction(b.to_pct) / 100
                part = (over_kg if hi is None else min(over_kg, hi)) - lo
                if part > 0:
                    n = part / self.unit_kg
                    units = int(n) if self.rounding == "floor" else -int(-n // 1)
                    total += units * b.yuan_per_unit
        else:
            units = over_kg // self.unit_kg if self.rounding == "floor" else -(-over_kg // self.unit_kg)
            total = units * self.yuan_per_unit
        if self.cap_yuan is not None:
            total = min(total, self.cap_yuan)
        if over_kg <= self.warning_max_over_kg or total == 0:
            return ("warning", 0)
        return ("fine", total)


ZHEJIANG = StandInRules(
    catalog_version="standin-330000-2020",
    provisions=("《浙江省公路条例》第五十三条",),
    warning_max_over_kg=0,
    bands=(Band(Decimal(20), Decimal(50), 300), Band(Decimal(50), None, 500)),
)


def national_rules_for(region: str | None, on_date: date):
    if on_date < date(2016, 9, 21):
        raise LookupError(f"no overload rules in force on {on_date}")
    return StandInRules()


def make_rules_for(**changes):
    """A rules_for returning StandInRules with the given field changes."""
    rules = StandInRules(**changes)

    def rules_for(region: str | None, on_date: date):
        if on_date < date(2016, 9, 21):
            raise LookupError(f"no overload rules in force on {on_date}")
        return rules

    return rules_for


def regional_rules_for(region: str | None, on_date: date):
    if on_date < date(2016, 9, 21):
        raise LookupError(f"no overload rules in force on {on_date}")
    if region and region.startswith("33") and on_date >= date(2020, 5, 15):
        return ZHEJIANG
    return StandInRules()


def switching_rules_for(switch: date, before: StandInRules, after: StandInRules):
    def rules_for(region: str | None, on_date: date):
        return before if on_date < switch else after

    return rules_for
