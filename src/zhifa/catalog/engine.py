"""Discretion engine: ``decide(item, facts, violation_date, decision_date, jurisdiction)``.

Pure: no Django. Returns a :class:`Decision` with outcome, severity, fine range and
proposed amount (whole yuan, ``int``), other sanctions, the lists applied (不予/减轻/从轻/从重),
the catalog version and a trace of every step (provision cited with its text, condition,
fact values used, result). Rules that always hold:

- the law in force on the violation date applies, unless the law in force on the decision
  date is lighter (行政处罚法 第三十七条); the trace says which and why;
- the amount never exceeds the statutory maximum, goes below the statutory minimum only
  when a 减轻 (mitigated) case applies, and is never negative;
- a missing required fact is a ``DomainError`` naming it; a missing optional fact means the
  exception or tier it would open does not apply, and the trace lists it;
- cumulative caps (超限 dimensions + weight ≤ 30,000 yuan) hold in :func:`decide_combined`.

Everything about the law comes from the catalog (``zhifa.catalog.yamlload``); conditions
are compiled once per catalog, so a decision is a few dozen closure calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from zhifa.catalog.conditions import Condition, compile_condition
from zhifa.catalog.overload import (
    Band,
    FineBreakdown,
    LimitRow,
    OverloadRules,
    ProvisionRef,
    build_overload_rules,
    check_region,
    overload_rules,
)
from zhifa.catalog.schema import (
    LISTS,
    OUTCOMES,
    SANCTION_WEIGHT,
    SANCTIONS,
    SEVERITIES,
    BenchmarkSpec,
    BracketSpec,
    CapSpec,
    ExceptionSpec,
    FactSpec,
    ItemSpec,
    OverlayEntrySpec,
    PenaltySpec,
    Provision,
    TierSpec,
    VersionSpec,
    region_matches,
    region_stem,
)
from zhifa.catalog.yamlload import Catalog, catalog, known_facts
from zhifa.core.errors import DomainError

__all__ = [
    "Band",
    "CombinedDecision",
    "Decision",
    "FineBreakdown",
    "FineRange",
    "LimitRow",
    "OverloadRules",
    "ProvisionRef",
    "TraceStep",
    "decide",
    "decide_combined",
    "item_facts",
    "overload_rules",
]

# --- result objects -------------------------------------------------------------------------


@dataclass(slots=True)
class FineRange:
    min: int
    max: int
    proposed: int

    def as_dict(self) -> dict[str, int]:
        return {"min": self.min, "max": self.max, "proposed": self.proposed}


@dataclass(slots=True)
class TraceStep:
    # item | facts | law_choice | violation | exception | bracket | tier | adjust | cap | outcome
    step: str
    result: str  # one Chinese sentence
    provisions: tuple[Provision, ...] = ()
    condition: str | None = None
    facts: dict[str, Any] | None = None
    applied: bool | None = None
    missing: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"step": self.step, "result": self.result}
        if self.provisions:
            d["provisions"] = [
                {"id": p.id, "citation": p.citation, "text": p.text, **({"lead": p.lead} if p.lead else {})}
                for p in self.provisions
            ]
        if self.condition is not None:
            d["condition"] = self.condition
        if self.facts:
            d["facts"] = {k: _jsonable(v) for k, v in self.facts.items()}
        if self.applied is not None:
            d["applied"] = self.applied
        if self.missing:
            d["facts_not_given"] = list(self.missing)
        return d


@dataclass(slots=True)
class Decision:
    item: str
    item_name: str
    outcome: str
    severity: str | None
    fine: FineRange | None
    sanctions: list[str]
    lists: list[dict[str, Any]]
    law_applied: str  # violation_date | decision_date
    version: str
    basis: list[Provision]
    trace: list[TraceStep]
    facts: dict[str, Any]
    facts_not_given: list[str]
    violation_date: date
    decision_date: date
    jurisdiction: str | None
    catalog_version: str
    warnings: list[str] = field(default_factory=list)
    benchmark: str | None = None
    tier: str | None = None
    alternative_fine: tuple[int, int] | None = None
    fact_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.outcome]

    def explain(self) -> list[str]:
        """The trace in words, one sentence per step."""
        return [s.result for s in self.trace]

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "item_name": self.item_name,
            "outcome": self.outcome,
            "outcome_label": OUTCOMES[self.outcome],
            "severity": self.severity,
            "severity_label": SEVERITIES.get(self.severity) if self.severity else None,
            "fine_yuan": self.fine.as_dict() if self.fine else None,
            "alternative_fine_yuan": (
                {"min": self.alternative_fine[0], "max": self.alternative_fine[1]} if self.alternative_fine else None
            ),
            "sanctions": list(self.sanctions),
            "sanction_labels": [SANCTIONS[s] for s in self.sanctions],
            "lists": list(self.lists),
            "law_applied": self.law_applied,
            "version": self.version,
            "benchmark": self.benchmark,
            "tier": self.tier,
            "basis": [p.as_dict(with_text=True) for p in self.basis],
            "facts": {k: _jsonable(v) for k, v in self.facts.items()},
            "facts_not_given": list(self.facts_not_given),
            "facts_not_given_labels": [self.fact_labels.get(n, n) for n in self.facts_not_given],
            "violation_date": self.violation_date.isoformat(),
            "decision_date": self.decision_date.isoformat(),
            "jurisdiction": self.jurisdiction,
            "warnings": list(self.warnings),
            "trace": [s.as_dict() for s in self.trace],
            "catalog_version": self.catalog_version,
        }


@dataclass(slots=True)
class CombinedDecision:
    decisions: list[Decision]
    total: FineRange | None
    caps_applied: list[str]
    catalog_version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "decisions": [d.as_dict() for d in self.decisions],
            "total_fine_yuan": self.total.as_dict() if self.total else None,
            "caps_applied": list(self.caps_applied),
            "catalog_version": self.catalog_version,
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else str(v)
    return v


# --- compiled catalog -----------------------------------------------------------------------


@dataclass(slots=True)
class _Exc:
    spec: ExceptionSpec
    when: Condition
    provisions: tuple[Provision, ...]
    valid_from: date
    valid_to: date | None

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(slots=True)
class _Bracket:
    spec: BracketSpec
    when: Condition | None
    cond_sanctions: tuple[tuple[Condition, tuple[str, ...], str], ...]


@dataclass(slots=True)
class _Penalty:
    spec: PenaltySpec
    brackets: tuple[_Bracket, ...]


@dataclass(slots=True)
class _Tier:
    spec: TierSpec
    when: Condition | None


@dataclass(slots=True)
class _Bench:
    spec: BenchmarkSpec
    tiers: tuple[_Tier, ...]
    catch_all: _Tier | None

    def in_force(self, on: date) -> bool:
        s = self.spec
        return s.effective_from <= on and (s.effective_to is None or on <= s.effective_to)


@dataclass(slots=True)
class _Version:
    spec: VersionSpec
    violation: Condition | None
    penalty: _Penalty
    exceptions: tuple[_Exc, ...]
    benchmarks: tuple[_Bench, ...]
    basis: tuple[Provision, ...]


@dataclass(slots=True)
class _OverlayEntry:
    region: str
    region_name: str
    spec: OverlayEntrySpec
    penalty: _Penalty | None
    exceptions: tuple[_Exc, ...]
    provisions: tuple[Provision, ...]


@dataclass(slots=True)
class _Item:
    spec: ItemSpec
    facts: dict[str, FactSpec]
    labels: dict[str, str]
    required: tuple[tuple[str, Condition | None], ...]
    absent_as: tuple[tuple[str, Any], ...]
    versions: tuple[_Version, ...]
    overlays: tuple[_OverlayEntry, ...]


@dataclass(slots=True)
class _Compiled:
    cat: Catalog
    items: dict[str, _Item]
    general: tuple[_Exc, ...]
    caps: tuple[CapSpec, ...]
    xzcff37: Provision | None
    # caches filled while deciding (keys are small tuples; values never change for a catalog)
    region_entries: dict[tuple[str, str | None], tuple[_OverlayEntry, ...]] = field(default_factory=dict)
    exc_lists: dict[tuple[str, tuple[str, ...]], tuple[_Exc, ...]] = field(default_factory=dict)
    rules: dict[tuple[Any, ...], OverloadRules] = field(default_factory=dict)
    laws: dict[tuple[Any, ...], _Law] = field(default_factory=dict)
    skip_text: dict[tuple[Any, ...], tuple[str, tuple[Provision, ...], tuple[str, ...]]] = field(default_factory=dict)
    general_ids: frozenset[str] = frozenset()


def _compile_exc(cat: Catalog, e: ExceptionSpec, known: Mapping[str, FactSpec]) -> _Exc:
    provs = tuple(cat.provisions[p] for p in e.provisions)
    start = e.effective_from or max([p.effective_from for p in provs], default=date.min)
    ends = [p.effective_to for p in provs if p.effective_to is not None]
    end = e.effective_to if e.effective_to is not None else (min(ends) if ends else None)
    return _Exc(e, compile_condition(e.when, known), provs, start, end)


def _compile_penalty(p: PenaltySpec, known: Mapping[str, FactSpec]) -> _Penalty:
    brackets = []
    for b in p.brackets:
        brackets.append(
            _Bracket(
                b,
                compile_condition(b.when, known) if b.when else None,
                tuple(
                    (compile_condition(cs.when, known), tuple(cs.sanctions), cs.label) for cs in b.conditional_sanctions
                ),
            )
        )
    return _Penalty(p, tuple(brackets))


def _compile(cat: Catalog) -> _Compiled:
    general_known = {f.name: f for f in cat.general_facts}
    general = tuple(_compile_exc(cat, e, general_known) for e in cat.general_exceptions)
    items: dict[str, _Item] = {}
    for code, spec in cat.items.items():
        known = known_facts(spec, cat.general_facts)
        versions = []
        for v in spec.versions:
            benches = []
            for b in spec.benchmarks:
                if v.id not in b.applies_to_versions:
                    continue
                tiers = tuple(_Tier(t, compile_condition(t.when, known)) for t in b.tiers if not t.catch_all)
                catch = next((_Tier(t, None) for t in b.tiers if t.catch_all), None)
                benches.append(_Bench(b, tiers, catch))
            basis = tuple(cat.provisions[p] for p in dict.fromkeys(v.violated + v.penalty_provisions))
            versions.append(
                _Version(
                    v,
                    compile_condition(v.violation_when, known) if v.violation_when else None,
                    _compile_penalty(v.penalty, known),
                    tuple(_compile_exc(cat, e, known) for e in v.exceptions),
                    tuple(benches),
                    basis,
                )
            )
        overlays = []
        for o in cat.overlays:
            for entry in o.items.get(code, []):
                overlays.append(
                    _OverlayEntry(
                        o.region,
                        o.name,
                        entry,
                        _compile_penalty(entry.replace_penalty, known) if entry.replace_penalty else None,
                        tuple(_compile_exc(cat, e, known) for e in entry.exceptions),
                        tuple(cat.provisions[p] for p in entry.provisions),
                    )
                )
        required = []
        absent = []
        for f in spec.facts:
            if f.required is True:
                required.append((f.name, None))
            elif isinstance(f.required, str):
                required.append((f.name, compile_condition(f.required, known)))
            if f.absent_as is not None:
                absent.append((f.name, f.absent_as))
        items[code] = _Item(
            spec,
            dict(known),
            {n: f.label for n, f in known.items()},
            tuple(required),
            tuple(absent),
            tuple(versions),
            tuple(overlays),
        )
    return _Compiled(
        cat,
        items,
        general,
        tuple(cat.caps),
        cat.provisions.get("XZCFF-37"),
        general_ids=frozenset(e.spec.id for e in general),
    )


_COMPILED: dict[int, _Compiled] = {}


def _compiled(cat: Catalog) -> _Compiled:
    c = _COMPILED.get(id(cat))
    if c is None or c.cat is not cat:
        c = _compile(cat)
        _COMPILED[id(cat)] = c
    return c


# --- facts -----------------------------------------------------------------------------------


def _bad(name: str, message: str) -> DomainError:
    return DomainError("decide.bad_fact", message, f"facts.{name}")


def _coerce_fact(spec: FactSpec, value: Any) -> Any:
    name, label = spec.name, spec.label
    if spec.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(name, f"事实“{label}”（{name}）应为整数")
        if spec.min is not None and value < spec.min:
            raise _bad(name, f"事实“{label}”（{name}）不得小于{spec.min}")
        if spec.max is not None and value > spec.max:
            raise _bad(name, f"事实“{label}”（{name}）不得大于{spec.max}")
        return value
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise _bad(name, f"事实“{label}”（{name}）应为 true 或 false")
        return value
    if spec.type == "enum":
        if value not in (spec.values or ()):
            raise _bad(name, f"事实“{label}”（{name}）只能取：{'、'.join(spec.values or ())}")
        return value
    if spec.type == "decimal":
        if isinstance(value, bool):
            raise _bad(name, f"事实“{label}”（{name}）应为数字")
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            raise _bad(name, f"事实“{label}”（{name}）应为数字") from None
        if not d.is_finite() or (spec.min is not None and d < spec.min):
            raise _bad(name, f"事实“{label}”（{name}）超出允许范围")
        return d
    if not isinstance(value, str):
        raise _bad(name, f"事实“{label}”（{name}）应为文字")
    return value


def _validate_facts(ci: _Item, facts: Any) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Return (values for evaluation, values as given, names replaced by absent_as)."""
    if not isinstance(facts, Mapping):
        raise DomainError("decide.bad_facts", "事实应为 JSON 对象（键为事实名）", "facts")
    given: dict[str, Any] = {}
    specs = ci.facts
    for name, value in facts.items():
        if value is None:
            continue
        spec = specs.get(name)
        if spec is None:
            raise DomainError(
                "decide.unknown_fact",
                f"事项“{ci.spec.name}”没有名为“{name}”的事实",
                f"facts.{name}",
            )
        given[name] = _coerce_fact(spec, value)
    for name, cond in ci.required:
        if name in given:
            continue
        if cond is None or cond(given) is not False:
            spec = specs[name]
            raise DomainError(
                "decide.missing_fact",
                f"缺少必需的事实“{spec.label}”（{name}）",
                f"facts.{name}",
            )
    values = given
    defaulted: list[str] = []
    if ci.absent_as:
        values = dict(given)
        for name, v in ci.absent_as:
            if name not in values:
                values[name] = v
                defaulted.append(name)
    return values, given, defaulted


