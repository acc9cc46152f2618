from datetime import date

import pytest

from zhifa.core.workcal import CalendarDataMissing, WorkingCalendar, YearSchedule, add_months


def test_national_day_2025_working_days_skip_the_holiday_and_count_the_makeup_day():
    cal = WorkingCalendar()
    # 2025: 1-8 October off, Saturday 11 October is a make-up working day.
    assert not cal.is_workday(date(2025, 10, 8))
    assert cal.is_workday(date(2025, 10, 11))
    # From Tuesday 30 Sept: 9 Oct (1), 10 Oct (2), 11 Oct Sat make-up (3).
    assert cal.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)


def test_calendar_day_period_ending_on_a_holiday_rolls_to_next_working_day():
    cal = WorkingCalendar()
    # 15 days after 16 Sept 2025 is 1 Oct (National Day) -> 9 Oct, the next working day.
    assert cal.add_calendar_days(date(2025, 9, 16), 15) == date(2025, 10, 9)


def test_counting_into_a_year_without_data_is_refused():
    cal = WorkingCalendar()
    with pytest.raises(CalendarDataMissing) as err:
        cal.add_working_days(date(2026, 12, 28), 5)
    assert err.value.code == "calendar.no_data" and "2027年" in err.value.message


def test_an_entered_schedule_makes_the_year_countable_and_overrides_weekends():
    sched = YearSchedule(
        year=2027,
        holidays=frozenset({date(2027, 1, 1)}),
        workdays=frozenset({date(2027, 1, 9)}),  # a Saturday
        holiday_names={date(2027, 1, 1): "元旦"},
    )
    cal = WorkingCalendar([sched])
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 9))
    assert cal.holiday_name(date(2027, 1, 1)) == "元旦"
    # 31 Dec 2026 (Thu) + 2 working days: 1 Jan off, 2-3 weekend, 4 Jan (1), 5 Jan (2)
    assert cal.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 5)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
