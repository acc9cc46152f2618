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
- events already reviewed (confirmed or rejected) keep their review and values, but they are marked
  (``evidence_changed_at``, a dated line in ``evidence_changes``) and the audit row lists them: the
  event's page and its case's page say that the evidence changed after the review;
- one audit row ``offsite.passages_requalified`` with the counts.

A certificate entered by mistake is revoked (``calibration_revoke``), never deleted, and
``disqualify_for_revocation`` undoes what it made evidence: passages within it that no other certificate
of the device covers become unusable again (``calibration_invalid``, or ``no_calibration`` when the device
has no certificate left), the counts follow, open events are recomputed (an event left without a usable
passage goes back to 不能作为证据, outcome none, no fine), reviewed events are listed, one audit row
``offsite.passages_disqualified``.

Passages from a station lane with no registered device are kept as ``no_device``. When a device is
registered for that lane (or its lanes widen, or it is made active again), ``attach_unassigned_passages``
gives them the device the import would give them now and checks them against its certificates: within
one they become evidence (open events recomputed, reviewed ones marked, as above), otherwise they are
``no_calibration`` / ``calibration_invalid`` and a certificate recorded later makes them evidence. One
audit row ``offsite.passages_attached``. Passages already matched to a device keep it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhifa.core.audit import audit_record
from zhifa.offsite.models import (
    Calibration,
    Device,
    EventOutcome,
    EventStatus,
    OverloadEvent,
    Passage,
    Station,
    StationDay,
)
from zhifa.offsite.services.ingest import OPEN_STATUSES, _fine, _over_dims
from zhifa.offsite.tasks import EVIDENCE_JOB_KIND

LOCAL = dt_timezone(timedelta(hours=8))
REQUALIFIABLE = ("no_calibration", "calibration_invalid")
MAX_LISTED = 200  # event keys listed in the audit row
MAX_CHANGES_TEXT = 2000  # the evidence change notes kept on a reviewed event


def local_day(ts: datetime) -> date:
    return ts.astimezone(LOCAL).date()


def _bounds(cal: Calibration) -> tuple[datetime, datetime]:
    start = datetime.combine(cal.valid_from, time(0), tzinfo=LOCAL)
    end = datetime.combine(cal.valid_to + timedelta(days=1), time(0), tzinfo=LOCAL)
    return start, end


def _chunks(values: list, n: int = 1000):
    for i in range(0, len(values), n):
        yield values[i : i + n]


def _covered_by(passages, calibrations: list[Calibration]):
    """The unusable passages of ``passages`` kept for a calibration reason and dated within any certificate."""
    within = Q()
    for cal in calibrations:
        start, end = _bounds(cal)
        within |= Q(passed_at__gte=start, passed_at__lt=end)
    return passages.filter(within, evidence_usable=False, unusable_reason__in=REQUALIFIABLE)


