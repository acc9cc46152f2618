"""Stations, devices and calibration certificates; station push tokens.

Writers are administrators (``admin`` role) of the station's agency or an agency above it; every write
is audited in its transaction. A push token is random, shown once, and stored only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.agencies.choices import Role
from zhifa.core.audit import audit_record, model_snapshot
from zhifa.core.errors import ConflictError, DomainError, NotFound
from zhifa.core.permissions import can_see_agency, require_role
from zhifa.offsite.models import Calibration, Device, Station

WRITER_ROLES = (Role.ADMIN,)
TOKEN_PREFIX = "zfs_"
CODE_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}")
STATION_FIELDS = [
    "code",
    "name",
    "road",
    "stake",
    "direction",
    "lanes",
    "region_code",
    "latitude",
    "longitude",
    "address",
    "published_on",
    "publication_ref",
    "active",
]
DEVICE_FIELDS = ["serial", "manufacturer", "model", "lanes", "installed_on", "active"]
CAL_FIELDS = ["certificate_no", "issuer", "valid_from", "valid_to", "accuracy_class"]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _text(data: dict, key: str, label: str, *, required: bool = False, max_len: int = 200) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise DomainError("offsite.field_required", f"请填写{label}", key)
    if len(value) > max_len:
        raise DomainError("offsite.field_too_long", f"{label}不能超过{max_len}个字符", key)
    return value


def _date(data: dict, key: str, label: str, *, required: bool = False) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise DomainError("offsite.field_required", f"请填写{label}", key)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError("offsite.bad_date", f"{label}格式错误（应为YYYY-MM-DD）", key) from None


def _int(data: dict, key: str, label: str, lo: int, hi: int, default: int) -> int:
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise DomainError("offsite.bad_number", f"{label}应为整数", key) from None
    if not lo <= n <= hi:
        raise DomainError("offsite.out_of_range", f"{label}应在{lo}至{hi}之间", key)
    return n


def _coord(data: dict, key: str, label: str, limit: int) -> Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise DomainError("offsite.bad_number", f"{label}应为数字", key) from None
    if abs(d) > limit:
        raise DomainError("offsite.out_of_range", f"{label}应在-{limit}至{limit}之间", key)
    return d


def _bool(value: Any, default: bool = True) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "on", "yes", "是")


def _clean_station(data: dict[str, Any]) -> dict[str, Any]:
    code = _text(data, "code", "站点编号", required=True, max_len=64)
    if not CODE_RE.fullmatch(code):
        raise DomainError("offsite.bad_station_code", "站点编号只能包含字母、数字、下划线和连字符", "code")
    region = _text(data, "region_code", "行政区划代码", required=True, max_len=6)
    if not re.fullmatch(r"\d{6}", region):
        raise DomainError("offsite.bad_region", "行政区划代码应为6位数字", "region_code")
    published_on = _date(data, "published_on", "向社会公布日期")
    publication_ref = _text(data, "publication_ref", "公布文件/网址")
    if published_on and not publication_ref:
        raise DomainError(
            "offsite.publication_ref_required",
            "已填写公布日期时须填写公布文件或网址（行政处罚法第四十一条：设置地点应当向社会公布）",
            "publication_ref",
        )
    if publication_ref and not published_on:
        raise DomainError("offsite.field_required", "请填写向社会公布日期", "published_on")
    if published_on and published_on > timezone.localdate():
        raise DomainError("offsite.publication_future", "公布日期不能晚于今天", "published_on")
    return {
        "code": code,
        "name": _text(data, "name", "站点名称", required=True, max_len=100),
        "road": _text(data, "road", "路线编号", max_len=20),
        "stake": _text(data, "stake", "桩号", max_len=30),
        "direction": _text(data, "direction", "方向", max_len=50),
        "lanes": _int(data, "lanes", "车道数", 1, 20, 2),
        "region_code": region,
        "latitude": _coord(data, "latitude", "纬度", 90),
        "longitude": _coord(data, "longitude", "经度", 180),
        "address": _text(data, "address", "地址"),
        "published_on": published_on,
        "publication_ref": publication_ref,
        "active": _bool(data.get("active"), True),
    }


def _writer(actor, agency_id: int, what: str = "站点"):
    officer = require_role(actor, *WRITER_ROLES)
    if not can_see_agency(actor, agency_id):
        raise NotFound(what)
    return officer


def _audit_snapshot(obj, fields) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal | date) else v) for k, v in model_snapshot(obj, fields).items()}


@transaction.atomic
def station_create(*, actor, data: dict[str, Any], agency=None) -> Station:
    officer = require_role(actor, *WRITER_ROLES)
    agency = agency or officer.agency
    _writer(actor, agency.pk, "机构")
    clean = _clean_station(data)
    if Station.objects.filter(code=clean["code"]).exists():
        raise DomainError("offsite.station_duplicate", f"站点编号 {clean['code']} 已存在", "code")
    station = Station(agency=agency, **clean)
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError:
        raise DomainError("offsite.station_duplicate", f"站点编号 {clean['code']} 已存在", "code") from None
    audit_record(
        actor=actor, event_code="offsite.station_created", obj=station, after=_audit_snapshot(station, STATION_FIELDS)
    )
    return station


@transaction.atomic
def station_update(*, actor, station: Station, data: dict[str, Any], version: int | None = None) -> Station:
    _writer(actor, station.agency_id)
    locked = Station.objects.select_for_update().get(pk=station.pk)
    if version is not None and locked.version != version:
        raise ConflictError(
            "offsite.conflict", f"该站点已被他人修改（当前版本 {locked.version}），请刷新后重试", "version"
        )
    merged = {f: getattr(locked, f) for f in STATION_FIELDS}
    merged.update({k: v for k, v in data.items() if k in STATION_FIELDS})
    clean = _clean_station(merged)
    if clean["code"] != locked.code and locked.passages.exists():
        raise DomainError("offsite.station_code_locked", "站点已有通行记录，不能修改站点编号", "code")
    if Station.objects.filter(code=clean["code"]).exclude(pk=locked.pk).exists():
        raise DomainError("offsite.station_duplicate", f"站点编号 {clean['code']} 已存在", "code")
    before = _audit_snapshot(locked, STATION_FIELDS)
    for k, v in clean.items():
        setattr(locked, k, v)
    locked.version += 1
    locked.save()
    after = _audit_snapshot(locked, STATION_FIELDS)
    changed = sorted(k for k in after if before[k] != after[k])
    audit_record(
        actor=actor,
        event_code="offsite.station_updated",
        obj=locked,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    # more lanes, or active again: passages kept without a device may now have one
    locked.attached = _attach(actor, locked.station) if {"lanes", "active"} & set(changed) else None
    return locked


def _attach(actor, station: Station) -> dict[str, Any]:
    """Passages of ``station`` imported before their device was registered get it (services/evidence.py)."""
    from zhifa.offsite.services.evidence import attach_unassigned_passages

    return attach_unassigned_passages(actor=actor, station=station)


@transaction.atomic
def station_token_issue(*, actor, station: Station) -> str:
    """Issue (or rotate) the station's push token; returns it once, stores only its SHA-256."""
    if actor is not None:  # None: the operator's CLI
        _writer(actor, station.agency_id)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    rotated = bool(station.push_token_hash)
    Station.objects.filter(pk=station.pk).update(push_token_hash=hash_token(token), push_token_issued_at=timezone.now())
    station.refresh_from_db()
    audit_record(
        actor=actor,
        event_code="offsite.station_token_rotated" if rotated else "offsite.station_token_issued",
        obj=station,
        after={"token_sha256_prefix": station.push_token_hash[:8]},
    )
    return token