def item_facts(code: str, cat: Catalog | None = None) -> list[FactSpec]:
    """The facts an item accepts (its own, then the general ones), for forms and docs."""
    c = _compiled(cat or catalog())
    ci = c.items.get(code)
    if ci is None:
        raise DomainError("decide.unknown_item", f"未知的处罚事项代码“{code}”", "item")
    return list(ci.facts.values())


# --- resolution of the law in force ------------------------------------------------------------


@dataclass(slots=True)
class _Law:
    """The law for one item in one jurisdiction on one date."""

    version: _Version
    penalty: _Penalty
    overlay_entries: tuple[_OverlayEntry, ...]
    bounds: tuple[int, int] | None
    basis: tuple[Provision, ...]
    rules: OverloadRules | None
    local_replacement: _OverlayEntry | None


def _version_on(ci: _Item, on: date) -> _Version | None:
    for v in ci.versions:
        if v.spec.in_force(on):
            return v
    return None


def _resolve(c: _Compiled, ci: _Item, v: _Version, region: str | None, on: date) -> _Law:
    key = (ci.spec.code, region)
    regional = c.region_entries.get(key)
    if regional is None:
        regional = tuple(
            sorted(
                (e for e in ci.overlays if region_matches(e.region, region)),
                key=lambda e: len(region_stem(e.region)),
            )
        )
        c.region_entries[key] = regional
    entries = tuple(e for e in regional if e.spec.in_force(on)) if regional else ()
    lkey = (ci.spec.code, region, v.spec.id, tuple(id(e) for e in entries))
    law = c.laws.get(lkey)
    if law is not None:
        return law
    penalty = v.penalty
    replacement = None
    lo: int | None = None
    hi: int | None = None
    basis = list(v.basis)
    seen = {p.id for p in basis}
    for e in entries:
        for p in e.provisions:
            if p.id not in seen:
                seen.add(p.id)
                basis.append(p)
        if e.penalty is not None:
            penalty = e.penalty
            replacement = e
        if e.spec.bounds is not None:
            lo = e.spec.bounds.min if lo is None else max(lo, e.spec.bounds.min)
            hi = e.spec.bounds.max if hi is None else min(hi, e.spec.bounds.max)
    rules = None
    if penalty.spec.kind == "overload_weight":
        # the rules depend on the version, the overlay entries in force and the region's
        # parameters, not on the day itself: cache on exactly those
        rkey = (v.spec.id, tuple(e.spec.id for e in entries), tuple(o.region for o in c.cat.overlays_for(region)))
        rules = c.rules.get(rkey)
        if rules is None:
            rules = build_overload_rules(c.cat, region, on)
            c.rules[rkey] = rules
    bounds = (lo, hi) if lo is not None and hi is not None else None
    law = _Law(v, penalty, entries, bounds, tuple(basis), rules, replacement)
    c.laws[lkey] = law
    return law


