"""Writers for agencies and officers. Each is atomic and writes its audit event."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from zhifa.agencies.choices import AgencyKind, AgencyLevel, Role
from zhifa.agencies.models import Agency, Officer, OfficerRole
from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError


def _check_region(code: str) -> str:
    if not re.fullmatch(r"\d{6}", code or ""):
        raise DomainError("agency.region_code", "行政区划代码应为6位数字（GB/T 2260）", "region_code")
    return code


@transaction.atomic
def agency_create(
    *,
    actor,
    name: str,
    short_name: str,
    level: str,
    region_code: str,
    parent: Agency | None = None,
    kind: str = AgencyKind.ENFORCEMENT,
    domains: list[str] | None = None,
    case_number_pattern: str | None = None,
    address: str = "",
    phone: str = "",
) -> Agency:
    _check_region(region_code)
    if level not in AgencyLevel.values:
        raise DomainError("agency.level", "层级应为省级、市级或县级", "level")
    if Agency.objects.filter(name=name).exists():
        raise DomainError("agency.duplicate", f"机构“{name}”已存在", "name")
    order = [AgencyLevel.PROVINCE, AgencyLevel.CITY, AgencyLevel.COUNTY]
    if parent is not None and order.index(AgencyLevel(level)) < order.index(AgencyLevel(parent.level)):
        raise DomainError("agency.level_above_parent", "下级机构的层级不能高于上级机构", "level")
    agency = Agency(
        name=name,
        short_name=short_name,
        level=level,
        region_code=region_code,
        parent=parent,
        kind=kind,
        domains=domains or [],
        address=address,
        phone=phone,
        path="pending",
    )
    if case_number_pattern:
        agency.case_number_pattern = case_number_pattern
    agency.save()
    agency.path = f"{parent.path if parent else '/'}{agency.pk}/"
    agency.save(update_fields=["path"])
    audit_record(
        actor=actor,
        event_code="agency.created",
        obj=agency,
        after={"name": name, "level": level, "region_code": region_code, "parent_id": parent.pk if parent else None},
    )
    return agency


@transaction.atomic
def agency_set_supervised(*, actor, supervisor_agency: Agency, agencies: list[Agency]) -> None:
    before = sorted(supervisor_agency.supervises.values_list("id", flat=True))
    supervisor_agency.supervises.set(agencies)
    audit_record(
        actor=actor,
        event_code="agency.supervision_set",
        obj=supervisor_agency,
        before={"supervises": before},
        after={"supervises": sorted(a.pk for a in agencies)},
    )


@transaction.atomic
def officer_create(
    *,
    actor,
    username: str,
    password: str,
    name: str,
    agency: Agency,
    roles: list[str],
    licence_no: str = "",
    licence_valid_from: date | None = None,
    licence_valid_to: date | None = None,
    phone: str = "",
) -> Officer:
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DomainError("officer.username_taken", f"用户名“{username}”已被使用", "username")
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise DomainError("officer.role", f"未知角色：{'、'.join(sorted(unknown))}", "roles")
    if Role.OFFICER in roles and not licence_no:
        raise DomainError("officer.licence_required", "执法人员须登记执法证号", "licence_no")
    if licence_no:
        if not (licence_valid_from and licence_valid_to) or licence_valid_from > licence_valid_to:
            raise DomainError(
                "officer.licence_dates", "请填写有效的执法证有效期（起始日不晚于截止日）", "licence_valid_to"
            )
        if Officer.objects.filter(licence_no=licence_no).exists():
            raise DomainError("officer.licence_duplicate", f"执法证号“{licence_no}”已登记", "licence_no")
    user = User.objects.create_user(username=username, password=password, first_name=name)
    officer = Officer.objects.create(
        user=user,
        agency=agency,
        name=name,
        licence_no=licence_no,
        licence_valid_from=licence_valid_from,
        licence_valid_to=licence_valid_to,
        phone=phone,
    )
    OfficerRole.objects.bulk_create([OfficerRole(officer=officer, role=r) for r in sorted(set(roles))])
    audit_record(
        actor=actor,
        event_code="officer.created",
        obj=officer,
        after={
            "username": username,
            "agency_id": agency.pk,
            "roles": sorted(set(roles)),
            "licence_no": licence_no,
            "licence_valid_to": licence_valid_to,
        },
    )
    return officer


@transaction.atomic
def officer_set_licence(*, actor, officer: Officer, licence_no: str, valid_from: date, valid_to: date, reason: str):
    if valid_from > valid_to:
        raise DomainError("officer.licence_dates", "执法证有效期起始日不能晚于截止日", "licence_valid_to")
    before = {
        "licence_no": officer.licence_no,
        "valid_from": officer.licence_valid_from,
        "valid_to": officer.licence_valid_to,
    }
    officer.licence_no, officer.licence_valid_from, officer.licence_valid_to = licence_no, valid_from, valid_to
    officer.save(update_fields=["licence_no", "licence_valid_from", "licence_valid_to"])
    audit_record(
        actor=actor,
        event_code="officer.licence_changed",
        obj=officer,
        before=before,
        after={"licence_no": licence_no, "valid_from": valid_from, "valid_to": valid_to},
        reason=reason,
    )
    return officer


@transaction.atomic
def officer_totp_start(*, actor, officer: Officer) -> str:
    """Create a new (unconfirmed) TOTP secret for the officer's authenticator app."""
    import pyotp

    if actor.pk != officer.user_id:
        raise DomainError("totp.self_only", "只能为本人绑定动态口令")
    officer.totp_secret = pyotp.random_base32()
    officer.totp_confirmed_at = None
    officer.save(update_fields=["totp_secret", "totp_confirmed_at"])
    audit_record(actor=actor, event_code="officer.totp_started", obj=officer)
    return officer.totp_secret


def totp_code_valid(officer: Officer, code: str) -> bool:
    import pyotp

    code = (code or "").strip().replace(" ", "")
    return bool(officer.totp_secret) and code.isdigit() and pyotp.TOTP(officer.totp_secret).verify(code, valid_window=1)


@transaction.atomic
def officer_totp_confirm(*, actor, officer: Officer, code: str) -> None:
    from django.utils import timezone

    if not totp_code_valid(officer, code):
        raise DomainError("totp.invalid", "动态口令不正确或已过期，请输入验证器中当前显示的6位数字", "code")
    officer.totp_confirmed_at = timezone.now()
    officer.save(update_fields=["totp_confirmed_at"])
    audit_record(actor=actor, event_code="officer.totp_confirmed", obj=officer)
