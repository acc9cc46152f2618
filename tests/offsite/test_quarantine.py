"""Every quarantine reason, row numbers, duplicates and the reconciliation
read = accepted + quarantined + duplicates. Nothing is dropped silently."""

from __future__ import annotations

import pytest

from zhifa.offsite.schema import REASONS

from .conftest import HEADER, oracle, passage, write_csv

OPTIONAL = ["licensed_gross_kg", "air_suspension", "single_tyre_axles", "axle_spacing_mm"]

CASES = [
    ("missing_field", "plate", {"plate": ""}),
    ("missing_field", "record_id", {"record_id": ""}),
    ("missing_field", "gross_kg", {"gross_kg": ""}),
    ("missing_field", "plate", {"plate": "   "}),
    ("value_too_long", "station_id", {"station_id": "S" * 65}),
    ("bad_timestamp", "passed_at", {"passed_at": "2024/05/01 08:15"}),
    ("bad_timestamp", "passed_at", {"passed_at": "2024-02-30T08:15:00"}),
    ("bad_timestamp", "passed_at", {"passed_at": "2024-05-01T24:00:00"}),
    ("bad_number", "gross_kg", {"gross_kg": "3O5OO"}),
    ("bad_number", "gross_kg", {"gross_kg": "1e4"}),
    ("bad_number", "axles", {"axles": "6.0"}),
    ("bad_number", "speed_kmh", {"speed_kmh": "fast"}),
    ("invalid_plate", "plate", {"plate": "豫A1234O"}),
    ("invalid_plate_color", "plate_color", {"plate_color": "purple"}),
    ("invalid_vehicle_kind", "vehicle_kind", {"vehicle_kind": "bus"}),
    ("invalid_flag", "single_drive_axle", {"single_drive_axle": "maybe"}),
    ("impossible_axles", "axles", {"axles": "0"}),
    ("impossible_axles", "axles", {"axles": "13"}),
    ("impossible_dimension", "height_mm", {"height_mm": "9000"}),
    ("impossible_speed", "speed_kmh", {"speed_kmh": "250"}),
    ("no_rules", "passed_at", {"passed_at": "2015-06-01T08:00:00"}),
    ("impossible_weight", "gross_kg", {"gross_kg": "0"}),
    ("impossible_weight", "gross_kg", {"gross_kg": "-500"}),
    ("impossible_weight", "gross_kg", {"gross_kg": "200001"}),
    ("no_limit", "axles", {"axles": "2", "vehicle_kind": "combination"}),
    ("no_limit", "axles", {"axles": "3", "vehicle_kind": "tractor"}),
    ("csv_bad_quoting", "lane", {"lane": '"2"x'}),
    ("csv_bad_quoting", "plate", {"plate": '"豫A12345'}),
]


@pytest.mark.parametrize(
    ("reason", "field", "change"), CASES, ids=[f"{r}-{f}-{i}" for i, (r, f, _) in enumerate(CASES)]
)
def test_each_field_reason(run, csv_file, reason, field, change):
    rows = [passage(1), passage(2, **{"plate": "豫B22222", **change}), passage(3, plate="豫C33333")]
    r = run(csv_file(rows))
    assert r.quarantine == [(2, reason, field)]
    s = r.summary
    assert (s["read"], s["accepted"], s["quarantined"], s["duplicates"]) == (3, 2, 1, 0)
    assert s["by_reason"] == {reason: 1}
    q = r.rows("quarantine.csv")[0]
    assert q["message"] == REASONS[reason]
    assert q["record_id"] == ("" if field == "record_id" else "R000002")


def test_unknown_station_only_with_a_station_list(run, csv_file):
    path = csv_file([passage(1), passage(2, station_id="S999")])
    assert run(path).quarantine == []
    r = run(path, stations=frozenset({"S410100001"}))
    assert r.quarantine == [(2, "unknown_station", "station_id")]


def test_broken_csv_lines_are_quarantined_with_their_row(run, tmp_path):
    good = [",".join(str(passage(i, plate=f"豫A1000{i}")[c]) for c in HEADER) for i in range(1, 7)]
    lines = [
        ",".join(HEADER),
        good[0],
        good[1].rsplit(",", 3)[0],  # short row
        good[2] + ",extra",  # one field too many
        "",  # a blank line is not a record
        good[3],
        good[4].replace("豫A10005", "豫A1000\xff"),  # not UTF-8 (raw byte below)
        good[5],
    ]
    data = "\n".join(lines).encode("utf-8").replace("\xff".encode(), b"\xff") + b"\n"
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    r = run(path)
    assert r.quarantine == [
        (2, "csv_missing_fields", ""),
        (3, "csv_extra_fields", ""),
        (6, "invalid_encoding", ""),
    ]
    s = r.summary
    assert (s["read"], s["accepted"], s["quarantined"]) == (6, 3, 3)
    raw = {int(q["row"]): q["value"] for q in r.rows("quarantine.csv")}
    assert raw[2] == good[1].rsplit(",", 3)[0]
    o = oracle(path)
    assert [(row, reason) for row, reason, _ in o.quarantine] == [(row, reason) for row, reason, _ in r.quarantine]


def test_unbalanced_quote_damages_only_its_own_line(run, tmp_path):
    """A quote that never closes must not swallow the rest of the file."""
    rows = [passage(i, plate=f"豫A1000{i}") for i in range(1, 6)]
    rows[1]["lane"] = '"1'
    path = write_csv(tmp_path / "q.csv", rows)
    r = run(path)
    assert r.quarantine == [(2, "csv_bad_quoting", "lane")]
    assert r.summary["accepted"] == 4


