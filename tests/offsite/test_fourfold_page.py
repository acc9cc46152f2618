"""一超四罚 against the database: decided off-site cases counted per vehicle, driver, enterprise and cargo
source; undecided ones shown as 待决; the page lists who crosses and links the cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.offsite.test_review_kit import (  # noqa: F401 - fixtures
    AT,
    clock_fixture,
    make_cargo_source,
    make_driver,
    make_event,
    site_fixture,
    team_fixture,
    walk,
)
from zhifa.offsite.selectors_review import fourfold_report
from zhifa.offsite.services.review import event_confirm

pytestmark = pytest.mark.django_db


def offend(site, clock, key, *, upto="decided", days=0, confirm=None, **kw):
    clock("2026-03-02")
    ev = make_event(site, key, at=AT - timedelta(days=days), **kw)
    r = event_confirm(
        actor=site.team.officer.user, event=ev, version=1, officers=[site.team.officer2], **(confirm or {})
    )
    return walk(r.case, upto, site.team, clock) if upto != "pending_filing" else r.case


@pytest.fixture
def four(site, clock):
    w = site.team.world
    driver = make_driver(w.nanzhao)
    source = make_cargo_source(w.nanzhao)
    cases = [
        offend(site, clock, f"F{i}", days=i, confirm={"driver": driver.pk, "cargo_source": source.pk}) for i in range(3)
    ]
    return driver, source, cases


def test_three_decided_do_not_cross_the_fourth_does(site, clock, four):
    driver, source, cases = four
    clock("2026-03-12")
    page = fourfold_report(user=site.team.officer.user)
    [v] = page.report.vehicles
    assert (v.count, v.pending, v.crosses) == (3, 0, False)
    [d] = page.report.drivers
    assert (d.subject_id, d.count, d.crosses) == (driver.pk, 3, False)
    # a fourth confirmed but undecided: shown as 待决, not counted
    fourth = offend(site, clock, "F3", days=3, upto="pending_filing", confirm={"driver": driver.pk})
    clock("2026-03-12")
    [v] = fourfold_report(user=site.team.officer.user).report.vehicles
    assert (v.count, v.pending, v.crosses) == (3, 1, False)
    walk(fourth, "decided", site.team, clock)
    clock("2026-03-12")
    page = fourfold_report(user=site.team.officer.user)
    [v] = page.report.vehicles
    assert (v.count, v.crosses, v.proposal.item) == (4, True, "overload.repeat_vehicle")
    assert sorted(c.case_id for c in v.cases) == sorted([c.pk for c in cases] + [fourth.pk])
    [d] = page.report.drivers
    assert d.crosses and d.proposal.item == "overload.repeat_driver"
    # the owning enterprise: its one freight vehicle offended → 100 % > 30 % (Henan) → revoke
    [e] = page.report.enterprises
    assert (e.subject_id, e.count, e.fleet, e.proposal.sanctions) == (
        site.team.world.nz_enterprise.pk,
        1,
        1,
        ("revoke",),
    )
    [s] = page.report.cargo_sources
    assert (s.subject_id, s.count, s.proposal.item) == (source.pk, 3, "overload.source_unit_loading")


def test_window_by_decision_date(site, clock, four):
    # decided 2026-03-05; a year later they fall out on 2027-03-05 (window 2026-03-06 … 2027-03-05)
    fourth = offend(site, clock, "F3", days=3)
    assert fourth.decided_on == date(2026, 3, 5)
    page = fourfold_report(user=site.team.officer.user, ref=date(2027, 3, 4))
    assert page.report.vehicles[0].count == 4 and page.report.vehicles[0].crosses
    page = fourfold_report(user=site.team.officer.user, ref=date(2027, 3, 5))
    assert page.report.vehicles == [] or page.report.vehicles[0].count == 0


def test_other_jurisdiction_sees_nothing(site, clock, four):
    clock("2026-03-12")
    page = fourfold_report(user=site.team.world.ly_officer.user)
    assert page.report.vehicles == [] and page.report.enterprises == []


def test_page_lists_and_links(client, site, clock, four, django_assert_max_num_queries):
    offend(site, clock, "F3", days=3)
    clock("2026-03-12")
    client.force_login(site.team.officer.user)
    client.get(reverse("offsite:fourfold"))
    with django_assert_max_num_queries(30):
        r = client.get(reverse("offsite:fourfold"))
    body = r.content.decode()
    assert r.status_code == 200
    assert "豫R12345" in body and "吊销许可证件" in body and "一超四罚" in body
    assert body.count(reverse("cases:detail", args=[four[2][0].pk])) >= 2  # vehicle and driver rows


def test_api(client, site, clock, four):
    offend(site, clock, "F3", days=3)
    clock("2026-03-12")
    client.force_login(site.team.officer.user)
    d = client.get("/api/v1/offsite/fourfold").json()
    assert (d["from"], d["to"], d["basis"], d["count_date"]) == ("2025-03-13", "2026-03-12", "decided", "decided_on")
    [v] = d["vehicle"]
    assert (v["name"], v["count"], v["crosses"], v["proposal"]["item"]) == (
        "豫R12345",
        4,
        True,
        "overload.repeat_vehicle",
    )
    assert len(v["cases"]) == 4 and all(c["decided"] for c in v["cases"])
    client.force_login(site.team.world.ly_officer.user)
    assert client.get("/api/v1/offsite/fourfold").json()["vehicle"] == []
