"""Benchmark: 三书同达 issued through the services, as the batch-issuing job does it.

    .venv/bin/python bench/documents/services_run.py                  # 793 decided cases, 2 workers
    .venv/bin/python bench/documents/services_run.py --cases 40       # quick
    .venv/bin/python bench/documents/services_run.py --workers 0      # render in the job's own thread

Setup (not timed): a fresh SQLite database in a temporary ZHIFA_DATA_DIR, the demo agencies and
parties, and N overload cases walked with the cases services (register, file, investigate, assess,
review, notify, waive, decide) with a seeded RNG (party, vehicle, 50–58 t on six axles → 500–4,500
yuan). Timed: ``batch_issue_job`` over all N cases — per case the plan (context from the database,
composer), the numbers, the rendering of the decision, the credit-repair notice, the risk-prevention
notice and the 送达回证 in PDF and DOCX (worker processes), the commit (rows, audit events, counters)
and the file writes. Prints wall time, documents per second and CPU time of the job's process and of
the workers; copy the figures into bench/documents/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

OVERLOAD = {"axles": 6, "vehicle_kind": "combination", "single_drive_axle": False}


def setup(n: int, seed: int) -> tuple[list[int], object]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from zhifa.cases.services import case_act, case_assess, case_create
    from zhifa.demo import DemoContext, load_agencies, load_parties
    from zhifa.documents.demo import PROFILES
    from zhifa.documents.models import DocumentProfile
    from zhifa.parties.models import Enterprise, Vehicle

    call_command("migrate", verbosity=0)
    ctx = DemoContext(scale="small", seed=20261125, verbose=False)
    load_agencies(ctx)
    load_parties(ctx)
    unit = ctx.units[0]
    DocumentProfile.objects.get_or_create(agency=unit.agency, defaults=PROFILES[unit.key])
    User = get_user_model()
    o1, o2, head = (User.objects.get(username=u) for u in ("nz_officer1", "nz_officer2", "nz_head"))
    enterprises = list(Enterprise.objects.filter(agency=unit.agency, sector="freight").order_by("pk"))
    vehicles = list(Vehicle.objects.filter(agency=unit.agency, kind="combination", axles=6).order_by("pk"))
    rng = random.Random(seed)
    today = timezone.localdate()
    from datetime import date

    from zhifa.core.calendar import get_calendar

    # every deadline a filing starts (the 90-day decision period) must end in a year the calendar covers
    cover_end = date(max(get_calendar().covered_years()), 12, 31)
    start = min(today - timedelta(days=40), cover_end - timedelta(days=125))
    ids = []
    t0 = time.perf_counter()
    for i in range(n):
        day = start + timedelta(days=i % 20)
        vehicle = rng.choice(vehicles)
        gross = 50000 + 1000 * rng.randrange(0, 9)
        with transaction.atomic():
            case = case_create(
                actor=o1,
                procedure="general",
                item_code="overload.weight",
                violation_date=day - timedelta(days=1),
                enterprise=rng.choice(enterprises),
                vehicle=vehicle,
                facts={**OVERLOAD, "gross_weight_kg": gross},
                officers=[o2.officer],
                violation_place=f"南召县G207国道K{rng.randrange(100, 1400)}",
                summary=f"{vehicle.plate}号车辆车货总质量{gross}千克，超过限定标准",
                today=day,
            )
            for who, action, params in (
                (o1, "request_filing", {}),
                (head, "file", {}),
                (o1, "start_investigation", {}),
                (o1, "_assess", {}),
                (o1, "submit_for_review", {}),
                (o1, "notify", {}),
                (o1, "waive_rights", {"waiver_reference": "当事人放弃陈述申辩权利声明书"}),
                (head, "decide", {"outcome": "penalty"}),
            ):
                if action == "_assess":
                    case_assess(actor=who, case=case, today=day)
                else:
                    case_act(actor=who, case=case, action=action, params=params, today=day)
        ids.append(case.pk)
        if (i + 1) % 100 == 0:
            print(f"  setup: {i + 1}/{n} decided cases ({time.perf_counter() - t0:.0f} s)", flush=True)
    return ids, o1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=793)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20260401)
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    a = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="zhifa-bench-docs-"))
    os.environ.update(
        {
            "ZHIFA_DATA_DIR": str(data),
            "ZHIFA_DEMO_MODE": "1",
            "ZHIFA_PUBLIC_BASE_URL": "https://zhifa.example.gov.cn",
            "DJANGO_SETTINGS_MODULE": "zhifa.config.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from zhifa.documents.render.fonts import build_font_cache, cache_dir, cached_faces

    if len(cached_faces()) < 4:
        build_font_cache()
    print(f"font cache: {cache_dir()}; data: {data}")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average before {os.getloadavg()[0]:.2f}"
    )
    t = time.perf_counter()
    ids, actor = setup(a.cases, a.seed)
    print(f"setup: {len(ids)} decided cases in {time.perf_counter() - t:.0f} s (not counted)")

    from zhifa.core.models import Job
    from zhifa.documents.models import Document
    from zhifa.documents.services.batch import JOB_KIND, batch_issue_job
    from zhifa.documents.services.files import document_integrity

    job = Job.objects.create(kind=JOB_KIND, title="bench", params={}, created_by=actor, total=len(ids))
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    result = batch_issue_job(str(job.pk), case_ids=ids, user_id=actor.pk, workers=a.workers)
    wall = time.perf_counter() - t0
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_main = (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime)
    cpu_kids = (kids1.ru_utime + kids1.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
    docs = result["documents"]
    bundles = len(result["issued"])
    triple = Document.objects.exclude(document_type="service_receipt").count()
    sizes = Document.objects.values_list("pdf_size", "docx_size")
    pdf_kb = sum(p for p, _ in sizes) / max(len(sizes), 1) / 1024
    docx_kb = sum(d for _, d in sizes) / max(len(sizes), 1) / 1024
    seqs = sorted(Document.objects.filter(document_type="penalty_decision").values_list("number_seq", flat=True))
    gap_free = seqs == list(range(1, len(seqs) + 1))
    sample = Document.objects.order_by("?")[:20]
    intact = all(document_integrity(d).ok for d in sample)
    print(
        f"issued {bundles} bundles = {docs} documents ({triple} decisions and notices + {docs - triple} receipts), "
        f"each in PDF and DOCX = {2 * docs} files; failed {len(result['failed'])}; resyncs {result['resynced']}"
    )
    print(
        f"wall {wall:.1f} s = {wall / 60:.1f} min; {docs / wall:.1f} documents/s ({2 * docs / wall:.1f} files/s); "
        f"workers {result['workers']}"
    )
    print(
        f"CPU: job process {cpu_main:.1f} s ({cpu_main / max(bundles, 1) * 1000:.0f} ms/bundle: plan, commit, files), "
        f"workers {cpu_kids:.1f} s ({cpu_kids / max(docs, 1) * 1000:.0f} ms/document, both formats); "
        f"mean size PDF {pdf_kb:.0f} KB, DOCX {docx_kb:.0f} KB"
    )
    print(
        f"numbers gap-free: {gap_free}; 20 random documents re-hashed intact: {intact}; "
        f"load average {load0:.2f} → {os.getloadavg()[0]:.2f}"
    )
    if not a.keep:
        shutil.rmtree(data, ignore_errors=True)
    return 0 if gap_free and intact and not result["failed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
