"""Limits, adjustments, tolerance and the fine schedule: the vectorised rules equal the
catalog's scalar ones (``limit_kg``, ``tolerance_for``, ``fine_for``)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.catalog.engine import overload_rules
from zhifa.offsite.limits import KIND_CODES, RuleBook, build_ruleset, fine_grid
from zhifa.offsite.sql import SqlContext, fine_case_sql, tolerance_sql

from .conftest import passage, replaced_rules

DAY = date(2024, 5, 1)
NATIONAL = overload_rules(None, DAY)
ZHEJIANG = overload_rules("330000", DAY)
VARIANTS = {
    "national": NATIONAL,
    "henan": overload_rules("410000", DAY),
    "zhejiang": ZHEJIANG,
    "national-ceil": dataclasses.replace(NATIONAL, rounding="ceil"),
    "zhejiang-ceil": dataclasses.replace(ZHEJIANG, rounding="ceil"),
    "tolerance": dataclasses.replace(NATIONAL, tolerance_kg=300, tolerance_pct=Decimal("2.5")),
}


@pytest.mark.parametrize(
    ("axles", "kind", "sda", "limit"),
    [
        (2, "truck", None, 18000),
        (3, "truck", None, 25000),
        (3, "combination", None, 27000),
        (4, "truck", None, 31000),
        (4, "combination", None, 36000),
        (5, "combination", None, 43000),
        (6, "combination", False, 49000),
        (6, "combination", True, 46000),
        (7, "combination", True, 46000),
        (8, "combination", False, 49000),
    ],
)
def test_statutory_limits_end_to_end(run, csv_file, axles, kind, sda, limit):
    """One kilogram over the limit is an event with that limit; at the limit nothing."""
    flag = "" if sda is None else ("1" if sda else "0")
    rows = [
        passage(1, axles=axles, vehicle_kind=kind, single_drive_axle=flag, gross_kg=limit, plate="豫A10001"),
        passage(2, axles=axles, vehicle_kind=kind, single_drive_axle=flag, gross_kg=limit + 1, plate="豫A10002"),
    ]
    r = run(csv_file(rows))
    assert [(e["record_id"], int(e["limit_kg"]), int(e["over_kg"])) for e in r.events] == [("R000002", limit, 1)]
    assert r.events[0]["outcome"] == "warning"
    assert r.summary["accepted"] == 2


def test_expanded_table_equals_catalog_limit_kg():
    rs = build_ruleset(NATIONAL)
    for axles in range(2, 13):
        for kind in ("truck", "combination"):
            for sda_code, sda in ((1, False), (2, True)):
                assert rs.table_limit(axles, KIND_CODES[kind], sda_code) == NATIONAL.limit_kg(axles, kind, sda)


def test_unknown_kind_or_drive_axle_takes_the_limit_most_favourable_to_the_party():
    rs = build_ruleset(NATIONAL)
    assert rs.table_limit(6, KIND_CODES["combination"], 0) == 49000  # drive axle not stated
    assert rs.table_limit(3, 0, 0) == 27000  # kind not stated: combination's 27 t, not 25 t
    assert rs.table_limit(2, KIND_CODES["combination"], 0) is None  # no such row


@pytest.mark.parametrize(
    ("over", "limit", "expected_limit"),
    [
        ({"axles": 3, "vehicle_kind": "truck", "air_suspension": "1"}, 25000, 26000),
        ({"axles": 4, "vehicle_kind": "truck", "air_suspension": "是"}, 31000, 32000),
        ({"axles": 4, "vehicle_kind": "truck", "air_suspension": "0"}, 31000, 31000),
        ({"axles": 5, "vehicle_kind": "combination", "air_suspension": "1"}, 43000, 43000),
        ({"axles": 4, "vehicle_kind": "articulated", "air_suspension": "1", "axle_spacing_mm": "1800"}, 36000, 37000),
        ({"axles": 4, "vehicle_kind": "articulated", "air_suspension": "1", "axle_spacing_mm": "1799"}, 36000, 36000),
        ({"axles": 2, "vehicle_kind": "truck", "licensed_gross_kg": "12000"}, 18000, 12000),
        ({"axles": 2, "vehicle_kind": "truck", "licensed_gross_kg": "25000"}, 18000, 18000),
        ({"axles": 3, "vehicle_kind": "tractor", "licensed_gross_kg": "9000"}, None, 9000),
        ({"axles": 6, "vehicle_kind": "combination", "single_tyre_axles": "2"}, 49000, 43000),
    ],
)
def test_attribute_adjustments(run, csv_file, over, limit, expected_limit):
    header = [*list(passage()), "licensed_gross_kg", "air_suspension", "single_tyre_axles", "axle_spacing_mm"]
    row = passage(1, single_drive_axle="", gross_kg=expected_limit + 2000, **over)
    r = run(csv_file([row], header=header))
    assert [int(e["limit_kg"]) for e in r.events] == [expected_limit]
    assert int(r.events[0]["over_kg"]) == 2000


def test_tolerance_is_deducted_in_favour_of_the_party(run, csv_file):
    rules = replaced_rules(tolerance_kg=500, tolerance_pct=Decimal("1.5"))
    # 49000 limit; 50260 kg: deduction 500 + ceil(753.9) = 1254 -> 6 kg over
    rows = [passage(1, gross_kg=50260, plate="豫A10001"), passage(2, gross_kg=50240, plate="豫A10002")]
    r = run(csv_file(rows), rules=rules)
    assert [(e["record_id"], e["tolerance_kg"], e["over_kg"]) for e in r.events] == [("R000001", "1254", "6")]
    assert r.summary["accepted"] == 2


def test_default_tolerance_is_zero():
    assert NATIONAL.tolerance_kg == 0 and NATIONAL.tolerance_pct == 0
    assert build_ruleset(NATIONAL).tolerance_for(50000) == 0


@settings(max_examples=300, deadline=None)
@given(gross=st.integers(0, 300_000), kg=st.integers(0, 2000), pct=st.decimals("0", "10", places=2))
def test_tolerance_equals_catalog(gross, kg, pct):
    rules = dataclasses.replace(NATIONAL, tolerance_kg=kg, tolerance_pct=pct)
    rs = build_ruleset(rules)
    assert rs.tolerance_for(gross) == rules.tolerance_for(gross)
    got = duckdb.execute(f"SELECT {tolerance_sql(rs, 'g')} FROM (SELECT $g::BIGINT AS g)", {"g": gross}).fetchone()[0]
    assert got == rules.tolerance_for(gross)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_parameter_fine_equals_catalog_on_every_edge(name):
    rs = build_ruleset(VARIANTS[name])
    assert rs.check_against_catalog() == []


@pytest.mark.parametrize("name", list(VARIANTS))
def test_vectorised_fine_equals_catalog_on_every_edge(name):
    rules = VARIANTS[name]
    rs = build_ruleset(rules)
    grid = fine_grid(rs)
    outcome, fine = fine_case_sql(SqlContext(present=set(), rule_sets=[rs]), over="o", limit="l", rs="0")
    got = duckdb.execute(
        f"SELECT l, o, {outcome}, {fine} FROM (SELECT unnest($l) AS l, unnest($o) AS o)",
        {"l": [g[0] for g in grid], "o": [g[1] for g in grid]},
    ).fetchall()
    assert len(got) == len(grid)
    for lim, over, out, yuan in got:
        assert (out, yuan) == rules.fine_for(over, lim), (lim, over)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(list(VARIANTS)), over=st.integers(1, 200_000), limit=st.sampled_from([18000, 27000, 49000]))
def test_vectorised_fine_equals_catalog_anywhere(name, over, limit):
    rules = VARIANTS[name]
    rs = build_ruleset(rules)
    outcome, fine = fine_case_sql(SqlContext(present=set(), rule_sets=[rs]), over="o", limit="l")
    got = duckdb.execute(
        f"SELECT {outcome}, {fine} FROM (SELECT $o::BIGINT AS o, $l::BIGINT AS l)", {"o": over, "l": limit}
    ).fetchone()
    assert tuple(got) == rules.fine_for(over, limit) == rs.fine(over, limit)


def test_national_fine_schedule_examples():
    assert NATIONAL.fine_for(1000, 49000) == ("warning", 0)
    assert NATIONAL.fine_for(1999, 49000) == ("fine", 500)  # part tonnes not counted (floor)
    assert NATIONAL.fine_for(70000, 49000) == ("fine", 30000)  # cap


def test_zhejiang_band_below_twenty_percent_is_no_penalty(run, csv_file):
    rows = [
        passage(1, gross_kg=49000 + 9800, plate="浙A10001"),  # exactly 20 %: 批评教育
        passage(2, gross_kg=49000 + 12000, plate="浙A10002"),  # 2200 kg in the 300 yuan band
    ]
    r = run(csv_file(rows), region="330000")
    assert [(e["record_id"], e["outcome"], e["fine_yuan"]) for e in r.events] == [("R000002", "fine", "600")]
    none = r.rows("no_penalty_events.csv")
    assert [(e["record_id"], e["outcome"], e["fine_yuan"]) for e in none] == [("R000001", "none", "0")]
    assert r.summary["no_penalty_events"] == 1 and r.summary["events"] == 1


def test_catalog_disagreement_stops_the_run(run, csv_file, tmp_path):
    class Wrong:
        def __init__(self, rules):
            self._rules = rules

        def __getattr__(self, name):
            return getattr(self._rules, name)

        def fine_for(self, over_kg, limit_kg):
            outcome, fine = self._rules.fine_for(over_kg, limit_kg)
            return outcome, fine + (1 if outcome == "fine" and over_kg > 20000 else 0)

    from zhifa.offsite.detect import DetectError

    with pytest.raises(DetectError, match="不一致"):
        run(csv_file([passage(1)]), rules=lambda region, d: Wrong(overload_rules(region, d)))


def test_rule_book_maps_dates_outside_the_catalog_to_none():
    book = RuleBook(overload_rules, None)
    assert book.id_for(date(2015, 1, 1)) is None
    assert book.id_for(date(2024, 1, 1)) == 0
    assert book.id_for(date(2024, 6, 1)) == 0  # same rules, same id
    assert "2015-01-01" in next(iter(book.errors.values())) or book.errors
