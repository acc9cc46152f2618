"""Scoped reads for review, 一超四罚, report tasks and charts (role × jurisdiction, ``zhifa.core.permissions``).

Everything outside the reader's jurisdiction does not exist for them (NotFound → 404). Lists select
and prefetch what they show, so their query count does not grow with their rows
(tests/offsite/test_review_queries.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from zhifa.core.errors import NotFound
from zhifa.core.permissions import officer_of, scope, visible_agency_ids

STATUS_LABELS = {
    "pending_review": "待审核",
    "vehicle_unknown": "车辆待确认",
    "unusable": "数据不可用",
    "confirmed": "已确认立案",
    "rejected": "已驳回",
}
STATUS_BADGES = {
    "pending_review": "warning",
    "vehicle_unknown": "info",
    "unusable": "secondary",
    "confirmed": "success",
    "rejected": "dark",
}
OUTCOME_LABELS = {"warning": "警告", "fine": "罚款", "none": "不予处罚"}
#: catalog items that are 违法超限运输 for 一超四罚 and the 第44条 report (weight and dimensions)
OVERLOAD_ITEMS = ("overload.weight", "overload.dimensions")
#: 货运车辆 counted in an enterprise's fleet (公路安全保护条例 第六十六条 "本单位货运车辆总数")
FREIGHT_KINDS = ("truck", "combination", "trailer")
ORDERS = {"new": ("-first_passed_at", "-id"), "old": ("first_passed_at", "id"), "over": ("-over_kg", "-id")}


def _events():
    from zhifa.offsite.models import OverloadEvent

    return OverloadEvent.objects


def _day_range(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def review_queue(
    *,
    user,
    status: str = "pending_review",
    station: int | str | None = None,
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    outcome: str = "",
    order: str = "new",
) -> QuerySet:
    """Overload events of the user's jurisdiction, by review status (``all`` for every status), station,
    plate, day of the first passage and proposed outcome."""
    qs = scope(_events().all(), user).select_related("station", "vehicle", "owner_enterprise", "owner_person", "case")
    if status and status != "all":
        qs = qs.filter(status=status)
    if station not in (None, ""):
        try:
            qs = qs.filter(station_id=int(station))
        except (TypeError, ValueError):
            qs = qs.none()
    q = (q or "").strip().upper()
    if q:
        qs = qs.filter(plate__contains=q)
    if date_from:
        qs = qs.filter(first_passed_at__gte=_day_range(date_from))
    if date_to:
        qs = qs.filter(first_passed_at__lt=_day_range(date_to + timedelta(days=1)))
    if outcome in OUTCOME_LABELS:
        qs = qs.filter(outcome=outcome)
    return qs.order_by(*ORDERS.get(order, ORDERS["new"]))


def status_counts(*, user) -> dict[str, int]:
    rows = scope(_events().all(), user).values("status").annotate(n=Count("id"))
    out = {k: 0 for k in STATUS_LABELS}
    out.update({r["status"]: r["n"] for r in rows})
    return out


def station_choices(*, user) -> list[tuple[int, str]]:
    from zhifa.offsite.models import Station

    return [(s.pk, f"{s.name}（{s.code}）") for s in scope(Station.objects.all(), user).order_by("code")]


def event_get(*, user, pk) -> Any:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("超限事件") from None
    obj = (
        scope(_events().all(), user)
        .select_related(
            "agency", "station", "vehicle", "owner_enterprise", "owner_person", "driver__person", "case", "reviewed_by"
        )
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise NotFound("超限事件")
    return obj


def event_passages(event) -> list:
    from zhifa.offsite.services.review import passages_with_calibration

    return passages_with_calibration(event)


def event_trace(event, passages: list) -> dict[str, Any] | None:
    """The catalog's decision for the event as it would be filed (item, facts, outcome, fine, trace),
    or the reason it cannot be filed as it stands."""
    from zhifa.catalog.engine import decide
    from zhifa.core.errors import DomainError
    from zhifa.offsite.services.review import catalog_facts

    worst = next((p for p in passages if p.worst), None) or (passages[0] if passages else None)
    if worst is None:
        return None
    try:
        item, facts = catalog_facts(event, worst)
        day = timezone.localtime(worst.passed_at).date()
        d = decide(item, facts, day, timezone.localdate(), event.agency.region_code)
    except DomainError as e:
        return {"error": e.message}
    return d.as_dict()


def vehicle_candidates(*, user, event) -> list:
    """Registered vehicles of the jurisdiction with the event's plate (to resolve an unknown vehicle)."""
    from zhifa.parties.models import Vehicle

    return list(
        scope(Vehicle.objects.all(), user)
        .filter(plate=event.plate)
        .select_related("owner_enterprise", "owner_person", "agency")
        .order_by("id")[:20]
    )


