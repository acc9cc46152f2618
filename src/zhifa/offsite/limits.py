"""Overload rules as the detector needs them (pure: no Django).

The law lives in the catalog: :func:`zhifa.catalog.engine.overload_rules` (region, date)
gives an :class:`zhifa.catalog.overload.OverloadRules` (gross-weight limits, WIM tolerance,
the implausible-weight cut-off, dimension limits, the fine schedule and a scalar
``fine_for(over_kg, limit_kg)`` that agrees with ``decide("overload.weight", ...)``).
This module turns one such object into a :class:`RuleSet`: plain, hashable numbers that
:mod:`zhifa.offsite.sql` compiles into vectorised SQL and :mod:`zhifa.offsite.oracle`
evaluates row by row. It never invents law: every figure comes from the catalog object,
except the attribute adjustments of 《公路货运车辆超限超载认定标准》 (2016) notes 2 and 4
and 超限规定 第3条第2款, which the catalog does not carry yet and which are used with the
documented defaults below (docs/offsite.md, "Adjustments"); the catalog may override them
by carrying attributes of the same name.

Vehicle kinds (input column ``vehicle_kind``): ``truck`` (货车), ``combination``
(汽车列车: 中置轴/全挂/铰接), ``articulated`` (铰接列车, a combination), and the kinds
whose limit is the 行驶证核定总质量 (超限规定 第3条第2款(四)): ``tractor``, ``farm``,
``low_speed``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from importlib import import_module
from typing import Any, Protocol

from zhifa.core.errors import DomainError

# Kind codes used in the vectorised lookup key (0 = unknown).
KIND_CODES = {"truck": 1, "combination": 2, "articulated": 3, "tractor": 4, "farm": 5, "low_speed": 6}
TABLE_KINDS = ("truck", "combination", "articulated")  # limits come from the catalog table
LICENSED_KINDS = ("tractor", "farm", "low_speed")  # limit = 行驶证核定总质量
NO_VERSION = "catalog.no_version"  # the catalog's code for a date outside its data
MAX_AXLES = 12  # plausibility cut-off of the axle count (not law): more is an impossible record

# Defaults for the attribute adjustments when the catalog object does not carry them.
# Sources: FACTS C1 (超限规定 第3条第2款(二)) and C3 (认定标准 notes 2 and 4).
DEFAULT_SINGLE_TYRE_DEDUCTION_KG = 3000  # per non-drive axle with single (non-wide) tyres
DEFAULT_AIR_SUSPENSION_BONUS_KG = 1000  # 3- and 4-axle trucks, dual-tyre drive axle + air suspension
DEFAULT_ARTICULATED4_AIR_LIMIT_KG = 37000  # 4-axle articulated, air suspension, d >= 1800 mm
DEFAULT_ARTICULATED4_MIN_SPACING_MM = 1800


class OverloadRules(Protocol):
    """What is read from ``zhifa.catalog.overload.OverloadRules``."""

    catalog_version: str
    item_version: str
    overlays: tuple[str, ...]
    scheme: str
    tolerance_kg: int
    implausible_gross_kg: int
    height_mm: int
    width_mm: int
    length_mm: int

    def limit_kg(self, axles: int, vehicle_kind: str, single_drive_axle: bool | None = None) -> int | None: ...

    def fine_for(self, over_kg: int, limit_kg: int) -> tuple[str, int]: ...


class RulesUnavailable(LookupError):
    """No overload rules for a region/date (the catalog has no data for it)."""


@dataclass(frozen=True)
class Band:
    """One band of a banded provincial formula: the part of the excess between
    ``from_pct`` and ``to_pct`` of the limit is charged ``yuan_per_unit`` per ``unit_kg``."""

    from_pct: Fraction
    to_pct: Fraction | None
    yuan_per_unit: int


@dataclass(frozen=True)
class RuleSet:
    catalog_version: str
    rule_version: str  # the catalog item version and the overlays applied
    provisions: tuple[str, ...]
    # (axles 2..MAX_AXLES, kind code 0..3, sda code 0 unknown/1 no/2 yes) -> limit kg or None
    limits: tuple[tuple[tuple[int, int, int], int | None], ...]
    tolerance_kg: int
    tolerance_pct: Fraction
    implausible_gross_kg: int
    max_length_mm: int | None
    max_width_mm: int | None
    max_height_mm: int | None
    scheme: str  # per_unit | bands
    warning_max_over_kg: int | None  # per_unit: up to this excess a warning
    unit_kg: int
    yuan_per_unit: int | None  # per_unit
    rounding: str  # floor | ceil (part units)
    cap_yuan: int | None
    no_penalty_max_pct: int | None  # bands: up to this % of the limit no penalty (批评教育)
    bands: tuple[Band, ...]
    single_tyre_deduction_kg: int = DEFAULT_SINGLE_TYRE_DEDUCTION_KG
    air_suspension_bonus_kg: int = DEFAULT_AIR_SUSPENSION_BONUS_KG
    articulated4_air_limit_kg: int = DEFAULT_ARTICULATED4_AIR_LIMIT_KG
    articulated4_min_spacing_mm: int = DEFAULT_ARTICULATED4_MIN_SPACING_MM
    fine_for: Callable[[int, int], tuple[str, int]] | None = field(default=None, compare=False, hash=False)

    # --- scalar rules (used by the oracle and by the self-check) -----------------------

    def table_limit(self, axles: int, kind_code: int, sda_code: int) -> int | None:
        return dict(self.limits).get((min(axles, MAX_AXLES), kind_code, sda_code))

    def tolerance_for(self, gross_kg: int) -> int:
        """Measurement tolerance deducted from the measured gross weight (kg, rounded up
        in favour of the party)."""
        pct = self.tolerance_pct / 100
        return self.tolerance_kg + math.ceil(gross_kg * pct)

    def fine(self, over_kg: int, limit_kg: int) -> tuple[str, int]:
        """(outcome, fine_yuan) from the parameters, outcome none | warning | fine; must
        equal the catalog's ``fine_for`` (checked before every run, see check_against)."""
        if over_kg <= 0:
            return "none", 0
        if self.scheme == "bands":
            if self.no_penalty_max_pct is not None and over_kg * 100 <= self.no_penalty_max_pct * limit_kg:
                return "none", 0
            total = 0
            for band in self.bands:
                lo = Fraction(limit_kg) * band.from_pct / 100
                hi = None if band.to_pct is None else Fraction(limit_kg) * band.to_pct / 100
                top = Fraction(over_kg) if hi is None else min(Fraction(over_kg), hi)
                part = top - lo
                if part > 0:
                    total += _round_units(part / self.unit_kg, self.rounding) * band.yuan_per_unit
        else:
            if self.warning_max_over_kg is not None and over_kg <= self.warning_max_over_kg:
                return "warning", 0
            total = _round_units(Fraction(over_kg, self.unit_kg), self.rounding) * (self.yuan_per_unit or 0)
        if self.cap_yuan is not None:
            total = min(total, self.cap_yuan)
        if total <= 0:
            return "none", 0
        return "fine", int(total)

    def check_against_catalog(self) -> list[tuple[int, int, tuple[str, int], tuple[str, int]]]:
        """Compare :meth:`fine` with the catalog's ``fine_for`` on every boundary that
        matters (unit steps, the warning band, band edges, the cap) for every limit of the
        table; returns the disagreements (empty when they agree)."""
        if self.fine_for is None:
            return []
        bad = []
        for limit, over in fine_grid(self):
            mine, theirs = self.fine(over, limit), tuple(self.fine_for(over, limit))
            if mine != theirs:
                bad.append((limit, over, mine, theirs))
        return bad


