from datetime import date

import pytest

from zhifa.core.calendar import get_calendar
from zhifa.core.models import CalendarYear

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_enters_a_future_year_from_the_page(client, world):
    assert client.login(username="nzadmin", password="Test-pass-123")
    r = client.post(
        "/calendar/",
        {
            "year": 2027,
            "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
            "holidays": "2027-01-01 元旦\n2027-02-08至2027-02-12 春节",
            "workdays": "2027-02-06",
        },
    )
    assert r.status_code == 302
    cy = CalendarYear.objects.get(year=2027)
    assert cy.days.count() == 7
    cal = get_calendar()
    assert not cal.is_workday(date(2027, 2, 10)) and cal.is_workday(date(2027, 2, 6))


def test_bad_line_is_reported_on_the_field(client, world):
    assert client.login(username="nzadmin", password="Test-pass-123")
    r = client.post("/calendar/", {"year": 2027, "source": "x", "holidays": "明年元旦", "workdays": ""})
    assert r.status_code == 200 and "第1行格式应为" in r.content.decode()
    assert not CalendarYear.objects.exists()


def test_only_admin_may_enter(client, world):
    assert client.login(username="nz1", password="Test-pass-123")
    r = client.post("/calendar/", {"year": 2027, "source": "x", "holidays": "2027-01-01 元旦"})
    assert r.status_code == 302 and not CalendarYear.objects.exists()
