"""Passages that become evidence when a calibration certificate is recorded after their import.

A passage is evidence only if its device had a certificate covering the passage's local date
(河南省治理货物运输车辆超限超载条例 第10条). Certificates are often entered after the data arrives; the
device was calibrated all along, so once its certificate is on record the passages it covers are
evidence. ``requalify_for_calibration`` runs inside ``calibration_add``'s transaction:

- passages of the device dated within the certificate, kept as ``no_calibration`` or
  ``calibration_invalid``, become usable; other ``no_calibration`` passages of the device now
  have a certificate that does not cover them and are marked ``calibration_invalid``;
- the daily station counts lose those passages from ``unusable``;
- every open event (待审核 / 车辆未登记 / 不能作为证据) with such a passage is recomputed as the import
  does it: the worst usable passage, the catalog's outcome and fine for its date, the excess
  dimensions; an event that had no usable passage goes to review (or to vehicle resolution);
- events already reviewed (confirmed or rejected) are not changed: the review stands and the
  audit row lists them, so that a supervisor can see which decisions were taken without them;
- one audit row ``offsite.passages_requalified`` with the counts.

A certificate entered by mistake is revoked (``calibration_revoke``), never deleted, and
``disqualify_for_revocation`` undoes what it made evidence: passages within it that no other certificate
of the device covers become unusable again (``calibration_invalid``, or ``no_calibration`` when the device
has no certificate left), the counts follow, open events are recomputed (an event left without a usable
passage goes back to 不能作为证据, outcome none, no fine), reviewed events are listed, one audit row
``offsite.passages_disqualified``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.db import connection
from django.db.models import Case, Count, F, When
from django.db.models.functions import TruncDate

from zhifa.core.audit import audit_record
from zhifa.offsite.models import Calibration, EventOutcome, EventStatus, OverloadEvent, Passage, StationDay
from zhifa.offsite.services.ingest import OPEN_STATUSES, _fine, _over_dims

LOCAL = dt_timezone(timedelta(hours=8))
REQUALIFIABLE = ("no_calibration", "calibration_invalid")
MAX_LISTED = 200  # event keys listed in the audit row


def local_day(ts: datetime) -> date:
    return ts.astimezone(LOCAL).date()


def _bounds(cal: Calibration) -> tuple[datetime, datetime]:
    start = datetime.combine(cal.valid_from, time(0), tzinfo=LOCAL)
    end = datetime.combine(cal.valid_to + timedelta(days=1), time(0), tzinfo=LOCAL)
    return start, end


def _chunks(values: list, n: int = 1000):
    for i in range(0, len(values), n):
        yield values[i : i + n]


def requalify_for_calibration(*, actor, calibration: Calibration) -> dict[str, object]:
    """Make the device's passages within ``calibration`` evidence; recompute their open events.

    Set-based: the counts come from aggregates, the passages change in one UPDATE, the events are
    recomputed from one read of their passages and written in one batch (a late certificate
    can cover a month of a busy station: hundreds of thousands of passages, thousands of events)."""
    device = calibration.device
    start, end = _bounds(calibration)
    # the station narrows the scan: (station, passed_at) is indexed, the device is not
    base = Passage.objects.filter(station_id=device.station_id, device=device, evidence_usable=False)
    covered = base.filter(unusable_reason__in=REQUALIFIABLE, passed_at__gte=start, passed_at__lt=end)
    per_day = list(
        covered.annotate(day=TruncDate("passed_at", tzinfo=LOCAL))
        .values_list("station_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    event_ids = sorted(set(covered.exclude(event=None).values_list("event_id", flat=True).order_by()))
    n_covered = covered.update(evidence_usable=True, unusable_reason="")
    # passages kept as "no certificate at all" that this certificate does not cover
    relabelled = base.filter(unusable_reason="no_calibration").update(unusable_reason="calibration_invalid")
    result: dict[str, object] = {
        "device": device.serial,
        "certificate_no": calibration.certificate_no,
        "passages": n_covered,
        "relabelled": relabelled,
        "events_recomputed": [],
        "events_reviewed": [],
    }
    if not n_covered:
        return result
    for station_id, day, n in per_day:
        StationDay.objects.filter(station_id=station_id, day=day).update(
            unusable=Case(When(unusable__gt=n, then=F("unusable") - n), default=0)
        )
    _events_and_audit(actor, calibration, event_ids, result, "offsite.passages_requalified")
    return result


def disqualify_for_revocation(*, actor, calibration: Calibration) -> dict[str, object]:
    """Undo ``calibration`` (already marked revoked): its passages that no other certificate of the
    device covers are no longer evidence; their open events are recomputed."""
    device = calibration.device
    start, end = _bounds(calibration)
    others = list(Calibration.objects.active().filter(device=device).exclude(pk=calibration.pk))
    usable = Passage.objects.filter(
        station_id=device.station_id, device=device, evidence_usable=True, passed_at__gte=start, passed_at__lt=end
    )
    for other in others:
        o_start, o_end = _bounds(other)
        usable = usable.exclude(passed_at__gte=o_start, passed_at__lt=o_end)
    per_day = list(
        usable.annotate(day=TruncDate("passed_at", tzinfo=LOCAL))
        .values_list("station_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    event_ids = sorted(set(usable.exclude(event=None).values_list("event_id", flat=True).order_by()))
    reason = "calibration_invalid" if others else "no_calibration"
    n = usable.update(evidence_usable=False, unusable_reason=reason)
    relabelled = 0
    if not others:  # the device has no certificate left: "invalid" becomes "none"
        relabelled = Passage.objects.filter(
            station_id=device.station_id, device=device, evidence_usable=False, unusable_reason="calibration_invalid"
        ).update(unusable_reason="no_calibration")
    result: dict[str, object] = {
        "device": device.serial,
        "certificate_no": calibration.certificate_no,
        "passages": n,
        "relabelled": relabelled,
        "events_recomputed": [],
        "events_reviewed": [],
    }
    if not n:
        return result
    for station_id, day, k in per_day:
        StationDay.objects.filter(station_id=station_id, day=day).update(unusable=F("unusable") + k)
    _events_and_audit(actor, calibration, event_ids, result, "offsite.passages_disqualified")
    return result


def _events_and_audit(actor, calibration: Calibration, event_ids: list[int], result: dict, code: str) -> None:
    events: list[OverloadEvent] = []
    for ids in _chunks(event_ids):
        events += OverloadEvent.objects.filter(pk__in=ids).select_related("station", "agency")
    events.sort(key=lambda e: e.pk)
    reviewed = [e.event_key for e in events if e.status not in OPEN_STATUSES]
    recomputed = _recompute([e for e in events if e.status in OPEN_STATUSES])
    result["events_recomputed"] = recomputed
    result["events_reviewed"] = reviewed
    audit_record(
        actor=actor,
        event_code=code,
        obj=calibration,
        agency=calibration.device.station.agency,
        after={
            **result,
            "events_recomputed": recomputed[:MAX_LISTED],
            "events_reviewed": reviewed[:MAX_LISTED],
            "events_recomputed_count": len(recomputed),
            "events_reviewed_count": len(reviewed),
            "valid_from": calibration.valid_from.isoformat(),
            "valid_to": calibration.valid_to.isoformat(),
        },
    )


def _book(event: OverloadEvent, books: dict[str, object]):
    from zhifa.offsite.limits import RuleBook, catalog_rules_for

    region = event.station.region_code or event.agency.region_code
    if region not in books:
        books[region] = RuleBook(catalog_rules_for(), region)
    return books[region]


EVENT_FIELDS = [
    "station",
    "axles",
    "gross_kg",
    "limit_kg",
    "over_kg",
    "outcome",
    "fine_yuan",
    "rules_date",
    "catalog_version",
    "over_length_mm",
    "over_width_mm",
    "over_height_mm",
    "status",
    "version",
]


def _recompute(events: list[OverloadEvent]) -> list[str]:
    """Each event's values from its worst usable passage, as the import computes them; returns the keys."""
    by_event: dict[int, list[Passage]] = defaultdict(list)
    for ids in _chunks([e.pk for e in events]):
        for p in Passage.objects.filter(event_id__in=ids).select_related("station").order_by("passed_at", "pk"):
            by_event[p.event_id].append(p)
    books: dict[str, object] = {}
    changed: list[OverloadEvent] = []
    worst_on: list[int] = []
    worst_off: list[int] = []
    for event in events:
        passages = by_event.get(event.pk, [])
        if not passages:
            continue
        usable = [p for p in passages if p.evidence_usable]
        # as the import: the worst usable passage; without one, the worst passage, and no penalty
        worst = max(usable or passages, key=lambda p: ((p.over_kg or 0), p.gross_kg, -p.passed_at.timestamp()))
        worst_off += [p.pk for p in passages if p.worst and p.pk != worst.pk]
        if not worst.worst:
            worst_on.append(worst.pk)
        day = local_day(worst.passed_at)
        book = _book(event, books)
        outcome, fine, catalog_version = _fine(book, day, worst.over_kg, worst.limit_kg) if usable else ("", 0, "")
        event.station = worst.station
        event.axles = worst.axles
        event.gross_kg = worst.gross_kg
        event.limit_kg = worst.limit_kg
        event.over_kg = worst.over_kg if worst.over_kg and worst.over_kg > 0 else None
        event.outcome = outcome or EventOutcome.NONE
        event.fine_yuan = fine
        event.rules_date = day
        if catalog_version:
            event.catalog_version = catalog_version[:40]
        event.over_length_mm, event.over_width_mm, event.over_height_mm = _over_dims(book, day, worst)
        if not usable:
            event.status = EventStatus.UNUSABLE
        elif event.status == EventStatus.UNUSABLE:
            event.status = EventStatus.PENDING_REVIEW if event.vehicle_id else EventStatus.VEHICLE_UNKNOWN
        event.version += 1
        changed.append(event)
    for ids in _chunks(worst_off):
        Passage.objects.filter(pk__in=ids).update(worst=False)
    for ids in _chunks(worst_on):
        Passage.objects.filter(pk__in=ids).update(worst=True)
    _write_events(changed)
    return [e.event_key for e in changed]


def _write_events(events: list[OverloadEvent]) -> None:
    """One parameterised UPDATE per event, sent with ``executemany`` (pipelined on PostgreSQL):
    ``bulk_update`` builds a CASE per field and row and took 3 s of Python for 1,500 events."""
    if not events:
        return
    meta = OverloadEvent._meta
    fields = [meta.get_field(name) for name in EVENT_FIELDS]
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {sets} WHERE id = %s"  # noqa: S608 - names from _meta
    rows = [[f.get_db_prep_save(getattr(e, f.attname), connection) for f in fields] + [e.pk] for e in events]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
