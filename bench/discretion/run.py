"""Discretion engine throughput: decisions per second on one core for a mixed batch.

    .venv/bin/python bench/discretion/run.py [--n 200000] [--seed 20261125] [--profile]

The batch is generated from a fixed seed: about half overload weight cases (the off-site
volume), the rest spread over road transport (both versions of 《道路运输条例》 around
2023-07-20, so the 从旧兼从轻 comparison runs), ride-hailing, highway items with the 安顺
benchmark, and the no-penalty list for spillage, across national, Henan, Zhejiang, Anshun
and Jiangxi jurisdictions. Loading the catalog is excluded; building the trace is included
(every Decision carries it). Serialising to JSON is measured separately.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from zhifa.catalog.engine import decide
from zhifa.catalog.yamlload import catalog

VEHICLES = [
    (2, "truck", None, 18000),
    (3, "truck", None, 25000),
    (4, "combination", None, 36000),
    (5, "combination", None, 43000),
    (6, "combination", False, 49000),
    (6, "combination", True, 46000),
]
REGIONS = [None, "411321", "410100", "330100", "371300", "520402", "360100"]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def make_batch(n: int, seed: int) -> list[tuple[str, dict, date, date, str | None]]:
    rng = random.Random(seed)
    batch = []
    for _ in range(n):
        r = rng.random()
        region = rng.choice(REGIONS)
        v = _day(rng, date(2022, 4, 1), date(2025, 12, 31))
        d = v + timedelta(days=rng.randrange(0, 200))
        if r < 0.5:
            axles, kind, single, limit = rng.choice(VEHICLES)
            facts = {"axles": axles, "vehicle_kind": kind, "gross_weight_kg": limit + rng.randrange(-3000, 40000)}
            if single is not None:
                facts["single_drive_axle"] = single
            if rng.random() < 0.3:
                facts["measurement"] = "wim"
            batch.append(("overload.weight", facts, v, d, region))
        elif r < 0.6:
            facts = {
                "illegal_income_yuan": rng.choice([0, 0, 5000, 10000, 15000, 30000]),
                "serious": rng.random() < 0.2,
            }
            if rng.random() < 0.5:
                facts["prior_offences"] = rng.randrange(0, 4)
            batch.append(("road_transport.unlicensed_freight", facts, v, d, region))
        elif r < 0.67:
            code = rng.choice(["road_transport.unlicensed_passenger", "road_transport.unlicensed_dangerous_goods"])
            batch.append((code, {"illegal_income_yuan": rng.choice([0, 12000, 25000])}, v, d, region))
        elif r < 0.74:
            facts = {
                "first_offence": rng.random() < 0.6,
                "obstructed_enforcement": rng.random() < 0.1,
                "loading_corrected": rng.random() < 0.8,
                "harm": rng.choice(["none", "minor", "serious"]),
                "cleaned_in_time": rng.random() < 0.8,
            }
            batch.append(("highway.spillage", facts, v, d, region))
        elif r < 0.81:
            facts = {
                "road_asset_loss_yuan": rng.choice([0, 5000, 15000, 25000, 40000]),
                "traffic_impact": rng.choice(["none", "affected", "interrupted"]),
                "interruption_minutes": rng.randrange(0, 120),
                "corrected_immediately": rng.random() < 0.3,
                "overdue_not_corrected": rng.random() < 0.3,
                "minor_violation": rng.random() < 0.3,
            }
            batch.append(("highway.excavation", facts, v, d, rng.choice(["520402", "520400", None])))
        elif r < 0.88:
            code = rng.choice(["ride_hailing.no_vehicle_permit", "ride_hailing.no_driver_permit"])
            batch.append((code, {}, max(v, date(2022, 12, 5)), max(d, date(2022, 12, 5)), region))
        elif r < 0.94:
            facts = {
                "height_mm": rng.randrange(3800, 4800),
                "width_mm": rng.randrange(2400, 3200),
                "length_mm": rng.randrange(17000, 22000),
            }
            batch.append(("overload.dimensions", facts, v, d, region))
        else:
            facts = {
                "age": rng.randrange(12, 60),
                "eliminated_harm": rng.random() < 0.3,
                "emergency_violation": rng.random() < 0.05,
            }
            batch.append(("road_transport.unqualified_driver", facts, v, d, region))
    return batch


def run(batch) -> tuple[float, dict[str, int]]:
    outcomes: dict[str, int] = {}
    t0 = time.perf_counter()
    for code, facts, v, d, region in batch:
        out = decide(code, facts, v, d, region).outcome
        outcomes[out] = outcomes.get(out, 0) + 1
    return time.perf_counter() - t0, outcomes


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    t0 = time.perf_counter()
    cat = catalog()
    load_s = time.perf_counter() - t0
    batch = make_batch(args.n, args.seed)
    run(batch[:2000])  # warm the compiled catalog and the rules cache
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        run(batch[: min(args.n, 50_000)])
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return 0
    elapsed, outcomes = run(batch)
    sample = batch[: min(len(batch), 20_000)]
    t1 = time.perf_counter()
    for code, facts, v, d, region in sample:
        json.dumps(decide(code, facts, v, d, region).as_dict(), ensure_ascii=False)
    json_rate = len(sample) / (time.perf_counter() - t1)
    print(
        json.dumps(
            {
                "decisions": args.n,
                "seconds": round(elapsed, 3),
                "decisions_per_second": round(args.n / elapsed),
                "decisions_per_second_with_json": round(json_rate),
                "catalog_load_seconds": round(load_s, 3),
                "outcomes": outcomes,
                "catalog_version": cat.version,
                "python": platform.python_version(),
                "machine": platform.machine(),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