def station_for_token(token: str | None) -> Station | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return Station.objects.select_related("agency").filter(push_token_hash=hash_token(token), active=True).first()


def _clean_lanes(value: Any, station: Station) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[,，\s]+", str(value))
    lanes = [str(x).strip() for x in items if str(x).strip()]
    for lane in lanes:
        if len(lane) > 64:
            raise DomainError("offsite.bad_lane", "车道编号过长", "lanes")
    return sorted(set(lanes), key=lambda x: (len(x), x))


@transaction.atomic
def device_create(*, actor, station: Station, data: dict[str, Any]) -> Device:
    _writer(actor, station.agency_id)
    serial = _text(data, "serial", "设备编号", required=True, max_len=64)
    if Device.objects.filter(station=station, serial=serial).exists():
        raise DomainError("offsite.device_duplicate", f"该站点已有设备编号 {serial}", "serial")
    device = Device.objects.create(
        station=station,
        serial=serial,
        manufacturer=_text(data, "manufacturer", "生产厂家", max_len=100),
        model=_text(data, "model", "型号", max_len=100),
        lanes=_clean_lanes(data.get("lanes"), station),
        installed_on=_date(data, "installed_on", "安装日期"),
        active=_bool(data.get("active"), True),
    )
    audit_record(
        actor=actor,
        event_code="offsite.device_created",
        obj=device,
        agency=station.agency,
        after=_audit_snapshot(device, DEVICE_FIELDS),
    )
    device.attached = _attach(actor, device.station)
    return device


