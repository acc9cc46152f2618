"""Fixtures for the review / cases / 一超四罚 / report tests: a published station with a calibrated
device, an import run, and events with their passages as the ingest service leaves them.

The other ``test_review_*``, ``test_fourfold_*``, ``test_reports_*``, ``test_export_*`` and ``test_charts_*``
modules import the fixtures (``site_fixture`` … registered as ``site``, ``team``, ``clock``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.cases.conftest import Team, act
from tests.factories import OfficerFactory
from zhifa.offsite.models import Calibration, Device, ImportRun, OverloadEvent, Passage, Station

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 3, 1, 10, 0, tzinfo=SH)


@dataclass
class Site:
    team: Team
    station: Station
    device: Device
    run: ImportRun
    ly_station: Station
    ly_device: Device
    ly_run: ImportRun


def make_station(agency, code, name, region="411321"):
    station = Station.objects.create(
        agency=agency,
        code=code,
        name=name,
        road="G207",
        stake="K1203+500",
        direction="南向北",
        lanes=2,
        region_code=region,
        published_on=date(2024, 1, 1),
        publication_ref="县交通运输局公告〔2024〕1号",
    )
    device = Device.objects.create(station=station, serial=f"{code}-D1", manufacturer="称重设备厂", model="DW-5")
    Calibration.objects.create(
        device=device,
        certificate_no=f"检定{code}-2025",
        issuer="省计量测试科学研究院",
        valid_from=date(2025, 1, 1),
        valid_to=date(2026, 12, 31),
        accuracy_class="5",
    )
    run = ImportRun.objects.create(agency=agency, filename="wim.csv", status="done")
    return station, device, run


@pytest.fixture(name="team")
def team_fixture(world) -> Team:
    """The cases tests' team: two officers, a head, a legal reviewer, an officer with an expired licence."""
    return Team(
        world=world,
        officer=world.nz_officer,
        officer2=world.nz_officer2,
        head=OfficerFactory(agency=world.nanzhao, user__username="nzhead", roles=["officer", "head"]),
        reviewer=OfficerFactory(agency=world.nanzhao, user__username="nzrev", roles=["officer", "legal_reviewer"]),
        expired=OfficerFactory(
            agency=world.nanzhao, user__username="nzold", licence_valid_to=date(2025, 6, 30), roles=["officer"]
        ),
        ly_head=OfficerFactory(agency=world.linyi, user__username="lyhead", roles=["officer", "head"]),
    )


@pytest.fixture(name="clock")
def clock_fixture():
    """A fixed clock that tests move forward: ``clock("2026-03-02")``."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False) as traveller:

        def move(day: str, hour: int = 9) -> date:
            traveller.move_to(datetime.fromisoformat(day).replace(hour=hour, tzinfo=SH))
            return date.fromisoformat(day)

        yield move


@pytest.fixture(name="site")
def site_fixture(team) -> Site:
    w = team.world
    w.nz_vehicle.owner_enterprise = w.nz_enterprise
    w.nz_vehicle.save(update_fields=["owner_enterprise"])
    station, device, run = make_station(w.nanzhao, "NZ-G207-01", "G207南召段检测点")
    ly_station, ly_device, ly_run = make_station(w.linyi, "LY-G205-01", "G205临沂段检测点", region="371300")
    return Site(team, station, device, run, ly_station, ly_device, ly_run)


def make_event(
    site: Site,
    key: str,
    *,
    plate: str = "豫R12345",
    colour: str = "yellow",
    at: datetime = AT,
    gross: int = 58000,
    limit: int = 49000,
    status: str = "pending_review",
    vehicle=None,
    passages: int = 1,
    usable: bool = True,
    shandong: bool = False,
    device="default",
) -> OverloadEvent:
    station = site.ly_station if shandong else site.station
    agency = station.agency
    over = gross - limit
    if vehicle is None and status != "vehicle_unknown" and not shandong:
        vehicle = site.team.world.nz_vehicle
    ev = OverloadEvent.objects.create(
        agency=agency,
        event_key=key,
        plate=plate,
        plate_color=colour,
        vehicle=vehicle,
        owner_enterprise=vehicle.owner_enterprise if vehicle else None,
        owner_person=vehicle.owner_person if vehicle else None,
        station=station,
        first_passed_at=at,
        last_passed_at=at + timedelta(hours=passages - 1),
        passage_count=passages,
        axles=6,
        gross_kg=gross,
        limit_kg=limit,
        over_kg=over if over > 0 else None,
        outcome="fine" if over > 1000 else "warning",
        fine_yuan=(over // 1000) * 500 if over > 1000 else 0,
        rules_date=at.date(),
        catalog_version="test",
        status=status,
        import_run=site.ly_run if shandong else site.run,
    )
    dev = (site.ly_device if shandong else site.device) if device == "default" else device
    for i in range(passages):
        Passage.objects.create(
            record_id=f"{key}-{i}",
            station=station,
            device=dev,
            lane="1",
            passed_at=at + timedelta(hours=i),
            plate=plate,
            plate_color=colour,
            axles=6,
            vehicle_kind="combination",
            single_drive_axle=False,
            gross_kg=gross - 100 * i,
            limit_kg=limit,
            over_kg=(over - 100 * i) if over - 100 * i > 0 else None,
            evidence_usable=usable,
            unusable_reason="" if usable else "calibration_expired",
            import_run=site.ly_run if shandong else site.run,
            images=[f"https://wim.example/{key}/{i}.jpg"],
            event=ev,
            worst=i == 0,
        )
    return ev


def walk(case, upto: str, t: Team, clock):
    """Take a confirmed off-site case (待立案审批, assessed) on through the general procedure."""
    steps = [
        ("filed", "2026-03-02", "file", t.head, {}),
        ("investigating", "2026-03-02", "start_investigation", t.officer, {}),
        ("under_review", "2026-03-03", "submit_for_review", t.officer, {}),
        ("notified", "2026-03-03", "notify", t.officer, {}),
        ("notified", "2026-03-04", "waive_rights", t.officer, {"waiver_reference": "放弃陈述申辩声明书"}),
        ("decided", "2026-03-05", "decide", t.head, {"outcome": "penalty"}),
        ("served", "2026-03-06", "serve", t.officer, {"method": "直接送达"}),
        ("served", "2026-03-09", "record_payment", t.officer, "pay"),
        ("closed", "2026-03-10", "close", t.head, {}),
    ]
    order = ["filed", "investigating", "under_review", "notified", "decided", "served", "closed"]
    for state, day, action, who, params in steps:
        if order.index(state) > order.index(upto):
            break
        clock(day)
        if params == "pay":
            case.refresh_from_db()
            params = {"amount_yuan": case.fine_yuan, "paid_on": date.fromisoformat(day), "receipt_no": "FS1"}
        act(case, action, who, **params)
    case.refresh_from_db()
    return case


def make_driver(agency, name="王师傅", employer=None):
    from tests.factories import PersonFactory
    from zhifa.parties.models import Driver

    person = PersonFactory(agency=agency, name=name)
    return Driver.objects.create(agency=agency, person=person, qualification_no="411321198001010011", employer=employer)


def make_cargo_source(agency, enterprise=None, site_name="南召县砂石料场", sector="cargo_source"):
    from tests.factories import EnterpriseFactory
    from zhifa.parties.models import CargoSource

    enterprise = enterprise or EnterpriseFactory(agency=agency, sector=sector)
    return CargoSource.objects.create(agency=agency, enterprise=enterprise, site_name=site_name, cargo_types="砂石")
