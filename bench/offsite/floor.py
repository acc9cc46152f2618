"""The read floor: decode every column of an input file with DuckDB and nothing else.

    floor.py FILE typed|text|parquet THREADS

``typed``: the CSV columns parsed to their types (integers, TIMESTAMPTZ, boolean, double);
``text``: the CSV fields only split (all VARCHAR, the dialect detect reads);
``parquet``: the Parquet file as it is typed. ``count(col)`` of every column keeps DuckDB
from skipping any.
"""

from __future__ import annotations

import sys

import duckdb

from zhifa.offsite.schema import CORE_COLUMNS

COLUMNS = list(CORE_COLUMNS)  # the contract columns, in order (docs/offsite.md)
TYPES = {
    "lane": "INTEGER",
    "passed_at": "TIMESTAMPTZ",
    "axles": "INTEGER",
    "single_drive_axle": "BOOLEAN",
    "gross_kg": "INTEGER",
    "speed_kmh": "DOUBLE",
    "length_mm": "INTEGER",
    "width_mm": "INTEGER",
    "height_mm": "INTEGER",
}


def main() -> None:
    path, kind, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    con = duckdb.connect(config={"threads": threads})
    counts = ", ".join(f'count("{c}")' for c in COLUMNS)
    if kind == "parquet":
        src = f"read_parquet('{path}')"
    else:
        spec = ", ".join(f"'{c}': '{TYPES.get(c, 'VARCHAR') if kind == 'typed' else 'VARCHAR'}'" for c in COLUMNS)
        src = (
            f"read_csv('{path}', header = true, auto_detect = false, columns = {{{spec}}}, delim = ',', "
            "quote = '', escape = '', new_line = '\\n', ignore_errors = true)"
        )
    print(con.execute(f"SELECT count(*), {counts} FROM {src}").fetchone()[0])


if __name__ == "__main__":
    main()
