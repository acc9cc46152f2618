"""Scoped reads for stations, devices, calibrations and import runs (role × jurisdiction).

Objects outside the user's jurisdiction raise :class:`NotFound` (the page and the API show 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from zhifa.core.errors import NotFound
from zhifa.core.permissions import officer_of, scope
from zhifa.offsite.models import Calibration, Device, ImportRun, QuarantinedRow, Station


def can_edit_stations(user) -> bool:
    officer = officer_of(user)
    return officer is not None and officer.has_role("admin")


def can_import(user) -> bool:
    officer = officer_of(user)
    return officer is not None and officer.has_role("admin", "officer", "head")


def station_list(*, user, q: str = "") -> QuerySet[Station]:
    qs = scope(Station.objects.select_related("agency"), user).annotate(device_count=Count("devices", distinct=True))
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(road__icontains=q))
    return qs.order_by("code")


def station_get(*, user, pk: int) -> Station:
    station = scope(Station.objects.select_related("agency"), user).filter(pk=pk).first()
    if station is None:
        raise NotFound("站点")
    return station


@dataclass
class CalibrationState:
    label: str  # 有效 | 已过期 | 未生效 | 无证书
    badge: str  # bootstrap colour
    valid: bool
    current: Calibration | None


def calibration_state(calibrations: list[Calibration], on: date | None = None) -> CalibrationState:
    on = on or timezone.localdate()
    current = next((c for c in calibrations if c.covers(on)), None)
    if current is not None:
        return CalibrationState("有效", "success", True, current)
    if not calibrations:
        return CalibrationState("无证书", "danger", False, None)
    if all(c.valid_from > on for c in calibrations):
        return CalibrationState("未生效", "warning", False, None)
    latest = max(calibrations, key=lambda c: c.valid_to)
    return CalibrationState("已过期", "danger", False, latest)


def station_devices(*, user, station: Station) -> list[Device]:
    """The station's devices with their certificates and today's calibration state (``device.state``)."""
    station_get(user=user, pk=station.pk)
    devices = list(
        Device.objects.filter(station=station)
        .prefetch_related(Prefetch("calibrations", queryset=Calibration.objects.order_by("-valid_to")))
        .order_by("serial")
    )
    today = timezone.localdate()
    for d in devices:
        d.state = calibration_state([c for c in d.calibrations.all() if c.revoked_at is None], today)
    return devices


def station_evidence_jobs(*, user, station: Station, limit: int = 10) -> list:
    """The latest background re-qualifications of the station's passages (certificate changes too large for
    the request, services/evidence.py), newest first."""
    from zhifa.core.models import Job
    from zhifa.offsite.tasks import EVIDENCE_JOB_KIND

    station_get(user=user, pk=station.pk)
    return list(
        Job.objects.filter(kind=EVIDENCE_JOB_KIND, params__station_id=station.pk).order_by("-created_at")[:limit]
    )


def evidence_job_get(*, user, pk):
    """A background re-qualification of a station in the user's jurisdiction (NotFound otherwise)."""
    from zhifa.core.models import Job
    from zhifa.offsite.tasks import EVIDENCE_JOB_KIND

    job = Job.objects.filter(pk=pk, kind=EVIDENCE_JOB_KIND).first()
    station_id = job.params.get("station_id") if job else None
    if not isinstance(station_id, int):
        raise NotFound("后台任务")
    station_get(user=user, pk=station_id)
    return job


def calibration_get(*, user, pk: int) -> Calibration:
    """A certificate of a device in the user's jurisdiction (NotFound otherwise)."""
    cal = Calibration.objects.select_related("device__station").filter(pk=pk).first()
    if cal is None:
        raise NotFound("检定证书")
    device_get(user=user, pk=cal.device_id)
    return cal


def device_get(*, user, pk: int) -> Device:
    device = Device.objects.select_related("station__agency").filter(pk=pk).first()
    if device is None or device.station.agency_id not in {a for a in _visible(user)}:
        raise NotFound("设备")
    return device


def _visible(user):
    from zhifa.core.permissions import visible_agency_ids

    return visible_agency_ids(user)


def import_runs(*, user) -> QuerySet[ImportRun]:
    return scope(ImportRun.objects.select_related("agency", "created_by", "station"), user).order_by(
        "-created_at", "-id"
    )


def import_run_get(*, user, pk: int) -> ImportRun:
    run = scope(ImportRun.objects.select_related("agency", "created_by", "station"), user).filter(pk=pk).first()
    if run is None:
        raise NotFound("导入批次")
    return run


def quarantine_reasons(run: ImportRun) -> list[dict]:
    from zhifa.offsite.schema import REASONS

    rows = (
        QuarantinedRow.objects.filter(import_run=run).values("reason").annotate(n=Count("id")).order_by("-n", "reason")
    )
    return [{"reason": r["reason"], "label": REASONS.get(r["reason"], r["reason"]), "count": r["n"]} for r in rows]


def quarantine_rows(run: ImportRun) -> QuerySet[QuarantinedRow]:
    return QuarantinedRow.objects.filter(import_run=run).order_by("row_number")
