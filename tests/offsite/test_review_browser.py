"""The review in a real browser (Playwright on Debian chromium): the officer opens the queue, reads the
event's evidence and confirms it — the case page shows the off-site case waiting for filing approval with
the detection record as evidence; the charts page draws its ECharts from the JSON without script errors."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
import time_machine

from tests.cases.test_browser_case import CHROMIUM, _login, browser  # noqa: F401 - fixture
from tests.offsite.test_review_kit import SH, Site, make_event, make_station

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (./dev installs it)"),
]


@pytest.mark.django_db(transaction=True)
def test_confirm_in_the_browser_and_charts(live_server, browser, tmp_path, settings):  # noqa: F811
    from tests.factories import AgencyFactory, EnterpriseFactory, OfficerFactory, VehicleFactory
    from zhifa.offsite.models import StationDay

    settings.MEDIA_ROOT = tmp_path / "files"
    base = live_server.url
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=True):
        agency = AgencyFactory(name="南召县交通运输综合行政执法大队", short_name="南召交执")
        li = OfficerFactory(agency=agency, user__username="li", name="李明")
        wang = OfficerFactory(agency=agency, user__username="wang", name="王强")
        owner = EnterpriseFactory(agency=agency, name="南召县顺通物流有限公司")
        vehicle = VehicleFactory(agency=agency, plate="豫R6A888", owner_enterprise=owner)
        station, device, run = make_station(agency, "NZ-G207-01", "G207南召段检测点")
        site = Site(None, station, device, run, station, device, run)
        ev = make_event(site, "B1", plate="豫R6A888", vehicle=vehicle, passages=2)
        StationDay.objects.create(station=station, day=date(2026, 3, 1), passages=120, over_limit=9)
        StationDay.objects.create(station=station, day=date(2026, 3, 2), passages=80, over_limit=4)

        page = _login(browser, base, "li")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/offsite/review/")
        page.click("text=豫R6A888")
        page.wait_for_url(f"{base}/offsite/review/{ev.pk}/")
        text = page.locator("main").inner_text()
        assert "检定NZ-G207-01-2025" in text and "B1-1" in text and "建议 4500 元" in text
        page.select_option("#c-officer2", str(wang.pk))
        page.click("[data-testid=confirm-form] button[type=submit]")
        page.wait_for_url(f"{base}/cases/*/")
        assert page.locator("[data-testid=case-state]").inner_text() == "待立案审批"
        main = page.locator("main").inner_text()
        assert "南召县顺通物流有限公司" in main and "动态称重检测记录" in main and "非现场执法监测" in main

        page.goto(f"{base}/offsite/charts/")
        page.locator("#station-table tbody tr").first.wait_for()
        assert "6.5%" in page.locator("#station-table").inner_text()  # 13 of 200
        assert page.locator("#chart-stations canvas").count() >= 1
        # the ranking comes from its own request: wait for it rather than race it (a CI run lost the race)
        page.locator("#chart-vehicles canvas").first.wait_for()
        assert page.locator("#chart-vehicles canvas").count() >= 1
        page.goto(f"{base}/offsite/fourfold/")
        assert "一超四罚" in page.locator("h1").inner_text()
        assert not errors, errors
        assert li.user.is_authenticated
