"""Writers for parties. Views, forms and the API check shape; these functions enforce the rules.

Named per convention (``enterprise_create``, ``vehicle_update`` …); they share one
implementation driven by :data:`SPECS`, so every kind follows the same rules: the actor's
role, the jurisdiction of the record and of everything it links to, identifier checks,
duplicates refused, optimistic locking on update, one audit event per write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from zhifa.agencies.choices import Role
from zhifa.core.audit import audit_record, model_snapshot
from zhifa.core.errors import ConflictError, DomainError, NotFound
from zhifa.core.permissions import can_see_agency, officer_of, require_role
from zhifa.core.validators import ValidationProblem, parse_plate, validate_id_number, validate_phone, validate_uscc
from zhifa.parties.choices import PlateColour, Sector, VehicleKind
from zhifa.parties.models import CargoSource, Driver, Enterprise, Person, Vehicle

WRITER_ROLES = (Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER, Role.ADMIN)


@dataclass(frozen=True)
class PartySpec:
    kind: str
    model: type
    label: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    unique: tuple[str, ...]
    unique_message: str
    clean: Callable[[dict[str, Any], Any, Any], dict[str, Any]]  # (data, actor, instance) -> data


def _require(data: dict[str, Any], fields: tuple[str, ...], labels: dict[str, str]) -> None:
    for f in fields:
        value = data.get(f)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise DomainError("field.required", f"{labels.get(f, f)}不能为空", f)


def _choice(value: str, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise DomainError("field.choice", f"{label}的取值无效：{value}", field)
    return value


def _linked(actor, model, pk, field: str, label: str):
    if pk in (None, ""):
        return None
    obj = pk if isinstance(pk, model) else model.objects.filter(pk=pk).first()
    if obj is None or not can_see_agency(actor, obj.agency_id):
        raise DomainError("field.not_found", f"{label}不存在或不在您的辖区内", field)
    return obj


def _clean_enterprise(data, actor, instance):
    override = (data.pop("uscc_override_reason", "") or "").strip()
    try:
        data["uscc"] = validate_uscc(data.get("uscc"))
        data["uscc_override_reason"] = ""
        data["uscc_override_by"] = None
    except ValidationProblem as problem:
        if problem.code != "uscc.checksum" or not override:
            raise
        officer = officer_of(actor)
        if officer is None or not officer.has_role(Role.ADMIN):
            raise DomainError(
                "uscc.override_admin_only",
                "统一社会信用代码校验码不符；经核实确为真实代码的，须由系统管理员填写理由后登记",
                "uscc",
            )
        data["uscc"] = "".join((data.get("uscc") or "").split()).upper()
        data["uscc_override_reason"] = override
        data["uscc_override_by"] = actor
    data["sector"] = _choice(data.get("sector", ""), Sector, "sector", "行业")
    if data.get("phone"):
        data["phone"] = validate_phone(data["phone"])
    return data


def _clean_person(data, actor, instance):
    data["id_number"] = validate_id_number(data.get("id_number"))
    data["phone"] = validate_phone(data.get("phone", ""))
    return data


_COLOUR_FOR_KIND = {
    "nev_small": {PlateColour.GREEN},
    "nev_large": {PlateColour.YELLOW_GREEN},
    "trailer": {PlateColour.YELLOW},
    "coach": {PlateColour.YELLOW},
    "police": {PlateColour.WHITE},
    "embassy": {PlateColour.BLACK},
    "consulate": {PlateColour.BLACK},
    "hk": {PlateColour.BLACK},
    "macau": {PlateColour.BLACK},
    "ordinary": {PlateColour.BLUE, PlateColour.YELLOW, PlateColour.WHITE, PlateColour.BLACK},
}


def _clean_vehicle(data, actor, instance):
    plate = parse_plate(data.get("plate"), nev_letters=settings.ZHIFA_NEV_PLATE_LETTERS)
    data["plate"] = plate.plate
    colour = _choice(data.get("plate_colour", ""), PlateColour, "plate_colour", "号牌颜色")
    if colour not in _COLOUR_FOR_KIND[plate.kind]:
        allowed = "、".join(PlateColour(c).label for c in sorted(_COLOUR_FOR_KIND[plate.kind]))
        raise DomainError(
            "plate.colour_mismatch", f"号牌“{plate.plate}”的颜色应为：{allowed}（GA 36-2018）", "plate_colour"
        )
    data["kind"] = _choice(data.get("kind", ""), VehicleKind, "kind", "车辆类型")
    axles = data.get("axles")
    if axles in ("", None):
        data["axles"] = None
    else:
        try:
            axles = int(axles)
        except (TypeError, ValueError):
            raise DomainError("vehicle.axles", "轴数应为整数", "axles")
        if not 2 <= axles <= 12:
            raise DomainError("vehicle.axles", "轴数应在2至12之间", "axles")
        data["axles"] = axles
    if data["kind"] in (VehicleKind.TRUCK, VehicleKind.COMBINATION) and data["axles"] is None:
        raise DomainError("vehicle.axles_required", "货车和汽车列车须填写轴数（认定超限所需）", "axles")
    data["owner_enterprise"] = _linked(
        actor, Enterprise, data.get("owner_enterprise"), "owner_enterprise", "所有人企业"
    )
    data["owner_person"] = _linked(actor, Person, data.get("owner_person"), "owner_person", "所有人")
    if data["owner_enterprise"] and data["owner_person"]:
        raise DomainError("vehicle.two_owners", "车辆所有人只能是企业或个人之一", "owner_person")
    return data


def _clean_driver(data, actor, instance):
    data["person"] = _linked(actor, Person, data.get("person"), "person", "人员")
    data["employer"] = _linked(actor, Enterprise, data.get("employer"), "employer", "所属企业")
    return data


def _clean_cargo_source(data, actor, instance):
    data["enterprise"] = _linked(actor, Enterprise, data.get("enterprise"), "enterprise", "经营企业")
    return data


SPECS: dict[str, PartySpec] = {
    "enterprise": PartySpec(
        "enterprise",
        Enterprise,
        "企业",
        (
            "name",
            "uscc",
            "legal_representative",
            "address",
            "phone",
            "sector",
            "business_licence_no",
            "uscc_override_reason",
            "uscc_override_by",
        ),
        ("name", "uscc", "sector"),
        ("uscc",),
        "该统一社会信用代码已登记",
        _clean_enterprise,
    ),
    "person": PartySpec(
        "person",
        Person,
        "自然人",
        ("name", "id_number", "phone", "address"),
        ("name", "id_number"),
        ("id_number",),
        "该身份证号码已登记",
        _clean_person,
    ),
    "vehicle": PartySpec(
        "vehicle",
        Vehicle,
        "车辆",
        (
            "plate",
            "plate_colour",
            "kind",
            "axles",
            "single_drive_axle",
            "transport_cert_no",
            "owner_enterprise",
            "owner_person",
        ),
        ("plate", "plate_colour", "kind"),
        ("plate", "plate_colour"),
        "该号牌号码和颜色的车辆已登记",
        _clean_vehicle,
    ),
    "driver": PartySpec(
        "driver",
        Driver,
        "驾驶员",
        ("person", "qualification_no", "employer"),
        ("person",),
        ("person",),
        "该人员已登记为驾驶员",
        _clean_driver,
    ),
    "cargo_source": PartySpec(
        "cargo_source",
        CargoSource,
        "货运源头单位",
        ("enterprise", "site_name", "address", "cargo_types", "has_weighing_equipment"),
        ("enterprise", "site_name"),
        ("enterprise", "site_name"),
        "该企业的同名场站已登记",
        _clean_cargo_source,
    ),
}

_LABELS = {
    "name": "名称/姓名",
    "uscc": "统一社会信用代码",
    "sector": "行业",
    "id_number": "身份证号码",
    "plate": "号牌号码",
    "plate_colour": "号牌颜色",
    "kind": "车辆类型",
    "person": "人员",
    "enterprise": "经营企业",
    "site_name": "场站名称",
}


def _duplicate_exists(spec: PartySpec, actor, data, instance) -> bool:
    """Duplicates are refused within the actor's jurisdiction (not revealed beyond it)."""
    from zhifa.core.permissions import visible_agency_ids

    lookup = {f: data[f] for f in spec.unique}
    qs = spec.model.objects.filter(agency_id__in=visible_agency_ids(actor), **lookup)
    if instance is not None:
        qs = qs.exclude(pk=instance.pk)
    return qs.exists()


