"""第41条 review: an officer looks at an overload event's evidence and confirms (files a case), rejects,
or first resolves an unknown vehicle.

* **confirm** — an off-site case (source ``offsite``) addressed to the vehicle's **owner** (超限规定
  第五十五条), with the vehicle, the owning enterprise and the driver (when known) linked, is
  registered through the cases services (``case_create``), assessed by the catalog engine
  (``case_assess``: the DecisionRecord keeps the trace and the catalog version, as for any case) and
  submitted for filing (``request_filing``): the head approves the filing on the case page, as the
  case workflow requires (交通运输行政执法程序规定 第六十三条). The event keeps the case; its
  passages are the case's evidence record (see docs/offsite-cases.md).
* **reject** — with a written reason; the event stays, with its passages, for the record.
* **resolve vehicle** — a ``vehicle_unknown`` event gets an existing vehicle of the jurisdiction
  (same plate) or a new one registered through the parties services, and goes to ``pending_review``.

Every action is atomic, checks a licensed officer (执法证 valid today) in the event's jurisdiction,
takes the event ``version`` the officer saw (``UPDATE … WHERE version = seen``: of two reviewers
acting at once, one wins and the other gets ``offsite.version_conflict``) and writes its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhifa.core.audit import audit_record
from zhifa.core.errors import ConflictError, DomainError, NotFound
from zhifa.core.permissions import visible_agency_ids

PENDING = "pending_review"
VEHICLE_UNKNOWN = "vehicle_unknown"
UNUSABLE = "unusable"
CONFIRMED = "confirmed"
REJECTED = "rejected"
REASON_MIN_CHARS = 5

#: off-site vehicle kinds → the catalog's overload.weight ``vehicle_kind``; others (tractor, farm,
#: low-speed: limit = 行驶证核定总质量) are not covered by the catalog item and are filed by hand
CATALOG_KIND = {"truck": "truck", "combination": "combination", "articulated": "combination"}


@dataclass(frozen=True)
class ConfirmResult:
    event: Any
    case: Any
    warnings: tuple[str, ...] = ()


def _event_model():
    from zhifa.offsite.models import OverloadEvent

    return OverloadEvent


def event_for_write(actor, event, version=None) -> Any:
    """The event, fresh and locked (``SELECT … FOR UPDATE``: a second reviewer waits for the first),
    if it lies in the actor's jurisdiction; a ConflictError when it changed since ``version``."""
    OverloadEvent = _event_model()
    pk = getattr(event, "pk", event)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("超限事件") from None
    obj = (
        OverloadEvent.objects.select_for_update(of=("self",))
        .select_related("agency", "station", "vehicle", "owner_enterprise", "owner_person", "driver__person")
        .filter(pk=pk, agency_id__in=visible_agency_ids(actor))
        .first()
    )
    if obj is None:
        raise NotFound("超限事件")
    if version is not None and obj.version != _version(obj, version):
        raise ConflictError(
            "offsite.version_conflict",
            f"该超限事件已被他人处理（您看到的是第{version}版，当前为第{obj.version}版，"
            f"状态：{_status_label(obj.status)}），请刷新后重试",
            "version",
        )
    return obj


def _licensed(actor, today: date):
    from zhifa.cases.services.cases import require_licensed_officer

    return require_licensed_officer(actor, today)


def _advance(event, expected: int, statuses: tuple[str, ...], **columns) -> None:
    """``UPDATE event SET … , version = version + 1 WHERE id = … AND version = expected AND status IN …``."""
    OverloadEvent = _event_model()
    n = OverloadEvent.objects.filter(pk=event.pk, version=expected, status__in=statuses).update(
        version=F("version") + 1, **columns
    )
    if n != 1:
        current = OverloadEvent.objects.filter(pk=event.pk).values("version", "status").first() or {}
        raise ConflictError(
            "offsite.version_conflict",
            f"该超限事件已被他人处理（您看到的是第{expected}版，当前为第{current.get('version')}版，"
            f"状态：{_status_label(current.get('status'))}），请刷新后重试",
            "version",
        )
    event.refresh_from_db()


def _status_label(status: str | None) -> str:
    return {
        PENDING: "待审核",
        VEHICLE_UNKNOWN: "车辆待确认",
        UNUSABLE: "数据不可用",
        CONFIRMED: "已确认立案",
        REJECTED: "已驳回",
    }.get(status or "", status or "—")