@transaction.atomic
def device_update(*, actor, device: Device, data: dict[str, Any], version: int | None = None) -> Device:
    _writer(actor, device.station.agency_id)
    locked = Device.objects.select_for_update().select_related("station").get(pk=device.pk)
    if version is not None and locked.version != version:
        raise ConflictError("offsite.conflict", "该设备已被他人修改，请刷新后重试", "version")
    before = _audit_snapshot(locked, DEVICE_FIELDS)
    merged = {f: getattr(locked, f) for f in DEVICE_FIELDS} | {k: v for k, v in data.items() if k in DEVICE_FIELDS}
    serial = _text(merged, "serial", "设备编号", required=True, max_len=64)
    if Device.objects.filter(station=locked.station, serial=serial).exclude(pk=locked.pk).exists():
        raise DomainError("offsite.device_duplicate", f"该站点已有设备编号 {serial}", "serial")
    locked.serial = serial
    locked.manufacturer = _text(merged, "manufacturer", "生产厂家", max_len=100)
    locked.model = _text(merged, "model", "型号", max_len=100)
    locked.lanes = _clean_lanes(merged.get("lanes"), locked.station)
    locked.installed_on = _date(merged, "installed_on", "安装日期")
    locked.active = _bool(merged.get("active"), True)
    locked.version += 1
    locked.save()
    after = _audit_snapshot(locked, DEVICE_FIELDS)
    changed = sorted(k for k in after if before[k] != after[k])
    audit_record(
        actor=actor,
        event_code="offsite.device_updated",
        obj=locked,
        agency=locked.station.agency,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    # more lanes, or active again: passages kept without a device may now have one
    locked.attached = _attach(actor, locked.station) if {"lanes", "active"} & set(changed) else None
    return locked


def _attach(actor, station: Station) -> dict[str, Any]:
    """Passages of ``station`` imported before their device was registered get it (services/evidence.py)."""
    from zhifa.offsite.services.evidence import attach_unassigned_passages

    return attach_unassigned_passages(actor=actor, station=station)


@transaction.atomic
def calibration_add(*, actor, device: Device, data: dict[str, Any]) -> Calibration:
    _writer(actor, device.station.agency_id)
    # one certificate change per device at a time: each changes which of its passages are evidence
    device = Device.objects.select_for_update().select_related("station__agency").get(pk=device.pk)
    cert = _text(data, "certificate_no", "检定证书编号", required=True, max_len=64)
    valid_from = _date(data, "valid_from", "有效期起", required=True)
    valid_to = _date(data, "valid_to", "有效期止", required=True)
    if valid_to < valid_from:
        raise DomainError("offsite.calibration_range", "检定有效期止不能早于有效期起", "valid_to")
    if Calibration.objects.active().filter(device=device, certificate_no=cert).exists():
        raise DomainError("offsite.calibration_duplicate", f"该设备已登记检定证书 {cert}", "certificate_no")
    cal = Calibration.objects.create(
        device=device,
        certificate_no=cert,
        issuer=_text(data, "issuer", "检定机构", required=True, max_len=100),
        valid_from=valid_from,
        valid_to=valid_to,
        accuracy_class=_text(data, "accuracy_class", "准确度等级", max_len=20),
    )
    audit_record(
        actor=actor,
        event_code="offsite.calibration_added",
        obj=cal,
        agency=device.station.agency,
        after=_audit_snapshot(cal, CAL_FIELDS) | {"device": device.serial},
    )
    # passages imported before the certificate was on record become evidence (services/evidence.py)
    from zhifa.offsite.services.evidence import certificate_changed

    cal.requalified = certificate_changed(actor=actor, calibration=cal, action="add")
    return cal


@transaction.atomic
def calibration_revoke(*, actor, calibration: Calibration, reason: str) -> Calibration:
    """Revoke a certificate entered by mistake (it stays on record): the passages it made evidence and no
    other certificate covers are no longer evidence, and their open events are recomputed."""
    Device.objects.select_for_update().filter(pk=calibration.device_id).first()
    cal = Calibration.objects.select_for_update().select_related("device__station__agency").get(pk=calibration.pk)
    _writer(actor, cal.device.station.agency_id)
    reason = _text({"reason": reason}, "reason", "撤销原因", required=True, max_len=300)
    if cal.revoked_at is not None:
        raise DomainError("offsite.calibration_revoked", f"检定证书 {cal.certificate_no} 已于此前撤销", "calibration")
    cal.revoked_at = timezone.now()
    cal.revoked_by = actor if getattr(actor, "pk", None) else None
    cal.revoked_reason = reason
    cal.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    audit_record(
        actor=actor,
        event_code="offsite.calibration_revoked",
        obj=cal,
        agency=cal.device.station.agency,
        before=_audit_snapshot(cal, CAL_FIELDS) | {"device": cal.device.serial},
        after={"revoked_reason": reason},
        reason=reason,
    )
    from zhifa.offsite.services.evidence import certificate_changed

    cal.disqualified = certificate_changed(actor=actor, calibration=cal, action="revoke")
    return cal


@transaction.atomic
def certificate_job_retry(*, actor, job) -> dict[str, Any]:
    """Run a failed background re-qualification again (its transaction was rolled back, so the certificate is
    on record, or revoked, without its effect on the passages). The work is idempotent: it starts from the
    passages' current state."""
    from zhifa.core.choices import JobStatus
    from zhifa.core.models import Job
    from zhifa.offsite.services.evidence import certificate_changed, job_summary
    from zhifa.offsite.tasks import EVIDENCE_JOB_KIND

    job = Job.objects.select_for_update().get(pk=job.pk)  # two administrators clicking at once: one runs it
    if job.kind != EVIDENCE_JOB_KIND or job.status != JobStatus.FAILED or (job.result or {}).get("retried_as"):
        raise DomainError("offsite.job_not_failed", "只有失败的后台重新判定任务可以重新执行", "job")
    device = Device.objects.select_for_update().filter(calibrations__pk=job.params["calibration_id"]).first()
    if device is None:
        raise NotFound("检定证书")
    _writer(actor, device.station.agency_id)
    cal = Calibration.objects.select_related("device__station__agency").get(pk=job.params["calibration_id"])
    action = job.params["action"]
    if action == "add" and cal.revoked_at is not None:
        raise DomainError("offsite.calibration_revoked", f"检定证书 {cal.certificate_no} 已撤销，无需重新执行", "job")
    done = certificate_changed(actor=actor, calibration=cal, action=action)
    if done.get("job"):  # still too large for the request: a new job; this one stays failed, marked
        job.result = (job.result or {}) | {"retried_as": done["job"]}
        job.save(update_fields=["result"])
    else:
        job.status, job.message, job.finished_at = JobStatus.DONE, "重新执行完成", timezone.now()
        job.result = job_summary(done, action)
        job.save(update_fields=["status", "message", "finished_at", "result"])
    audit_record(
        actor=actor,
        event_code="offsite.evidence_job_retried",
        obj=cal,
        agency=cal.device.station.agency,
        after={"job": str(job.pk), "action": action, "passages": done["passages"], "new_job": done.get("job")},
    )
    return done