def _tally(passages) -> tuple[list[tuple[int, date, int]], dict[int, int]]:
    """(station, local day, count) and {event id: count} of ``passages``, read before they change."""
    per_day = list(
        passages.annotate(day=TruncDate("passed_at", tzinfo=LOCAL))
        .values_list("station_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_event = dict(
        passages.exclude(event=None).values("event_id").annotate(n=Count("id")).order_by().values_list("event_id", "n")
    )
    return per_day, per_event


def _fewer_unusable(per_day: list[tuple[int, date, int]]) -> None:
    for station_id, day, n in per_day:
        StationDay.objects.filter(station_id=station_id, day=day).update(
            unusable=Case(When(unusable__gt=n, then=F("unusable") - n), default=0)
        )


def _device_passages(device: Device):
    # the station narrows the scan: (station, passed_at) is indexed, the device is not
    return Passage.objects.filter(station_id=device.station_id, device=device)


def _result(calibration: Calibration, passages: int, relabelled: int) -> dict[str, object]:
    """What a certificate change did (the events are filled in by ``_events_and_audit``)."""
    return {
        "device": calibration.device.serial,
        "certificate_no": calibration.certificate_no,
        "passages": passages,
        "relabelled": relabelled,
        "events_recomputed": [],
        "events_reviewed": [],
    }


def requalify_for_calibration(*, actor, calibration: Calibration) -> dict[str, object]:
    """Make the device's passages within ``calibration`` evidence; recompute their open events.

    Set-based: the counts come from aggregates, the passages change in one UPDATE, the events are
    recomputed from one read of their passages and written in one batch (a late certificate
    can cover a month of a busy station: hundreds of thousands of passages, thousands of events)."""
    device = calibration.device
    covered = _covered_by(_device_passages(device), [calibration])
    per_day, per_event = _tally(covered)
    n_covered = covered.update(evidence_usable=True, unusable_reason="")
    # passages kept as "no certificate at all" that this certificate does not cover
    relabelled = (
        _device_passages(device)
        .filter(evidence_usable=False, unusable_reason="no_calibration")
        .update(unusable_reason="calibration_invalid")
    )
    result = _result(calibration, n_covered, relabelled)
    if not n_covered:
        return result
    _fewer_unusable(per_day)
    _events_and_audit(
        actor,
        calibration,
        per_event,
        result,
        "offsite.passages_requalified",
        f"检定证书 {calibration.certificate_no} 登记后，本事件 {{n}} 条通行记录变为可作证据",
    )
    return result


def disqualify_for_revocation(*, actor, calibration: Calibration) -> dict[str, object]:
    """Undo ``calibration`` (already marked revoked): its passages that no other certificate of the
    device covers are no longer evidence; their open events are recomputed."""
    device = calibration.device
    start, end = _bounds(calibration)
    others = list(Calibration.objects.active().filter(device=device).exclude(pk=calibration.pk))
    usable = _device_passages(device).filter(evidence_usable=True, passed_at__gte=start, passed_at__lt=end)
    for other in others:
        o_start, o_end = _bounds(other)
        usable = usable.exclude(passed_at__gte=o_start, passed_at__lt=o_end)
    per_day, per_event = _tally(usable)
    reason = "calibration_invalid" if others else "no_calibration"
    n = usable.update(evidence_usable=False, unusable_reason=reason)
    relabelled = 0
    if not others:  # the device has no certificate left: "invalid" becomes "none"
        relabelled = (
            _device_passages(device)
            .filter(evidence_usable=False, unusable_reason="calibration_invalid")
            .update(unusable_reason="no_calibration")
        )
    result = _result(calibration, n, relabelled)
    if not n:
        return result
    for station_id, day, k in per_day:
        StationDay.objects.filter(station_id=station_id, day=day).update(unusable=F("unusable") + k)
    _events_and_audit(
        actor,
        calibration,
        per_event,
        result,
        "offsite.passages_disqualified",
        f"检定证书 {calibration.certificate_no} 撤销后，本事件 {{n}} 条通行记录不再作为证据",
    )
    return result


def certificate_changed(*, actor, calibration: Calibration, action: str) -> dict[str, object]:
    """Apply a certificate just added (``action="add"``) or revoked (``"revoke"``) to the stored passages:
    inside the request when it touches at most ``ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX`` passages, else in a
    background job started when the request's transaction commits (a year's certificate entered late for a
    busy station covers millions of passages: minutes of work, beyond any request timeout). The job locks
    the device as the request does, and a job for a certificate revoked before it ran does nothing."""
    device = calibration.device
    if action == "add":
        affected = _covered_by(_device_passages(device), [calibration])
    else:
        start, end = _bounds(calibration)
        affected = _device_passages(device).filter(evidence_usable=True, passed_at__gte=start, passed_at__lt=end)
    limit = settings.ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX
    pending = affected[: limit + 1].count()
    if pending <= limit:
        if action == "add":
            return requalify_for_calibration(actor=actor, calibration=calibration)
        return disqualify_for_revocation(actor=actor, calibration=calibration)
    from zhifa.core.jobs import job_start

    pending = affected.count()
    station = device.station
    verb = "登记" if action == "add" else "撤销"
    job = job_start(
        kind=EVIDENCE_JOB_KIND,
        title=f"检定证书 {calibration.certificate_no} {verb}后重新判定 {pending} 条通行记录",
        actor=actor if getattr(actor, "pk", None) else None,
        params={"calibration_id": calibration.pk, "action": action, "station_id": station.pk},
        agency=station.agency,
        total=pending,
    )
    return _result(calibration, 0, 0) | {"job": str(job.pk), "pending": pending}


def run_certificate_job(*, actor, calibration_id: int, action: str) -> dict[str, object]:
    """The background half of :func:`certificate_changed`, in one transaction with the device locked."""
    with transaction.atomic():
        cal = Calibration.objects.select_related("device__station__agency").get(pk=calibration_id)
        Device.objects.select_for_update().filter(pk=cal.device_id).first()
        cal.refresh_from_db(fields=["revoked_at"])
        if action == "add" and cal.revoked_at is not None:
            return {"skipped": "证书在处理前已撤销，未作改变", "passages": 0}
        if action == "add":
            done = requalify_for_calibration(actor=actor, calibration=cal)
        else:
            done = disqualify_for_revocation(actor=actor, calibration=cal)
    return job_summary(done, action)


def job_summary(done: dict, action: str) -> dict[str, object]:
    """What a background re-qualification keeps as its result (the station page lists it)."""
    return {
        "action": action,
        "certificate_no": done["certificate_no"],
        "passages": done["passages"],
        "relabelled": done["relabelled"],
        "events_recomputed": len(done["events_recomputed"]),
        "events_reviewed": len(done["events_reviewed"]),
    }


def attach_unassigned_passages(*, actor, station: Station) -> dict[str, object]:
    """Give the station's ``no_device`` passages the device the import would give them now (the active
    device listing the passage's lane, else the all-lanes device; the first registered wins), then check
    them against that device's certificates as the import does. Passages already matched to a device
    keep it. Run when a device is registered or its lanes or state change."""
    lane_devices: dict[str, Device] = {}
    all_lanes: Device | None = None
    for device in Device.objects.filter(station=station, active=True).order_by("id"):
        for lane in device.lanes or []:
            lane_devices.setdefault(str(lane), device)
        if not device.lanes and all_lanes is None:
            all_lanes = device
    unassigned = Passage.objects.filter(station=station, device=None, unusable_reason="no_device")
    by_device: dict[Device, list[str] | None] = defaultdict(list)
    for lane, device in lane_devices.items():
        by_device[device].append(lane)
    if all_lanes is not None:
        by_device[all_lanes] = None  # every lane that no lane device lists (done last)
    attached: dict[str, int] = {}
    usable_total = 0
    per_day: list[tuple[int, date, int]] = []
    per_event: dict[int, int] = defaultdict(int)
    for device, lanes in sorted(by_device.items(), key=lambda kv: kv[1] is None):
        mine = unassigned if lanes is None else unassigned.filter(lane__in=lanes)
        n = mine.update(device=device, unusable_reason="no_calibration")
        if not n:
            continue
        attached[device.serial] = n
        calibrations = list(Calibration.objects.active().filter(device=device))
        if not calibrations:
            continue
        covered = _covered_by(_device_passages(device), calibrations)
        days, events = _tally(covered)
        usable_total += covered.update(evidence_usable=True, unusable_reason="")
        per_day += days
        for event_id, k in events.items():
            per_event[event_id] += k
        _device_passages(device).filter(evidence_usable=False, unusable_reason="no_calibration").update(
            unusable_reason="calibration_invalid"
        )
    result: dict[str, object] = {
        "station": station.code,
        "attached": sum(attached.values()),
        "devices": attached,
        "passages": usable_total,
        "events_recomputed": [],
        "events_reviewed": [],
    }
    if not attached:
        return result
    _fewer_unusable(per_day)
    if usable_total:
        serials = "、".join(attached)
        _events_and_audit(
            actor,
            station,
            dict(per_event),
            result,
            "offsite.passages_attached",
            f"设备 {serials} 登记后，本事件 {{n}} 条通行记录变为可作证据",
        )
    else:
        audit_record(
            actor=actor, event_code="offsite.passages_attached", obj=station, agency=station.agency, after=result
        )
    return result


def _events_and_audit(actor, obj, per_event: dict[int, int], result: dict, code: str, note: str) -> None:
    """Recompute the open events among ``per_event`` (event id -> passages changed), mark the reviewed ones
    with ``note`` (``{n}``: that event's count) and write the audit row."""
    events: list[OverloadEvent] = []
    for ids in _chunks(sorted(per_event)):
        events += OverloadEvent.objects.filter(pk__in=ids).select_related("station", "agency")
    events.sort(key=lambda e: e.pk)
    reviewed = [e for e in events if e.status not in OPEN_STATUSES]
    recomputed = recompute_events([e for e in events if e.status in OPEN_STATUSES])
    _mark_reviewed(reviewed, per_event, note)
    result["events_recomputed"] = recomputed
    result["events_reviewed"] = [e.event_key for e in reviewed]
    after = {
        **result,
        "events_recomputed": recomputed[:MAX_LISTED],
        "events_reviewed": result["events_reviewed"][:MAX_LISTED],
        "events_recomputed_count": len(recomputed),
        "events_reviewed_count": len(reviewed),
    }
    if isinstance(obj, Calibration):
        after |= {"valid_from": obj.valid_from.isoformat(), "valid_to": obj.valid_to.isoformat()}
        agency = obj.device.station.agency
    else:
        agency = obj.agency
    audit_record(actor=actor, event_code=code, obj=obj, agency=agency, after=after)


def _mark_reviewed(events: list[OverloadEvent], per_event: dict[int, int], note: str) -> None:
    """A reviewed event keeps its review, but its page (and its case's) says that its evidence changed since."""
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    for event in events:
        line = f"{stamp} " + note.replace("{n}", str(per_event.get(event.pk, 0)))
        text = f"{event.evidence_changes}\n{line}" if event.evidence_changes else line
        OverloadEvent.objects.filter(pk=event.pk).update(
            evidence_changed_at=now, evidence_changes=text[-MAX_CHANGES_TEXT:], version=F("version") + 1
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


def recompute_events(events: list[OverloadEvent]) -> list[str]:
    """Each open event's values from its worst usable passage, as the import computes them (also when a
    rejected event is reopened); returns the keys."""
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
