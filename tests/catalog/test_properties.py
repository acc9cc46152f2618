"""Hypothesis properties of the engine: bounds, caps, monotone in overweight, version by date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zhifa.catalog.engine import decide, decide_combined, overload_rules
from zhifa.catalog.schema import FactSpec
from zhifa.catalog.yamlload import bracket_bounds, catalog
from zhifa.core.errors import DomainError

REGIONS = [None, "411321", "410000", "330100", "371300", "520402", "360100", "152525"]
RANK = {"none": 0, "no_violation": 0, "no_penalty": 0, "warning": 1, "fine": 2}

dates = st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 6, 30))

vehicle = st.sampled_from(
    [
        (2, "truck", None),
        (3, "truck", None),
        (3, "combination", None),
        (4, "truck", None),
        (4, "combination", None),
        (5, "combination", None),
        (6, "combination", False),
        (6, "combination", True),
        (7, "combination", False),
    ]
)


def _weight(axles, kind, single, gross, region, day):
    facts = {"axles": axles, "vehicle_kind": kind, "gross_weight_kg": gross}
    if single is not None:
        facts["single_drive_axle"] = single
    return decide("overload.weight", facts, day, day, region)


@settings(max_examples=300, deadline=None)
@given(vehicle, st.integers(0, 150_000), st.sampled_from(REGIONS), dates)
def test_overload_fine_bounded_and_agrees_with_overload_rules(v, gross, region, day):
    axles, kind, single = v
    d = _weight(axles, kind, single, gross, region, day)
    rules = overload_rules(region, day)
    limit = rules.limit_kg(axles, kind, single)
    outcome, fine = rules.fine_for(gross - limit, limit)
    mapped = {"no_violation": "none", "no_penalty": "none"}.get(d.outcome, d.outcome)
    assert mapped == outcome
    if d.fine is not None:
        assert d.fine.min == d.fine.max == d.fine.proposed == fine
        assert 0 < fine <= 30000
    else:
        assert fine == 0


@settings(max_examples=200, deadline=None)
@given(vehicle, st.integers(0, 120_000), st.integers(0, 40_000), st.sampled_from(REGIONS), dates)
def test_overload_monotone_in_overweight(v, gross, extra, region, day):
    axles, kind, single = v
    a = _weight(axles, kind, single, gross, region, day)
    b = _weight(axles, kind, single, gross + extra, region, day)
    assert RANK[a.outcome] <= RANK[b.outcome]
    fa = a.fine.proposed if a.fine else 0
    fb = b.fine.proposed if b.fine else 0
    assert fa <= fb


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60_000), st.integers(3000, 6000), st.integers(15000, 30000), st.integers(0, 10_000), dates)
def test_cumulative_cap_weight_and_dimensions(gross_over, height, length, width_over, day):
    combined = decide_combined(
        [
            ("overload.weight", {"axles": 2, "vehicle_kind": "truck", "gross_weight_kg": 18000 + gross_over}),
            ("overload.dimensions", {"height_mm": height, "width_mm": 2550 + width_over, "length_mm": length}),
        ],
        day,
        day,
        None,
    )
    assert combined.total is None or combined.total.max <= 30000
    assert combined.total is None or 0 <= combined.total.min <= combined.total.proposed <= combined.total.max


def _fact_strategy(spec: FactSpec):
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "int":
        lo = spec.min if spec.min is not None else 0
        hi = spec.max if spec.max is not None else 200_000
        return st.integers(lo, min(hi, 200_000))
    if spec.type == "decimal":
        return st.integers(0, 100)
    return st.text(max_size=3)


@st.composite
def item_case(draw):
    cat = catalog()
    code = draw(st.sampled_from(sorted(cat.items)))
    item = cat.items[code]
    facts = {}
    for f in item.facts:
        if f.required is True or draw(st.booleans()):
            facts[f.name] = draw(_fact_strategy(f))
    for name in (
        "first_offence",
        "harm",
        "corrected_in_time",
        "eliminated_harm",
        "mitigation_elected",
        "emergency_violation",
        "age",
    ):
        if item.general_exceptions and draw(st.integers(0, 4)) == 0:
            spec = next(g for g in cat.general_facts if g.name == name)
            facts.setdefault(name, draw(_fact_strategy(spec)))
    vdate = draw(dates)
    ddate = vdate + timedelta(days=draw(st.integers(0, 400)))
    region = draw(st.sampled_from(REGIONS))
    if item.regions:
        region = draw(st.sampled_from(["410000", "411321"]))
    return code, facts, vdate, ddate, region


def _statutory_extremes(code, version_id, facts):
    """(lowest min, highest max) of the version's brackets for these facts, ignoring overlays."""
    item = catalog().items[code]
    version = next(v for v in item.versions if v.id == version_id)
    params = catalog().params(None)
    lows, highs = [], []
    for b in version.penalty.brackets:
        if b.fine is None:
            continue
        if b.fine.multiple_of:
            base = facts.get(b.fine.multiple_of, 0)
            lo, hi = base * b.fine.min_multiple, base * b.fine.max_multiple
        else:
            lo, hi = bracket_bounds(b, params)
        n = facts.get(b.fine.per_violation_of, 1) if b.fine.per_violation_of else 1
        lows.append(lo * n)
        highs.append(hi * n)
    return (min(lows), max(highs)) if lows else (0, 0)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item_case())