def test_line_too_long(run, tmp_path):
    rows = [passage(1), passage(2, lane="x" * (1 << 20)), passage(3, plate="豫C33333")]
    r = run(write_csv(tmp_path / "long.csv", rows))
    assert r.quarantine == [(2, "csv_line_too_long", "")]
    assert r.summary["read"] == 3


def test_quoted_fields_are_read(run, csv_file):
    rows = [passage(1, plate='"豫A12345"', record_id='"R1"', gross_kg='"50000"', lane='"a ""b"""')]
    r = run(csv_file(rows))
    assert r.quarantine == []
    assert [(e["record_id"], e["plate"], e["over_kg"], e["lane"]) for e in r.events] == [
        ("R1", "豫A12345", "1000", 'a "b"')
    ]


def test_duplicates_count_once_and_keep_the_first(run, csv_file):
    rows = [
        passage(1, gross_kg=50500),
        passage(2),
        passage(1, gross_kg=60000),  # same record id, later: a duplicate even if different
        passage(3, plate="豫B1"),  # invalid plate, quarantined
        passage(3, plate="豫B22222"),  # duplicate of a quarantined record
        passage(2),
    ]
    r = run(csv_file(rows))
    s = r.summary
    assert (s["read"], s["accepted"], s["quarantined"], s["duplicates"]) == (6, 2, 1, 3)
    assert [(int(d["row"]), d["record_id"], int(d["first_row"])) for d in r.rows("duplicates.csv")] == [
        (3, "R000001", 1),
        (5, "R000003", 4),
        (6, "", 2),
    ]
    assert [e["gross_weight_kg"] for e in r.events] == ["50500"]


def test_missing_required_column_is_a_file_error(csv_file, tmp_path):
    from zhifa.offsite.detect import detect
    from zhifa.offsite.source import SourceError

    path = csv_file([passage(1)], header=[c for c in HEADER if c != "gross_kg"])
    with pytest.raises(SourceError, match="gross_kg"):
        detect(path, tmp_path / "o", rules_for=lambda r, d: None)


def test_chinese_header_and_crlf(run, tmp_path):
    from zhifa.offsite.schema import BY_NAME

    rows = [passage(1, gross_kg=50000), passage(2, plate="豫B22222")]
    header = [BY_NAME[c].label for c in HEADER]
    lines = [",".join(header)] + [",".join(str(r[c]) for c in HEADER) for r in rows]
    path = tmp_path / "zh.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8-sig"))
    r = run(path)
    assert r.summary["read"] == 2 and r.summary["accepted"] == 2
    assert [e["over_kg"] for e in r.events] == ["1000"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_carriage_return_inside_a_line(run, tmp_path, newline):
    """DuckDB's reader stops on a stray CR; the file is rewritten and only that row is
    quarantined (as an invalid character)."""
    rows = [passage(1), passage(2, plate="豫B22222", lane="1\r2"), passage(3, plate="豫C33333")]
    path = write_csv(tmp_path / "cr.csv", rows, newline=newline)
    r = run(path)
    assert r.quarantine == [(2, "invalid_encoding", "")]
    assert r.summary["accepted"] == 2
    assert [(row, reason) for row, reason, _ in oracle(path).quarantine] == [(2, "invalid_encoding")]


def test_mixed_line_ends(run, tmp_path):
    lines = [",".join(HEADER)] + [",".join(str(passage(i, plate=f"豫A1000{i}")[c]) for c in HEADER) for i in (1, 2, 3)]
    path = tmp_path / "mixed.csv"
    path.write_bytes((lines[0] + "\n" + lines[1] + "\r\n" + lines[2] + "\n" + lines[3] + "\r\n").encode())
    r = run(path)
    assert r.quarantine == [] and r.summary["accepted"] == 3


def test_control_characters_in_free_text_survive(run, csv_file):
    rows = [passage(1, record_id="R\x1f1", gross_kg=50000), passage(2, plate="豫B22222", lane="\x1f")]
    r = run(csv_file(rows))
    assert r.quarantine == []
    assert [(e["record_id"], e["over_kg"]) for e in r.events] == [("R\x1f1", "1000")]


def test_header_only_and_no_final_newline(run, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    r = run(empty)
    assert (r.summary["read"], r.summary["events"]) == (0, 0)
    assert r.events == [] and r.quarantine == []
    last = tmp_path / "last.csv"
    last.write_text(
        ",".join(HEADER) + "\n" + ",".join(str(passage(1, gross_kg=50000)[c]) for c in HEADER), encoding="utf-8"
    )
    r = run(last)
    assert r.summary["read"] == 1 and len(r.events) == 1


def test_station_list_file_on_the_command_line(tmp_path, capsys):
    from zhifa.cli import main

    stations = tmp_path / "stations.csv"
    stations.write_text("station_id\nS410100001\n", encoding="utf-8")
    path = write_csv(tmp_path / "s.csv", [passage(1), passage(2, station_id="S9")])
    out = tmp_path / "o"
    argv = ["offsite", "detect", "--input", str(path), "--out", str(out), "--stations", str(stations), "--no-progress"]
    assert main(argv) == 0
    assert "隔离 1" in capsys.readouterr().out
