"""/api/v1/offsite: stations and import runs (read, scoped by jurisdiction) and the station push endpoint.

``POST /push`` is called by a WIM station with its own token (``Authorization: Bearer zfs_…``, issued on
the station page or by ``zhifa offsite station-token``), not with a user's token. The batch is written
to a temporary CSV and goes through the same import pipeline as files, so reasons and rules are
identical; it is idempotent by ``record_id``.

The review part (``api_review``, offsite-cases) is added at the end when it exists.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, datetime
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from zhifa.core.errors import DomainError, PermissionDenied
from zhifa.offsite.models import ImportSource
from zhifa.offsite.schema import COLUMN_NAMES
from zhifa.offsite.selectors import import_run_get, import_runs, station_get, station_list

router = Router(tags=["非现场执法"])


# --- reads ---------------------------------------------------------------------------------------


class StationOut(Schema):
    id: int
    code: str
    name: str
    agency: str
    road: str
    stake: str
    direction: str
    lanes: int
    region_code: str
    latitude: float | None
    longitude: float | None
    published_on: date | None
    publication_ref: str
    active: bool
    version: int

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.name

    @staticmethod
    def resolve_latitude(obj):
        return float(obj.latitude) if obj.latitude is not None else None

    @staticmethod
    def resolve_longitude(obj):
        return float(obj.longitude) if obj.longitude is not None else None


class ImportRunOut(Schema):
    id: int
    source: str
    filename: str
    sha256: str
    status: str
    stage: str
    progress: int
    read: int
    accepted: int
    quarantined: int
    duplicates: int
    events: int
    unusable: int
    summary: dict
    error: str
    created_at: datetime
    finished_at: datetime | None


@router.get("/stations", response=list[StationOut], summary="检测站点（本辖区）")
def stations(request, q: str = "", limit: int = 200):
    return list(station_list(user=request.user, q=q)[: max(1, min(limit, 1000))])


@router.get("/stations/{pk}", response=StationOut, summary="检测站点")
def station(request, pk: int):
    return station_get(user=request.user, pk=pk)


@router.get("/imports", response=list[ImportRunOut], summary="导入批次（本辖区）")
def imports(request, limit: int = 50):
    return list(import_runs(user=request.user)[: max(1, min(limit, 500))])


@router.get("/imports/{pk}", response=ImportRunOut, summary="导入批次（含进度）")
def import_run(request, pk: int):
    return import_run_get(user=request.user, pk=pk)


# --- the station push ----------------------------------------------------------------------------


class StationTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from zhifa.offsite.services.stations import station_for_token

        station = station_for_token(token)
        if station is None:
            return None
        request.offsite_station = station
        return station


class PushIn(Schema):
    records: list[dict[str, Any]]


class QuarantinedOut(Schema):
    index: int
    record_id: str | None = None
    reason: str
    field: str | None = None


class PushOut(Schema):
    import_run: int
    read: int
    accepted: int
    quarantined: list[QuarantinedOut]
    duplicates: int
    events: int
    events_joined: int
    unusable: int


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _rate_limited(station_id: int) -> bool:
    key = f"offsite:push:{station_id}:{int(datetime.now().timestamp() // 60)}"
    if cache.add(key, 1, timeout=70):
        n = 1
    else:
        try:
            n = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=70)
            n = 1
    return n > settings.ZHIFA_OFFSITE_PUSH_PER_MINUTE


@router.post(
    "/push",
    auth=StationTokenAuth(),
    response={200: PushOut, 429: dict},
    summary="站点推送称重记录（站点令牌；按记录编号幂等）",
)
def push(request, payload: PushIn):
    from zhifa.offsite.services.ingest import create_run, run_import

    station = request.offsite_station
    if _rate_limited(station.pk):
        return Status(429, {"code": "offsite.push_rate_limited", "message": "推送过于频繁，请稍后再试", "field": None})
    records = payload.records
    limit = settings.ZHIFA_OFFSITE_PUSH_MAX_RECORDS
    if not records:
        raise DomainError("offsite.push_empty", "records 不能为空", "records")
    if len(records) > limit:
        raise DomainError("offsite.push_too_large", f"每次最多推送 {limit} 条记录（本次 {len(records)} 条）", "records")
    for i, rec in enumerate(records):
        sid = rec.get("station_id")
        if sid not in (None, "") and str(sid) != station.code:
            raise PermissionDenied(
                "offsite.push_wrong_station",
                f"第 {i} 条记录的站点编号 {sid} 不是本令牌的站点 {station.code}",
                f"records.{i}.station_id",
            )
    images: dict[str, list] = {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMN_NAMES)
    for rec in records:
        row = dict(rec)
        row.setdefault("station_id", station.code)
        if row.get("station_id") in (None, ""):
            row["station_id"] = station.code
        imgs = rec.get("images")
        if isinstance(imgs, list) and rec.get("record_id"):
            images[str(rec["record_id"])] = [str(x)[:500] for x in imgs[:20]]
        w.writerow([_cell(row.get(c)) for c in COLUMN_NAMES])
    with tempfile.TemporaryDirectory(prefix="zhifa-push-") as tmp:
        path = Path(tmp) / "push.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        run = create_run(
            agency=station.agency,
            actor=None,
            path=path,
            source=ImportSource.PUSH,
            station=station,
            filename=f"push-{station.code}-{datetime.now():%Y%m%d%H%M%S}.json",
            encoding="utf-8",
        )
        out = run_import(run, path, images=images, keep_quarantine=len(records))
    by_row = {}
    for q in out.quarantine:
        idx = q["row"] - 1  # quarantine rows count data lines from 1
        rec = records[idx] if 0 <= idx < len(records) else {}
        by_row[idx] = {"index": idx, "record_id": rec.get("record_id"), "reason": q["reason"], "field": q["field"]}
    return {
        "import_run": run.pk,
        "read": out.read,
        "accepted": out.accepted,
        "quarantined": [by_row[k] for k in sorted(by_row)],
        "duplicates": out.duplicates,
        "events": out.events,
        "events_joined": out.events_joined,
        "unusable": out.unusable,
    }


if find_spec("zhifa.offsite.api_review") is not None:
    router.add_router("", import_module("zhifa.offsite.api_review").router)