def _version(event, version) -> int:
    if version is None:
        return event.version
    try:
        return int(version)
    except (TypeError, ValueError):
        raise DomainError("offsite.version_required", "缺少版本号，请刷新页面后重试", "version") from None


# --- facts for the catalog ------------------------------------------------------------------------


def worst_passage(event):
    from zhifa.offsite.models import Passage

    return (
        Passage.objects.select_related("station", "device")
        .filter(event=event)
        .order_by("-worst", "-over_kg", "passed_at", "id")
        .first()
    )


def catalog_facts(event, passage) -> tuple[str, dict[str, Any]]:
    """The catalog item and facts of an event: overload.weight from the worst passage (measured by
    WIM), or overload.dimensions when only a dimension is over."""
    over_weight = event.over_kg is not None and event.over_kg > 0
    if not over_weight:
        dims = {"length_mm": passage.length_mm, "width_mm": passage.width_mm, "height_mm": passage.height_mm}
        if any(v is None for v in dims.values()):
            raise DomainError("offsite.no_dimensions", "该事件未超重，且检测记录缺少外廓尺寸，不能按超限立案")
        return "overload.dimensions", dims
    kind = CATALOG_KIND.get(passage.vehicle_kind or "")
    axles = passage.axles or event.axles
    if not passage.vehicle_kind:
        # detection judged an unknown kind by the highest limit (the party's favour): the same here
        kind = "combination" if axles >= 3 else "truck"
    if kind is None:
        raise DomainError(
            "offsite.kind_not_covered",
            "拖拉机、农用车、低速货车以行驶证核定总质量为限定标准，请核实后按普通程序登记案件",
        )
    facts: dict[str, Any] = {
        "axles": axles,
        "vehicle_kind": kind,
        "gross_weight_kg": passage.gross_kg,
        "measurement": "wim",
    }
    if axles >= 6 and kind == "combination":
        # unknown drive axle: the higher limit (49 t), as detection did
        facts["single_drive_axle"] = bool(passage.single_drive_axle)
    elif passage.single_drive_axle is not None and kind == "combination":
        facts["single_drive_axle"] = bool(passage.single_drive_axle)
    return "overload.weight", facts


def _summary(event, passages: list, item: str) -> str:
    local = timezone.localtime
    lines = [
        f"经动态称重技术监控设备检测，{event.plate}（{event.axles}轴）于"
        f"{local(event.first_passed_at):%Y年%m月%d日 %H:%M}"
        + (f"至{local(event.last_passed_at):%m月%d日 %H:%M}" if event.passage_count > 1 else "")
        + f"通行{event.passage_count}次，最重一次车货总质量{event.gross_kg}千克，限定标准{event.limit_kg}千克"
        + (f"，超限{event.over_kg}千克。" if event.over_kg else "。"),
        "检测记录（通行时间｜检测站点｜车道｜轴数｜总质量｜限值｜超限｜设备｜检定证书）：",
    ]
    for p in passages:
        cal = p.calibration
        lines.append(
            f"{local(p.passed_at):%Y-%m-%d %H:%M:%S}｜{p.station.name}（{p.station.code}）｜{p.lane or '—'}｜"
            f"{p.axles}｜{p.gross_kg}｜{p.limit_kg}｜{p.over_kg or 0}｜"
            f"{p.device.serial if p.device else '—'}｜{cal.certificate_no if cal else '无有效检定'}"
            f"{'｜记录编号' + p.record_id}"
        )
    if item == "overload.weight" and any([event.over_length_mm, event.over_width_mm, event.over_height_mm]):
        lines.append("另：外廓尺寸亦超过限定标准，依第四十三条第二款另行处理。")
    return "\n".join(lines)


def passages_with_calibration(event) -> list:
    """The passages of ``event`` in time order, each with ``.calibration``: the device's certificate whose
    validity covers the passage's local date (河南条例 第十条), or None."""
    from django.db.models import Prefetch

    from zhifa.offsite.models import Calibration, Passage

    rows = list(
        Passage.objects.filter(event=event)
        .select_related("station", "device", "import_run")
        .prefetch_related(
            Prefetch("device__calibrations", queryset=Calibration.objects.active().order_by("-valid_from"))
        )
        .order_by("passed_at", "id")
    )
    for p in rows:
        p.calibration = calibration_on(p.device, timezone.localtime(p.passed_at).date()) if p.device else None
    return rows


def calibration_on(device, day: date):
    for cal in device.calibrations.all():
        if cal.valid_from <= day and (cal.valid_to is None or day <= cal.valid_to):
            return cal
    return None


