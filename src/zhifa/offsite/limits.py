"""Overload rules as the detector needs them (pure: no Django).

The law lives in the catalog: ``zhifa.catalog`` exposes
``overload_rules(region, on_date) -> OverloadRules`` (gross-weight limits, tolerance, the
implausible-weight cut-off, dimension limits, the fine schedule and a scalar
``fine_for(over_kg, limit_kg)`` that agrees with ``decide("overload.weight", ...)``).
This module turns one such object into a :class:`RuleSet`: plain, hashable numbers that
:mod:`zhifa.offsite.detect` compiles into vectorised SQL and :mod:`zhifa.offsite.oracle`
evaluates row by row. It never invents law: every figure comes from the catalog object,
except the attribute adjustments of 《公路货运车辆超限超载认定标准》 (2016) notes 2 and 4
and 超限规定 第3条第2款, which are used with the documented defaults below only when the
catalog object does not carry them (see docs/offsite.md, "Adjustments").

Vehicle kinds (input column ``vehicle_kind``): ``truck`` (货车), ``combination``
(汽车列车: 中置轴/全挂/铰接), ``articulated`` (铰接列车, a combination), and the kinds
whose limit is the 行驶证核定总质量 (超限规定 第3条第2款(四)): ``tractor``, ``farm``,
``low_speed``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from importlib import import_module
from typing import Any, Protocol

# Kind codes used in the vectorised lookup key (0 = unknown).
KIND_CODES = {"truck": 1, "combination": 2, "articulated": 3, "tractor": 4, "farm": 5, "low_speed": 6}
TABLE_KINDS = ("truck", "combination", "articulated")  # limits come from the catalog table
LICENSED_KINDS = ("tractor", "farm", "low_speed")  # limit = 行驶证核定总质量
MAX_AXLES = 12  # plausibility cut-off of the axle count (not law): more is an impossible record

# Defaults for the attribute adjustments when the catalog object does not carry them.
# Sources: FACTS C1 (超限规定 第3条第2款(二)) and C3 (认定标准 notes 2 and 4).
DEFAULT_SINGLE_TYRE_DEDUCTION_KG = 3000  # per non-drive axle with single (non-wide) tyres
DEFAULT_AIR_SUSPENSION_BONUS_KG = 1000  # 3- and 4-axle trucks, dual-tyre drive axle + air suspension
DEFAULT_ARTICULATED4_AIR_LIMIT_KG = 37000  # 4-axle articulated, air suspension, d >= 1800 mm
DEFAULT_ARTICULATED4_MIN_SPACING_MM = 1800


class OverloadRules(Protocol):
    """The interface of ``zhifa.catalog``'s overload rules (see the module docstring)."""

    catalog_version: str
    tolerance_kg: int
    implausible_gross_kg: int

    def limit_kg(self, axles: int, vehicle_kind: str | None, single_drive_axle: bool | None) -> int | None: ...

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
    provisions: tuple[str, ...]
    # (axles 2..MAX_AXLES, kind code 0..3, sda code 0 unknown/1 no/2 yes) -> limit kg or None
    limits: tuple[tuple[tuple[int, int, int], int | None], ...]
    tolerance_kg: int
    tolerance_pct: Fraction
    implausible_gross_kg: int
    max_length_mm: int | None
    max_width_mm: int | None
    max_height_mm: int | None
    warning_max_over_kg: int
    unit_kg: int
    yuan_per_unit: int
    rounding: str  # floor | ceil
    cap_yuan: int | None
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
        """Outcome and fine from the parameters; must equal the catalog's ``fine_for``."""
        if over_kg <= 0:
            raise ValueError("over_kg must be positive")
        if self.bands:
            total = 0
            for band in self.bands:
                lo = Fraction(limit_kg) * band.from_pct / 100
                hi = None if band.to_pct is None else Fraction(limit_kg) * band.to_pct / 100
                top = Fraction(over_kg) if hi is None else min(Fraction(over_kg), hi)
                part = max(Fraction(0), top - lo)
                units = _round_units(part / self.unit_kg, self.rounding)
                total += units * band.yuan_per_unit
        else:
            total = _round_units(Fraction(over_kg, self.unit_kg), self.rounding) * self.yuan_per_unit
        if self.cap_yuan is not None:
            total = min(total, self.cap_yuan)
        if over_kg <= self.warning_max_over_kg or total <= 0:
            return "warning", 0
        return "fine", int(total)


def _round_units(x: Fraction, rounding: str) -> int:
    return math.floor(x) if rounding == "floor" else math.ceil(x)


