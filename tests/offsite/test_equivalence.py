"""Row by row, the SQL classifier equals the plain-Python oracle, and plate validation in
SQL equals ``zhifa.core.validators.parse_plate`` (which the oracle calls)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.catalog.engine import overload_rules
from zhifa.core.validators import PROVINCE_ABBR, ValidationProblem, parse_plate, plate_pattern
from zhifa.offsite.limits import RuleBook
from zhifa.offsite.oracle import Oracle, Passage, parse_timestamp
from zhifa.offsite.schema import COLUMN_NAMES, plate_sql_pattern, python_whitespace, upper_map
from zhifa.offsite.sql import SqlContext, classify_sql

from .conftest import passage

ALL = list(COLUMN_NAMES)
DAY = date(2024, 5, 1)


def sql_rows(rows: list[dict[str, object]], naive: bool = False, nev_letters: str = "DF") -> list[dict]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    con.execute("CREATE TABLE t (i INTEGER, " + ", ".join(f'"{c}" VARCHAR' for c in ALL) + ")")
    con.executemany(
        f"INSERT INTO t VALUES ({', '.join(['?'] * (len(ALL) + 1))})",
        [[i] + [None if r.get(c) in (None, "") else str(r[c]) for c in ALL] for i, r in enumerate(rows)],
    )
    book = RuleBook(overload_rules, None, DAY)
    ctx = SqlContext(present=set(ALL), rule_sets=[], use_fixed=True, nev_letters=nev_letters)
    ctx.fixed_rs = book.id_for(DAY)
    ctx.rule_sets = book.sets
    q = classify_sql("t", ctx, keep=["i"], naive_quotes=naive)
    cur = con.execute(f"SELECT * FROM ({q}) ORDER BY i")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def oracle_rows(rows: list[dict[str, object]], nev_letters: str = "DF") -> list[Passage]:
    o = Oracle(overload_rules, on_date=DAY, nev_letters=nev_letters)
    out = []
    for i, r in enumerate(rows):
        p = Passage(row=i + 1, order=i, raw={c: (None if r.get(c) in (None, "") else str(r[c])) for c in ALL})
        o.classify(p, set(ALL), False)
        out.append(p)
    return out


def assert_same(rows: list[dict[str, object]], nev_letters: str = "DF") -> None:
    full = sql_rows(rows, nev_letters=nev_letters)
    naive = sql_rows(rows, naive=True, nev_letters=nev_letters)
    for r, s, n, p in zip(rows, full, naive, oracle_rows(rows, nev_letters), strict=True):
        ctx = f"row={r!r}"
        assert s["reason"] == p.reason, ctx
        assert s["field"] == p.bad_field, ctx
        if p.reason is None:
            assert s["plate_n"] == p.plate, ctx
            assert s["ts_us"] == p.ts_us, ctx
            assert s["limit_kg"] == p.limit_kg, ctx
            assert s["over_kg"] == p.over_kg, ctx
            assert s["class"] == (1 if p.violation else 0), ctx
        else:
            assert s["class"] == 2, ctx
        # the whole-file scan may only flag more rows, and agrees on the rest
        if n["class"] in (0, 1):
            assert n["class"] == s["class"], ctx
            assert (n["ts_us"], n["plate_n"], n["u_record_id"]) == (s["ts_us"], s["plate_n"], s["u_record_id"]), ctx


# --- plates ------------------------------------------------------------------------------

PLATE_CHARS = (
    PROVINCE_ABBR[:6]
    + "豫使领挂学警港澳"
    + "ABCDEFGHJKLMNPQRSTUVWXYZIO"
    + "abcdfioz"
    + "0123456789"
    + "０１２٣"
    + "ßﬁıſ"
    + " \t\u3000\xa0\x1c"
    + "·-"
)


def plate_strategy() -> st.SearchStrategy[str]:
    prov = st.sampled_from(PROVINCE_ABBR + "使")
    serial = st.text(alphabet=PLATE_CHARS, min_size=4, max_size=7)
    structured = st.builds(lambda p, a, s: p + a + s, prov, st.sampled_from("ABCDEFGHJKOIa"), serial)
    return st.one_of(st.text(alphabet=PLATE_CHARS, max_size=10), structured)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plates=st.lists(plate_strategy(), min_size=1, max_size=200))
def test_plate_sql_equals_parse_plate(plates):
    rows = [passage(i, plate=p) for i, p in enumerate(plates)]
    out = sql_rows(rows)
    for p, s in zip(plates, out, strict=True):
        try:
            expected = parse_plate(p).plate
        except ValidationProblem as exc:
            expected = None
            assert s["reason"] == ("missing_field" if exc.code == "plate.required" else "invalid_plate"), p
            continue
        assert s["reason"] is None, p
        assert s["plate_n"] == expected, p


@pytest.mark.parametrize(
    ("plate", "valid"),
    [
        ("豫A12345", True),
        ("豫A1234挂", True),
        ("豫AD12345", True),  # small new-energy
        ("豫A12345D", True),  # large new-energy
        ("豫A12345F", True),
        ("豫A12345X", False),  # eight characters, the last not D/F
        ("豫a12345", True),  # lower case is upper-cased
        ("豫 A·123-45", True),  # separators removed
        ("豫A1234O", False),  # letter O
        ("豫I12345", False),
        ("X A12345", False),
        ("使123456", True),
        ("豫A1234领", True),
        ("豫AX1234D", False),
        ("豫A１２３４５", False),  # full-width digits: plates take ASCII digits only
        ("豫A12345\uff24", False),  # full-width letter
        ("豫A١٢٣٤٥D", False),  # Arabic-Indic digits
        ("使１２３４５６", False),
    ],
)
def test_plate_examples_agree(plate, valid):
    try:
        parse_plate(plate)
        py = True
    except ValidationProblem:
        py = False
    assert py == valid
    assert_same([passage(1, plate=plate)])


@pytest.mark.parametrize("letters", ["DF", "DABCEFGHJK"])
def test_nev_letter_set_is_a_parameter(letters):
    rows = [passage(i, plate=p) for i, p in enumerate(["豫AA12345", "豫A12345K", "豫AK12345", "豫AD12345"])]
    assert_same(rows, nev_letters=letters)


def test_sql_plate_pattern_is_the_validators_pattern():
    py = plate_pattern().pattern
    assert plate_sql_pattern() == py
    assert r"\d" not in py  # Python's \d is any Unicode digit, RE2's only ASCII
    assert set(python_whitespace()) >= set(" \t\n\u3000\xa0")
    assert upper_map()["ß"] == "SS" and upper_map()["a"] == "A"


# --- timestamps --------------------------------------------------------------------------


def ts_strategy() -> st.SearchStrategy[str]:
    def two(n: int, pad: bool) -> str:
        return f"{n:02d}" if pad else str(n)

    return st.builds(
        lambda y, mo, d, h, mi, s, frac, sep, zone, pad: (
            f"{y}-{two(mo, pad)}-{two(d, pad)}{sep}{two(h, pad)}:{two(mi, pad)}:{two(s, pad)}{frac}{zone}"
        ),
        st.sampled_from([1999, 2000, 2016, 2024, 2099, 2100]),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
        st.sampled_from(["", ".5", ".123456", ".1234567", "."]),
        st.sampled_from(["T", " ", "t", "/"]),
        st.sampled_from(["", "Z", "+08:00", "+0800", "-05:30", "+14:59", "+15:00", "+08", "z"]),
        st.booleans(),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stamps=st.lists(st.one_of(ts_strategy(), st.text(max_size=30).filter(lambda t: '"' not in t)), max_size=200))
def test_timestamps_agree_with_python(stamps):
    if not stamps:
        return
    rows = [passage(i, passed_at=t) for i, t in enumerate(stamps)]
    for t, s in zip(stamps, sql_rows(rows), strict=True):
        expected = parse_timestamp(t) if t else None
        if not t:
            assert s["reason"] == "missing_field"
        elif expected is None:
            assert s["reason"] == "bad_timestamp", t
        else:
            assert s["ts_us"] == expected, t


def test_lenient_timestamp_is_quarantined():
    """DuckDB's own cast accepts 2024/05/01 08:15; the explicit grammar does not."""
    assert duckdb.execute("SELECT TRY_CAST('2024/05/01 08:15' AS TIMESTAMP)").fetchone()[0] is not None
    rows = [passage(1, passed_at="2024/05/01 08:15"), passage(2, passed_at="2024-5-1 08:15:00")]
    assert [r["reason"] for r in sql_rows(rows)] == ["bad_timestamp", "bad_timestamp"]
    assert_same(rows)


