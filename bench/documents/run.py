"""Benchmark: 三书同达 bundles (penalty decision + credit-repair notice + risk-prevention notice)
rendered to DOCX and to PDF with a process pool.

    .venv/bin/python bench/documents/run.py                 # 793 bundles, 2 processes
    .venv/bin/python bench/documents/run.py --bundles 50    # quick run

The data are generated from the four penalty sample cases with a seeded RNG (party, plate,
amount, decision date between 2026-03-01 and 2026-05-31, so both credit rules occur). Each
worker builds its contexts itself (nothing large is pickled) and returns sizes and hashes.
Figures are written to stdout; copy them into bench/documents/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.context import DocumentContext
from zhifa.documents.render import render_document, triple_contexts

SCENARIOS = ("offsite_overload", "onsite_road_transport", "ride_hailing", "highway_admin")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国明华伟芳军静磊强洋艳勇杰娟涛超秀霞平刚"
FIRMS = ("顺达", "宏远", "恒通", "安泰", "鑫源", "通达", "永兴", "兴旺", "汇丰", "瑞祥")
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def bundle_context(i: int, seed: int = 20260401) -> DocumentContext:
    rng = random.Random(seed * 1_000_003 + i)
    base = samples.sample(SCENARIOS[i % len(SCENARIOS)])
    party = base.party
    if party.is_person:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    else:
        name = f"南召县{rng.choice(FIRMS)}{rng.choice(('物流', '运输', '商贸'))}有限公司{i}"
    ctx = replace(base, party=replace(party, name=name))
    if ctx.vehicle:
        old = ctx.vehicle.plate
        new = old[:2] + "".join(rng.choice(SERIAL) for _ in range(len(old) - 3)) + old[-1]
        ctx = replace(ctx, vehicle=replace(ctx.vehicle, plate=new), facts_text=ctx.facts_text.replace(old, new))
    day = date(2026, 3, 1) + timedelta(days=rng.randrange(92))
    d = ctx.decision
    assert d is not None
    fine = d.fine_yuan or 0
    if d.fine_range.max:
        fine = rng.randrange(max(d.fine_range.min or 0, 100), d.fine_range.max + 1, 100)
    ctx = replace(
        ctx,
        case_number=f"南召交执罚〔2026〕{i + 1}号",
        decision_date=day,
        issue_date=day,
        service_date=day,
        decision=replace(d, fine_yuan=fine, trace=()),
    )
    return ctx


def numbers(i: int) -> dict[str, str]:
    return {
        "penalty_decision": f"南召交执罚决〔2026〕{i + 1}号",
        "credit_repair_notice": f"南召交执信〔2026〕{i + 1}号",
        "risk_prevention_notice": f"南召交执风〔2026〕{i + 1}号",
    }


def work(args: tuple[range, str]) -> tuple[int, int, float]:
    """Render the bundles in ``fmt``; returns (documents, bytes, CPU seconds of this worker)."""
    bundles, fmt = args
    t0 = time.process_time()
    count = size = 0
    for i in bundles:
        for c in triple_contexts(bundle_context(i), numbers(i)):
            doc = render_document(c, fmt, qr_url=f"https://zhifa.example.gov.cn/v/{c.document_type}/{i}?sig=bench")
            count += 1
            size += len(doc.content)
    return count, size, time.process_time() - t0


def warm(_: int) -> None:
    c = triple_contexts(bundle_context(0), numbers(0))[0]
    render_document(c, "pdf")
    render_document(c, "docx")


def run(n_bundles: int, workers: int, chunk: int) -> dict[str, dict[str, float]]:
    chunks = [range(s, min(s + chunk, n_bundles)) for s in range(0, n_bundles, chunk)]
    results: dict[str, dict[str, float]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(warm, range(workers)))  # fonts, templates, imports
        for fmt in ("docx", "pdf"):
            t0 = time.perf_counter()
            parts = list(pool.map(work, [(c, fmt) for c in chunks]))
            wall = time.perf_counter() - t0
            docs = sum(p[0] for p in parts)
            size = sum(p[1] for p in parts)
            cpu = sum(p[2] for p in parts)
            results[fmt] = {
                "documents": docs,
                "seconds": round(wall, 1),
                "per_second": round(docs / wall, 1),
                "cpu_ms_per_doc": round(cpu / docs * 1000, 1),
                # what the same work takes on ``workers`` otherwise idle cores
                "idle_cores_seconds": round(cpu / workers, 1),
                "mean_kb": round(size / docs / 1024, 1),
            }
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundles", type=int, default=793)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=10)
    ap.add_argument(
        "--font-cache", default="", help="font subset cache dir (default: $ZHIFA_FONT_CACHE or ~/.cache/zhifa/fonts)"
    )
    ap.add_argument("--no-font-cache", action="store_true", help="embed subsets of the full system fonts")
    a = ap.parse_args()
    if a.no_font_cache:
        os.environ["ZHIFA_FONT_CACHE"] = tempfile.mkdtemp(prefix="zhifa-nofonts-")
    else:
        if a.font_cache:
            os.environ["ZHIFA_FONT_CACHE"] = a.font_cache
        from zhifa.documents.render.fonts import build_font_cache, cache_dir, cached_faces

        if len(cached_faces()) < 4:
            t = time.perf_counter()
            build_font_cache()
            print(f"font cache built in {time.perf_counter() - t:.1f} s (one-time, not counted below): {cache_dir()}")
        else:
            print(f"font cache: {cache_dir()}")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average before {os.getloadavg()[0]:.2f}"
    )
    print(f"bundles: {a.bundles} ({a.bundles * 3} documents per format), workers: {a.workers}")
    t0 = time.perf_counter()
    res = run(a.bundles, a.workers, a.chunk)
    total = time.perf_counter() - t0
    for fmt, r in res.items():
        print(
            f"{fmt.upper():5} {r['documents']:6} documents  wall {r['seconds']:7} s  {r['per_second']:6} /s  "
            f"CPU {r['cpu_ms_per_doc']} ms/doc (= {r['idle_cores_seconds']} s on {a.workers} idle cores)  "
            f"{r['mean_kb']} KB avg"
        )
    print(f"total wall (DOCX + PDF, incl. pool start): {total:.1f} s; load average now {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