# --- statutory evaluation -----------------------------------------------------------------------


@dataclass(slots=True)
class _Stat:
    """The statutory consequence for the facts under one law (before tiers and lists)."""

    violation: bool
    bracket: _Bracket | None
    lo: int | None
    hi: int | None
    multiple: tuple[int, int] | None
    base: int  # illegal income (for multiples) or 0
    count: int  # per-violation multiplier
    warning: str
    sanctions: list[str]
    cond_labels: list[str]
    outcome_override: str | None
    breakdown: FineBreakdown | None
    limit_kg: int | None
    over_kg: int | None
    steps: list[TraceStep]

    def key(self) -> tuple[int, int, int]:
        if not self.violation or self.outcome_override == "no_penalty":
            return (-1, 0, 0)
        weight = max([SANCTION_WEIGHT[s] for s in self.sanctions] + [1 if self.warning != "none" else 0])
        if self.hi is not None:
            weight = max(weight, SANCTION_WEIGHT["fine"])
        return (weight, self.hi or 0, self.lo or 0)


def _amount(v: int | str | None, params: Mapping[str, Any]) -> int:
    if isinstance(v, str):
        return int(params[v[1:]])
    return int(v or 0)


def _fmt_facts(names: tuple[str, ...] | list[str], values: Mapping[str, Any]) -> dict[str, Any]:
    return {n: values.get(n) for n in names}