# --- building a RuleSet from the catalog object ---------------------------------------


def _get(obj: Any, *names: str, default: Any = ...) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if not isinstance(obj, dict) and hasattr(obj, name):
            value = getattr(obj, name)
            return value() if callable(value) and name in ("catalog_version",) else value
    if default is ...:
        raise AttributeError(f"overload rules lack {names[0]}")
    return default


def _int_or_none(v: Any) -> int | None:
    return None if v is None else int(v)


def _dimension(rules: Any, name: str) -> int | None:
    direct = _get(rules, f"max_{name}_mm", f"{name}_limit_mm", f"{name}_mm", default=None)
    if direct is not None:
        return int(direct)
    dims = _get(rules, "dimension_limits", "dimensions", default=None)
    if dims is None:
        return None
    v = _get(dims, f"{name}_mm", f"max_{name}_mm", name, default=None)
    if v is None:
        return None
    # metres given as a decimal (e.g. 4.0) -> millimetres
    return int(Fraction(str(v)) * 1000) if Fraction(str(v)) < 100 else int(v)


def _bands(raw: Iterable[Any] | None) -> tuple[Band, ...]:
    out = []
    for b in raw or ():
        if isinstance(b, (tuple, list)):
            lo, hi, yuan = b
        else:
            lo = _get(b, "from_pct", "lower_pct", "over_pct_from")
            hi = _get(b, "to_pct", "upper_pct", "over_pct_to", default=None)
            yuan = _get(b, "yuan_per_unit", "yuan_per_tonne", "yuan")
        out.append(Band(Fraction(str(lo)), None if hi is None else Fraction(str(hi)), int(yuan)))
    return tuple(out)


def _safe_limit(rules: Any, axles: int, kind: str, sda: bool | None) -> int | None:
    try:
        v = rules.limit_kg(axles, kind, sda)
    except (KeyError, LookupError, ValueError, TypeError):
        return None
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
    version = _get(rules, "catalog_version", "version", default="")
    provisions = tuple(str(p) for p in (_get(rules, "provisions", default=()) or ()))
    return RuleSet(
        catalog_version=str(version),
        provisions=provisions,
        limits=tuple(sorted(limits.items())),
        tolerance_kg=int(_get(rules, "tolerance_kg", default=0) or 0),
        tolerance_pct=Fraction(str(_get(rules, "tolerance_pct", default=0) or 0)),
        implausible_gross_kg=int(_get(rules, "implausible_gross_kg")),
        max_length_mm=_dimension(rules, "length"),
        max_width_mm=_dimension(rules, "width"),
        max_height_mm=_dimension(rules, "height"),
        warning_max_over_kg=int(_get(rules, "warning_max_over_kg", default=0) or 0),
        unit_kg=int(_get(rules, "unit_kg", default=1000)),
        yuan_per_unit=int(_get(rules, "yuan_per_unit", default=0) or 0),
        rounding=str(_get(rules, "rounding", default="floor")),
        cap_yuan=_int_or_none(_get(rules, "cap_yuan", default=None)),
        bands=_bands(_get(rules, "bands", default=None)),
        single_tyre_deduction_kg=int(_get(rules, "single_tyre_deduction_kg", default=DEFAULT_SINGLE_TYRE_DEDUCTION_KG)),
        air_suspension_bonus_kg=int(_get(rules, "air_suspension_bonus_kg", default=DEFAULT_AIR_SUSPENSION_BONUS_KG)),
        articulated4_air_limit_kg=int(
            _get(rules, "articulated4_air_limit_kg", default=DEFAULT_ARTICULATED4_AIR_LIMIT_KG)
        ),
        articulated4_min_spacing_mm=int(
            _get(rules, "articulated4_min_spacing_mm", default=DEFAULT_ARTICULATED4_MIN_SPACING_MM)
        ),
        fine_for=getattr(rules, "fine_for", None),
    )


# --- where the rules come from ----------------------------------------------------------

RulesFor = Callable[[str | None, date], Any]

_CATALOG_MODULES = ("zhifa.catalog.overload", "zhifa.catalog.engine")


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
        except (LookupError, ValueError) as exc:  # the catalog fails loudly outside its data
            self.errors[key] = str(exc)
            self._by_date[key] = None
            return None
        rs = build_ruleset(raw)
        if rs not in self._ids:
            self._ids[rs] = len(self.sets)
            self.sets.append(rs)
        self._by_date[key] = self._ids[rs]
        return self._by_date[key]
