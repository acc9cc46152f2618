from datetime import date

import pytest

from zhifa.core.calendar import calendar_year_enter, get_calendar
from zhifa.core.errors import DomainError
from zhifa.core.models import AuditEvent
from zhifa.core.workcal import CalendarDataMissing


@pytest.mark.django_db(transaction=True)
def test_admin_entered_year_becomes_countable(world):
    with pytest.raises(CalendarDataMissing):
        get_calendar().add_working_days(date(2026, 12, 30), 5)
    calendar_year_enter(
        actor=world.nz_admin.user,
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
        holidays={date(2027, 1, 1): "元旦"},
        workdays=[],
    )
    cal = get_calendar()
    assert cal.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert AuditEvent.objects.filter(event_code="calendar.year_entered").count() == 1


@pytest.mark.django_db
def test_entry_is_checked(world):
    with pytest.raises(DomainError) as err:
        calendar_year_enter(actor=None, year=2027, source="x", holidays={date(2026, 1, 1): "元旦"}, workdays=[])
    assert err.value.code == "calendar.wrong_year"
    with pytest.raises(DomainError) as err:
        calendar_year_enter(actor=None, year=2027, source="x", holidays={}, workdays=[date(2027, 1, 4)])
    assert err.value.code == "calendar.workday_not_weekend"
    with pytest.raises(DomainError) as err:
        calendar_year_enter(actor=None, year=2027, source=" ", holidays={}, workdays=[])
    assert err.value.code == "calendar.source_required"
