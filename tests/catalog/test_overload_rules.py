"""The overload interface used by the off-site engine (zhifa.catalog.engine.overload_rules)."""

from datetime import date

import pytest

from zhifa.catalog.engine import overload_rules
from zhifa.core.errors import DomainError

D = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("axles", "kind", "single", "limit"),
    [
        (2, "truck", None, 18000),
        (3, "truck", None, 25000),
        (3, "combination", None, 27000),
        (4, "truck", None, 31000),
        (4, "combination", None, 36000),
        (5, "combination", None, 43000),
        (6, "combination", False, 49000),
        (6, "combination", True, 46000),
        (8, "combination", False, 49000),
        (6, "combination", None, None),
        (5, "truck", None, None),
        (2, "combination", None, None),
    ],
)
def test_limit_table(axles, kind, single, limit):
    assert overload_rules(None, D).limit_kg(axles, kind, single) == limit


def test_limits_table_rows_cover_lookup():
    rules = overload_rules("410000", D)
    rows = {(r.axles, r.vehicle_kind, r.single_drive_axle): r.limit_kg for r in rules.limits_table}
    assert rows[(6, "combination", True)] == 46000
    assert rows[(2, "truck", None)] == 18000
    assert rules.max_axles_class == 6
    assert (rules.height_mm, rules.width_mm, rules.length_mm) == (4000, 2550, 18100)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        (-5, ("none", 0)),
        (0, ("none", 0)),
        (1, ("warning", 0)),
        (1000, ("warning", 0)),
        (1001, ("fine", 500)),
        (2999, ("fine", 1000)),
        (3000, ("fine", 1500)),
        (60000, ("fine", 30000)),
        (61000, ("fine", 30000)),
    ],
)
def test_national_schedule_floor(over, expected):
    rules = overload_rules(None, D)
    assert rules.scheme == "per_unit"
    assert (rules.unit_kg, rules.yuan_per_unit, rules.cap_yuan, rules.warning_max_over_kg) == (1000, 500, 30000, 1000)
    assert rules.rounding == "floor"
    assert rules.fine_for(over, 49000) == expected


def test_henan_keeps_national_formula_and_cites_local_law():
    rules = overload_rules("411321", D)  # 南召县, 南阳市, 河南省
    assert rules.scheme == "per_unit"
    assert rules.fine_for(2500, 49000) == ("fine", 1000)
    ids = [p.id for p in rules.provisions]
    assert "HNCX-26-1" in ids and "GLAQ-64" in ids
    assert rules.overlays == ("henan.overload.weight",)


def test_zhejiang_replaces_formula_with_bands_from_2020_09_01():
    before = overload_rules("330100", date(2020, 8, 31))
    after = overload_rules("330100", date(2020, 9, 1))
    assert before.scheme == "per_unit"
    assert after.scheme == "bands"
    # 49 t limit: 20 % = 9800 kg → criticism and education, no fine
    assert after.fine_for(9800, 49000) == ("none", 0)
    # 30 t over: 20–50 % part = 24500-9800 = 14700 kg → 14 t × 300; above 50 % = 5500 kg → 5 t × 500
    assert after.fine_for(30000, 49000) == ("fine", 14 * 300 + 5 * 500)
    assert after.fine_for(200000, 49000) == ("fine", 30000)


def test_tolerance_defaults_to_zero():
    rules = overload_rules(None, D)
    assert rules.tolerance_kg == 0 and rules.tolerance_for(50000) == 0
    assert rules.counted_over_kg(50000, 49000, wim=True) == 1000
    assert rules.implausible_gross_kg == 200000


def test_bad_region_and_date():
    with pytest.raises(DomainError) as e:
        overload_rules("41", D)
    assert e.value.field == "region"
    with pytest.raises(DomainError) as e:
        overload_rules(None, date(2010, 1, 1))
    assert e.value.code == "catalog.no_version"


def test_rounding_and_tolerance_parameters_from_an_overlay(data_copy):
    """A province that counts part-tonnes upwards and deducts a WIM tolerance: both the
    OverloadRules interface and decide() follow the parameters, and agree."""
    from zhifa.catalog.engine import decide
    from zhifa.catalog.overload import build_overload_rules
    from zhifa.catalog.yamlload import load_catalog

    d = data_copy()
    (d / "overlays/370000-test.yaml").write_text(
        'region: "370000"\nname: 测试省\nlevel: 省\nsource: 测试\n'
        "parameters:\n  overload_part_tonne_rounding: ceil\n  wim_tolerance_kg: 100\n  wim_tolerance_pct: '2'\n",
        encoding="utf-8",
    )
    cat = load_catalog(d)
    rules = build_overload_rules(cat, "371300", D)
    assert rules.rounding == "ceil"
    assert rules.fine_for(1001, 49000) == ("fine", 1000)  # 2 started tonnes
    # WIM: 52,000 kg measured → deduction 100 + 2 % of 52,000 = 1,140 kg → counted excess 1,860
    assert rules.counted_over_kg(52000, 49000, wim=True) == 1860
    facts = {"axles": 6, "vehicle_kind": "combination", "single_drive_axle": False, "gross_weight_kg": 52000}
    wim = decide("overload.weight", {**facts, "measurement": "wim"}, D, D, "371300", cat=cat)
    static = decide("overload.weight", facts, D, D, "371300", cat=cat)
    assert wim.fine.proposed == rules.fine_for(1860, 49000)[1] == 1000
    assert static.fine.proposed == rules.fine_for(3000, 49000)[1] == 1500
    # the national default stays floor
    assert build_overload_rules(cat, None, D).rounding == "floor"
