"""Helpers for the off-site detection tests (pure: no database).

Rules come from the real catalog (``zhifa.catalog.engine.overload_rules``); a test that
needs other parameters (tolerance, rounding, another schedule) derives them from a real
``OverloadRules`` with ``dataclasses.replace`` so the catalog's own ``fine_for`` is what
the vectorised SQL is compared with.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from zhifa.catalog.engine import overload_rules
from zhifa.offsite.detect import DetectOptions, detect
from zhifa.offsite.oracle import run_oracle

ROOT = Path(__file__).resolve().parents[2]
HEADER = [
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
]
OUTPUTS = [
    "events.csv",
    "no_penalty_events.csv",
    "dimension_events.csv",
    "passages.csv",
    "quarantine.csv",
    "duplicates.csv",
    "summary.json",
]


def passage(n: int = 1, **over: object) -> dict[str, object]:
    """A valid passage of a six-axle combination, 40 t, under every limit."""
    row: dict[str, object] = {
        "record_id": f"R{n:06d}",
        "station_id": "S410100001",
        "lane": "1",
        "passed_at": f"2024-05-01T08:{n % 60:02d}:00+08:00",
        "plate": "豫A12345",
        "plate_color": "yellow",
        "axles": "6",
        "vehicle_kind": "combination",
        "single_drive_axle": "0",
        "gross_kg": "40000",
        "speed_kmh": "62.5",
        "length_mm": "16500",
        "width_mm": "2500",
        "height_mm": "3800",
    }
    row.update({k: ("" if v is None else v) for k, v in over.items()})
    return row


def write_csv(
    path: Path, rows: list[dict[str, object]], header: list[str] | None = None, encoding: str = "utf-8", newline="\n"
) -> Path:
    header = header or HEADER
    lines = [",".join(header)] + [",".join(str(r.get(c, "")) for c in header) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclasses.dataclass
class Run:
    summary: dict
    out: Path

    def rows(self, name: str) -> list[dict[str, str]]:
        return read_csv(self.out / name)

    @property
    def events(self) -> list[dict[str, str]]:
        return self.rows("events.csv")

    @property
    def quarantine(self) -> list[tuple[int, str, str]]:
        return [(int(r["row"]), r["reason"], r["field"]) for r in self.rows("quarantine.csv")]


@pytest.fixture
def rules_for() -> Callable:
    return overload_rules


@pytest.fixture
def run(tmp_path: Path, rules_for) -> Callable[..., Run]:
    counter = iter(range(10_000))

    def go(source: Path, rules=None, **options: object) -> Run:
        out = tmp_path / f"out{next(counter)}"
        opts = DetectOptions(memory_limit="256MB", threads=2, **options)
        detect(source, out, rules_for=rules or rules_for, options=opts)
        return Run(json.loads((out / "summary.json").read_text(encoding="utf-8")), out)

    return go


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def make(rows: list[dict[str, object]], **kw: object) -> Path:
        return write_csv(tmp_path / f"in{next(counter)}.csv", rows, **kw)

    return make


def replaced_rules(**changes: object) -> Callable:
    """rules_for giving the real catalog's rules with some parameters replaced."""

    def rules_for(region: str | None, on_date: date):
        return dataclasses.replace(overload_rules(region, on_date), **changes)

    return rules_for


def load_generator():
    spec = importlib.util.spec_from_file_location("offsite_bench_generate", ROOT / "bench/offsite/generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def oracle(source: Path, rules=None, **kw: object):
    return run_oracle(source, rules or overload_rules, **kw)
