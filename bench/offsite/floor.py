"""The read floor: decode every column of an input file with DuckDB and nothing else.

    floor.py FILE typed|text|parquet THREADS

``typed``: the CSV columns parsed to their types (integers, TIMESTAMPTZ, boolean, double);
``text``: the CSV fields only split (all VARCHAR, the dialect detect reads);
``parquet``: the Parquet file as it is typed.

Every value of every column is used: ``sum(length(col))`` of a text column, ``sum(col)`` of a
number, ``count_if(col)`` of a boolean, ``sum(epoch_us(col))`` of a timestamp. (``count(col)``
is not enough: DuckDB answers ``count`` and ``min`` of a Parquet column from the row-group
statistics without reading a page — 0.00 s for 10 M rows.)
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
    if kind == "parquet":
        src = f"read_parquet('{path}')"
        types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
    else:
        spec = ", ".join(f"'{c}': '{TYPES.get(c, 'VARCHAR') if kind == 'typed' else 'VARCHAR'}'" for c in COLUMNS)
        src = (
            f"read_csv('{path}', header = true, auto_detect = false, columns = {{{spec}}}, delim = ',', "
            "quote = '', escape = '', new_line = '\\n', ignore_errors = true)"
        )
        types = {c: TYPES.get(c, "VARCHAR") if kind == "typed" else "VARCHAR" for c in COLUMNS}
    uses = ", ".join(_use(c, types[c]) for c in COLUMNS)
    print(con.execute(f"SELECT count(*), {uses} FROM {src}").fetchone()[0])


def _use(column: str, typ: str) -> str:
    """An aggregate that needs every value of the column (statistics cannot answer it)."""
    col = f'"{column}"'
    t = typ.upper()
    if t == "BOOLEAN":
        return f"count_if({col})"
    if t.startswith("TIMESTAMP"):
        return f"sum(epoch_us({col}))"
    if t in ("VARCHAR", "TEXT") or t.startswith("VARCHAR"):
        return f"sum(length({col}))"
    return f"sum({col})"


if __name__ == "__main__":
    main()