def _audit_fields(spec: PartySpec) -> list[str]:
    return [f for f in spec.fields if f not in ("uscc_override_by",)] + ["agency"]


@transaction.atomic
def party_create(*, kind: str, actor, data: dict[str, Any], agency=None, reason: str = ""):
    spec = SPECS[kind]
    officer = require_role(actor, *WRITER_ROLES)
    agency = agency or officer.agency
    if not can_see_agency(actor, agency.pk):
        raise NotFound("机构")
    data = {k: v for k, v in data.items() if k in spec.fields}
    _require(data, spec.required, _LABELS)
    data = spec.clean(dict(data), actor, None)
    if _duplicate_exists(spec, actor, data, None):
        raise DomainError(f"{kind}.duplicate", spec.unique_message, spec.unique[0])
    obj = spec.model(agency=agency, **data)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise DomainError(f"{kind}.duplicate", spec.unique_message, spec.unique[0])
    audit_record(
        actor=actor,
        event_code=f"{kind}.created",
        obj=obj,
        after=model_snapshot(obj, _audit_fields(spec)),
        reason=reason or data.get("uscc_override_reason", "") if kind == "enterprise" else reason,
    )
    return obj


@transaction.atomic
def party_update(*, kind: str, actor, obj, data: dict[str, Any], version: int | None = None, reason: str = ""):
    spec = SPECS[kind]
    require_role(actor, *WRITER_ROLES)
    if not can_see_agency(actor, obj.agency_id):
        raise NotFound(spec.label)
    locked = spec.model.objects.select_for_update().get(pk=obj.pk)
    if version is not None and locked.version != version:
        raise ConflictError(
            "party.conflict", f"该{spec.label}已被他人修改（当前版本 {locked.version}），请刷新后重试", "version"
        )
    before = model_snapshot(locked, _audit_fields(spec))
    merged = {f: getattr(locked, f) for f in spec.fields}
    for f in ("owner_enterprise", "owner_person", "person", "employer", "enterprise"):
        if f in merged and merged[f] is not None:
            merged[f] = merged[f].pk
    merged.update({k: v for k, v in data.items() if k in spec.fields})
    if kind == "enterprise" and "uscc_override_reason" not in data:
        merged["uscc_override_reason"] = locked.uscc_override_reason
    _require(merged, spec.required, _LABELS)
    merged = spec.clean(merged, actor, locked)
    if _duplicate_exists(spec, actor, merged, locked):
        raise DomainError(f"{kind}.duplicate", spec.unique_message, spec.unique[0])
    for k, v in merged.items():
        setattr(locked, k, v)
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise DomainError(f"{kind}.duplicate", spec.unique_message, spec.unique[0])
    after = model_snapshot(locked, _audit_fields(spec))
    changed = {k for k in after if before.get(k) != after.get(k)}
    audit_record(
        actor=actor,
        event_code=f"{kind}.updated",
        obj=locked,
        before={k: before[k] for k in sorted(changed)},
        after={k: after[k] for k in sorted(changed)},
        reason=reason,
    )
    return locked