def party_choices(*, user, model_name: str, limit: int = 200) -> list:
    from zhifa.parties import models as pm

    model = getattr(pm, model_name)
    qs = scope(model.objects.all(), user)
    if model_name == "Driver":
        qs = qs.select_related("person").order_by("person__name")
    elif model_name == "CargoSource":
        qs = qs.select_related("enterprise").order_by("site_name")
    return list(qs[:limit])


def party_by_id_number(*, user, id_number: str):
    """The person of the jurisdiction with this ID number (the owner of a vehicle being registered)."""
    from zhifa.parties.models import Person

    return scope(Person.objects.all(), user).filter(id_number=id_number).order_by("id").first()


# --- 一超四罚 ----------------------------------------------------------------------------------------


def _counting(region: str | None):
    from zhifa.catalog.yamlload import catalog
    from zhifa.offsite.fourfold import Counting

    cat = catalog()
    return (
        Counting(
            basis=cat.param("repeat_overload_count_basis", region),
            window_months=int(cat.param("repeat_overload_window_months", region)),
        ),
        cat.param("repeat_overload_count_date", region),
    )


@dataclass
class FourfoldPage:
    report: Any
    names: dict[str, dict[int, str]]
    region: str | None
    count_date: str


def fourfold_report(*, user, ref: date | None = None) -> FourfoldPage:
    """一超四罚 for the user's jurisdiction on ``ref`` (today): every overload case (on-site or off-site)
    that is not dismissed or not established, counted per vehicle, driver, owning enterprise and cargo
    source over the rolling window, each judged by the catalog in the user's region."""
    from zhifa.cases.models import Case
    from zhifa.offsite.fourfold import CatalogJudge, Offence, assess, window
    from zhifa.parties.models import CargoSource, Driver, Enterprise, Vehicle

    ref = ref or timezone.localdate()
    officer = officer_of(user)
    region = officer.agency.region_code if officer else None
    counting, count_date = _counting(region)
    start, end = window(ref, counting.window_months)
    rows = (
        scope(Case.objects.all(), user)
        .filter(item_code__in=OVERLOAD_ITEMS)
        .exclude(state__in=("dismissed", "transferred"))
        .exclude(outcome__in=("no_penalty", "not_established", "transfer_judicial"))
        .exclude(decision_revoked=True)
        .filter(Q(decided_on__range=(start, end)) | Q(violation_date__range=(start, end)))
        .values(
            "pk",
            "number",
            "decided_on",
            "violation_date",
            "vehicle_id",
            "plate",
            "driver_id",
            "enterprise_id",
            "vehicle__owner_enterprise_id",
            "offsite_event__cargo_source_id",
        )
    )
    offences = []
    for r in rows:
        decided = r["decided_on"] is not None
        on = r["decided_on"] if (decided and count_date == "decided_on") else r["violation_date"]
        if on is None:
            continue
        offences.append(
            Offence(
                case_id=r["pk"],
                case_number=r["number"] or f"（未编号 #{r['pk']}）",
                on=on,
                decided=decided,
                vehicle_id=r["vehicle_id"],
                plate=r["plate"],
                driver_id=r["driver_id"],
                enterprise_id=r["vehicle__owner_enterprise_id"] or (r["enterprise_id"] if r["vehicle_id"] else None),
                cargo_source_id=r["offsite_event__cargo_source_id"],
            )
        )
    enterprise_ids = {o.enterprise_id for o in offences if o.enterprise_id}
    fleets = dict(
        Vehicle.objects.filter(owner_enterprise_id__in=enterprise_ids, kind__in=FREIGHT_KINDS)
        .values_list("owner_enterprise_id")
        .annotate(n=Count("id"))
        .values_list("owner_enterprise_id", "n")
    )
    source_ids = {o.cargo_source_id for o in offences if o.cargo_source_id}
    sources = {s.pk: s for s in CargoSource.objects.filter(pk__in=source_ids).select_related("enterprise")}
    stations = frozenset(pk for pk, s in sources.items() if s.enterprise.sector == "freight_station")
    report = assess(
        offences,
        ref,
        judge=CatalogJudge(region, ref),
        counting=counting,
        fleet_sizes=fleets,
        freight_stations=stations,
    )
    vehicle_ids = {o.vehicle_id for o in offences if o.vehicle_id}
    driver_ids = {o.driver_id for o in offences if o.driver_id}
    names = {
        "vehicle": {v.pk: v.plate for v in Vehicle.objects.filter(pk__in=vehicle_ids).only("pk", "plate")},
        "driver": {d.pk: d.person.name for d in Driver.objects.filter(pk__in=driver_ids).select_related("person")},
        "enterprise": dict(Enterprise.objects.filter(pk__in=enterprise_ids).values_list("pk", "name")),
        "cargo_source": {pk: f"{s.site_name}（{s.enterprise.name}）" for pk, s in sources.items()},
    }
    return FourfoldPage(report, names, region, count_date)