# --- actions --------------------------------------------------------------------------------------


def event_confirm(
    *,
    actor,
    event,
    version: int | None = None,
    note: str = "",
    driver=None,
    cargo_source=None,
    loading_bill: str = "",
    officers: list | tuple = (),
    today: date | None = None,
) -> ConfirmResult:
    """Confirm a pending event after review: register the off-site case, assess it and submit it for filing."""
    from zhifa.cases.choices import CaseSource
    from zhifa.cases.services import case_act, case_assess, case_create
    from zhifa.cases.services.cases import today_or

    today = today_or(today)
    with transaction.atomic():
        obj = event_for_write(actor, event, version)
        officer = _licensed(actor, today)
        expected = _version(obj, version)
        if obj.status != PENDING:
            if obj.status == UNUSABLE:
                raise DomainError(
                    "offsite.evidence_unusable",
                    "该事件的检测设备在检测当日无有效检定证书，数据不得作为执法依据（河南省治理货物运输车辆超限超载条例第十条）",
                )
            if obj.status == VEHICLE_UNKNOWN:
                raise DomainError("offsite.vehicle_unknown", "请先确认车辆（选择已登记车辆或登记新车辆）")
            raise DomainError("offsite.not_pending", f"该事件当前状态为“{_status_label(obj.status)}”，不能确认")
        passages = passages_with_calibration(obj)
        used = [p for p in passages if p.evidence_usable and p.calibration is not None]
        if not used:
            raise DomainError(
                "offsite.evidence_unusable",
                "该事件没有可作为执法依据的检测记录（设备检定证书缺失或过期）",
            )
        vehicle = obj.vehicle
        if vehicle is None:
            raise DomainError("offsite.vehicle_unknown", "请先确认车辆（选择已登记车辆或登记新车辆）")
        owner_enterprise, owner_person = vehicle.owner_enterprise, vehicle.owner_person
        if owner_enterprise is None and owner_person is None:
            raise DomainError(
                "offsite.owner_unknown",
                f"车辆{vehicle.plate}未登记所有人；非现场处罚的当事人为车辆所有人（超限运输车辆行驶公路管理规定第五十五条），"
                "请先在行政相对人中补充车辆所有人",
            )
        driver_obj = _scoped(actor, "Driver", driver, "driver", "驾驶员") or obj.driver
        source_obj = _scoped(actor, "CargoSource", cargo_source, "cargo_source", "货运源头单位")
        worst = next((p for p in passages if p.worst), None) or max(passages, key=lambda p: p.over_kg or 0)
        item, facts = catalog_facts(obj, worst)
        station = worst.station
        place = "".join(x for x in (station.road, " ", station.stake, " ", station.name) if x).strip()
        external_ref = f"offsite:{obj.event_key}"[:100]
        case = case_create(
            actor=actor,
            procedure="general",
            item_code=item,
            violation_date=timezone.localtime(worst.passed_at).date(),
            enterprise=owner_enterprise,
            person=owner_person if owner_enterprise is None else None,
            vehicle=vehicle,
            driver=driver_obj,
            facts=facts,
            violation_place=place[:200],
            summary=_summary(obj, passages, item),
            source=CaseSource.OFFSITE,
            officers=officers,
            business_activity=owner_enterprise is not None,
            external_ref=external_ref,
            today=today,
        )
        evidence = _register_evidence(actor, case, obj, passages, worst, officer, today)
        record = case_assess(actor=actor, case=case, today=today)
        warnings = []
        if item == "overload.weight" and record.proposed_fine_yuan != (obj.fine_yuan or None):
            if not (record.proposed_fine_yuan is None and not obj.fine_yuan):
                warnings.append(
                    f"裁量结果（{record.proposed_fine_yuan or 0}元）与检测时的测算（{obj.fine_yuan or 0}元）不同："
                    "以立案时目录裁量为准"
                )
        case_act(actor=actor, case=case, action="request_filing", today=today)
        columns = {
            "status": CONFIRMED,
            "reviewed_by": officer,
            "reviewed_at": timezone.now(),
            "review_note": (note or "").strip()[:1000],
            "case": case,
            "driver": driver_obj,
        }
        if _has_field("cargo_source"):
            columns["cargo_source"] = source_obj
            columns["loading_bill"] = (loading_bill or "").strip()[:500]
        _advance(obj, expected, (PENDING,), **columns)
        audit_record(
            actor=actor,
            event_code="offsite.event_confirmed",
            obj=obj,
            before={"status": PENDING, "version": expected},
            after={
                "status": CONFIRMED,
                "version": obj.version,
                "case": case.pk,
                "item": item,
                "facts": facts,
                "passages": [p.record_id for p in passages],
                "usable_passages": [p.record_id for p in used],
                "certificates": sorted({p.calibration.certificate_no for p in used}),
                "driver": getattr(driver_obj, "pk", None),
                "cargo_source": getattr(source_obj, "pk", None),
                "warnings": warnings,
                "evidence": getattr(evidence, "pk", None),
            },
            reason=(note or "").strip(),
        )
    return ConfirmResult(obj, case, tuple(warnings))