def fine_grid(rs: RuleSet) -> list[tuple[int, int]]:
    """(limit_kg, over_kg) pairs on both sides of every edge of the fine schedule: unit
    steps up to the cap, the warning band, the no-penalty share and band edges, for every
    limit of the table."""
    unit = rs.unit_kg
    rates = [r for r in [rs.yuan_per_unit, *(b.yuan_per_unit for b in rs.bands)] if r]
    steps = ((rs.cap_yuan or 30000) // min(rates) if rates else 0) + 3
    base = set(range(1, 2 * unit + 2)) | {k * unit + d for k in range(steps) for d in (-1, 0, 1)}
    if rs.warning_max_over_kg is not None:
        base |= {rs.warning_max_over_kg + d for d in (-1, 0, 1)}
    pcts = [b.from_pct for b in rs.bands] + [b.to_pct for b in rs.bands if b.to_pct is not None]
    if rs.no_penalty_max_pct is not None:
        pcts.append(Fraction(rs.no_penalty_max_pct))
    out: list[tuple[int, int]] = []
    for limit in sorted({v for _, v in rs.limits if v is not None}):
        pts = set(base)
        for pct in pcts:
            edge = math.floor(limit * pct / 100)
            pts |= {edge + u * unit + d for u in range(steps) for d in (-1, 0, 1)}
        out.extend((limit, o) for o in sorted(pts) if o > 0)
    return out


def _round_units(x: Fraction, rounding: str) -> int:
    return math.floor(x) if rounding == "floor" else math.ceil(x)


# --- building a RuleSet from the catalog object ---------------------------------------


def _int_or_none(v: Any) -> int | None:
    return None if v is None else int(v)


def _safe_limit(rules: Any, axles: int, kind: str, sda: bool) -> int | None:
    v = rules.limit_kg(axles, kind, sda)
    return None if v is None else int(v)


def build_ruleset(rules: Any) -> RuleSet:
    """Normalise a catalog ``OverloadRules`` object into a :class:`RuleSet`.

    The limit lookup is expanded by calling the catalog's own ``limit_kg`` for every axle
    count 2..12, kind and drive-axle value, so the vectorised table cannot disagree with it.
    An unknown kind or drive axle takes the highest limit among the possible values (the
    reading most favourable to the party); ``articulated`` falls back to ``combination``
    when the catalog has no separate rows for it.
    """
    limits: dict[tuple[int, int, int], int | None] = {}
    for axles in range(2, MAX_AXLES + 1):
        for kind in TABLE_KINDS:
            kc = KIND_CODES[kind]
            for sda_code, sda in ((1, False), (2, True)):
                v = _safe_limit(rules, axles, kind, sda)
                if v is None and kind == "articulated":
                    v = _safe_limit(rules, axles, "combination", sda)
                limits[(axles, kc, sda_code)] = v
            known = [limits[(axles, kc, s)] for s in (1, 2) if limits[(axles, kc, s)] is not None]
            limits[(axles, kc, 0)] = max(known) if known else None
        for sda_code in (0, 1, 2):
            known = [limits[(axles, KIND_CODES[k], sda_code)] for k in TABLE_KINDS]
            known = [v for v in known if v is not None]
            limits[(axles, 0, sda_code)] = max(known) if known else None
    bands = tuple(
        Band(Fraction(b.from_pct), None if b.to_pct is None else Fraction(b.to_pct), int(b.yuan_per_unit))
        for b in rules.bands
    )

    def extra(name: str, default: int) -> int:  # adjustments the catalog may carry one day
        return int(getattr(rules, name, default))

    return RuleSet(
        catalog_version=str(rules.catalog_version),
        rule_version="+".join([rules.item_version, *rules.overlays]),
        provisions=tuple(str(getattr(p, "citation", p)) for p in rules.provisions),
        limits=tuple(sorted(limits.items())),
        tolerance_kg=int(rules.tolerance_kg or 0),
        tolerance_pct=Fraction(str(rules.tolerance_pct or 0)),
        implausible_gross_kg=int(rules.implausible_gross_kg),
        max_length_mm=_int_or_none(rules.length_mm),
        max_width_mm=_int_or_none(rules.width_mm),
        max_height_mm=_int_or_none(rules.height_mm),
        scheme=str(rules.scheme),
        warning_max_over_kg=_int_or_none(rules.warning_max_over_kg),
        unit_kg=int(rules.unit_kg),
        yuan_per_unit=_int_or_none(rules.yuan_per_unit),
        rounding=str(rules.rounding),
        cap_yuan=_int_or_none(rules.cap_yuan),
        no_penalty_max_pct=_int_or_none(rules.no_penalty_max_pct),
        bands=bands,
        single_tyre_deduction_kg=extra("single_tyre_deduction_kg", DEFAULT_SINGLE_TYRE_DEDUCTION_KG),
        air_suspension_bonus_kg=extra("air_suspension_bonus_kg", DEFAULT_AIR_SUSPENSION_BONUS_KG),
        articulated4_air_limit_kg=extra("articulated4_air_limit_kg", DEFAULT_ARTICULATED4_AIR_LIMIT_KG),
        articulated4_min_spacing_mm=extra("articulated4_min_spacing_mm", DEFAULT_ARTICULATED4_MIN_SPACING_MM),
        fine_for=rules.fine_for,
    )


def _content_key(rules: Any) -> object:
    """Everything of a catalog rules object but its date (equal rules on many dates)."""
    if dataclasses.is_dataclass(rules):
        try:
            key = tuple((f.name, getattr(rules, f.name)) for f in dataclasses.fields(rules) if f.name != "on_date")
            hash(key)
            return key
        except TypeError:
            pass
    return id(rules)


# --- where the rules come from ----------------------------------------------------------

RulesFor = Callable[[str | None, date], Any]

_CATALOG_MODULES = ("zhifa.catalog.engine", "zhifa.catalog.overload")


def catalog_rules_for() -> RulesFor:
    """The catalog's ``overload_rules`` function, or :class:`RulesUnavailable`."""
    for name in _CATALOG_MODULES:
        try:
            module = import_module(name)
        except ImportError:
            continue
        fn = getattr(module, "overload_rules", None)
        if fn is not None:
            return fn
    raise RulesUnavailable("法规目录尚未提供超限规则（zhifa.catalog 的 overload_rules），无法判定超限")


class RuleBook:
    """Memoised ``date -> RuleSet`` for one region; equal rule sets share one id."""

    def __init__(self, rules_for: RulesFor, region: str | None, fixed_date: date | None = None):
        self.rules_for = rules_for
        self.region = region
        self.fixed_date = fixed_date
        self._by_date: dict[date, int | None] = {}
        self._ids: dict[RuleSet, int] = {}
        self._built: dict[object, RuleSet] = {}
        self.sets: list[RuleSet] = []
        self.errors: dict[date, str] = {}

    def id_for(self, day: date) -> int | None:
        """The rule-set id (0-based) for a passage date, or None when the catalog has no
        rules for it."""
        key = self.fixed_date or day
        if key in self._by_date:
            return self._by_date[key]
        try:
            raw = self.rules_for(self.region, key)
        except DomainError as exc:  # the catalog fails loudly outside its data
            if exc.code != NO_VERSION:
                raise
            self.errors[key] = exc.message
            self._by_date[key] = None
            return None
        except LookupError as exc:
            self.errors[key] = str(exc)
            self._by_date[key] = None
            return None
        rs = self._build(raw)
        if rs not in self._ids:
            self._ids[rs] = len(self.sets)
            self.sets.append(rs)
        self._by_date[key] = self._ids[rs]
        return self._by_date[key]

    def _build(self, raw: Any) -> RuleSet:
        key = _content_key(raw)
        if key not in self._built:
            self._built[key] = build_ruleset(raw)
        return self._built[key]
