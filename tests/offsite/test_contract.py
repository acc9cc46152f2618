"""The CLI contract of ``zhifa offsite detect`` and the agreement of the DuckDB run with the
plain-Python oracle on generated files (CSV UTF-8, GBK, Parquet)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from zhifa.catalog.engine import overload_rules
from zhifa.cli import main
from zhifa.offsite.detect import EVENT_COLUMNS, DetectOptions, detect

from .conftest import HEADER, OUTPUTS, load_generator, oracle, passage, read_csv, write_csv

SUMMARY_KEYS = {"read", "accepted", "quarantined", "duplicates", "events", "warnings", "fines"}
CONTRACT_EVENT_COLUMNS = [
    "record_id",
    "plate",
    "passed_at",
    "station_id",
    "axles",
    "gross_weight_kg",
    "limit_kg",
    "over_kg",
    "outcome",
    "fine_yuan",
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    gen = load_generator()
    out = tmp_path_factory.mktemp("gen")
    return gen.generate(30_000, 7, out, ["csv", "parquet"], threads=2)


def test_cli_writes_the_contract_files(tmp_path, capsys, generated):
    out = tmp_path / "out"
    code = main(["offsite", "detect", "--input", str(generated["csv"]), "--out", str(out)])
    assert code == 0
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    captured = capsys.readouterr()
    assert "读取 30000 行 = 接受" in captured.out and "平衡" in captured.out
    assert "%|" in captured.err  # the progress bar is on stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert SUMMARY_KEYS <= set(summary)
    assert summary["read"] == summary["accepted"] + summary["quarantined"] + summary["duplicates"] == 30_000
    assert summary["events"] == summary["warnings"] + summary["fines"] > 0
    events = read_csv(out / "events.csv")
    assert list(events[0]) == EVENT_COLUMNS
    assert set(CONTRACT_EVENT_COLUMNS) <= set(events[0])
    assert {e["outcome"] for e in events} == {"warning", "fine"}
    assert all(int(e["fine_yuan"]) == 0 for e in events if e["outcome"] == "warning")
    q = read_csv(out / "quarantine.csv")
    assert list(q[0])[:2] == ["row", "reason"]
    assert len(q) == summary["quarantined"]
    assert len(read_csv(out / "duplicates.csv")) == summary["duplicates"]
    # the generator's faults are all caught, with several reasons
    assert {"bad_timestamp", "invalid_plate", "impossible_weight", "csv_missing_fields", "csv_bad_quoting"} <= set(
        summary["by_reason"]
    )


def test_cli_input_errors_exit_2(tmp_path, capsys):
    assert main(["offsite", "detect", "--input", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")]) == 2
    bad = write_csv(tmp_path / "bad.csv", [passage(1)], header=[c for c in HEADER if c != "plate"])
    assert main(["offsite", "detect", "--input", str(bad), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "plate" in capsys.readouterr().err
    assert main(["offsite", "detect", "--input", str(bad), "--out", str(tmp_path / "o"), "--region", "41"]) == 2


def test_same_input_same_outputs(tmp_path, generated):
    outs = []
    for i in range(2):
        out = tmp_path / f"o{i}"
        detect(generated["csv"], out, rules_for=overload_rules, options=DetectOptions(threads=2))
        outs.append(out)
    for name in OUTPUTS:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def _key_events(rows):
    return [
        (
            e["event_id"],
            e["record_id"],
            e["plate"],
            int(e["over_kg"]),
            int(e["limit_kg"]),
            e["outcome"],
            int(e["fine_yuan"]),
        )
        for e in rows
    ]


def _oracle_events(events):
    return [
        (e["event_id"], e["record_id"], e["plate"], e["over_kg"], e["limit_kg"], e["outcome"], e["fine_yuan"])
        for e in events
    ]


@pytest.mark.parametrize("region", [None, "410000", "330000"])
def test_duckdb_agrees_with_the_oracle_on_a_generated_file(run, generated, region):
    r = run(generated["csv"], region=region)
    o = oracle(generated["csv"], region=region)
    s = r.summary
    assert (s["read"], s["accepted"], s["quarantined"], s["duplicates"]) == (
        o.read,
        o.accepted,
        o.quarantined,
        o.duplicates,
    )
    assert r.quarantine == [(row, reason, fld or "") for row, reason, fld in o.quarantine]
    assert [(int(d["row"]), int(d["first_row"])) for d in r.rows("duplicates.csv")] == o.duplicate_rows
    assert _key_events(r.events) == _oracle_events(o.events)
    assert [e["passages"] for e in r.events] == [e["passages"] for e in o.events]
    assert _key_events(r.rows("no_penalty_events.csv")) == _oracle_events(o.no_penalty_events)
    assert [e["passages"] for e in r.rows("dimension_events.csv")] == [e["passages"] for e in o.dimension_events]


def test_parquet_agrees_with_the_oracle(run, generated):
    p = run(generated["parquet"])
    assert p.summary["input"]["format"] == "parquet"
    # the Parquet file has the value faults of the CSV; its structural faults (short rows,
    # extra fields) become missing values or nothing, so only the totals are shared
    s = p.summary
    assert s["read"] == s["accepted"] + s["quarantined"] + s["duplicates"] == 30_000
    o = oracle(generated["parquet"])
    assert p.quarantine == [(row, reason, fld or "") for row, reason, fld in o.quarantine]
    assert _key_events(p.events) == _oracle_events(o.events)


def test_typed_parquet_columns(run, tmp_path, csv_file):
    rows = [passage(1, gross_kg=50000), passage(2, plate="豫B22222", passed_at="2024-05-01T08:00:00")]
    src = csv_file(rows)
    path = tmp_path / "typed.parquet"
    duckdb.execute(
        f"""COPY (SELECT record_id, station_id, lane::INTEGER AS lane,
                  CAST(passed_at AS TIMESTAMPTZ) AS passed_at, plate, plate_color, axles::TINYINT AS axles,
                  vehicle_kind, single_drive_axle::BOOLEAN AS single_drive_axle, gross_kg::DOUBLE AS gross_kg,
                  speed_kmh::DOUBLE AS speed_kmh, length_mm::INTEGER AS length_mm, width_mm::INTEGER AS width_mm,
                  height_mm::INTEGER AS height_mm
              FROM read_csv('{src}', all_varchar = true)) TO '{path}' (FORMAT parquet)"""
    )
    r = run(path)
    assert r.summary["accepted"] == 2
    assert [(e["record_id"], e["passed_at"], e["over_kg"]) for e in r.events] == [
        ("R000001", "2024-05-01T08:01:00+08:00", "1000")
    ]
    o = oracle(path)
    assert _key_events(r.events) == _oracle_events(o.events)


def test_gbk_input_equals_utf8_input(run, tmp_path, generated):
    text = generated["csv"].read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    u = run(generated["csv"])
    g = run(gbk)
    assert g.summary["input"]["encoding"] == "gbk"
    for key in ("read", "accepted", "quarantined", "duplicates", "events", "warnings", "fines", "by_reason"):
        assert g.summary[key] == u.summary[key], key
    assert g.rows("events.csv") == u.rows("events.csv")
    assert g.quarantine == u.quarantine


def test_gbk_undecodable_bytes_are_quarantined(run, tmp_path):
    rows = [passage(1), passage(2, plate="豫B22222"), passage(3, plate="豫C33333")]
    data = write_csv(tmp_path / "x.csv", rows, encoding="gbk").read_bytes()
    data = data.replace(b"R000002", b"R00\x81\x0a"[:4] + b"0002", 1)  # a lone GBK lead byte
    path = tmp_path / "bad-gbk.csv"
    path.write_bytes(data)
    r = run(path)
    assert r.quarantine == [(2, "invalid_encoding", "")]
    assert [(row, reason) for row, reason, _ in oracle(path).quarantine] == [(2, "invalid_encoding")]


def test_files_spanning_many_months_are_resolved(run, csv_file):
    rows = [passage(1, gross_kg=50000)] + [
        passage(i, gross_kg=50000, plate=f"豫A{i:05d}", passed_at=f"{y}-0{m}-01T08:00:00")
        for i, (y, m) in enumerate([(2023, 1), (2025, 6), (2016, 1), (2017, 3)], start=2)
    ]
    r = run(csv_file(rows))
    assert r.quarantine == [(4, "no_rules", "passed_at")]  # 2016-01-01: before the 2016 rules
    assert [e["record_id"] for e in r.events] == ["R000005", "R000002", "R000001", "R000003"]
    assert r.summary["rules"]["dates_without_rules"] == ["2016-01-01"]


def test_rules_in_force_on_each_passage_date(run, csv_file):
    cheap = dataclasses.replace(overload_rules(None, date(2024, 5, 1)), yuan_per_unit=100, catalog_version="t-old")

    def rules_for(region, on_date):
        real = overload_rules(region, on_date)
        return cheap if on_date < date(2024, 5, 2) else real

    rows = [
        passage(1, gross_kg=52000, passed_at="2024-05-01T23:30:00"),
        passage(2, gross_kg=52000, plate="豫B22222", passed_at="2024-05-02T00:30:00"),
    ]
    path = csv_file(rows)
    r = run(path, rules=rules_for)
    assert [(e["record_id"], e["fine_yuan"], e["catalog_version"], e["rules_date"]) for e in r.events] == [
        ("R000001", "300", "t-old", "2024-05-01"),
        ("R000002", "1500", overload_rules(None, date(2024, 5, 2)).catalog_version, "2024-05-02"),
    ]
    fixed = run(path, rules=rules_for, on_date=date(2024, 5, 2))
    assert [e["fine_yuan"] for e in fixed.events] == ["1500", "1500"]
    assert _key_events(r.events) == _oracle_events(oracle(path, rules=rules_for).events)


def test_window_option(tmp_path, capsys):
    rows = [passage(1, gross_kg=51000), passage(2, gross_kg=51000, passed_at="2024-05-01T11:00:00+08:00")]
    path = write_csv(tmp_path / "w.csv", rows)
    for window, n in (("24h", 1), ("90m", 2)):
        out = tmp_path / window
        assert main(["offsite", "detect", "--input", str(path), "--out", str(out), "--window", window]) == 0
        assert len(read_csv(out / "events.csv")) == n
    _ = capsys.readouterr()
    assert timedelta(minutes=90)


def test_awkward_text_survives_the_raw_fields_round_trip(run, csv_file):
    """The rows that matter keep their raw fields as JSON between the scan and the exact classification:
    backslashes, JSON-looking text, control and astral characters, quotes and the unit separator must come
    back unchanged (events name the record ids; quarantine shows the values)."""
    over = {"gross_kg": "52000"}
    rows = [
        passage(1, record_id="R\\1", lane="null", **over),
        passage(2, record_id="R[2]", lane="\\u0041", plate="豫A12346", **over),
        passage(3, record_id='R"3', plate="豫A12347", **over),  # a quote: quarantined, the value kept
        passage(4, record_id="R\x1f4", plate="豫A12348", **over),
        passage(5, record_id="R𝟘5", station_id="S{1}", plate="豫A12349", **over),
        passage(6, record_id="R6", plate="豫A1234\\", **over),  # an invalid plate with a backslash
        passage(7, record_id="true", plate="豫A12350", lane="[]", **over),
    ]
    path = csv_file(rows)
    r = run(path)
    o = oracle(path)
    assert r.quarantine == [(row, reason, fld or "") for row, reason, fld in o.quarantine]
    assert {e["record_id"] for e in r.events} == {e["record_id"] for e in o.events}
    assert {"R\\1", "R[2]", "R𝟘5", "true"} <= {e["record_id"] for e in r.events}
    quarantined = {q["record_id"]: q["value"] for q in r.rows("quarantine.csv")}
    assert quarantined.get("R6") == "豫A1234\\"
