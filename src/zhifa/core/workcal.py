"""Working-day calendar (pure: no Django).

Built on ``chinesecalendar`` (the State Council's yearly holiday schedule, 法定节假日 and
调休 make-up working days) plus schedules an administrator enters for years the library does
not cover yet. Counting into a year for which neither source has data is refused with
:class:`CalendarDataMissing`; it never guesses from weekends.

Date arithmetic follows 行政处罚法 第85条 and the usual rule for periods: the day of the
triggering event is not counted; a period in calendar days whose last day is not a working day
(statutory holiday or weekend rest day) ends on the next working day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from zhifa.core.errors import DomainError


class CalendarDataMissing(DomainError):
    def __init__(self, year: int) -> None:
        super().__init__(
            "calendar.no_data",
            f"{year}年的法定节假日和调休安排尚未录入，无法按工作日计算期限；请管理员先录入该年度的官方安排",
            "date",
        )
        self.year = year


@dataclass(frozen=True)
class YearSchedule:
    """An administrator-entered schedule for one year: the days that differ from Mon-Fri work."""

    year: int
    holidays: frozenset[date] = frozenset()  # weekdays that are rest days (法定节假日 and 调休 rest)
    workdays: frozenset[date] = frozenset()  # weekend days that are working days (调休上班)
    holiday_names: Mapping[date, str] = field(default_factory=dict)


def _library_years() -> range:
    years = sorted({d.year for d in chinese_calendar.constants.holidays})
    return range(years[0], years[-1] + 1)


LIBRARY_YEARS = _library_years()


class WorkingCalendar:
    """Answers whether a day is a working day, and counts periods.

    ``schedules`` (entered by an administrator) take precedence over the library for their year,
    so an official correction can be applied without waiting for a library release.
    """

    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        self._schedules = {s.year: s for s in schedules}

    def covered_years(self) -> list[int]:
        return sorted(set(LIBRARY_YEARS) | set(self._schedules))

    def has_year(self, year: int) -> bool:
        return year in self._schedules or year in LIBRARY_YEARS

    def is_workday(self, day: date) -> bool:
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
            return day.weekday() < 5
        if day.year in LIBRARY_YEARS:
            return chinese_calendar.is_workday(day)
        raise CalendarDataMissing(day.year)

    def is_statutory_holiday(self, day: date) -> bool:
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            return day in schedule.holidays
        if day.year in LIBRARY_YEARS:
            on_holiday, _name = chinese_calendar.get_holiday_detail(day)
            return bool(on_holiday and _name)
        raise CalendarDataMissing(day.year)

    def holiday_name(self, day: date) -> str | None:
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            return schedule.holiday_names.get(day)
        if day.year in LIBRARY_YEARS:
            _on, name = chinese_calendar.get_holiday_detail(day)
            return name
        raise CalendarDataMissing(day.year)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (the start day itself is not counted)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def next_workday_on_or_after(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_calendar_days(self, start: date, n: int, *, roll_to_workday: bool = True) -> date:
        """``start`` + n days; if that last day is a rest day, the period ends on the next working day."""
        end = start + timedelta(days=n)
        return self.next_workday_on_or_after(end) if roll_to_workday else end

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later; the last day of the month when that day does not exist."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)
