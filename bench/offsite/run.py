"""Benchmark of ``zhifa offsite detect`` beside the read floor, measured in the same run.

For each input (CSV and Parquet from ``generate.py``) and each repetition, in turn:

* **floor**: a fresh process decodes every column of the same file with DuckDB and
  nothing else (``count(col)`` of every column, so no column is skipped):
  - ``floor-typed``: the CSV columns parsed to their types (integers, TIMESTAMPTZ, …),
    the Parquet file read as it is typed;
  - ``floor-text`` (CSV only): the fields only split, all VARCHAR, the dialect detect uses;
* **detect**: a fresh process runs ``zhifa offsite detect --input FILE --out DIR``.

Each process is measured from outside with ``os.wait4``: wall time, CPU time (user+sys)
and peak RSS. The fastest repetition is reported (the machine is shared); rows/s is
rows / wall time. The table is printed as Markdown, ready for README.md.

    .venv/bin/python bench/offsite/generate.py --rows 10000000
    .venv/bin/python bench/offsite/run.py --rows 10000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE / "data"


def measure(cmd: list[str]) -> dict[str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out}\n{err}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "out": out.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--memory-limit", default="640MB")
    parser.add_argument("--no-steps", action="store_true", help="skip the in-process per-step run")
    args = parser.parse_args()
    args.load_before = os.getloadavg()
    py = sys.executable
    results: dict[str, dict[str, dict[str, float]]] = {}
    for fmt in args.formats.split(","):
        path = DATA / f"passages-{args.rows}.{fmt}"
        if not path.is_file():
            raise SystemExit(f"{path} missing: run bench/offsite/generate.py --rows {args.rows} first")
        out_dir = DATA / f"out-{fmt}"
        kinds = ["typed", "text"] if fmt == "csv" else ["parquet"]
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.repeat):
            for kind in kinds:
                r = measure([py, str(HERE / "floor.py"), str(path), kind, str(args.threads)])
                label = "floor-typed" if kind in ("typed", "parquet") else "floor-text"
                if label not in best or r["wall"] < best[label]["wall"]:
                    best[label] = r
            cmd = [
                py,
                "-m",
                "zhifa.cli",
                "offsite",
                "detect",
                "--input",
                str(path),
                "--out",
                str(out_dir),
                "--no-progress",
                "--threads",
                str(args.threads),
                "--memory-limit",
                args.memory_limit,
            ]
            r = measure(cmd)
            if "detect" not in best or r["wall"] < best["detect"]["wall"]:
                best["detect"] = r
        summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
        best["detect"]["summary"] = {k: summary[k] for k in ("read", "accepted", "quarantined", "duplicates", "events")}
        if not args.no_steps:
            r = measure([py, str(HERE / "steps.py"), str(path), str(args.threads), args.memory_limit])
            best["steps"] = json.loads(r["out"].splitlines()[-1])
        results[fmt] = best
    args.load_after = os.getloadavg()
    print(report(args, results))


def report(args, results) -> str:
    lines = [
        f"Date: {date.today().isoformat()}; machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB RAM, "
        f"{platform.python_implementation()} {platform.python_version()}, DuckDB {_duckdb_version()}; "
        f"{args.rows:,} rows, best of {args.repeat} (by wall time), threads {args.threads}, "
        f"memory limit {args.memory_limit}; load average (1/5/15 min) before "
        f"{'/'.join(f'{x:.1f}' for x in args.load_before)}, after {'/'.join(f'{x:.1f}' for x in args.load_after)}.",
        "",
        "| input | step | wall s | CPU s | rows/s (wall) | peak RSS MB | × floor (wall) | × floor (CPU) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fmt, best in results.items():
        floor = best["floor-typed"]
        for label in ("floor-text", "floor-typed", "detect"):
            if label not in best:
                continue
            r = best[label]
            lines.append(
                f"| {fmt} | {label} | {r['wall']:.2f} | {r['cpu']:.2f} | {args.rows / r['wall']:,.0f} | "
                f"{r['rss_mb']:.0f} | {r['wall'] / floor['wall']:.2f} | {r['cpu'] / floor['cpu']:.2f} |"
            )
    lines.append("")
    for fmt, best in results.items():
        lines.append(f"- {fmt} detect summary: {best['detect']['summary']}")
    for fmt, best in results.items():
        if "steps" not in best:
            continue
        st = best["steps"]
        lines += ["", f"{fmt}: detect by step, one in-process run (wall {st['wall']} s, CPU {st['cpu']} s)", ""]
        lines += ["| step | wall s | CPU s |", "|---|---:|---:|"]
        rows = sorted(st["steps"].items(), key=lambda kv: -(kv[1][1] or 0))
        other = [0.0, 0.0]
        for label, (wall, cpu) in rows:
            if (cpu or 0) < 0.05 and wall is not None:
                other[0] += wall
                other[1] += cpu
                continue
            lines.append(f"| {label} | {'' if wall is None else f'{wall:.2f}'} | {cpu:.2f} |")
        lines.append(f"| other statements | {other[0]:.2f} | {other[1]:.2f} |")
    return "\n".join(lines)


def _duckdb_version() -> str:
    import duckdb

    return duckdb.__version__


if __name__ == "__main__":
    main()
