"""Demo of off-site enforcement for 南召县大队 (safe to run twice): three WIM stations with their
devices and calibration certificates (one certificate expired, so that lane's passages are kept but not
evidence), and a generated file of passages over the last days imported by the ingest service — it
yields events pending review, events of unknown vehicles and unusable events, and a few quarantined
rows. At the end ``demo_review.load_review(ctx)`` (offsite-cases) runs when it exists.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, time, timedelta
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zhifa.offsite.models import Calibration, Device, ImportRun, ImportStatus, Station

SH = ZoneInfo("Asia/Shanghai")
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
STATIONS = [
    # code, name, road, stake, direction, lanes, lat, lon, address, published
    (
        "S411321001",
        "G207南召北超限检测站",
        "G207",
        "K1268+300",
        "南阳方向",
        2,
        "33.512300",
        "112.431200",
        "南召县城郊乡G207线",
        True,
    ),
    (
        "S411321002",
        "S231皇后乡动态称重点",
        "S231",
        "K45+800",
        "双向",
        2,
        "33.583100",
        "112.302400",
        "南召县皇后乡S231线",
        True,
    ),
    (
        "S411321003",
        "G234云阳动态称重点",
        "G234",
        "K812+150",
        "鲁山方向",
        2,
        "33.651800",
        "112.523700",
        "南召县云阳镇G234线",
        True,
    ),
]
# device serial, station code, lanes, certificate valid: (from days ago, to days ahead); None = expired
DEVICES = [
    ("WIM-G207-01", "S411321001", [], (300, 65)),
    ("WIM-S231-01", "S411321002", ["1"], (300, 65)),
    ("WIM-S231-02", "S411321002", ["2"], (500, -120)),  # certificate expired 120 days ago
    ("WIM-G234-01", "S411321003", [], (200, 165)),
]
LIMITS = {2: 18000, 3: 25000, 4: 31000, 5: 43000, 6: 49000}


def load(ctx) -> None:
    unit = next((u for u in ctx.units if u.key == "nanzhao"), None)
    if unit is None:
        return
    agency = unit.agency
    today = timezone.localdate()
    _stations(ctx, agency, today)
    _import(ctx, agency, unit, today)
    if find_spec("zhifa.offsite.demo_review") is not None:
        import_module("zhifa.offsite.demo_review").load_review(ctx)


def _stations(ctx, agency, today) -> None:
    with transaction.atomic():
        for code, name, road, stake, direction, lanes, lat, lon, address, published in STATIONS:
            Station.objects.get_or_create(
                code=code,
                defaults={
                    "agency": agency,
                    "name": name,
                    "road": road,
                    "stake": stake,
                    "direction": direction,
                    "lanes": lanes,
                    "region_code": "411321",
                    "latitude": lat,
                    "longitude": lon,
                    "address": address,
                    "published_on": today - timedelta(days=400) if published else None,
                    "publication_ref": "南召县交通运输局关于公布非现场执法检测点设置地点的公告（南交〔2024〕12号）"
                    if published
                    else "",
                },
            )
        for serial, code, lanes, (ago, ahead) in DEVICES:
            station = Station.objects.get(code=code)
            device, _ = Device.objects.get_or_create(
                station=station,
                serial=serial,
                defaults={
                    "manufacturer": "郑州某衡器有限公司",
                    "model": "DWS-6",
                    "lanes": lanes,
                    "installed_on": today - timedelta(days=ago + 30),
                },
            )
            Calibration.objects.get_or_create(
                device=device,
                certificate_no=f"豫计检{serial[-5:]}-{(today - timedelta(days=ago)).year}",
                defaults={
                    "issuer": "河南省计量测试科学研究院",
                    "valid_from": today - timedelta(days=ago),
                    "valid_to": today + timedelta(days=ahead),
                    "accuracy_class": "5级",
                },
            )
    ctx.log(f"  非现场：站点 {len(STATIONS)} 个，设备 {len(DEVICES)} 台（其中 1 台检定证书已过期）")


def _rows(ctx, agency, unit, today) -> list[list[str]]:
    """About 1,500 passages over the last ten days: vehicles of the unit (known) and from elsewhere
    (unknown), about 10 % overloaded, some on the lane whose device's certificate expired, and a few
    malformed rows."""
    from zhifa.parties.models import Vehicle

    rng = ctx.rng("offsite-demo")
    known = list(
        Vehicle.objects.filter(agency=agency, kind__in=("truck", "combination"), axles__gte=2)
        .order_by("id")
        .values_list("plate", "plate_colour", "axles", "kind")[:400]
    )
    letters = "ABCDEFGHJKLMNP"
    unknown = [(f"鄂{rng.choice(letters)}{rng.randrange(10000, 99999)}", "yellow", 6, "combination") for _ in range(60)]
    rows: list[list[str]] = []
    n = 0
    for day_ago in range(10, 0, -1):
        day = today - timedelta(days=day_ago)
        for _ in range(150):
            n += 1
            plate, colour, axles, _kind = rng.choice(known) if known and rng.random() < 0.8 else rng.choice(unknown)
            axles = min(max(int(axles or 6), 2), 6)
            code = rng.choice([s[0] for s in STATIONS])
            lane = rng.choice(["1", "2"])
            at = datetime.combine(day, time(rng.randrange(0, 24), rng.randrange(60), rng.randrange(60)), SH)
            limit = LIMITS[axles]
            over = rng.random() < 0.10
            gross = int(limit * (rng.uniform(1.03, 1.45) if over else rng.uniform(0.45, 0.97)))
            rows.append(
                [
                    f"DEMO{ctx.seed}-{n:06d}",
                    code,
                    lane,
                    at.isoformat(),
                    plate,
                    colour,
                    str(axles),
                    "combination" if axles >= 5 else "truck",
                    "0",
                    str(gross),
                    f"{rng.uniform(35, 85):.1f}",
                    "16500" if axles >= 5 else "9000",
                    "2550",
                    "3900",
                ]
            )
    # a few malformed rows, as a real feed has them
    rows[7][3] = rows[7][3][:10].replace("-", "/") + " 08:15"
    rows[19][4] = ""
    rows[23][9] = "999999"
    rows[31][1] = "S411399999"
    rows[40][4] = "豫Z0"
    return rows


def _import(ctx, agency, unit, today) -> None:
    from zhifa.offsite.services.ingest import import_file, sha256_of

    rows = _rows(ctx, agency, unit, today)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"南召称重数据-{today:%Y%m%d}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            w.writerows(rows)
        if ImportRun.objects.filter(sha256=sha256_of(path), status=ImportStatus.DONE).exists():
            ctx.log("  非现场：演示称重数据已导入，跳过")
            return
        actor = get_user_model().objects.filter(username="nz_admin").first()
        out = import_file(path, agency=agency, actor=actor)
    ctx.summary["offsite"] = {
        "read": out.read,
        "accepted": out.accepted,
        "quarantined": out.quarantined,
        "events": out.events,
        "unusable": out.unusable,
    }
    ctx.log(f"  非现场：{out.line()}")