def _statutory(c: _Compiled, ci: _Item, law: _Law, values: Mapping[str, Any], region: str | None) -> _Stat:
    v = law.version
    steps: list[TraceStep] = []
    stat = _Stat(True, None, None, None, None, 0, 1, "none", [], [], None, None, None, None, steps)
    if law.rules is not None:
        return _statutory_overload(ci, law, values, stat)
    if v.violation is not None:
        ok = v.violation(values)
        steps.append(
            TraceStep(
                "violation",
                f"{'构成' if ok else '不构成'}违法：{v.spec.violation_label or v.violation.source}",
                v.basis[: len(v.spec.violated)],
                v.violation.source,
                _fmt_facts(v.violation.facts, values),
                bool(ok),
            )
        )
        if not ok:
            stat.violation = False
            return stat
    chosen: _Bracket | None = None
    for b in law.penalty.brackets:
        if b.when is None:
            chosen = b
            break
        r = b.when(values)
        if r:
            chosen = b
            break
    if chosen is None:
        missing = sorted({f for b in law.penalty.brackets if b.when for f in b.when.missing(values)})
        raise DomainError(
            "decide.undetermined",
            "事实不足以确定适用的处罚档次" + (f"，缺少：{'、'.join(missing)}" if missing else ""),
            f"facts.{missing[0]}" if missing else "facts",
        )
    b = chosen.spec
    stat.bracket = chosen
    stat.warning = b.warning
    stat.sanctions = list(b.sanctions)
    params = c.cat.params(region) if _has_param_amount(b) else {}
    if b.fine is not None:
        if b.fine.multiple_of:
            base = int(values[b.fine.multiple_of])
            stat.base = base
            stat.multiple = (int(b.fine.min_multiple or 0), int(b.fine.max_multiple or 0))
            stat.lo, stat.hi = base * stat.multiple[0], base * stat.multiple[1]
        else:
            stat.lo, stat.hi = _amount(b.fine.min, params), _amount(b.fine.max, params)
        if b.fine.per_violation_of:
            n = int(values[b.fine.per_violation_of])
            stat.count = n
            stat.lo, stat.hi = stat.lo * n, stat.hi * n
    for cond, codes, label in chosen.cond_sanctions:
        if cond(values):
            stat.sanctions.extend(s for s in codes if s not in stat.sanctions)
            stat.cond_labels.append(label)
    if b.outcome == "no_penalty":
        stat.outcome_override = "no_penalty"
    penalty_provs = tuple(p for p in law.basis if p.id in law.version.spec.penalty_provisions)
    if law.local_replacement is not None:
        penalty_provs = penalty_provs + tuple(law.local_replacement.provisions)
    fine_txt = ""
    if stat.lo is not None:
        fine_txt = f"，罚款幅度{stat.lo}元至{stat.hi}元"
        if stat.multiple:
            fine_txt += f"（违法所得{stat.base}元的{stat.multiple[0]}至{stat.multiple[1]}倍）"
        if stat.count > 1:
            fine_txt += f"（按{stat.count}次违法行为累计）"
    steps.append(
        TraceStep(
            "bracket",
            f"适用法定处罚：{b.label}{fine_txt}",
            penalty_provs,
            b.when,
            _fmt_facts(chosen.when.facts, values) if chosen.when else None,
            True,
        )
    )
    if law.bounds is not None and stat.lo is not None and stat.hi is not None:
        b_lo, b_hi = law.bounds
        n_lo, n_hi = max(stat.lo, b_lo), min(stat.hi, b_hi)
        if n_lo <= n_hi and (n_lo, n_hi) != (stat.lo, stat.hi):
            entries = [e for e in law.overlay_entries if e.spec.bounds is not None]
            steps.append(
                TraceStep(
                    "bracket",
                    f"{'、'.join(e.region_name for e in entries)}地方性法规规定的幅度为{b_lo}元至{b_hi}元，"
                    f"在法定幅度{stat.lo}元至{stat.hi}元内适用{n_lo}元至{n_hi}元",
                    tuple(p for e in entries for p in e.provisions),
                    None,
                    None,
                    True,
                )
            )
            stat.lo, stat.hi = n_lo, n_hi
    return stat


def _has_param_amount(b: BracketSpec) -> bool:
    return b.fine is not None and (isinstance(b.fine.min, str) or isinstance(b.fine.max, str))


def _statutory_overload(ci: _Item, law: _Law, values: Mapping[str, Any], stat: _Stat) -> _Stat:
    rules = law.rules
    assert rules is not None
    steps = stat.steps
    axles, kind = values["axles"], values["vehicle_kind"]
    single = values.get("single_drive_axle")
    gross = values["gross_weight_kg"]
    if gross > rules.implausible_gross_kg:
        raise DomainError(
            "decide.implausible_weight",
            f"车货总质量{gross}千克超过可信上限{rules.implausible_gross_kg}千克，请核查称重数据",
            "facts.gross_weight_kg",
        )
    limit, adjustments = rules.adjusted_limit_kg(
        axles,
        kind,
        single,
        single_tyre_axles=values.get("single_tyre_axles") or 0,
        drive_axle_air_suspension=values.get("drive_axle_air_suspension"),
        semitrailer_axle_spacing_mm=values.get("semitrailer_axle_spacing_mm"),
    )
    kind_label = "汽车列车" if kind == "combination" else "货车"
    if limit is None:
        raise DomainError(
            "decide.no_limit",
            f"限定标准表中没有{axles}轴{kind_label}的总质量限值（按GB1589另行确定）",
            "facts.axles",
        )
    wim = values.get("measurement") == "wim"
    deduction = rules.tolerance_for(gross) if wim else 0
    over = gross - deduction - limit
    stat.limit_kg, stat.over_kg = limit, over
    limit_provs = tuple(p for p in law.basis if p.id in ("CXGD-3-1", "CXGD-3-2", "GLAQ-33"))
    desc = f"{axles}轴{kind_label}" + ("（驱动轴为单轴）" if single and axles >= 6 else "")
    measured = f"车货总质量{gross}千克"
    if wim:
        measured += f"（动态称重，扣除计量允差{deduction}千克）"
    elif "measurement" not in values:
        measured += "（未提供称重方式，不扣除动态称重允差）"
    if adjustments:
        desc += "（" + "；".join(adjustments) + "）"
    steps.append(
        TraceStep(
            "violation",
            f"{desc}总质量限值{limit}千克；{measured}，"
            + (f"超过限值{over}千克，构成违法超限运输" if over > 0 else "未超过限值，不构成违法超限运输"),
            limit_provs,
            "gross_weight_kg - tolerance > limit_kg",
            {
                "axles": axles,
                "vehicle_kind": kind,
                "single_drive_axle": single,
                "gross_weight_kg": gross,
                "limit_kg": limit,
                "tolerance_kg": deduction,
            },
            over > 0,
        )
    )
    if over <= 0:
        stat.violation = False
        return stat
    bd = rules.fine_breakdown(over, limit)
    stat.breakdown = bd
    sched_ids = set(law.penalty.spec.overload.schedule_provisions) if law.penalty.spec.overload else set()
    provs = tuple(p for p in law.basis if p.id in sched_ids)
    if law.local_replacement is not None:
        provs = tuple(law.local_replacement.provisions)
    if bd.outcome == "warning":
        stat.warning = "only"
        stat.sanctions = ["order_correction"]
    elif bd.outcome == "fine":
        stat.lo = stat.hi = bd.fine_yuan
        stat.sanctions = ["order_correction"]
    else:
        stat.outcome_override = "no_penalty"
        stat.sanctions = ["education"] if rules.scheme == "bands" else []
    counting = "不计" if rules.rounding == "floor" else "按一个单位计"
    how = f"（不足{rules.unit_kg}千克部分的计数方式：{counting}，辖区参数）"
    formula = "地方性法规规定的分段" if rules.scheme == "bands" else f"每超限{rules.unit_kg}千克计罚"
    steps.append(
        TraceStep(
            "bracket",
            f"按{formula}公式：{bd.reason}{how if bd.units else ''}",
            provs,
            None,
            {"over_kg": over, "limit_kg": limit, "units": bd.units, "fine_yuan": bd.fine_yuan},
            True,
        )
    )
    return stat


