"""Overload (超限) rules in force on a date in a jurisdiction. Pure: no Django.

This is the stable interface for the off-site (非现场执法) engine::

    from zhifa.catalog.engine import overload_rules   # re-exported from here
    rules = overload_rules("411321", date(2025, 3, 1))
    limit = rules.limit_kg(6, "combination", single_drive_axle=False)       # 49000
    over = rules.counted_over_kg(gross_kg=52_340, limit_kg=limit, wim=True)  # tolerance applied
    outcome, fine = rules.fine_for(over, limit)                               # ("fine", 1500)

Everything comes from the catalog item ``overload.weight`` (version in force on the date)
plus the overlays of the region (a province may replace the formula by its own local law,
e.g. 浙江省公路条例 第五十三条) and the jurisdiction parameters (part-tonne rounding, WIM
tolerance, implausible weight). ``fine_for`` agrees exactly with
``decide("overload.weight", ...)``: decide's ``no_violation``/``no_penalty`` ↔ ``"none"``,
``warning`` ↔ ``"warning"``, ``fine`` ↔ ``"fine"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from functools import lru_cache

from zhifa.catalog.schema import OverloadSpec
from zhifa.catalog.yamlload import Catalog, catalog, version_in_force
from zhifa.core.errors import DomainError

ITEM_CODE = "overload.weight"


@dataclass(frozen=True, slots=True)
class LimitRow:
    """One row of the gross-weight limit table. ``axles`` = max_axles_class (6) stands for
    "6 and more" (join with ``LEAST(axles, 6)``); ``single_drive_axle`` None matches any."""

    axles: int
    vehicle_kind: str  # truck | combination
    single_drive_axle: bool | None
    limit_kg: int


@dataclass(frozen=True, slots=True)
class Band:
    """Part of the excess between ``from_pct`` and ``to_pct`` per cent of the limit, priced
    at ``yuan_per_unit`` per ``unit_kg`` (``to_pct`` None: no upper end)."""

    from_pct: int
    to_pct: int | None
    yuan_per_unit: int


@dataclass(frozen=True, slots=True)
class ProvisionRef:
    id: str
    citation: str


@dataclass(frozen=True, slots=True)
class FineBreakdown:
    outcome: str  # none | warning | fine
    fine_yuan: int
    units: int  # counted units (per_unit scheme) or the sum over bands
    parts: tuple[tuple[str, int, int, int], ...]  # (label, portion_kg, units, yuan)
    uncapped_yuan: int
    capped: bool
    reason: str  # Chinese, one sentence for the trace


def _units(portion_kg: Fraction | int, unit_kg: int, rounding: str) -> int:
    if isinstance(portion_kg, int):
        if portion_kg <= 0:
            return 0
        return -(-portion_kg // unit_kg) if rounding == "ceil" else portion_kg // unit_kg
    q = Fraction(portion_kg) / unit_kg
    if q <= 0:
        return 0
    if rounding == "ceil":
        return -((-q.numerator) // q.denominator)
    return q.numerator // q.denominator


@dataclass(frozen=True)
class OverloadRules:
    region: str | None
    on_date: date
    item_version: str
    overlays: tuple[str, ...]
    scheme: str  # per_unit | bands
    limits_table: tuple[LimitRow, ...]
    max_axles_class: int
    height_mm: int
    width_mm: int
    length_mm: int
    tolerance_kg: int
    tolerance_pct: Decimal
    implausible_gross_kg: int
    warning_max_over_kg: int | None
    unit_kg: int
    yuan_per_unit: int | None
    rounding: str  # floor | ceil
    cap_yuan: int
    no_penalty_max_pct: int | None
    bands: tuple[Band, ...]
    provisions: tuple[ProvisionRef, ...]
    catalog_version: str
    single_tyre_deduction_kg: int = 3000
    air_suspension_bonus_kg: int = 1000
    air_suspension_axles: tuple[int, ...] = (3, 4)
    articulated4_air_limit_kg: int = 37000
    articulated4_min_spacing_mm: int = 1800

    # -- limits ------------------------------------------------------------------------
    def limit_kg(self, axles: int, vehicle_kind: str, single_drive_axle: bool | None = None) -> int | None:
        """Statutory gross limit, or None when the table has no row (type not in the
        table, or a 6+-axle combination whose drive axle is not stated)."""
        cls = min(axles, self.max_axles_class)
        for row in self.limits_table:
            if row.axles != cls or row.vehicle_kind != vehicle_kind:
                continue
            if row.single_drive_axle is None:
                return row.limit_kg
            if single_drive_axle is None:
                return None
            if row.single_drive_axle == single_drive_axle:
                return row.limit_kg
        return None

    def adjusted_limit_kg(
        self,
        axles: int,
        vehicle_kind: str,
        single_drive_axle: bool | None = None,
        *,
        single_tyre_axles: int = 0,
        drive_axle_air_suspension: bool | None = None,
        semitrailer_axle_spacing_mm: int | None = None,
    ) -> tuple[int | None, tuple[str, ...]]:
        """The limit after the adjustments of 超限规定 第三条第二款 and the 2016 认定标准 notes:
        (limit or None, the adjustments applied in words). Without the optional facts this is
        :meth:`limit_kg`."""
        base = self.limit_kg(axles, vehicle_kind, single_drive_axle)
        if base is None:
            return None, ()
        notes: list[str] = []
        limit = base
        if drive_axle_air_suspension:
            if vehicle_kind == "truck" and axles in self.air_suspension_axles:
                limit += self.air_suspension_bonus_kg
                notes.append(f"驱动轴双轮胎并装备空气悬架的{axles}轴货车，限值增加{self.air_suspension_bonus_kg}千克")
            elif (
                vehicle_kind == "combination"
                and axles == 4
                and semitrailer_axle_spacing_mm is not None
                and semitrailer_axle_spacing_mm >= self.articulated4_min_spacing_mm
                and self.articulated4_air_limit_kg > limit
            ):
                limit = self.articulated4_air_limit_kg
                notes.append(
                    f"驱动轴双轮胎并装备空气悬架、半挂车轴距不小于{self.articulated4_min_spacing_mm}毫米的4轴铰接列车，"
                    f"限值为{self.articulated4_air_limit_kg}千克"
                )
        if single_tyre_axles:
            cut = single_tyre_axles * self.single_tyre_deduction_kg
            limit -= cut
            notes.append(f"{single_tyre_axles}个非驱动轴为单轮胎，限值减少{cut}千克")
        return max(limit, 0), tuple(notes)

    def tolerance_for(self, gross_kg: int) -> int:
        """WIM measurement deduction in kg (jurisdiction parameters; default 0)."""
        pct = (Decimal(gross_kg) * self.tolerance_pct / 100).to_integral_value(rounding=ROUND_CEILING)
        return self.tolerance_kg + int(pct)

    def counted_over_kg(self, gross_kg: int, limit_kg: int, wim: bool = True) -> int:
        """Excess over the limit that counts for the penalty (after the WIM deduction when
        ``wim``); may be ≤ 0, meaning no violation."""
        deduction = self.tolerance_for(gross_kg) if wim else 0
        return gross_kg - deduction - limit_kg

    # -- the fine schedule -------------------------------------------------------------
    def fine_breakdown(self, over_kg: int, limit_kg: int) -> FineBreakdown:
        if over_kg <= 0:
            return FineBreakdown("none", 0, 0, (), 0, False, "未超过限定标准")
        if self.scheme == "per_unit":
            assert self.warning_max_over_kg is not None and self.yuan_per_unit is not None
            if over_kg <= self.warning_max_over_kg:
                return FineBreakdown(
                    "warning",
                    0,
                    0,
                    (),
                    0,
                    False,
                    f"超过限定标准{over_kg}千克，未超过{self.warning_max_over_kg}千克，予以警告",
                )
            units = _units(over_kg, self.unit_kg, self.rounding)
            raw = units * self.yuan_per_unit
            fine = min(raw, self.cap_yuan)
            how = "不足部分不计" if self.rounding == "floor" else "不足部分按一个单位计"
            reason = (
                f"超过限定标准{over_kg}千克，每{self.unit_kg}千克罚款{self.yuan_per_unit}元（{how}），"
                f"计{units}个单位，{raw}元"
            )
            if raw > self.cap_yuan:
                reason += f"，超过最高额，按{self.cap_yuan}元"
            part = (f"每{self.unit_kg}千克{self.yuan_per_unit}元", over_kg, units, raw)
            if fine <= 0:
                return FineBreakdown("none", 0, units, (part,), raw, False, reason + "，计得罚款为0元")
            return FineBreakdown("fine", fine, units, (part,), raw, raw > self.cap_yuan, reason)
        # banded provincial formula
        assert self.no_penalty_max_pct is not None
        if over_kg * 100 <= self.no_penalty_max_pct * limit_kg:
            return FineBreakdown(
                "none",
                0,
                0,
                (),
                0,
                False,
                f"超过限定标准{over_kg}千克，未超过最高限值的{self.no_penalty_max_pct}%，给予批评教育，可以不予处罚",
            )
        parts: list[tuple[str, int, int, int]] = []
        total_units = 0
        raw = 0
        for band in self.bands:
            lower = Fraction(limit_kg * band.from_pct, 100)
            upper = Fraction(limit_kg * band.to_pct, 100) if band.to_pct is not None else None
            top = Fraction(over_kg) if upper is None else min(Fraction(over_kg), upper)
            portion = top - lower
            if portion <= 0:
                continue
            units = _units(portion, self.unit_kg, self.rounding)
            yuan = units * band.yuan_per_unit
            label = f"{band.from_pct}%以上" + (f"{band.to_pct}%以下" if band.to_pct is not None else "") + "的部分"
            parts.append((label, int(portion), units, yuan))
            total_units += units
            raw += yuan
        fine = min(raw, self.cap_yuan)
        detail = "；".join(f"{lbl}{kg}千克计{u}吨×{y // u if u else 0}元={y}元" for lbl, kg, u, y in parts)
        reason = f"超过限定标准{over_kg}千克（最高限值{limit_kg}千克）：{detail}"
        if raw > self.cap_yuan:
            reason += f"，合计超过最高额，按{self.cap_yuan}元"
        if fine <= 0:
            return FineBreakdown("none", 0, total_units, tuple(parts), raw, False, reason + "，计得罚款为0元")
        return FineBreakdown("fine", fine, total_units, tuple(parts), raw, raw > self.cap_yuan, reason)

    def fine_for(self, over_kg: int, limit_kg: int) -> tuple[str, int]:
        """(outcome, fine_yuan): outcome is "none" | "warning" | "fine"; ``over_kg`` is the
        counted excess (see :meth:`counted_over_kg`)."""
        b = self.fine_breakdown(over_kg, limit_kg)
        return b.outcome, b.fine_yuan


def check_region(region: str | None, field: str = "region") -> str | None:
    if region is None or region == "":
        return None
    if not isinstance(region, str) or len(region) != 6 or not region.isdigit():
        raise DomainError("decide.bad_region", "地区代码应为6位行政区划代码，如 410000（河南省）", field)
    return region


def build_overload_rules(cat: Catalog, region: str | None, on_date: date) -> OverloadRules:
    item = cat.items[ITEM_CODE]
    version = version_in_force(item, on_date)
    if version is None:
        first = min(v.effective_from for v in item.versions)
        raise DomainError(
            "catalog.no_version",
            f"{on_date.isoformat()} 不在本目录收录的超限认定标准有效期内（收录自 {first.isoformat()}）",
            "on_date",
        )
    spec: OverloadSpec | None = version.penalty.overload
    provision_ids = list(version.violated) + list(version.penalty_provisions)
    overlay_ids: list[str] = []
    for overlay in cat.overlays_for(region):
        for entry in overlay.items.get(ITEM_CODE, []):
            if not entry.in_force(on_date):
                continue
            overlay_ids.append(entry.id)
            provision_ids.extend(entry.provisions)
            if entry.replace_penalty is not None and entry.replace_penalty.overload is not None:
                spec = entry.replace_penalty.overload
    assert spec is not None
    base_spec = version.penalty.overload  # limits and adjustments are national standards
    assert base_spec is not None
    adj = base_spec.adjustments
    if adj is not None:
        provision_ids.extend(adj.provisions)
    provision_ids.extend(spec.schedule_provisions)
    seen: dict[str, ProvisionRef] = {}
    for pid in provision_ids:
        if pid not in seen:
            seen[pid] = ProvisionRef(pid, cat.provisions[pid].citation)
    sched = spec.schedule
    return OverloadRules(
        region=region,
        on_date=on_date,
        item_version=version.id,
        overlays=tuple(overlay_ids),
        scheme=sched.scheme,
        limits_table=tuple(
            LimitRow(r.axles, r.vehicle_kind, r.single_drive_axle, r.limit_kg) for r in base_spec.limits
        ),
        max_axles_class=base_spec.max_axles_class,
        height_mm=base_spec.dimensions_mm["height"],
        width_mm=base_spec.dimensions_mm["width"],
        length_mm=base_spec.dimensions_mm["length"],
        tolerance_kg=cat.param("wim_tolerance_kg", region),
        tolerance_pct=cat.param("wim_tolerance_pct", region),
        implausible_gross_kg=cat.param("implausible_gross_kg", region),
        warning_max_over_kg=sched.warning_max_over_kg,
        unit_kg=sched.unit_kg,
        yuan_per_unit=sched.yuan_per_unit,
        rounding=cat.param("overload_part_tonne_rounding", region),
        cap_yuan=sched.cap_yuan,
        no_penalty_max_pct=sched.no_penalty_max_pct,
        bands=tuple(Band(b.from_pct, b.to_pct, b.yuan_per_unit) for b in sched.bands),
        provisions=tuple(seen.values()),
        catalog_version=cat.version,
        **(
            {
                "single_tyre_deduction_kg": adj.single_tyre_deduction_kg,
                "air_suspension_bonus_kg": adj.air_suspension_bonus_kg,
                "air_suspension_axles": tuple(adj.air_suspension_axles),
                "articulated4_air_limit_kg": adj.articulated4_air_limit_kg,
                "articulated4_min_spacing_mm": adj.articulated4_min_spacing_mm,
            }
            if adj is not None
            else {}
        ),
    )


@lru_cache(maxsize=4096)
def _cached_rules(region: str | None, on_date: date) -> OverloadRules:
    return build_overload_rules(catalog(), region, on_date)


def overload_rules(region: str | None, on_date: date) -> OverloadRules:
    """The overload rules in force on ``on_date`` for ``region`` (6-digit 行政区划代码 or
    None for the national base). Raises DomainError for a bad region or a date outside the
    catalog."""
    return _cached_rules(check_region(region), on_date)