def test_any_item_never_above_max_never_negative_below_min_only_when_mitigated(case):
    code, facts, vdate, ddate, region = case
    try:
        d = decide(code, facts, vdate, ddate, region)
    except DomainError as err:
        # only input or coverage problems may be raised, each naming a field
        assert err.code.startswith(("decide.", "catalog.no_version")), err.code
        assert err.field
        return
    assert d.outcome in ("no_violation", "no_penalty", "warning", "fine", "other")
    if d.fine is None:
        assert "fine" not in d.sanctions
        return
    lo, hi = _statutory_extremes(code, d.version, facts)
    assert isinstance(d.fine.proposed, int)
    assert 0 <= d.fine.min <= d.fine.proposed <= d.fine.max
    if code != "overload.weight":  # the weight formula may be replaced by a provincial one
        assert d.fine.max <= hi
    mitigated = any(entry["list"] == "mitigated" for entry in d.lists)
    if not mitigated and code != "overload.weight":
        assert d.fine.min >= lo


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100_000), st.booleans(), st.dates(date(2022, 4, 1), date(2025, 12, 31)), st.integers(0, 700))
def test_version_by_date_unlicensed_freight(income, serious, vdate, days):
    ddate = vdate + timedelta(days=days)
    switch = date(2023, 7, 20)
    d = decide("road_transport.unlicensed_freight", {"illegal_income_yuan": income, "serious": serious}, vdate, ddate)
    if vdate >= switch:
        assert d.version.endswith("@2023") and d.law_applied == "violation_date"
    elif ddate < switch:
        assert d.version.endswith("@2022") and d.law_applied == "violation_date"
        assert d.fine is not None
        assert d.fine.min == (2 * income if income >= 20000 else 30000)
    else:
        # every branch of the 2023 text is lighter than the 2022 text: 从旧兼从轻 picks the new law
        assert d.version.endswith("@2023") and d.law_applied == "decision_date"
        assert any(s.step == "law_choice" and "较轻" in s.result for s in d.trace)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 100_000), st.dates(date(2022, 4, 1), date(2023, 7, 19)), st.integers(0, 700))
def test_dangerous_goods_same_range_keeps_old_law(income, vdate, days):
    ddate = vdate + timedelta(days=days)
    assume(ddate >= date(2023, 7, 20))
    # the two texts give the same range except for income exactly 20000 (new: fixed range, lighter)
    assume(income != 20000)
    d = decide("road_transport.unlicensed_dangerous_goods", {"illegal_income_yuan": income}, vdate, ddate)
    assert d.law_applied == "violation_date" and d.version.endswith("@2022")