# --- the decision ---------------------------------------------------------------------------------


def _to_date(v: Any, field_name: str) -> date:
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            pass
    raise DomainError("decide.bad_date", "日期格式应为 YYYY-MM-DD", field_name)


def _midpoint(lo: int, hi: int) -> int:
    return (lo + hi) // 2


def decide(
    item: str,
    facts: Mapping[str, Any],
    violation_date: date | str,
    decision_date: date | str | None = None,
    jurisdiction: str | None = None,
    *,
    cat: Catalog | None = None,
) -> Decision:
    """Decide one item. ``decision_date`` None means the same day as the violation;
    ``jurisdiction`` is a 6-digit 行政区划代码 or None for the national base."""
    cat = cat or catalog()
    c = _compiled(cat)
    ci = c.items.get(item) if isinstance(item, str) else None
    if ci is None:
        raise DomainError("decide.unknown_item", f"未知的处罚事项代码“{item}”", "item")
    vdate = _to_date(violation_date, "violation_date")
    ddate = _to_date(decision_date, "decision_date") if decision_date is not None else vdate
    if ddate < vdate:
        raise DomainError("decide.bad_dates", "决定日期不得早于违法行为发生日期", "decision_date")
    region = check_region(jurisdiction, "region")
    spec = ci.spec
    if spec.regions and not any(region_matches(r, region) for r in spec.regions):
        raise DomainError("decide.item_not_in_region", f"事项“{spec.name}”只在{'、'.join(spec.regions)}适用", "region")
    values, given, defaulted = _validate_facts(ci, facts)

    v_old = _version_on(ci, vdate)
    if v_old is None:
        first = min(v.spec.effective_from for v in ci.versions)
        raise DomainError(
            "catalog.no_version",
            f"违法行为发生日{vdate.isoformat()}不在本目录收录的“{spec.name}”法律版本有效期内（收录自{first.isoformat()}）",
            "violation_date",
        )
    trace: list[TraceStep] = []
    warnings: list[str] = []
    trace.append(
        TraceStep(
            "item",
            f"处罚事项：{spec.name}（{spec.code}）；违法行为发生日{vdate.isoformat()}，决定日{ddate.isoformat()}，"
            f"辖区{region or '全国（未指定辖区）'}",
        )
    )
    law_old = _resolve(c, ci, v_old, region, vdate)
    stat_old = _statutory(c, ci, law_old, values, region)
    v_new = _version_on(ci, ddate)
    law, stat, law_applied = law_old, stat_old, "violation_date"
    if v_new is None:
        warnings.append("决定日没有收录的有效法律版本，按违法行为发生时的规定处理")
    else:
        law_new = _resolve(c, ci, v_new, region, ddate)
        same = (
            v_new is v_old
            and [e.spec.id for e in law_new.overlay_entries] == [e.spec.id for e in law_old.overlay_entries]
            and _same_rules(law_new.rules, law_old.rules)
        )
        x37 = (c.xzcff37,) if c.xzcff37 else ()
        if same:
            trace.append(
                TraceStep(
                    "law_choice",
                    f"违法行为发生时与作出决定时适用同一规定（{v_old.spec.id}），适用该规定",
                    (),
                )
            )
        else:
            stat_new = _statutory(c, ci, law_new, values, region)
            k_old, k_new = stat_old.key(), stat_new.key()
            if k_new < k_old:
                law, stat, law_applied = law_new, stat_new, "decision_date"
                why = "作出决定时的规定处罚较轻" if stat_new.violation else "作出决定时的规定不认为是违法"
                trace.append(
                    TraceStep(
                        "law_choice",
                        f"违法行为发生时适用{v_old.spec.id}，作出决定时适用{v_new.spec.id}；{why}"
                        f"（{_describe_key(k_new)}，轻于{_describe_key(k_old)}），依从旧兼从轻原则适用新的规定",
                        x37,
                    )
                )
            else:
                trace.append(
                    TraceStep(
                        "law_choice",
                        f"违法行为发生时适用{v_old.spec.id}，作出决定时适用{v_new.spec.id}；新的规定处罚不轻于原规定"
                        f"（{_describe_key(k_new)}，原规定{_describe_key(k_old)}），适用违法行为发生时的规定",
                        x37,
                    )
                )
    trace.extend(stat.steps)
    if defaulted:
        trace.append(
            TraceStep(
                "facts",
                "以下事实未提供，按不适用相应情形处理："
                + "、".join(f"{ci.facts[n].label}（{n}）= {_show(values[n])}" for n in defaulted),
                missing=tuple(defaulted),
            )
        )
    if (ddate - vdate) > timedelta(days=365 * int(cat.param("limitation_years", region)) + 1):
        warnings.append("违法行为发生日距决定日已超过追责时效年限，请核实发现日期是否在时效内（行政处罚法第三十六条）")

    decision = Decision(
        item=spec.code,
        item_name=spec.name,
        outcome="no_violation",
        severity=None,
        fine=None,
        sanctions=[],
        lists=[],
        law_applied=law_applied,
        version=law.version.spec.id,
        basis=list(law.basis),
        trace=trace,
        facts=dict(given),
        facts_not_given=list(defaulted),
        violation_date=vdate,
        decision_date=ddate,
        jurisdiction=region,
        catalog_version=cat.version,
        warnings=warnings,
        fact_labels=ci.labels,
    )
    if spec.status == "unconfirmed":
        warnings.append("本事项的法律依据（条号或幅度）未经核实，幅度来自辖区参数，请核对现行规章")
    if not stat.violation:
        trace.append(TraceStep("outcome", "结论：不构成违法，不予处罚"))
        return decision
    _apply_lists_and_tiers(c, ci, law, stat, values, region, vdate, ddate, law_applied, decision)
    return decision