# --- 第44条 report tasks ---------------------------------------------------------------------------


def report_tasks(*, user, status: str = "due", q: str = "") -> QuerySet:
    from zhifa.offsite.models import ReportTask

    qs = (
        ReportTask.objects.filter(case__agency_id__in=visible_agency_ids(user))
        .select_related("case", "event", "event__station", "sent_by")
        .order_by("status", "due_on", "id")
    )
    if status in ("due", "sent"):
        qs = qs.filter(status=status)
    q = (q or "").strip().upper()
    if q:
        qs = qs.filter(Q(event__plate__contains=q) | Q(case__number__contains=q))
    return qs


def report_badge(task, today: date) -> tuple[str, str]:
    """(colour, text) of a task: sent, overdue (red), due within 2 days (yellow), due later."""
    if task.status == "sent":
        return "success", f"已抄告 {task.sent_on:%m-%d}" if task.sent_on else "已抄告"
    if task.due_on < today:
        return "danger", f"已逾期 {(today - task.due_on).days} 天"
    if (task.due_on - today).days <= 2:
        return "warning", "即将到期" if task.due_on > today else "今日到期"
    return "primary", f"待抄告（{task.due_on:%m-%d}前）"


# --- charts ---------------------------------------------------------------------------------------


def chart_station_days(*, user, days: int = 30, ref: date | None = None) -> dict[str, Any]:
    """Overload rate by station and day over the last ``days`` days (from StationDay, never Passage)."""
    from zhifa.offsite.models import StationDay

    ref = ref or timezone.localdate()
    start = ref - timedelta(days=max(1, min(days, 366)) - 1)
    rows = (
        StationDay.objects.filter(station__agency_id__in=visible_agency_ids(user), day__range=(start, ref))
        .values("station_id", "station__code", "station__name", "day")
        .annotate(p=Sum("passages"), o=Sum("over_limit"), u=Sum("unusable"))
        .order_by("station__code", "day")
    )
    day_list = [start + timedelta(days=i) for i in range((ref - start).days + 1)]
    per: dict[int, dict[str, Any]] = {}
    for r in rows:
        s = per.setdefault(
            r["station_id"],
            {"station": r["station__code"], "name": r["station__name"], "by_day": {}, "passages": 0, "over": 0},
        )
        s["by_day"][r["day"]] = (r["p"] or 0, r["o"] or 0)
        s["passages"] += r["p"] or 0
        s["over"] += r["o"] or 0
    series = []
    for s in per.values():
        rates = []
        for d in day_list:
            p, o = s["by_day"].get(d, (0, 0))
            rates.append(round(o * 100 / p, 2) if p else None)
        series.append(
            {
                "station": s["station"],
                "name": s["name"],
                "rates_pct": rates,
                "passages": s["passages"],
                "over_limit": s["over"],
                "rate_pct": round(s["over"] * 100 / s["passages"], 2) if s["passages"] else None,
            }
        )
    return {"days": [d.isoformat() for d in day_list], "series": series}


def chart_top_offenders(*, user, limit: int = 10, ref: date | None = None) -> dict[str, Any]:
    """Vehicles and owning enterprises with the most confirmed overload events in the 12 months up to ``ref``."""
    from zhifa.offsite.fourfold import window

    ref = ref or timezone.localdate()
    start, _ = window(ref, 12)
    limit = max(1, min(limit, 50))
    base = scope(_events().all(), user).filter(
        status="confirmed", first_passed_at__gte=_day_range(start), first_passed_at__lt=_day_range(ref + timedelta(1))
    )
    vehicles = list(
        base.values("plate").annotate(n=Count("id"), over=Sum("over_kg")).order_by("-n", "-over", "plate")[:limit]
    )
    enterprises = list(
        base.filter(owner_enterprise__isnull=False)
        .values("owner_enterprise_id", "owner_enterprise__name")
        .annotate(n=Count("id"), vehicles=Count("plate", distinct=True))
        .order_by("-n", "owner_enterprise__name")[:limit]
    )
    return {
        "from": start.isoformat(),
        "to": ref.isoformat(),
        "vehicles": [{"plate": r["plate"], "events": r["n"], "over_kg": r["over"] or 0} for r in vehicles],
        "enterprises": [
            {
                "id": r["owner_enterprise_id"],
                "name": r["owner_enterprise__name"],
                "events": r["n"],
                "vehicles": r["vehicles"],
            }
            for r in enterprises
        ],
    }


def group_by(rows, key) -> dict:
    out: dict = defaultdict(list)
    for r in rows:
        out[key(r)].append(r)
    return out
