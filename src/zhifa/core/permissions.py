"""Role × jurisdiction: the one helper every selector uses.

* an officer (any role) sees their own agency and its sub-agencies;
* a supervisor also sees the agencies their agency supervises, with their sub-agencies;
* a user without an Officer record sees nothing (the Django superuser uses the admin site).

Enforcement actions additionally need the ``officer`` role and a 执法证 valid on the day.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhifa.agencies.choices import Role
from zhifa.core.errors import DomainError, PermissionDenied


def officer_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.officer
    except Exception:  # RelatedObjectDoesNotExist
        return None


def visible_agency_ids(user) -> frozenset[int]:
    cached = getattr(user, "_zhifa_visible_agencies", None)
    if cached is not None:
        return cached
    from zhifa.agencies.models import Agency

    officer = officer_of(user)
    if officer is None:
        ids: frozenset[int] = frozenset()
    else:
        paths = [officer.agency.path]
        if officer.has_role(Role.SUPERVISOR):
            paths += list(officer.agency.supervises.values_list("path", flat=True))
        q = Q()
        for p in paths:
            q |= Q(path__startswith=p)
        ids = frozenset(Agency.objects.filter(q).values_list("id", flat=True))
    try:
        user._zhifa_visible_agencies = ids
    except AttributeError:  # pragma: no cover
        pass
    return ids


def scope(qs: QuerySet, user, field: str = "agency") -> QuerySet:
    """Restrict ``qs`` to rows whose ``field`` (an Agency FK path) lies in the user's jurisdiction."""
    return qs.filter(**{f"{field}__in": visible_agency_ids(user)})


def can_see_agency(user, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in visible_agency_ids(user)


def require_role(user, *roles: str):
    officer = officer_of(user)
    if officer is None or not officer.has_role(*roles):
        names = "、".join(Role(r).label for r in roles)
        raise PermissionDenied("permission.role_required", f"该操作需要以下角色之一：{names}")
    return officer


def require_enforcement_licence(user, on: date | None = None):
    """The officer must hold the officer role and a 执法证 valid today (or on ``on``)."""
    officer = require_role(user, Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER)
    day = on or timezone.localdate()
    if not officer.licence_valid_on(day):
        if officer.licence_valid_to and officer.licence_valid_to < day:
            msg = (
                f"您的执法证（{officer.licence_no}）已于{officer.licence_valid_to:%Y年%m月%d日}过期，"
                "可以登录查阅，但不能执行执法操作；请联系管理员办理换证"
            )
        else:
            msg = "您没有有效的执法证，不能执行执法操作"
        raise DomainError("officer.licence_expired", msg)
    return officer