def _same_rules(a: OverloadRules | None, b: OverloadRules | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.scheme, a.limits_table, a.bands, a.rounding, a.yuan_per_unit, a.cap_yuan, a.tolerance_kg) == (
        b.scheme,
        b.limits_table,
        b.bands,
        b.rounding,
        b.yuan_per_unit,
        b.cap_yuan,
        b.tolerance_kg,
    )


def _show_value(spec: FactSpec, v: Any) -> str:
    if spec.value_labels and isinstance(v, str):
        return spec.value_labels.get(v, v)
    return _show(v)


def _show(v: Any) -> str:
    if v is True:
        return "是"
    if v is False:
        return "否"
    return str(v)


def _describe_key(k: tuple[int, int, int]) -> str:
    if k[0] < 0:
        return "不予处罚"
    if k[0] >= 3:
        return "含停业整顿或吊销"
    if k[1] == 0 and k[0] <= 1:
        return "警告"
    return f"罚款{k[2]}元至{k[1]}元"


def _exceptions_for(c: _Compiled, ci: _Item, law: _Law) -> tuple[_Exc, ...]:
    key = (law.version.spec.id, tuple(e.spec.id for e in law.overlay_entries))
    hit = c.exc_lists.get(key)
    if hit is None:
        excs: list[_Exc] = []
        if ci.spec.general_exceptions:
            excs.extend(c.general)
        excs.extend(law.version.exceptions)
        for e in law.overlay_entries:
            excs.extend(e.exceptions)
        excs.sort(key=lambda e: -e.spec.priority)
        hit = tuple(excs)
        c.exc_lists[key] = hit
    return hit


