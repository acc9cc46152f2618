"""Scoped reads of parties. Every query for party data goes through here."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import Q, QuerySet

from zhifa.core.errors import NotFound
from zhifa.core.permissions import scope
from zhifa.parties.models import CargoSource, Driver, Enterprise, Person, Vehicle

_BASE: dict[str, Callable[[], QuerySet]] = {
    "enterprise": lambda: Enterprise.objects.select_related("agency"),
    "person": lambda: Person.objects.select_related("agency"),
    "vehicle": lambda: Vehicle.objects.select_related("agency", "owner_enterprise", "owner_person"),
    "driver": lambda: Driver.objects.select_related("agency", "person", "employer"),
    "cargo_source": lambda: CargoSource.objects.select_related("agency", "enterprise"),
}

# Free-text search fields per kind (icontains; backed by pg_trgm GIN indexes on PostgreSQL).
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "enterprise": ("name", "uscc", "business_licence_no"),
    "person": ("name",),
    "vehicle": ("plate", "transport_cert_no"),
    "driver": ("person__name", "qualification_no"),
    "cargo_source": ("site_name", "enterprise__name"),
}

# Exact filters allowed from the query string, per kind.
FILTERS: dict[str, tuple[str, ...]] = {
    "enterprise": ("sector", "agency"),
    "person": ("agency",),
    "vehicle": ("kind", "plate_colour", "axles", "agency"),
    "driver": ("agency",),
    "cargo_source": ("agency",),
}


def _normalise_query(q: str) -> str:
    return re.sub(r"[\s·-]+", "", q or "").upper() if re.search(r"[A-Za-z0-9]", q or "") else (q or "").strip()


def party_list(*, kind: str, user, q: str = "", filters: dict[str, str] | None = None) -> QuerySet:
    qs = scope(_BASE[kind](), user)
    q = (q or "").strip()
    if q:
        cond = Q()
        nq = _normalise_query(q)
        for f in SEARCH_FIELDS[kind]:
            cond |= Q(**{f"{f}__icontains": q})
            if nq != q:
                cond |= Q(**{f"{f}__icontains": nq})
        qs = qs.filter(cond)
    for key, value in (filters or {}).items():
        if key in FILTERS[kind] and value not in ("", None):
            qs = qs.filter(**{key: value})
    return qs


def party_get(*, kind: str, user, pk) -> object:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_LABEL[kind])
    obj = scope(_BASE[kind](), user).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_LABEL[kind])
    return obj


_LABEL = {
    "enterprise": "企业",
    "person": "自然人",
    "vehicle": "车辆",
    "driver": "驾驶员",
    "cargo_source": "货运源头单位",
}


def party_search(*, user, q: str, limit: int = 20) -> dict[str, list]:
    """The roadside lookup: plate, credit code or name, across kinds."""
    return {kind: list(party_list(kind=kind, user=user, q=q)[:limit]) for kind in ("vehicle", "enterprise", "person")}


# Other apps (cases) register predicates that say whether a user is on the case team of a person.
CASE_TEAM_CHECKS: list[Callable[[object, Person], bool]] = []


def person_reveal_allowed(user, person: Person) -> bool:
    """Personal data is unmasked only for the case team of a case involving the person."""
    return any(check(user, person) for check in CASE_TEAM_CHECKS)
