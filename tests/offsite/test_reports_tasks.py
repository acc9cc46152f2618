"""第44条 report tasks: created when an off-site case closes, due 7 working days later on the calendar,
badges due/overdue, "mark sent" with a reference (once, audited, scoped)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.offsite.test_review_kit import clock_fixture, make_event, site_fixture, team_fixture, walk  # noqa: F401
from zhifa.core.calendar import get_calendar
from zhifa.core.errors import ConflictError, DomainError, NotFound
from zhifa.core.models import AuditEvent
from zhifa.offsite.models import ReportTask
from zhifa.offsite.selectors_review import report_badge
from zhifa.offsite.services.reports import report_task_mark_sent, report_tasks_sync
from zhifa.offsite.services.review import event_confirm

pytestmark = pytest.mark.django_db


def closed_case(site, clock, key="T1"):
    clock("2026-03-02")
    ev = make_event(site, key)
    r = event_confirm(actor=site.team.officer.user, event=ev, version=1, officers=[site.team.officer2])
    return ev, walk(r.case, "closed", site.team, clock)


def test_task_due_seven_working_days_after_closing(site, clock):
    ev, case = closed_case(site, clock)
    assert case.state == "closed"
    assert report_tasks_sync() == 1 and report_tasks_sync() == 0  # idempotent
    t = ReportTask.objects.get()
    assert (t.case, t.event, t.closed_on, t.status) == (case, ev, date(2026, 3, 10), "due")
    assert t.due_on == get_calendar().add_working_days(date(2026, 3, 10), 7) == date(2026, 3, 19)
    assert t.recipient == "河南省南阳市道路运输管理机构"
    assert AuditEvent.objects.filter(event_code="offsite.report_tasks_created").count() == 1


def test_open_cases_get_no_task(site, clock):
    clock("2026-03-02")
    ev = make_event(site, "T2")
    r = event_confirm(actor=site.team.officer.user, event=ev, version=1, officers=[site.team.officer2])
    walk(r.case, "served", site.team, clock)
    assert report_tasks_sync() == 0


def test_badges():
    t = ReportTask(status="due", due_on=date(2026, 3, 19))
    assert report_badge(t, date(2026, 3, 10))[0] == "primary"
    assert report_badge(t, date(2026, 3, 17)) == ("warning", "即将到期")
    assert report_badge(t, date(2026, 3, 19)) == ("warning", "今日到期")
    assert report_badge(t, date(2026, 3, 21)) == ("danger", "已逾期 2 天")
    t.status, t.sent_on = "sent", date(2026, 3, 18)
    assert report_badge(t, date(2026, 3, 21))[0] == "success"


def test_mark_sent_once_with_reference(site, clock):
    closed_case(site, clock)
    report_tasks_sync()
    t = ReportTask.objects.get()
    clock("2026-03-20")
    officer = site.team.officer
    with pytest.raises(DomainError) as e:
        report_task_mark_sent(actor=officer.user, task=t.pk, reference=" ")
    assert e.value.code == "offsite.reference_required"
    with pytest.raises(DomainError):
        report_task_mark_sent(actor=officer.user, task=t.pk, reference="X", sent_on=date(2026, 3, 9))
    with pytest.raises(NotFound):
        report_task_mark_sent(actor=site.team.world.ly_officer.user, task=t.pk, reference="X")
    report_task_mark_sent(actor=officer.user, task=t.pk, reference="超限系统回执 2026-0001", version=1)
    t.refresh_from_db()
    assert (t.status, t.sent_on, t.sent_by, t.reference, t.version) == (
        "sent",
        date(2026, 3, 20),
        officer,
        "超限系统回执 2026-0001",
        2,
    )
    assert AuditEvent.objects.get(event_code="offsite.report_sent").after["late"] is True
    with pytest.raises(ConflictError):
        report_task_mark_sent(actor=site.team.officer2.user, task=t.pk, reference="again")


def test_task_page_syncs_lists_and_marks(client, site, clock, django_assert_max_num_queries):
    closed_case(site, clock)
    clock("2026-03-23")
    client.force_login(site.team.officer.user)
    r = client.get(reverse("offsite:reports"))
    body = r.content.decode()
    assert r.status_code == 200 and "河南省南阳市道路运输管理机构" in body and "已逾期 4 天" in body
    with django_assert_max_num_queries(16):
        client.get(reverse("offsite:reports"))
    t = ReportTask.objects.get()
    client.post(
        reverse("offsite:report_sent", args=[t.pk]), {"reference": "回执1", "sent_on": "2026-03-23", "version": 1}
    )
    assert ReportTask.objects.get().status == "sent"
    client.force_login(site.team.world.ly_officer.user)
    assert "回执1" not in client.get(reverse("offsite:reports"), {"status": "all"}).content.decode()


def test_api_tasks_and_mark_sent(client, site, clock):
    closed_case(site, clock)
    clock("2026-03-20")
    report_tasks_sync()
    client.force_login(site.team.officer.user)
    [row] = client.get("/api/v1/offsite/report-tasks").json()
    assert (row["plate"], row["due_on"], row["overdue"], row["version"]) == ("豫R12345", "2026-03-19", True, 1)
    r = client.post(
        f"/api/v1/offsite/report-tasks/{row['id']}/sent",
        {"reference": "回执-API", "version": 1},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "sent"
    r = client.post(
        f"/api/v1/offsite/report-tasks/{row['id']}/sent",
        {"reference": "again", "version": 1},
        content_type="application/json",
    )
    assert r.status_code == 409
    client.force_login(site.team.world.ly_officer.user)
    assert client.get("/api/v1/offsite/report-tasks", {"status": "all"}).json() == []