def _apply_lists_and_tiers(
    c: _Compiled,
    ci: _Item,
    law: _Law,
    stat: _Stat,
    values: Mapping[str, Any],
    region: str | None,
    vdate: date,
    ddate: date,
    law_applied: str,
    d: Decision,
) -> None:
    trace = d.trace
    missing_all: set[str] = set(d.facts_not_given)
    cat = c.cat
    applied: dict[str, list[_Exc]] = {"no_penalty": [], "mitigated": [], "lighter": [], "heavier": []}
    skipped: list[tuple[_Exc, list[str]]] = []
    for e in _exceptions_for(c, ci, law):
        es = e.spec
        if es.region is not None and not region_matches(es.region, region):
            continue
        if es.enabled_by and not cat.param(es.enabled_by, region):
            continue
        if es.list == "heavier":
            in_force = e.in_force(vdate)
        else:
            in_force = e.in_force(vdate) or e.in_force(ddate)
        if not in_force:
            continue
        facts_needed = e.when.facts
        if facts_needed and e.when.if_none_given is None and not any(f in values for f in facts_needed):
            missing_all.update(facts_needed)
            skipped.append((e, facts_needed))
            continue
        r = e.when.fn(values)
        if r is None:
            miss = e.when.missing(values)
            missing_all.update(miss)
            skipped.append((e, miss))
            continue
        if r:
            applied[es.list].append(e)
            trace.append(
                TraceStep(
                    "exception",
                    f"符合{LISTS[es.list]}情形：{es.label}" + ("" if es.mandatory else "（裁量性规定，“可以”）"),
                    e.provisions,
                    e.when.source,
                    _fmt_facts(e.when.facts, values),
                    True,
                )
            )
            if es.list == "no_penalty":
                break
        elif es.id not in c.general_ids:
            given = "，".join(
                f"{ci.facts[f].label}：{_show_value(ci.facts[f], values[f])}" for f in e.when.facts if f in values
            )
            trace.append(
                TraceStep(
                    "exception",
                    f"不符合{LISTS[es.list]}情形“{es.label}”（{given}）",
                    e.provisions,
                    e.when.source,
                    _fmt_facts(e.when.facts, values),
                    False,
                )
            )
    general_ids = c.general_ids
    for e, miss in skipped:
        if e.spec.id in general_ids:
            continue
        trace.append(
            TraceStep(
                "exception",
                f"{LISTS[e.spec.list]}情形“{e.spec.label}”：未提供"
                + "、".join(f"“{ci.facts[m].label}”" for m in miss)
                + "，条件不能全部确认，不适用",
                e.provisions,
                e.when.source,
                _fmt_facts(e.when.facts, values),
                False,
                tuple(miss),
            )
        )
    skipped = [(e, miss) for e, miss in skipped if e.spec.id in general_ids]
    if skipped:
        skey = (ci.spec.code, tuple((e.spec.id, tuple(miss)) for e, miss in skipped))
        cached = c.skip_text.get(skey)
        if cached is None:
            facts_spec = ci.facts
            all_missing = tuple(sorted({m for _, miss in skipped for m in miss}))
            text = (
                "以下情形因未提供所需事实而不适用："
                + "、".join(
                    dict.fromkeys(
                        f"{LISTS[e.spec.list]}（{'、'.join(p.citation for p in e.provisions) or e.spec.id}）"
                        for e, _ in skipped
                    )
                )
                + "；未提供："
                + "、".join(f"{facts_spec[m].label}（{m}）" for m in all_missing)
            )
            cached = (text, tuple(dict.fromkeys(p for e, _ in skipped for p in e.provisions)), all_missing)
            if len(c.skip_text) < 100_000:
                c.skip_text[skey] = cached
        trace.append(TraceStep("exception", cached[0], cached[1], applied=False, missing=cached[2]))
    d.facts_not_given = sorted(missing_all)

    def finish_no_penalty(label: str, list_entry: dict[str, Any], sanctions: list[str]) -> None:
        d.outcome = "no_penalty"
        d.fine = None
        d.sanctions = sanctions
        d.lists.append(list_entry)
        trace.append(
            TraceStep(
                "outcome",
                f"结论：不予处罚（{label}）"
                + (f"；同时{'、'.join(SANCTIONS[s] for s in sanctions)}" if sanctions else ""),
            )
        )

    if applied["no_penalty"]:
        e = applied["no_penalty"][0]
        finish_no_penalty(
            e.spec.label,
            {
                "list": "no_penalty",
                "id": e.spec.id,
                "label": e.spec.label,
                "mandatory": e.spec.mandatory,
                "provisions": [p.id for p in e.provisions],
            },
            list(e.spec.sanctions) or ["education"],
        )
        return
    if stat.outcome_override == "no_penalty":
        sanctions = list(stat.sanctions)
        finish_no_penalty(
            stat.breakdown.reason if stat.breakdown else (stat.bracket.spec.label if stat.bracket else "法定情形"),
            {
                "list": "no_penalty",
                "id": f"{law.version.spec.id}:statutory",
                "label": "法定不予处罚情形",
                "mandatory": False,
                "provisions": [p.id for p in law.basis],
            },
            sanctions,
        )
        return

    # --- benchmark tiers -------------------------------------------------------------------
    law_date = vdate if law_applied == "violation_date" else ddate
    adopted = cat.param("adopted_benchmarks", region)
    benches = [
        b
        for b in law.version.benchmarks
        if b.in_force(law_date)
        and ((b.spec.region is not None and region_matches(b.spec.region, region)) or b.spec.id in adopted)
    ]
    benches.sort(key=lambda b: -(len(region_stem(b.spec.region)) if b.spec.region else 0))
    if not benches and law.version.benchmarks:
        names = "、".join(f"{b.spec.region_name}《{b.spec.title}》" for b in law.version.benchmarks)
        trace.append(TraceStep("tier", f"已收录的裁量基准（{names}）不适用于本辖区或本日期，未采用"))
    tier: _Tier | None = None
    bench: _Bench | None = None
    tier_unknown = False
    for b in benches[:1]:
        bench = b
        for t in b.tiers:
            assert t.when is not None
            r = t.when(values)
            if r:
                tier = t
                break
            if r is None:
                tier_unknown = True
                missing_all.update(t.when.missing(values))
        if tier is None and b.catch_all is not None and not tier_unknown:
            tier = b.catch_all
    d.facts_not_given = sorted(missing_all)

    lo, hi = stat.lo, stat.hi
    severity = stat.bracket.spec.severity if stat.bracket else None
    proposed: int | None = None
    warning = stat.warning
    sanctions = list(stat.sanctions)
    if tier is not None and bench is not None:
        ts = tier.spec
        d.benchmark, d.tier = bench.spec.id, ts.id
        src = f"{bench.spec.region_name}《{bench.spec.title}》"
        if ts.no_penalty:
            trace.append(
                TraceStep(
                    "tier",
                    f"依{src}，属“{ts.label}”档：不予处罚",
                    (),
                    tier.when.source if tier.when else "其他情形",
                    _fmt_facts(tier.when.facts, values) if tier.when else None,
                    True,
                )
            )
            finish_no_penalty(
                f"{src}“{ts.label}”档",
                {
                    "list": "no_penalty",
                    "id": f"{bench.spec.id}:{ts.id}",
                    "label": f"{src}“{ts.label}”档",
                    "mandatory": True,
                    "provisions": [],
                },
                list(ts.sanctions) or ["education"],
            )
            return
        severity = ts.severity or severity
        t_lo, t_hi, t_prop = lo, hi, None
        if stat.multiple and ts.multiple:
            t_lo, t_hi = stat.base * ts.multiple[0], stat.base * ts.multiple[1]
            if ts.proposed_multiple is not None:
                t_prop = stat.base * ts.proposed_multiple
        elif not stat.multiple and ts.range:
            t_lo, t_hi = ts.range
            t_prop = ts.proposed
            if stat.count > 1:
                t_lo, t_hi = t_lo * stat.count, t_hi * stat.count
                t_prop = t_prop * stat.count if t_prop is not None else None
        if t_lo is not None and lo is not None and hi is not None:
            t_lo, t_hi = max(t_lo, lo), min(t_hi if t_hi is not None else hi, hi)
            if t_lo > t_hi:
                t_lo, t_hi = lo, hi
        lo, hi = t_lo, t_hi
        proposed = t_prop
        if warning == "alternative" and lo is not None:
            warning = "none"  # the benchmark chose the fine
        sanctions.extend(s for s in ts.sanctions if s not in sanctions)
        rng = f"，幅度{lo}元至{hi}元" if lo is not None else ""
        trace.append(
            TraceStep(
                "tier",
                f"依{src}（{bench.spec.source_url}），属“{ts.label}”档"
                + (f"（情节{SEVERITIES[ts.severity]}）" if ts.severity else "")
                + rng,
                (),
                tier.when.source if tier.when else "基准未列明的其他情形",
                _fmt_facts(tier.when.facts, values) if tier.when else None,
                True,
            )
        )
    elif bench is not None:
        src = f"{bench.spec.region_name}《{bench.spec.title}》"
        if tier_unknown:
            miss = sorted({m for t in bench.tiers if t.when is not None for m in t.when.missing(values)})
            trace.append(
                TraceStep(
                    "tier",
                    f"依{src}确定档次所需的事实未提供（{'、'.join(ci.facts[m].label for m in miss)}），"
                    "不适用基准档次，按法定幅度裁量",
                    missing=tuple(miss),
                )
            )
        else:
            trace.append(TraceStep("tier", f"事实不在{src}列明的档次内，按法定幅度裁量"))

    if warning == "alternative" and lo is not None:
        d.alternative_fine = (lo, hi if hi is not None else lo)
        trace.append(
            TraceStep("adjust", f"法定处罚为警告或者罚款（{lo}元至{hi}元），建议选择较轻的警告；执法人员也可选择罚款")
        )
        lo = hi = None

    statutory_lo = stat.lo
    statutory_hi = stat.hi
    lists = d.lists
    if lo is not None and hi is not None:
        params = cat.params(region)
        if proposed is None:
            rule = params["proposal_without_benchmark"]
            proposed = lo if rule == "min" else _midpoint(lo, hi)
            if tier is None and lo != hi:
                trace.append(
                    TraceStep(
                        "adjust",
                        f"无适用的裁量基准档次，建议罚款取幅度{'最低额' if rule == 'min' else '中间值'}"
                        f"{proposed}元（辖区参数，仅供参考）",
                    )
                )
        mit = applied["mitigated"]
        light = applied["lighter"]
        heavy = applied["heavier"]
        if mit and statutory_lo is not None and statutory_lo > 0:
            e = mit[0]
            new_hi = statutory_lo
            new_prop = statutory_lo * int(params["mitigation_ratio_pct"]) // 100
            lo, hi, proposed = 0, new_hi, new_prop
            lists.append(_list_entry(e))
            trace.append(
                TraceStep(
                    "adjust",
                    f"减轻处罚：在法定最低额{statutory_lo}元以下裁量，幅度0元至{new_hi}元，建议{new_prop}元"
                    f"（法定最低额的{params['mitigation_ratio_pct']}%，辖区参数）",
                    e.provisions,
                )
            )
        else:
            if mit:
                light = light + mit
                trace.append(TraceStep("adjust", "法定罚款下限为0元，减轻处罚无法低于下限，按从轻处罚处理"))
            if light and heavy:
                for e in light + heavy:
                    lists.append(_list_entry(e))
                trace.append(TraceStep("adjust", "同时具有从轻和从重情节，在原幅度内综合裁量，建议值不变"))
            elif light or heavy:
                es = light or heavy
                for e in es:
                    lists.append(_list_entry(e))
                mid = _midpoint(lo, hi)
                if lo == hi:
                    trace.append(
                        TraceStep(
                            "adjust",
                            f"{'从轻' if light else '从重'}处罚：幅度为固定数额{lo}元，数额不变",
                            es[0].provisions,
                        )
                    )
                elif light:
                    lo, hi = lo, mid
                    proposed = _midpoint(lo, hi)
                    trace.append(
                        TraceStep(
                            "adjust",
                            f"从轻处罚：在幅度中间值以下裁量，幅度{lo}元至{hi}元，建议{proposed}元",
                            es[0].provisions,
                        )
                    )
                else:
                    lo, hi = mid, hi
                    proposed = _midpoint(lo, hi)
                    trace.append(
                        TraceStep(
                            "adjust",
                            f"从重处罚：在幅度中间值以上裁量，幅度{lo}元至{hi}元，建议{proposed}元",
                            es[0].provisions,
                        )
                    )
        # never above the statutory maximum; below the minimum only when 减轻 applies
        mitigated = bool(mit) and statutory_lo is not None and statutory_lo > 0
        if statutory_hi is not None:
            hi = min(hi, statutory_hi)
        if not mitigated and statutory_lo is not None:
            lo = max(lo, statutory_lo) if lo < statutory_lo else lo
        lo = max(lo, 0)
        hi = max(hi, lo)
        proposed = min(max(proposed, lo), hi)
        d.fine = FineRange(int(lo), int(hi), int(proposed))
        if "fine" not in sanctions:
            sanctions.insert(0, "fine")
    if warning in ("with", "only", "alternative"):
        sanctions.insert(0, "warning")
    d.sanctions = sanctions
    d.severity = severity
    if d.fine is not None:
        d.outcome = "fine"
    elif "warning" in sanctions:
        d.outcome = "warning"
    else:
        d.outcome = "other"
    if stat.cond_labels:
        trace.append(TraceStep("adjust", "并：" + "；".join(stat.cond_labels)))
    parts = [SANCTIONS[s] for s in sanctions if s != "fine"]
    if d.fine is not None:
        parts.insert(
            0 if "warning" not in sanctions else 1,
            f"罚款{d.fine.min}元"
            if d.fine.min == d.fine.max
            else f"罚款（幅度{d.fine.min}元至{d.fine.max}元，建议{d.fine.proposed}元）",
        )
    trace.append(
        TraceStep(
            "outcome",
            f"结论：{OUTCOMES[d.outcome]}"
            + (f"，情节{SEVERITIES[severity]}" if severity else "")
            + (f"；处理：{'、'.join(parts)}" if parts else ""),
        )
    )