def test_time_without_zone_is_beijing_time():
    a, b = sql_rows([passage(1, passed_at="2024-05-01T08:15:00"), passage(2, passed_at="2024-05-01T00:15:00Z")])
    assert a["ts_us"] == b["ts_us"]


# --- whole rows --------------------------------------------------------------------------

FIELD_VALUES = {
    "record_id": st.one_of(st.just("R1"), st.just(""), st.just('"R1"'), st.just('R"1'), st.just("x" * 65)),
    "station_id": st.sampled_from(["S410100001", "", '"S1"', "S" * 70]),
    "lane": st.sampled_from(["1", "", "A", '"2"x', '"3"']),
    "passed_at": st.one_of(ts_strategy(), st.sampled_from(["2015-01-01T00:00:00", "2024-05-01T23:59:59Z"])),
    "plate": plate_strategy(),
    "plate_color": st.sampled_from(["yellow", "YELLOW", "Yellow", "黄色", "黄", "", "purple", '"blue"', "蓝"]),
    "axles": st.sampled_from(["2", "3", "4", "5", "6", "7", "13", "1", "0", "-2", "06", "+6", "6.0", "", "x"]),
    "vehicle_kind": st.sampled_from(["truck", "combination", "Truck", "货车", "汽车列车", "tractor", "", "bus"]),
    "single_drive_axle": st.sampled_from(["", "1", "0", "true", "FALSE", "是", "否", "maybe"]),
    "gross_kg": st.one_of(
        st.integers(-10, 260_000).map(str),
        st.sampled_from(["", "1e4", "30000.0", "30_000", " 30000", "0030000", "-0", "1234567890"]),
    ),
    "speed_kmh": st.sampled_from(["62.5", "62", "62.55", "62.555", "62.5555", "-1", "250", "", "fast", "1e2"]),
    "length_mm": st.sampled_from(["16500", "18100", "18101", "999", "41000", "", "x"]),
    "width_mm": st.sampled_from(["2500", "2550", "2551", "7000", ""]),
    "height_mm": st.sampled_from(["3800", "4000", "4001", "9000", ""]),
    "licensed_gross_kg": st.sampled_from(["", "12000", "0", "250000", "abc"]),
    "air_suspension": st.sampled_from(["", "1", "0", "x"]),
    "single_tyre_axles": st.sampled_from(["", "0", "1", "2", "-1", "20"]),
    "axle_spacing_mm": st.sampled_from(["", "1800", "1799", "0", "50000"]),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.fixed_dictionaries({}, optional=FIELD_VALUES).map(lambda d: passage(1, **d)), min_size=1, max_size=120
    )
)
def test_rows_classify_the_same_in_sql_and_python(rows):
    assert_same(rows)
