"""Benchmark of the late-certificate requalification (``zhifa.offsite.services.evidence``) on the database
``import_run.py`` leaves: the five 410100 stations' devices have certificates that expired before May 2024,
so their passages (about a tenth) are stored as ``calibration_invalid`` and their events as 不能作为证据.
For each of those devices in turn a certificate covering May 2024 is recorded with ``calibration_add`` (as
the station page does) and timed; everything is rolled back at the end, so the run can be repeated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_offsite_bench .venv/bin/python bench/offsite/requalify_run.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from zhifa.agencies.models import Officer, OfficerRole  # noqa: E402
from zhifa.offsite.models import Device, Passage  # noqa: E402
from zhifa.offsite.services.stations import calibration_add  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    devices = list(
        Device.objects.filter(passages__unusable_reason="calibration_invalid")
        .annotate(n=Count("passages"))
        .order_by("serial")
    )
    if not devices:
        raise SystemExit("no device with calibration_invalid passages: run import_run.py first")
    rows = []
    try:
        with transaction.atomic():
            # an administrator of the stations' agency (rolled back with the rest)
            user = get_user_model().objects.create(username="bench-requalify")
            admin = Officer.objects.create(user=user, agency=devices[0].station.agency, name="基准测试管理员")
            OfficerRole.objects.create(officer=admin, role="admin")
            for d in devices:
                before = Passage.objects.filter(device=d, evidence_usable=False).count()
                t = time.perf_counter()
                cal = calibration_add(
                    actor=admin.user,
                    device=d,
                    data={
                        "certificate_no": f"BENCH-{d.serial}",
                        "issuer": "河南省计量测试科学研究院",
                        "valid_from": "2024-05-01",
                        "valid_to": "2025-04-30",
                    },
                )
                wall = time.perf_counter() - t
                r = cal.requalified
                rows.append((d.serial, before, r["passages"], len(r["events_recomputed"]), wall))
            raise Rollback
    except Rollback:
        pass
    print("| device | unusable before | passages requalified | events recomputed | seconds |")
    print("|---|---:|---:|---:|---:|")
    for serial, before, n, ev, wall in rows:
        print(f"| {serial} | {before:,} | {n:,} | {ev:,} | {wall:.2f} |")
    total = sum(r[2] for r in rows)
    secs = sum(r[4] for r in rows)
    print(
        f"\n{total:,} passages and {sum(r[3] for r in rows):,} events in {secs:.2f} s "
        f"({total / secs:,.0f} passages/s); rolled back"
    )


if __name__ == "__main__":
    main()