def _register_evidence(actor, case, event, passages: list, worst, officer, today: date):
    """The passages as the case's evidence: a PDF printout of the technical-monitoring record (电子数据),
    registered through the cases evidence service (stored by SHA-256, chain of custody). The passage rows
    themselves stay linked to the event, and the event to the case."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.template.loader import render_to_string

    from zhifa.cases.services import evidence_upload
    from zhifa.parties.choices import PlateColour

    try:
        from zhifa.documents.render.pdf import html_to_pdf
    except ImportError:  # pragma: no cover - the documents app is part of the platform
        return None
    station = worst.station
    html = render_to_string(
        "offsite/review_evidence.html",
        {
            "event": event,
            "colour": dict(PlateColour.choices).get(event.plate_color, ""),
            "station": station,
            "run": worst.import_run,
            "passages": passages,
            "officer": officer,
            "reviewed": today,
        },
    )
    pdf = html_to_pdf(html)
    return evidence_upload(
        actor=actor,
        case=case,
        file=SimpleUploadedFile(f"动态称重检测记录-{event.event_key}.pdf", pdf, content_type="application/pdf"),
        kind="electronic",
        title=f"动态称重检测记录（{len(passages)}条，事件{event.event_key}）",
        description="技术监控设备记录资料（超限运输车辆行驶公路管理规定第五十五条）：过车时间、站点、车道、轴数、"
        "车货总质量、限定标准、超限质量、外廓尺寸、设备及检定证书、图像编号",
        collected_at=min(event.last_passed_at, timezone.now()),
        collected_place=f"{station.name}（{station.code}）"[:200],
        today=today,
    )


def event_reject(*, actor, event, reason: str, version: int | None = None, today: date | None = None):
    """Reject an event after review (the evidence does not support a case), with a written reason."""
    from zhifa.cases.services.cases import today_or

    today = today_or(today)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_CHARS:
        raise DomainError("offsite.reason_required", f"请填写驳回理由（至少{REASON_MIN_CHARS}个字）", "reason")
    with transaction.atomic():
        obj = event_for_write(actor, event, version)
        officer = _licensed(actor, today)
        expected = _version(obj, version)
        before = obj.status
        if obj.status not in (PENDING, VEHICLE_UNKNOWN, UNUSABLE):
            raise DomainError("offsite.not_pending", f"该事件当前状态为“{_status_label(obj.status)}”，不能驳回")
        _advance(
            obj,
            expected,
            (PENDING, VEHICLE_UNKNOWN, UNUSABLE),
            status=REJECTED,
            reviewed_by=officer,
            reviewed_at=timezone.now(),
            review_note=reason[:1000],
        )
        audit_record(
            actor=actor,
            event_code="offsite.event_rejected",
            obj=obj,
            before={"status": before, "version": expected},
            after={"status": REJECTED, "version": obj.version},
            reason=reason,
        )
    return obj


def event_reopen(*, actor, event, reason: str, version: int | None = None, today: date | None = None):
    """Put a rejected event back into review, with a written reason: typically its certificate was recorded
    after the rejection (the event is then marked, services/evidence.py). Its values are recomputed from its
    passages as they are now, as for an open event: without a usable passage it goes to 数据不可用, without a
    registered vehicle to 车辆待确认. The rejection stays in the audit trail and in the review note."""
    from zhifa.cases.services.cases import today_or
    from zhifa.offsite.services.evidence import recompute_events

    today = today_or(today)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_CHARS:
        raise DomainError("offsite.reason_required", f"请填写重新审核的理由（至少{REASON_MIN_CHARS}个字）", "reason")
    with transaction.atomic():
        obj = event_for_write(actor, event, version)
        _licensed(actor, today)
        expected = _version(obj, version)
        if obj.status != REJECTED:
            raise DomainError(
                "offsite.not_rejected", f"该事件当前状态为“{_status_label(obj.status)}”，只有已驳回的事件可以重新审核"
            )
        before = {
            "status": obj.status,
            "version": expected,
            "review_note": obj.review_note,
            "reviewed_by": obj.reviewed_by_id,
            "evidence_changes": obj.evidence_changes,
        }
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        _advance(
            obj,
            expected,
            (REJECTED,),
            status=PENDING if obj.vehicle_id else VEHICLE_UNKNOWN,
            reviewed_by=None,
            reviewed_at=None,
            review_note=f"{stamp} 重新审核：{reason}（原驳回理由：{obj.review_note}）"[:1000],
            evidence_changed_at=None,
            evidence_changes="",
        )
        recompute_events([obj])
        obj.refresh_from_db()
        audit_record(
            actor=actor,
            event_code="offsite.event_reopened",
            obj=obj,
            before=before,
            after={"status": obj.status, "version": obj.version, "over_kg": obj.over_kg, "fine_yuan": obj.fine_yuan},
            reason=reason,
        )
    return obj


def event_resolve_vehicle(
    *,
    actor,
    event,
    vehicle=None,
    new_vehicle: dict[str, Any] | None = None,
    version: int | None = None,
    today: date | None = None,
):
    """Give a ``vehicle_unknown`` event its vehicle: ``vehicle`` (an existing one of the jurisdiction with
    the same plate) or ``new_vehicle`` (the fields of ``parties.services.vehicle_create``; plate and
    colour default to the event's). The event then waits for review (``pending_review``)."""
    from zhifa.cases.services.cases import today_or
    from zhifa.core.validators import ValidationProblem, parse_plate
    from zhifa.parties.services import vehicle_create

    today = today_or(today)
    if (vehicle is None) == (new_vehicle is None):
        raise DomainError("offsite.vehicle_required", "请选择已登记的车辆，或填写新车辆信息", "vehicle")
    with transaction.atomic():
        obj = event_for_write(actor, event, version)
        _licensed(actor, today)
        expected = _version(obj, version)
        if obj.status != VEHICLE_UNKNOWN:
            raise DomainError("offsite.not_vehicle_unknown", "该事件的车辆已确认", "vehicle")
        if vehicle is not None:
            v = _scoped(actor, "Vehicle", vehicle, "vehicle", "车辆")
            created = False
        else:
            data = {k: v for k, v in dict(new_vehicle or {}).items() if v not in (None, "")}
            data.setdefault("plate", obj.plate)
            if obj.plate_color:
                data.setdefault("plate_colour", obj.plate_color)
            data.setdefault("axles", obj.axles)
            v = vehicle_create(actor=actor, data=data, agency=obj.agency)
            created = True
        try:
            same = parse_plate(v.plate).plate == parse_plate(obj.plate).plate
        except ValidationProblem:
            same = False
        if not same:
            raise DomainError(
                "offsite.plate_mismatch", f"所选车辆号牌（{v.plate}）与检测记录的号牌（{obj.plate}）不一致", "vehicle"
            )
        if obj.plate_color and v.plate_colour and obj.plate_color != v.plate_colour:
            raise DomainError("offsite.plate_mismatch", "所选车辆的号牌颜色与检测记录不一致", "vehicle")
        _advance(
            obj,
            expected,
            (VEHICLE_UNKNOWN,),
            status=PENDING,
            vehicle=v,
            owner_enterprise=v.owner_enterprise,
            owner_person=v.owner_person,
        )
        audit_record(
            actor=actor,
            event_code="offsite.vehicle_resolved",
            obj=obj,
            before={"status": VEHICLE_UNKNOWN, "version": expected, "vehicle": None},
            after={"status": PENDING, "version": obj.version, "vehicle": v.pk, "vehicle_created": created},
        )
    return obj


def _has_field(name: str) -> bool:
    try:
        _event_model()._meta.get_field(name)
    except Exception:
        return False
    return True


def _scoped(actor, model_name: str, value, field: str, label: str):
    """A party row of the actor's jurisdiction (by instance or pk), or None for an empty value."""
    if value in (None, ""):
        return None
    from zhifa.parties import models as pm

    model = getattr(pm, model_name)
    pk = getattr(value, "pk", value)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise DomainError("offsite.party_not_found", f"{label}不存在或不在您的辖区内", field) from None
    obj = model.objects.filter(pk=pk, agency_id__in=visible_agency_ids(actor)).first()
    if obj is None:
        raise DomainError("offsite.party_not_found", f"{label}不存在或不在您的辖区内", field)
    return obj
