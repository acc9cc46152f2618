"""Review pages and API: scoped by jurisdiction, query counts flat in the number of rows, actions through
the services with their messages, conflicts reported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.offsite.test_review_kit import AT, clock_fixture, make_event, site_fixture, team_fixture  # noqa: F401
from zhifa.cases.models import Case
from zhifa.offsite.models import OverloadEvent

pytestmark = pytest.mark.django_db


def login(client, officer):
    client.force_login(officer.user)
    return client


def test_queue_is_scoped_and_filtered(client, site, clock):
    clock("2026-03-02")
    make_event(site, "Q1")
    make_event(site, "Q2", plate="豫R7B123", status="vehicle_unknown")
    make_event(site, "Q3", plate="鲁Q54321", shandong=True)
    r = login(client, site.team.officer).get(reverse("offsite:review_list"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "豫R12345" in body and "鲁Q54321" not in body and "豫R7B123" not in body  # pending only
    body = client.get(reverse("offsite:review_list"), {"status": "all", "q": "7b1"}).content.decode()
    assert "豫R7B123" in body and "豫R12345" not in body
    body = login(client, site.team.world.ly_officer).get(reverse("offsite:review_list"), {"status": "all"}).content
    assert "鲁Q54321" in body.decode() and "豫R12345" not in body.decode()


def test_queue_query_count_does_not_grow(client, site, clock, django_assert_max_num_queries):
    clock("2026-03-02")
    for i in range(3):
        make_event(site, f"N{i}", at=AT + timedelta(minutes=i))
    login(client, site.team.officer)
    client.get(reverse("offsite:review_list"))  # warm caches (session, calendar, catalog)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("offsite:review_list"))
    for i in range(3, 30):
        make_event(site, f"N{i}", at=AT + timedelta(minutes=i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(reverse("offsite:review_list"))
    assert r.content.decode().count('class="event-row"') == 25


def test_event_page_shows_the_evidence(client, site, clock):
    clock("2026-03-02")
    ev = make_event(site, "P1", passages=2)
    r = login(client, site.team.officer).get(reverse("offsite:review_event", args=[ev.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    for text in (
        "P1-0",
        "P1-1",
        "检定NZ-G207-01-2025",
        "省计量测试科学研究院",
        "https://wim.example/P1/0.jpg",
        "G207南召段检测点",
        "建议 <strong>4500</strong> 元",
        "确认并登记案件",
        "驳回",
    ):
        assert text in body, text
    assert (
        login(client, site.team.world.ly_officer).get(reverse("offsite:review_event", args=[ev.pk])).status_code == 404
    )


def test_confirm_and_conflict_through_the_page(client, site, clock):
    clock("2026-03-02")
    ev = make_event(site, "C1")
    url = reverse("offsite:review_confirm", args=[ev.pk])
    login(client, site.team.officer)
    r = client.post(url, {"version": 1, "note": "审核无误", "officer2": site.team.officer2.pk})
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.case_officers.count() == 2
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("offsite:review_event", args=[ev.pk]) in page  # the case page leads back to the passages
    login(client, site.team.officer2)
    r = client.post(url, {"version": 1}, follow=True)
    assert "已被他人处理" in r.content.decode()
    assert Case.objects.count() == 1


def test_reject_needs_reason_on_the_page(client, site, clock):
    clock("2026-03-02")
    ev = make_event(site, "J1")
    login(client, site.team.officer)
    r = client.post(reverse("offsite:review_reject", args=[ev.pk]), {"version": 1, "reason": ""}, follow=True)
    assert "请填写驳回理由" in r.content.decode()
    client.post(reverse("offsite:review_reject", args=[ev.pk]), {"version": 1, "reason": "图像显示为另一车辆"})
    assert OverloadEvent.objects.get(pk=ev.pk).status == "rejected"


def test_supervisor_reads_but_cannot_act(client, site, clock):
    clock("2026-03-02")
    ev = make_event(site, "S1")
    login(client, site.team.world.nz_supervisor)
    r = client.get(reverse("offsite:review_event", args=[ev.pk]))
    assert r.status_code == 200 and "确认并登记案件" not in r.content.decode()
    client.post(reverse("offsite:review_confirm", args=[ev.pk]), {"version": 1})
    assert OverloadEvent.objects.get(pk=ev.pk).status == "pending_review"


def test_api_confirm_conflict_and_scope(client, site, clock):
    clock("2026-03-02")
    ev = make_event(site, "A1")
    login(client, site.team.officer)
    r = client.get("/api/v1/offsite/review/events")
    assert r.status_code == 200 and [e["event_key"] for e in r.json()["results"]] == ["A1"]
    d = client.get(f"/api/v1/offsite/review/events/{ev.pk}").json()
    assert d["passages"][0]["certificate"]["no"] == "检定NZ-G207-01-2025"
    assert d["proposal"]["fine_yuan"]["proposed"] == 4500
    r = client.post(
        f"/api/v1/offsite/review/events/{ev.pk}/confirm",
        {"version": 1, "officers": [site.team.officer2.pk]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["event"]["status"] == "confirmed"
    r = client.post(
        f"/api/v1/offsite/review/events/{ev.pk}/reject",
        {"version": 1, "reason": "重复提交的驳回"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "offsite.version_conflict"
    login(client, site.team.world.ly_officer)
    assert client.get(f"/api/v1/offsite/review/events/{ev.pk}").status_code == 404


def test_register_vehicle_with_a_person_owner_on_the_page(client, site, clock):
    from tests.factories import PersonFactory

    clock("2026-03-02")
    person = PersonFactory(agency=site.team.world.nanzhao)
    ev = make_event(site, "V9", plate="豫R7B124", status="vehicle_unknown")
    login(client, site.team.officer)
    url = reverse("offsite:review_vehicle", args=[ev.pk])
    r = client.post(
        url, {"version": 1, "mode": "new", "kind": "combination", "owner_id_number": "110101199001011234"}, follow=True
    )
    assert "没有该身份证号码" in r.content.decode()
    client.post(url, {"version": 1, "mode": "new", "kind": "combination", "owner_id_number": person.id_number})
    ev.refresh_from_db()
    assert (ev.status, ev.owner_person, ev.vehicle.owner_person) == ("pending_review", person, person)
