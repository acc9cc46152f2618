"""Fixtures for the cases shell: the two-province world plus a head, a legal reviewer and an officer
whose 执法证 has expired; helpers that register a case and walk it with the services on a fixed clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import OfficerFactory
from zhifa.cases.services import case_act, case_assess, case_create

SH = ZoneInfo("Asia/Shanghai")
d = date.fromisoformat

#: a 6-axle combination at 58 t: 9 t over the 49 t limit → 4,500 yuan (below every threshold)
OVERLOAD_FACTS = {"axles": 6, "vehicle_kind": "combination", "gross_weight_kg": 58000, "single_drive_axle": False}


@dataclass
class Team:
    world: object
    officer: object  # lead (nz_officer)
    officer2: object
    head: object
    reviewer: object
    expired: object
    ly_head: object


@pytest.fixture
def team(world) -> Team:
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


@pytest.fixture
def clock():
    """A fixed clock that tests move forward: ``clock("2026-03-02")``."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False) as traveller:

        def move(day: str, hour: int = 9) -> date:
            traveller.move_to(datetime.fromisoformat(day).replace(hour=hour, tzinfo=SH))
            return d(day)

        yield move


def new_case(team: Team, *, procedure="general", facts=None, **kw):
    w = team.world
    params = {
        "actor": team.officer.user,
        "procedure": procedure,
        "item_code": "overload.weight",
        "violation_date": d("2026-03-01"),
        "enterprise": w.nz_enterprise,
        "vehicle": w.nz_vehicle,
        "officers": [team.officer2],
        "facts": OVERLOAD_FACTS if facts is None else facts,
        "violation_place": "G207国道南召段K1203",
        "summary": "豫R12345号重型半挂牵引车车货总质量58吨，超过限定标准",
    }
    params.update(kw)
    return case_create(**params)


def act(case, action, who, **params):
    return case_act(actor=who.user, case=case, action=action, params=params).case


def to_investigating(team: Team, clock, case=None):
    case = case or new_case(team)
    clock("2026-03-02")
    act(case, "request_filing", team.officer)
    act(case, "file", team.head)
    return act(case, "start_investigation", team.officer)


def to_notified(team: Team, clock, case=None):
    case = to_investigating(team, clock, case)
    clock("2026-03-04")
    case_assess(actor=team.officer.user, case=case)
    act(case, "submit_for_review", team.officer)
    return act(case, "notify", team.officer)


def to_decided(team: Team, clock, case=None):
    case = to_notified(team, clock, case)
    clock("2026-03-05")
    act(case, "waive_rights", team.officer, waiver_reference="放弃陈述申辩声明书")
    return act(case, "decide", team.head, outcome="penalty")


def to_served(team: Team, clock, case=None):
    case = to_decided(team, clock, case)
    clock("2026-03-06")
    return act(case, "serve", team.officer, method="直接送达")
