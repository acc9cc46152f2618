"""Typed Parquet columns (integers, booleans, doubles) are used as they are, with the same
result as their canonical text would give: the oracle reads them as text."""

from __future__ import annotations

import duckdb

from .conftest import oracle, passage


def test_typed_edge_values_agree_with_the_oracle(run, tmp_path, csv_file):
    rows = [
        passage(1, gross_kg=50000),  # over the limit
        passage(2, gross_kg=9_999_999_999),  # ten digits: bad number
        passage(3, gross_kg=-5),  # impossible weight
        passage(4, axles=0),  # impossible axles
        passage(5, speed_kmh="1e300"),  # too large for the decimal grammar
        passage(6, speed_kmh="nan"),
        passage(7, speed_kmh="-0.04"),
        passage(8, speed_kmh="999999.94"),
        passage(9, speed_kmh="1000000"),
        passage(10, single_drive_axle=""),  # NULL boolean: unknown
        passage(11, single_drive_axle="1", gross_kg=47000),  # single drive axle: 46 t
        passage(12, length_mm=""),
        passage(13, width_mm=-1),
        passage(14, height_mm=999_999_999),
        passage(15, axles=""),  # missing
    ]
    src = csv_file(rows)
    path = tmp_path / "typed.parquet"
    duckdb.execute(
        f"""COPY (SELECT record_id, station_id, lane, passed_at, plate, plate_color,
                  nullif(axles, '')::SMALLINT AS axles, vehicle_kind,
                  nullif(single_drive_axle, '')::BOOLEAN AS single_drive_axle,
                  gross_kg::BIGINT AS gross_kg, speed_kmh::DOUBLE AS speed_kmh,
                  nullif(length_mm, '')::INTEGER AS length_mm, width_mm::INTEGER AS width_mm,
                  height_mm::BIGINT AS height_mm
              FROM read_csv('{src}', all_varchar = true)) TO '{path}' (FORMAT parquet)"""
    )
    r = run(path)
    o = oracle(path)
    assert r.quarantine == [(row, reason, fld or "") for row, reason, fld in o.quarantine]
    assert (r.summary["accepted"], r.summary["quarantined"]) == (o.accepted, o.quarantined)
    assert [(e["record_id"], e["limit_kg"], e["over_kg"]) for e in r.events] == [
        (e["record_id"], str(e["limit_kg"]), str(e["over_kg"])) for e in o.events
    ]
    reasons = {row: reason for row, reason, _ in r.quarantine}
    assert reasons[2] == "bad_number" and reasons[3] == "impossible_weight" and reasons[4] == "impossible_axles"
    assert reasons[5] == reasons[6] == reasons[9] == "bad_number"
    assert reasons[8] == "impossible_speed" and 7 not in reasons  # 999999.9 km/h is a number; -0.0 is 0
    assert reasons[15] == "missing_field"
    # the quarantined rows' values are the canonical text of the typed values
    q = {int(x["row"]): x for x in r.rows("quarantine.csv")}
    assert q[2]["value"] == "9999999999" and q[13]["value"] == "-1"
