"""``DetectOptions.accepted_path``: every accepted passage to Parquet, equal to the oracle's
accepted passages (row numbers, values, events, worst passages)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from zhifa.offsite.detect import DetectOptions, detect
from zhifa.offsite.limits import KIND_CODES

from .conftest import load_generator, oracle, passage

COLUMNS = [
    "row_number",
    "record_id",
    "station_id",
    "lane",
    "passed_at",
    "plate",
    "plate_color",
    "axles",
    "vehicle_kind",
    "single_drive_axle",
    "gross_kg",
    "speed_kmh",
    "length_mm",
    "width_mm",
    "height_mm",
    "limit_kg",
    "tolerance_kg",
    "over_kg",
    "event_id",
    "worst",
]
KIND_NAMES = {v: k for k, v in KIND_CODES.items()}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    gen = load_generator()
    return gen.generate(6_000, 11, tmp_path_factory.mktemp("gen"), ["csv", "parquet"], threads=2)


def read_accepted(path: Path) -> tuple[list[str], list[str], list[tuple]]:
    con = duckdb.connect()
    cur = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    types = [r[1] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
    return names, types, rows


def expected_rows(source: Path, **kw) -> list[tuple]:
    o = oracle(source, **kw)
    out = []
    for p in o.accepted_rows:
        v = p.values
        out.append(
            (
                p.row,
                p.record_id,
                p.station_id,
                p.lane,
                EPOCH + timedelta(microseconds=p.ts_us),
                p.plate,
                p.color or None,
                p.axles,
                KIND_NAMES.get(p.kind),
                {2: True, 1: False}.get(p.sda),
                p.gross_kg,
                v.get("speed_kmh"),
                v.get("length_mm"),
                v.get("width_mm"),
                v.get("height_mm"),
                p.limit_kg,
                p.tolerance_kg,
                p.over_kg if p.over_kg > 0 else None,
                p.event_id,
                p.worst,
            )
        )
    return out, o


def run_with_accepted(source: Path, tmp_path: Path, **kw) -> tuple[dict, Path]:
    acc = tmp_path / "acc" / "accepted.parquet"
    s = detect(
        source,
        tmp_path / "out",
        options=DetectOptions(memory_limit="256MB", threads=2, accepted_path=acc, **kw),
    )
    return s, acc


def normalise(rows: list[tuple]) -> list[tuple]:
    # passed_at to UTC for comparison; DuckDB returns it in the local zone
    return [(*r[:4], r[4].astimezone(timezone.utc), *r[5:]) for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_accepted_file_equals_the_oracle(generated, tmp_path, fmt):
    s, acc = run_with_accepted(generated[fmt], tmp_path)
    names, types, rows = read_accepted(acc)
    assert names == COLUMNS
    assert dict(zip(names, types, strict=True))["passed_at"] == "TIMESTAMP WITH TIME ZONE"
    assert dict(zip(names, types, strict=True))["single_drive_axle"] == "BOOLEAN"
    expected, o = expected_rows(generated[fmt])
    assert len(rows) == s.accepted == o.accepted
    assert normalise(rows) == expected
    # every event has exactly one worst passage, and its passages are all in the file
    events = {r[18] for r in rows if r[18] is not None}
    assert len(events) == s.events + s.no_penalty_events + s.dimension_events
    assert sum(1 for r in rows if r[19]) == len(events)
    assert sum(1 for r in rows if r[18] is not None) == s.violating_passages


def test_row_numbers_skip_blank_rejected_quarantined_and_duplicate_rows(tmp_path):
    rows = [passage(i) for i in range(1, 7)]
    rows[1]["gross_kg"] = "52000"  # over the 49 t limit: an event
    rows[2]["plate"] = '"豫A12345"'  # quoted: accepted after un-quoting
    rows[3]["passed_at"] = "2024/05/01 08:15"  # quarantined
    rows[5]["record_id"] = rows[0]["record_id"]  # duplicate
    header = list(rows[0])
    lines = [",".join(header)]
    for i, r in enumerate(rows):
        lines.append(",".join(str(r[c]) for c in header))
        if i == 0:
            lines.append("")  # blank line (row 2)
            lines.append("short,row")  # rejected (row 3)
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    s, acc = run_with_accepted(src, tmp_path)
    _, _, got = read_accepted(acc)
    assert [(r[0], r[1], r[5], r[17] is not None, r[18], r[19]) for r in got] == [
        (1, "R000001", "豫A12345", False, None, False),
        (4, "R000002", "豫A12345", True, "R000002", True),
        (5, "R000003", "豫A12345", False, None, False),
        (7, "R000005", "豫A12345", False, None, False),
    ]
    assert s.accepted == 4
    expected, _ = expected_rows(src)
    assert normalise(got) == expected


def test_without_the_option_no_file_is_written(generated, tmp_path):
    out = tmp_path / "out"
    detect(generated["csv"], out, options=DetectOptions(memory_limit="256MB", threads=2))
    assert not list(out.glob("*.parquet"))
