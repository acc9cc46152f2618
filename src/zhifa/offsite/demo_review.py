"""Demo of review, cases, 一超四罚 and 第44条 reports for 南召县大队 (called at the end of
``zhifa.offsite.demo.load``; safe to run twice).

On top of the events the off-site demo imported, through the services only:

* a repeat offender: one owned combination passes a station on four days (a small WIM file imported by
  the ingest service); its four events are confirmed, and the cases walked through the general
  procedure to decided and closed — four decided cases in twelve months cross 一超四罚 (vehicle,
  driver, owning enterprise) and the cargo source is recorded;
* more events confirmed (cases waiting for the head's filing approval) and one rejected, so with the
  imported ones (pending, unknown vehicle, unusable) every review status is present;
* report tasks: the closed cases give tasks, older ones overdue, the latest one still due.

Dates lie in the past and inside the years the working-day calendar covers, as in the cases demo.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zhifa.core.calendar import get_calendar
from zhifa.core.models import AuditEvent

MARKER = "demo.offsite_review_loaded"
REPEAT_PREFIX = "DEMO-REPEAT-"


def _users(prefix: str) -> dict:
    User = get_user_model()
    return {
        k: User.objects.get(username=f"{prefix}_{name}")
        for k, name in (("o1", "officer1"), ("o2", "officer2"), ("head", "head"))
    }


def _station_with_valid_device(agency, day: date):
    from zhifa.offsite.models import Calibration

    cal = (
        Calibration.objects.active()
        .filter(device__station__agency=agency, device__active=True, valid_from__lte=day, valid_to__gte=day)
        .select_related("device__station")
        .order_by("device__station__code", "device__serial")
        .first()
    )
    return cal.device.station if cal else None


def _repeat_vehicle(agency):
    """A six-axle combination of the enterprise with the smallest freight fleet (so that one offending
    vehicle is over 10 % of it and the enterprise shows in 一超四罚 too)."""
    from django.db.models import Count, Q

    from zhifa.parties.models import Enterprise, Vehicle

    small = (
        Enterprise.objects.filter(agency=agency)
        .annotate(
            fleet=Count("vehicles", filter=Q(vehicles__kind__in=("truck", "combination", "trailer"))),
            six=Count("vehicles", filter=Q(vehicles__kind="combination", vehicles__axles=6)),
        )
        .filter(six__gt=0)
        .order_by("fleet", "id")
        .first()
    )
    qs = Vehicle.objects.filter(agency=agency, kind="combination", axles=6, owner_enterprise__isnull=False)
    if small is not None:
        qs = qs.filter(owner_enterprise=small)
    return qs.select_related("owner_enterprise").order_by("id").first()


def _import_repeat(ctx, agency, station, vehicle, days: list[date]) -> None:
    """Four overloaded passages of one vehicle on four days (each its own event), imported by the ingest
    service (idempotent: the record ids are fixed)."""
    from zhifa.offsite.models import Passage
    from zhifa.offsite.services.ingest import import_file

    if Passage.objects.filter(record_id=f"{REPEAT_PREFIX}{days[0]:%Y%m%d}").exists():
        return
    header = [
        "record_id",
        "station_id",
        "lane",
        "passed_at",
        "plate",
        "plate_color",
        "axles",
        "vehicle_kind",
        "single_drive_axle",
        "gross_kg",
        "speed_kmh",
        "length_mm",
        "width_mm",
        "height_mm",
    ]
    rows = []
    for i, d in enumerate(days):
        rows.append(
            [
                f"{REPEAT_PREFIX}{d:%Y%m%d}",
                station.code,
                "2",
                f"{d.isoformat()}T0{6 + i}:1{i}:00+08:00",
                vehicle.plate,
                vehicle.plate_colour,
                "6",
                "combination",
                "0",
                str(53500 + 1000 * i),
                "62.5",
                "16500",
                "2550",
                "3900",
            ]
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-repeat.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
        import_file(path, agency=agency, actor=None)
    ctx.log(f"  非现场：{vehicle.plate} 四次超限通行已导入")


def _walk(case, users, start: date, *, upto: str, finish: date | None = None) -> None:
    """The general procedure from 待立案审批 to ``upto`` (decided | closed): filing and investigation one
    step a day from ``start``; the decision and what follows one step a day, ending on ``finish`` when
    given (a late decision: the 90-day period from filing must still end in a year the calendar covers)."""
    from zhifa.cases.services import case_act

    early = [
        (0, "head", "file", {}),
        (1, "o1", "start_investigation", {}),
        (2, "o1", "submit_for_review", {}),
        (3, "o1", "notify", {}),
        (4, "o1", "waive_rights", {"waiver_reference": "当事人放弃陈述申辩权利声明书"}),
    ]
    late = [(0, "head", "decide", {"outcome": "penalty"})]
    if upto == "closed":
        late += [(1, "o2", "serve", {"method": "直接送达"}), (3, "o1", "_pay", {}), (4, "head", "close", {})]
    plan = [(start + timedelta(days=o), who, a, p) for o, who, a, p in early]
    first_late = (finish - timedelta(days=late[-1][0])) if finish else start + timedelta(days=5)
    plan += [(first_late + timedelta(days=o), who, a, p) for o, who, a, p in late]
    for day, who, action, params in plan:
        if action == "_pay":
            case.refresh_from_db()
            action = "record_payment"
            params = {"amount_yuan": case.fine_yuan, "paid_on": day, "receipt_no": f"FS{case.pk:07d}"}
        case_act(actor=users[who], case=case, action=action, params=params, today=day)


def _confirm(event, users, day: date, **kw):
    from zhifa.offsite.services.review import event_confirm

    return event_confirm(
        actor=users["o1"], event=event, version=event.version, officers=[users["o2"].officer], today=day, **kw
    ).case


def load_review(ctx) -> None:
    from zhifa.offsite.models import OverloadEvent
    from zhifa.offsite.services.reports import report_tasks_sync
    from zhifa.offsite.services.review import event_reject
    from zhifa.parties.models import CargoSource, Driver

    marker = f"offsite-review:{ctx.scale}:{ctx.seed}"
    if AuditEvent.objects.filter(event_code=MARKER, object_id=marker).exists():
        ctx.log("  非现场审核演示数据已载入，跳过")
        return
    unit = next((u for u in ctx.units if u.key == "nanzhao"), None)
    if unit is None:
        return
    agency = unit.agency
    users = _users("nz")
    today = timezone.localdate()
    cover_end = date(max(get_calendar().covered_years()), 12, 31)
    # the procedure's deadlines (90 days to decide) must end in a year the calendar covers
    base = min(today - timedelta(days=75), cover_end - timedelta(days=100))
    made = {"confirmed": 0, "closed": 0, "rejected": 0}

    # 1. the repeat offender: four events, four decided cases, three of them closed
    vehicle = _repeat_vehicle(agency)
    days = [base - timedelta(days=d) for d in (40, 30, 20, 10)]
    station = _station_with_valid_device(agency, days[0])
    if vehicle is not None and station is not None and all(_station_with_valid_device(agency, d) for d in days):
        _import_repeat(ctx, agency, station, vehicle, days)
        driver = Driver.objects.filter(agency=agency).order_by("id").first()
        source = CargoSource.objects.filter(agency=agency).order_by("id").first()
        repeat = list(
            OverloadEvent.objects.filter(event_key__startswith=REPEAT_PREFIX, status="pending_review").order_by(
                "first_passed_at"
            )
        )
        for i, ev in enumerate(repeat):
            passed = timezone.localtime(ev.first_passed_at).date()
            with transaction.atomic():
                case = _confirm(
                    ev,
                    users,
                    passed + timedelta(days=1),
                    note="经审核，设备检定有效，号牌与登记车辆一致",
                    driver=driver.pk if driver else None,
                    cargo_source=source.pk if source else None,
                    loading_bill=f"装载单 ZD-{passed:%m%d}",
                )
                made["confirmed"] += 1
                # all four closed: the oldest three long ago (report tasks overdue), the last decided and
                # closed in the last days (its task is still due)
                finish = today - timedelta(days=2) if i == len(repeat) - 1 else None
                _walk(case, users, passed + timedelta(days=2), upto="closed", finish=finish)
                made["closed"] += 1

    # 2. other events: confirm two, reject one (the others stay as imported)
    pending = list(
        OverloadEvent.objects.filter(agency=agency, status="pending_review", owner_enterprise__isnull=False)
        .exclude(event_key__startswith=REPEAT_PREFIX)
        .order_by("first_passed_at", "id")
    )
    for ev in pending[:2]:
        passed = timezone.localtime(ev.first_passed_at).date()
        day = min(max(passed + timedelta(days=1), base), today)
        try:
            with transaction.atomic():
                _confirm(ev, users, day, note="经审核，违法事实清楚")
            made["confirmed"] += 1
        except Exception as e:  # an event the demo cannot file (e.g. beyond the calendar): leave it pending
            ctx.log(f"  非现场：事件 {ev.event_key} 未确认（{e}）")
    rest = [e for e in pending[2:]]
    if rest:
        ev = rest[-1]
        event_reject(actor=users["o1"], event=ev, reason="图像显示号牌被遮挡，号牌识别结果无法核实", version=ev.version)
        made["rejected"] += 1
    # (unknown vehicles stay in 车辆待确认: registering one would add a party to the demo world)

    # 3. 第44条 tasks for the closed cases; the oldest one reported
    tasks = report_tasks_sync(actor=None, agency_ids=[agency.pk])
    from zhifa.offsite.models import ReportTask
    from zhifa.offsite.services.reports import report_task_mark_sent

    oldest = ReportTask.objects.filter(case__agency=agency, status="due").order_by("closed_on", "id").first()
    if oldest is not None:
        report_task_mark_sent(
            actor=users["o1"],
            task=oldest,
            reference=f"超限系统抄告回执 {oldest.closed_on:%Y%m%d}-001",
            sent_on=get_calendar().add_working_days(oldest.closed_on, 3),
        )
    ctx.summary["offsite_review"] = {**made, "report_tasks": tasks}
    ctx.log(f"  非现场：审核演示 {made}，抄告任务 {tasks} 项")
    with transaction.atomic():
        from zhifa.core.audit import audit_record

        audit_record(
            actor=None,
            event_code=MARKER,
            object_type="demo",
            object_id=marker,
            object_repr="非现场审核演示数据",
            after=made,
            reason="zhifa demo",
        )