def _list_entry(e: _Exc) -> dict[str, Any]:
    return {
        "list": e.spec.list,
        "id": e.spec.id,
        "label": e.spec.label,
        "mandatory": e.spec.mandatory,
        "provisions": [p.id for p in e.provisions],
    }


# --- several items for one act: cumulative caps ---------------------------------------------------


def decide_combined(
    requests: list[tuple[str, Mapping[str, Any]]],
    violation_date: date | str,
    decision_date: date | str | None = None,
    jurisdiction: str | None = None,
    *,
    cat: Catalog | None = None,
) -> CombinedDecision:
    """Decide several items found in one act (e.g. 超限 weight and dimensions of one vehicle)
    and apply the catalog's cumulative caps: fines are added but the total stays within
    the cap (the later items are reduced first)."""
    cat = cat or catalog()
    c = _compiled(cat)
    # one act, one set of facts: each item takes the facts it declares; a fact no item knows is an error
    for code, _ in requests:
        if code not in c.items:
            raise DomainError("decide.unknown_item", f"未知的处罚事项代码“{code}”", "item")
    decisions = []
    for code, facts in requests:
        if not isinstance(facts, Mapping):
            raise DomainError("decide.bad_facts", "事实应为 JSON 对象（键为事实名）", "facts")
        for name in facts:
            if not any(name in c.items[other].facts for other, _ in requests):
                raise DomainError("decide.unknown_fact", f"所列事项都没有名为“{name}”的事实", f"facts.{name}")
        own = {k: v for k, v in facts.items() if k in c.items[code].facts}
        decisions.append(decide(code, own, violation_date, decision_date, jurisdiction, cat=cat))
    caps_applied: list[str] = []
    for cap in c.caps:
        members = [d for d in decisions if d.item in cap.items and d.fine is not None]
        if len(members) < 2 and not any(d.fine and d.fine.max > cap.max_yuan for d in members):
            continue
        remaining_max = cap.max_yuan
        remaining_prop = cap.max_yuan
        changed = False
        for d in members:
            assert d.fine is not None
            new_max = min(d.fine.max, remaining_max)
            new_prop = min(d.fine.proposed, remaining_prop, new_max)
            new_min = min(d.fine.min, new_max)
            if (new_min, new_max, new_prop) != (d.fine.min, d.fine.max, d.fine.proposed):
                changed = True
                note = (
                    "已达合并上限，本项不再另处罚款"
                    if new_max == 0
                    else f"本项罚款调整为幅度{new_min}元至{new_max}元，建议{new_prop}元"
                )
                d.trace.append(
                    TraceStep(
                        "cap",
                        f"{cap.label}：{note}",
                        tuple(cat.provisions[p] for p in cap.provisions),
                    )
                )
                d.fine = FineRange(new_min, new_max, new_prop)
            remaining_max = max(remaining_max - d.fine.max, 0)
            remaining_prop = max(remaining_prop - d.fine.proposed, 0)
        if changed:
            caps_applied.append(cap.id)
    fines = [d.fine for d in decisions if d.fine is not None]
    total = (
        FineRange(sum(f.min for f in fines), sum(f.max for f in fines), sum(f.proposed for f in fines))
        if fines
        else None
    )
    return CombinedDecision(decisions, total, caps_applied, cat.version)