def enterprise_create(*, actor, data, agency=None):
    return party_create(kind="enterprise", actor=actor, data=data, agency=agency)


def enterprise_update(*, actor, enterprise, data, version=None):
    return party_update(kind="enterprise", actor=actor, obj=enterprise, data=data, version=version)


def person_create(*, actor, data, agency=None):
    return party_create(kind="person", actor=actor, data=data, agency=agency)


def vehicle_create(*, actor, data, agency=None):
    return party_create(kind="vehicle", actor=actor, data=data, agency=agency)


def vehicle_update(*, actor, vehicle, data, version=None):
    return party_update(kind="vehicle", actor=actor, obj=vehicle, data=data, version=version)


def driver_create(*, actor, data, agency=None):
    return party_create(kind="driver", actor=actor, data=data, agency=agency)


def cargo_source_create(*, actor, data, agency=None):
    return party_create(kind="cargo_source", actor=actor, data=data, agency=agency)


@transaction.atomic
def person_reveal(*, actor, person: Person, purpose: str) -> dict[str, str]:
    """Unmasked ID number and phone for the case team; every such read is audited."""
    from zhifa.parties.selectors import person_reveal_allowed

    if not can_see_agency(actor, person.agency_id):
        raise NotFound("自然人")
    if not person_reveal_allowed(actor, person):
        raise DomainError("personal_data.not_case_team", "只有承办该当事人案件的执法人员可以查看完整的身份证号码和电话")
    audit_record(actor=actor, event_code="person.personal_data_read", obj=person, reason=purpose)
    return {"id_number": person.id_number, "phone": person.phone}
