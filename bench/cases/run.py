"""Case list and dashboard under load over loopback: gunicorn (2 workers) on the million-case database,
driven by a bounded Python load generator (threads, one logged-in session each).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench .venv/bin/python bench/cases/run.py \
        [--concurrency 4] [--seconds 20] [--workers 2] [--only list_state,dashboard_api]

Starts gunicorn on 127.0.0.1 only, logs the virtual users in (demo and bench officers of both units,
so the jurisdictions differ), warms up, then for each scenario keeps ``--concurrency`` requests in
flight for ``--seconds`` and reports requests/s and the latency percentiles (p50, p95, p99) as a
Markdown table (and JSON with ``--json``). Every response must be 200 with the expected content.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Zhifa@Demo2026"
USERS = ["nz_officer1", "nz_head", "ly_officer1", "ly_head", "bench_nz_01", "bench_ly_01"]


@dataclass
class Scenario:
    key: str
    label: str
    path: str  # may hold {officer}: an officer of the user's own unit
    expect: str  # a substring the response must contain


SCENARIOS = [
    Scenario("list_default", "在办案件工作列表（按期限排序，第1页）", "/api/v1/cases?page_size=25", '"results"'),
    Scenario("list_state", "按状态筛选（调查取证）", "/api/v1/cases?state=investigating&page_size=25", '"results"'),
    Scenario("list_overdue", "只看逾期", "/api/v1/cases?overdue=true&page_size=25", '"results"'),
    Scenario(
        "list_item_officer",
        "按事项＋承办人筛选",
        "/api/v1/cases?item=overload.weight&officer={officer}&page_size=25",
        '"results"',
    ),
    Scenario(
        "list_all_closed",
        "全部状态，已结案（约45万件中分页）",
        "/api/v1/cases?state=closed&page_size=25&page=100",
        '"results"',
    ),
    Scenario("list_page", "案件列表页面（HTML，按状态筛选）", "/cases/?state=notified", "案件办理"),
    Scenario("dashboard_api", "工作台案件统计（API）", "/api/v1/cases/dashboard", '"overdue"'),
    Scenario("home_page", "工作台页面（HTML，含全部面板）", "/", "在办案件"),
]


def login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
    )
    if r.status_code != 302:
        raise SystemExit(f"login failed for {username}: {r.status_code}")
    return client


def officer_of_unit(client: httpx.Client) -> int:
    """An officer id of the client's own unit (from a case of theirs)."""
    case = client.get("/api/v1/cases?page_size=1").json()["results"][0]
    detail = client.get(f"/api/v1/cases/{case['id']}").json()
    return detail["officers"][0]["id"]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _workers(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def run_scenario(clients, officers, sc: Scenario, concurrency: int, seconds: float, workers=()) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        client = clients[i % len(clients)]
        path = sc.path.format(officer=officers[i % len(clients)])
        local = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            r = client.get(path)
            dt = time.perf_counter() - t0
            if r.status_code != 200 or sc.expect not in r.text:
                with lock:
                    errors.append(f"{r.status_code} {path}")
                continue
            local.append(dt)
        with lock:
            latencies.extend(local)

    load_before = os.getloadavg()[0]
    for i in range(concurrency * 3):  # warm-up: connections, caches
        clients[i % len(clients)].get(sc.path.format(officer=officers[i % len(clients)]))
    cpu_before = _cpu_seconds(list(workers))
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    cpu = _cpu_seconds(list(workers)) - cpu_before
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else float("nan")

    return {
        "scenario": sc.key,
        "label": sc.label,
        "path": sc.path,
        "requests": len(lat),
        "errors": len(errors),
        "rps": round(len(lat) / wall, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "load_1min": round((load_before + os.getloadavg()[0]) / 2, 1),  # the machine is shared
        # CPU the web workers spent per request (PostgreSQL not included): capacity on an idle machine
        "worker_cpu_ms": round(cpu * 1000 / len(lat), 1) if lat else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--only", default="", help="comma-separated scenario keys")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--parallel-query",
        action="store_true",
        help="keep PostgreSQL's parallel query for the web connections (default: off, as recommended for OLTP)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must point at the bench PostgreSQL database", file=sys.stderr)
        return 2
    env = dict(os.environ)
    env.update(
        ZHIFA_ENV="development",
        DEBUG="0",
        ZHIFA_DATA_DIR=env.get("ZHIFA_DATA_DIR", "/tmp/zhifa-bench-cases"),
        ZHIFA_LOG_LEVEL="WARNING",
    )
    if not args.parallel_query:
        # small OLTP queries: starting parallel workers costs more than it saves under concurrency
        env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c max_parallel_workers_per_gather=0").strip()
    Path(env["ZHIFA_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "zhifa.config.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/login/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        clients = [login(base, u) for u in USERS]
        officers = [officer_of_unit(c) for c in clients]
        chosen = [s for s in SCENARIOS if not args.only or s.key in args.only.split(",")]
        workers = _workers(server.pid)
        results = [run_scenario(clients, officers, s, args.concurrency, args.seconds, workers) for s in chosen]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    meta = {
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.platform()}",
        "date": time.strftime("%Y-%m-%d"),
        "workers": args.workers,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "pg_parallel_query": args.parallel_query,
    }
    if args.json:
        print(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=1))
    head = f"{meta['machine']} · {meta['date']} · gunicorn {args.workers} workers"
    head += " · PG parallel query " + ("on" if args.parallel_query else "off")
    print(f"\n{head} · {args.concurrency} concurrent · {args.seconds:g} s each\n")
    print("| Scenario | Requests | req/s | p50 ms | p95 ms | p99 ms | errors | load | worker CPU ms/req |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['label']} (`{r['path']}`) | {r['requests']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['errors']} | {r['load_1min']} | {r['worker_cpu_ms']} |"
        )
    return 0 if all(r["errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
