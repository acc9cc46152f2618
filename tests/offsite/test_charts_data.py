"""Chart data: overload rate by station and day from StationDay, top offenders over 12 months; scoped."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.offsite.test_review_kit import clock_fixture, make_event, site_fixture, team_fixture  # noqa: F401
from zhifa.offsite.models import StationDay
from zhifa.offsite.services.review import event_confirm

pytestmark = pytest.mark.django_db


def test_station_rates(client, site, clock):
    clock("2026-03-10")
    StationDay.objects.create(station=site.station, day=date(2026, 3, 9), passages=200, over_limit=16, unusable=0)
    StationDay.objects.create(station=site.station, day=date(2026, 3, 10), passages=100, over_limit=5, unusable=1)
    StationDay.objects.create(station=site.ly_station, day=date(2026, 3, 10), passages=50, over_limit=50, unusable=0)
    client.force_login(site.team.officer.user)
    d = client.get(reverse("offsite:chart_stations"), {"days": 7}).json()
    assert d["days"][0] == "2026-03-04" and d["days"][-1] == "2026-03-10"
    [s] = d["series"]
    assert s["station"] == "NZ-G207-01" and s["rates_pct"][-2:] == [8.0, 5.0] and s["rates_pct"][0] is None
    assert (s["passages"], s["over_limit"], s["rate_pct"]) == (300, 21, 7.0)
    api = client.get("/api/v1/offsite/charts/stations", {"days": 7}).json()
    assert api == d
    client.force_login(site.team.world.ly_officer.user)
    [s] = client.get(reverse("offsite:chart_stations")).json()["series"]
    assert s["station"] == "LY-G205-01"


def test_top_offenders(client, site, clock):
    clock("2026-03-02")
    for i in range(3):
        ev = make_event(site, f"K{i}", at=site_time(i))
        event_confirm(actor=site.team.officer.user, event=ev, version=1)
    make_event(site, "K9", plate="豫R99999", status="vehicle_unknown")
    client.force_login(site.team.officer.user)
    d = client.get(reverse("offsite:chart_top")).json()
    assert d["vehicles"] == [{"plate": "豫R12345", "events": 3, "over_kg": 27000}]
    assert d["enterprises"][0]["name"] == site.team.world.nz_enterprise.name and d["enterprises"][0]["events"] == 3
    page = client.get(reverse("offsite:charts"))
    assert page.status_code == 200 and b"echarts.min.js" in page.content
    client.force_login(site.team.world.ly_officer.user)
    assert client.get(reverse("offsite:chart_top")).json()["vehicles"] == []


def site_time(i):
    from tests.offsite.test_review_kit import AT

    return AT - timedelta(days=i)
