"""Benchmark of ``zhifa offsite import`` into PostgreSQL: a generated file (``generate.py``) loaded into
a database of its own, then the same file again (every row a duplicate).

Set-up (not timed): the database is dropped and created, migrated, and given one provincial agency with
the generator's 50 stations, one device per station with a certificate valid in May 2024 (the devices of
five stations have expired certificates, so about a tenth of the passages are kept but flagged), and
2,000 registered vehicles. Each import runs in a fresh process (``zhifa offsite import FILE --agency ID
--no-progress``) measured from outside with ``os.wait4`` (wall, CPU, peak RSS); the phase timings come
from the import run's ``summary.timings_s``. Rows/s of the load step = accepted rows / (stage + events +
passages + counts) seconds; of the whole import = rows read / wall time.

    .venv/bin/python bench/offsite/import_run.py --rows 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/zhifa_offsite_bench
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from generate import DATA_DIR, REGIONS, generate  # noqa: E402


def measure(cmd: list[str], env: dict[str, str]) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{out}\n{err}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "out": out}


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


SETUP = r"""
from datetime import date
from zhifa.agencies.models import Agency
from zhifa.offsite.models import Calibration, Device, Station
from zhifa.parties.models import Vehicle
import duckdb, sys
regions = sys.argv[1].split(",")
csv_path = sys.argv[2]
a = Agency.objects.create(name="河南省交通运输综合行政执法总队", short_name="豫交执", level="province",
                          region_code="410000", path="")
a.path = f"/{a.pk}/"; a.save(update_fields=["path"])
expired = set(regions[:1])
for r in regions:
    for k in range(1, 6):
        s = Station.objects.create(agency=a, code=f"S{r}{k:03d}", name=f"检测站{r}-{k}", region_code=r, lanes=4)
        d = Device.objects.create(station=s, serial=f"WIM-{r}-{k}", lanes=[])
        to = date(2024, 4, 30) if r in expired else date(2024, 12, 31)
        Calibration.objects.create(device=d, certificate_no=f"C{r}{k}", issuer="河南省计量院",
                                   valid_from=date(2023, 5, 1), valid_to=to)
plates = duckdb.sql(f"SELECT DISTINCT plate, plate_color FROM read_csv('{csv_path}', all_varchar=true, "
                    "ignore_errors=true) WHERE plate_color IN ('blue','yellow') AND length(plate) BETWEEN 7 AND 8 "
                    "LIMIT 2000").fetchall()
Vehicle.objects.bulk_create([Vehicle(agency=a, plate=p, plate_colour=c, kind="combination", axles=6)
                             for p, c in plates], ignore_conflicts=True)
print(a.pk)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/zhifa_offsite_bench")
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    args = parser.parse_args()

    path = DATA_DIR / f"passages-{args.rows}.{args.format}"
    if not path.exists():
        print(f"generating {path} …", file=sys.stderr)
        generate(args.rows, args.seed, DATA_DIR, [args.format, "csv"] if args.format == "parquet" else ["csv"])
    csv_path = DATA_DIR / f"passages-{args.rows}.csv"
    env = {**os.environ, "DATABASE_URL": args.database_url, "ZHIFA_ENV": "development"}
    recreate_database(args.database_url)
    zhifa = str(ROOT / ".venv" / "bin" / "zhifa")
    subprocess.run([zhifa, "manage", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    setup = subprocess.run(
        [
            zhifa,
            "manage",
            "shell",
            "-c",
            f"import sys; sys.argv=['x', {','.join(REGIONS)!r}, {str(csv_path)!r}]\n" + SETUP,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if setup.returncode != 0:
        raise SystemExit(f"set-up failed:\n{setup.stdout}\n{setup.stderr}")
    agency_id = setup.stdout.strip().splitlines()[-1]
    results = []
    for label in ("first import", "same file again"):
        m = measure([zhifa, "offsite", "import", str(path), "--agency", agency_id, "--no-progress"], env)
        info = subprocess.run(
            [
                zhifa,
                "manage",
                "shell",
                "-c",
                "import json; from zhifa.offsite.models import ImportRun as R; r = R.objects.latest('id'); "
                "print(json.dumps({'read': r.read, 'accepted': r.accepted, 'quarantined': r.quarantined, "
                "'duplicates': r.duplicates, 'events': r.events, 'unusable': r.unusable, "
                "'timings': r.summary.get('timings_s', {})}))",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        run = json.loads(info.stdout.strip().splitlines()[-1])
        t = run["timings"]
        load_s = sum(t.get(k, 0) for k in ("stage", "events", "passages", "counts_quarantine", "commit"))
        results.append({"label": label, **m, **run, "load_s": load_s})
    print(
        f"\n{args.rows:,} rows ({args.format}), PostgreSQL, {platform.node()}, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d')}\n"
    )
    print(
        "| run | wall s | peak RSS MB | read | accepted | quarantined | duplicates | events | unusable | "
        "detect s | load s (stage/events/passages/counts/commit) | passages: csv/copy/insert s | load rows/s | "
        "whole rows/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        t = r["timings"]
        parts = "/".join(f"{t.get(k, 0):.1f}" for k in ("stage", "events", "passages", "counts_quarantine", "commit"))
        load_rate = r["accepted"] / r["load_s"] if r["load_s"] and r["accepted"] else 0
        sub = "/".join(f"{t.get(k, 0):.1f}" for k in ("passages_csv", "passages_copy", "passages_insert"))
        print(
            f"| {r['label']} | {r['wall']:.1f} | {r['rss_mb']:.0f} | {r['read']:,} | {r['accepted']:,} | "
            f"{r['quarantined']:,} | {r['duplicates']:,} | {r['events']:,} | {r['unusable']:,} | "
            f"{t.get('detect', 0):.1f} | {r['load_s']:.1f} ({parts}) | {sub} | {load_rate:,.0f} | "
            f"{r['read'] / r['wall']:,.0f} |"
        )


if __name__ == "__main__":
    main()
