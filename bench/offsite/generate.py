"""Seeded generator of weigh-in-motion passages for the off-site benchmark.

Writes ``passages-<rows>.csv`` (UTF-8) and/or ``passages-<rows>.parquet`` plus ``stations.csv``
under ``bench/offsite/data/`` (git-ignored). Everything is computed inside DuckDB from
``hash(row, seed, tag)``, so the output is the same for the same ``--rows``/``--seed`` whatever
the thread count, and 10,000,000 rows take well under a minute on two cores.

Model (deliberately simple, but shaped like a provincial WIM feed):

* trips of three passages at different stations, 40–120 minutes apart, over 30 days from
  2024-05-01; each trip belongs to one of ``rows / 25`` vehicles;
* vehicles: 35 % two-axle trucks (blue or yellow plates), 10 % three-axle, 8 % four-axle,
  7 % five-axle and 40 % six-axle combinations (15 % of them with a single drive axle);
  plates: 62 % 豫, ordinary plates, about 3 % 挂 (trailer rear plate) and 2 % large
  new-energy plates (黄绿色, serial ``\\d{5}[DF]``);
* 20 % of vehicles overload habitually and 40 % of their trips are overloaded, which gives
  about 8 % overloaded passages, some of them within the 1000 kg warning band; each
  passage adds ±2 % WIM noise; 0.3 % of trips are over-dimension;
* 0.1 % of rows are re-sent copies of the previous row (duplicate record id);
* 0.5 % of rows are malformed in one of nine ways: ``2024/05/01 08:15`` timestamps,
  missing plate, invalid plate, impossible weight, non-numeric weight, short row, extra
  field, broken quoting, axle count 0. The Parquet file carries the value-level faults;
  a structural CSV fault becomes a row with missing values there.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from zhifa.offsite.schema import CORE_COLUMNS

DATA_DIR = Path(__file__).resolve().parent / "data"

COLUMNS = list(CORE_COLUMNS)  # the contract columns, in order (docs/offsite.md)

REGIONS = ["410100", "410200", "410300", "410400", "410500", "410700", "410800", "411000", "411300", "411700"]
OTHER_PROVINCES = "冀晋鲁皖鄂陕苏京津蒙辽吉黑沪浙闽赣湘粤桂琼渝川贵云藏甘青宁新"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _u(expr: str, tag: str) -> str:
    """A uniform number in [0, 1) from a stable hash."""
    return f"((hash({expr}, $seed, '{tag}') % 1000000)::DOUBLE / 1000000.0)"


def _pick(expr: str, tag: str, n: int) -> str:
    return f"(hash({expr}, $seed, '{tag}') % {n})::INTEGER"


def logical_rows_sql() -> str:
    """One row per output line with typed values and a fault code (0 = clean)."""
    stations = [f"S{r}{k:03d}" for r in REGIONS for k in range(1, 6)]
    station_list = "[" + ",".join(f"'{s}'" for s in stations) + "]"
    n_st = len(stations)
    serial = lambda tag: f"substr('{SERIAL}', {_pick('v', tag, len(SERIAL))} + 1, 1)"  # noqa: E731
    digit = lambda tag: f"({_pick('v', tag, 10)})::VARCHAR"  # noqa: E731
    return f"""
    WITH base AS (
        SELECT i,
               CASE WHEN i > 0 AND hash(i, $seed, 'dup') % 1000 = 0 THEN i - 1 ELSE i END AS s
        FROM range($rows) t(i)
    ), trips AS (
        SELECT i, s, s // 3 AS trip, s % 3 AS leg,
               hash(s // 3, $seed, 'veh') % $vehicles AS v
        FROM base
    ), veh AS (
        SELECT *,
            {_pick("v", "cls", 100)} AS cls,
            {_pick("v", "pk", 100)} AS pk,
            {_pick("v", "prov", 100)} AS prov,
            {_pick("v", "hab", 100)} < 20 AS habitual,
            {_pick("v", "sda", 100)} < 15 AS sda
        FROM trips
    ), veh2 AS (
        SELECT *,
            CASE WHEN pk < 3 THEN greatest(axles0, 3) ELSE axles0 END AS axles,
            CASE WHEN pk < 3 AND axles0 < 5 THEN 'combination' ELSE kind0 END AS kind
        FROM (
            SELECT *,
                CASE WHEN cls < 35 THEN 2 WHEN cls < 45 THEN 3 WHEN cls < 53 THEN 4
                     WHEN cls < 60 THEN 5 ELSE 6 END AS axles0,
                CASE WHEN cls < 35 THEN 'truck' WHEN cls < 42 THEN 'truck' WHEN cls < 45 THEN 'combination'
                     WHEN cls < 50 THEN 'truck' ELSE 'combination' END AS kind0
            FROM veh
        )
    ), plated AS (
        SELECT *,
            (CASE WHEN prov < 62 THEN '豫'
                  ELSE substr('{OTHER_PROVINCES}', {_pick("v", "op", len(OTHER_PROVINCES))} + 1, 1) END)
            || substr('{LETTERS}', {_pick("v", "auth", len(LETTERS))} + 1, 1)
            || CASE
                 WHEN pk < 3 THEN {digit("d1")} || {digit("d2")} || {serial("s3")} || {digit("d4")} || '挂'
                 WHEN pk < 5 THEN {digit("d1")} || {digit("d2")} || {digit("d3")} || {digit("d4")}
                                  || {digit("d5")} || (CASE WHEN {_pick("v", "nev", 2)} = 0 THEN 'D' ELSE 'F' END)
                 ELSE {serial("s1")} || {digit("d2")} || {serial("s3")} || {digit("d4")} || {digit("d5")}
               END AS plate,
            CASE WHEN pk >= 3 AND pk < 5 THEN 'yellow_green'
                 WHEN axles = 2 AND {_pick("v", "blue", 10)} < 4 THEN 'blue'
                 ELSE 'yellow' END AS plate_color,
            CASE axles WHEN 2 THEN 18000 WHEN 3 THEN (CASE WHEN kind = 'truck' THEN 25000 ELSE 27000 END)
                 WHEN 4 THEN (CASE WHEN kind = 'truck' THEN 31000 ELSE 36000 END)
                 WHEN 5 THEN 43000 ELSE (CASE WHEN sda THEN 46000 ELSE 49000 END) END AS limit_kg,
            habitual AND {_pick("trip", "ol", 100)} < 40 AS overloaded,
            {_pick("trip", "odim", 1000)} < 3 AS overdim
        FROM veh2
    ), measured AS (
        SELECT *,
            {station_list}[
                ((hash(trip, $seed, 'st0') + leg * (1 + hash(trip, $seed, 'step') % 7)) % {n_st})::INTEGER + 1
            ] AS station_id,
            TIMESTAMP '2024-05-01 00:00:00'
              + to_seconds((trip * 2592000 // $trips + hash(trip, $seed, 'jit') % 3600)::BIGINT)
              + to_seconds((leg * (2400 + hash(trip, $seed, 'dt') % 4800))::BIGINT) AS local_ts,
            CAST(round(limit_kg * (
                CASE WHEN overloaded THEN 1.0 + (
                    CASE WHEN {_u("trip", "mix")} < 0.3 THEN 0.05 * {_u("trip", "sev")}
                         WHEN {_u("trip", "mix")} < 0.8 THEN 0.05 + 0.25 * {_u("trip", "sev")}
                         ELSE 0.30 + 0.50 * {_u("trip", "sev")} END)
                ELSE 0.35 + 0.62 * {_u("trip", "load")} END)
              * (0.98 + 0.04 * {_u("s", "noise")})) AS BIGINT) AS gross_kg,
            round(35 + 60 * {_u("s", "speed")}, 1) AS speed_kmh,
            CAST(CASE WHEN axles = 2 THEN 6000 + 3000 * {_u("v", "len")}
                      WHEN kind = 'truck' THEN 9000 + 3000 * {_u("v", "len")}
                      ELSE 15000 + 2500 * {_u("v", "len")} END AS INTEGER) AS length0,
            CAST(2450 + 100 * {_u("v", "wid")} AS INTEGER) AS width0,
            CAST(2900 + 1000 * {_u("v", "hei")} AS INTEGER) AS height0,
            {_pick("s", "fmt", 100)} AS fmt,
            CASE WHEN hash(i, $seed, 'bad') % 1000 < 5 THEN 1 + {_pick("i", "kind", 9)} ELSE 0 END AS fault
        FROM plated
    )
    SELECT *,
        station_id || '-' || lpad(s::VARCHAR, 10, '0') AS record_id,
        1 + {_pick("s", "lane", 3)} AS lane,
        CASE WHEN overdim AND {_pick("trip", "dk", 3)} = 0 THEN 18500 + {_pick("trip", "dv", 2500)}
             ELSE length0 END AS length_mm,
        CASE WHEN overdim AND {_pick("trip", "dk", 3)} = 1 THEN 2600 + {_pick("trip", "dv", 500)}
             ELSE width0 END AS width_mm,
        CASE WHEN overdim AND {_pick("trip", "dk", 3)} = 2 THEN 4050 + {_pick("trip", "dv", 600)}
             ELSE height0 END AS height_mm,
        CASE WHEN fmt < 70 THEN strftime(local_ts, '%Y-%m-%dT%H:%M:%S') || '+08:00'
             WHEN fmt < 90 THEN strftime(local_ts, '%Y-%m-%dT%H:%M:%S')
             WHEN fmt < 97 THEN strftime(local_ts, '%Y-%m-%d %H:%M:%S')
             ELSE strftime(local_ts - INTERVAL 8 HOUR, '%Y-%m-%dT%H:%M:%S') || 'Z' END AS passed_at_text,
        CASE WHEN axles = 6 THEN (CASE WHEN sda THEN '1' ELSE '0' END) ELSE '' END AS sda_text
    FROM measured
    """


# Fault codes: 1 slash timestamp, 2 missing plate, 3 invalid plate, 4 impossible weight,
# 5 non-numeric weight, 6 short row, 7 extra field, 8 broken quoting, 9 zero axles.


def csv_line_sql() -> str:
    return f"""
    SELECT concat_ws(',',
        record_id,
        station_id,
        CASE WHEN fault = 8 THEN '"' || lane::VARCHAR || '"x' ELSE lane::VARCHAR END,
        CASE WHEN fault = 1 THEN strftime(local_ts, '%Y/%m/%d %H:%M') ELSE passed_at_text END,
        CASE WHEN fault = 2 THEN '' WHEN fault = 3 THEN 'X' || substr(plate, 2) ELSE plate END,
        plate_color,
        CASE WHEN fault = 9 THEN '0' ELSE axles::VARCHAR END,
        kind,
        sda_text,
        CASE WHEN fault = 4 THEN (CASE WHEN s % 2 = 0 THEN '0' ELSE '250000' END)
             WHEN fault = 5 THEN '3O5OO' ELSE gross_kg::VARCHAR END,
        speed_kmh::VARCHAR,
        CASE WHEN fault = 6 THEN NULL ELSE length_mm::VARCHAR END,
        CASE WHEN fault = 6 THEN NULL ELSE width_mm::VARCHAR END,
        CASE WHEN fault = 6 THEN NULL ELSE height_mm::VARCHAR END
      ) || CASE WHEN fault = 7 THEN ',extra' ELSE '' END AS line
    FROM ({logical_rows_sql()})
    """


def parquet_sql() -> str:
    return f"""
    SELECT
        record_id,
        station_id,
        CASE WHEN fault = 8 THEN '"' || lane::VARCHAR || '"x' ELSE lane::VARCHAR END AS lane,
        CASE WHEN fault = 1 THEN strftime(local_ts, '%Y/%m/%d %H:%M') ELSE passed_at_text END AS passed_at,
        CASE WHEN fault = 2 THEN NULL WHEN fault = 3 THEN 'X' || substr(plate, 2) ELSE plate END AS plate,
        plate_color,
        CASE WHEN fault = 9 THEN 0 ELSE axles END::INTEGER AS axles,
        kind AS vehicle_kind,
        CASE sda_text WHEN '1' THEN true WHEN '0' THEN false END AS single_drive_axle,
        CASE WHEN fault = 4 THEN (CASE WHEN s % 2 = 0 THEN 0 ELSE 250000 END)
             WHEN fault = 5 THEN NULL ELSE gross_kg END::BIGINT AS gross_kg,
        speed_kmh::DOUBLE AS speed_kmh,
        CASE WHEN fault = 6 THEN NULL ELSE length_mm END::INTEGER AS length_mm,
        CASE WHEN fault = 6 THEN NULL ELSE width_mm END::INTEGER AS width_mm,
        CASE WHEN fault = 6 THEN NULL ELSE height_mm END::INTEGER AS height_mm
    FROM ({logical_rows_sql()})
    """


def generate(rows: int, seed: int, out_dir: Path, formats: list[str], threads: int = 2) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = true")
    params = {"rows": rows, "seed": seed, "vehicles": max(100, rows // 25), "trips": max(1, rows // 3)}
    written: dict[str, Path] = {}
    if "csv" in formats:
        path = out_dir / f"passages-{rows}.csv"
        tmp = path.with_suffix(".body")
        con.execute(
            f"COPY ({csv_line_sql()}) TO '{tmp}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')",
            params,
        )
        with open(path, "wb") as out, open(tmp, "rb") as body:
            out.write((",".join(COLUMNS) + "\n").encode())
            while chunk := body.read(1 << 24):
                out.write(chunk)
        tmp.unlink()
        written["csv"] = path
    if "parquet" in formats:
        path = out_dir / f"passages-{rows}.parquet"
        con.execute(
            f"COPY ({parquet_sql()}) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)",
            params,
        )
        written["parquet"] = path
    stations = out_dir / "stations.csv"
    with open(stations, "w", encoding="utf-8") as f:
        f.write("station_id\n")
        for r in REGIONS:
            for k in range(1, 6):
                f.write(f"S{r}{k:03d}\n")
    written["stations"] = stations
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate seeded WIM passages for bench/offsite")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    t0 = time.perf_counter()
    written = generate(args.rows, args.seed, args.out_dir, args.formats.split(","), args.threads)
    for kind, path in written.items():
        print(f"{kind}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
