"""The working-day calendar with the administrator-entered years from the database."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db import DatabaseError, transaction

from zhifa.core.audit import audit_record
from zhifa.core.choices import CalendarDayKind
from zhifa.core.errors import DomainError
from zhifa.core.workcal import LIBRARY_YEARS, WorkingCalendar, YearSchedule

_CACHE_KEY = "zhifa:calendar:version"
_local: dict[str, object] = {}


def _load_schedules() -> list[YearSchedule]:
    from zhifa.core.models import CalendarYear

    schedules = []
    for year in CalendarYear.objects.prefetch_related("days"):
        days = list(year.days.all())
        schedules.append(
            YearSchedule(
                year=year.year,
                holidays=frozenset(d.date for d in days if d.kind == CalendarDayKind.HOLIDAY),
                workdays=frozenset(d.date for d in days if d.kind == CalendarDayKind.WORKDAY),
                holiday_names={d.date: d.name for d in days if d.name},
            )
        )
    return schedules


def get_calendar() -> WorkingCalendar:
    """The calendar in force: chinesecalendar plus entered years (cached until an entry changes)."""
    version = cache.get(_CACHE_KEY, 0)
    if _local.get("version") == version and "calendar" in _local:
        return _local["calendar"]  # type: ignore[return-value]
    try:
        schedules = _load_schedules()
    except DatabaseError:  # no database yet (fresh checkout): the library alone
        return WorkingCalendar()
    cal = WorkingCalendar(schedules)
    _local.update(version=version, calendar=cal)
    return cal


def _bump() -> None:
    try:
        cache.incr(_CACHE_KEY)
    except ValueError:
        cache.set(_CACHE_KEY, 1, None)
    _local.clear()


@transaction.atomic
def calendar_year_enter(
    *, actor, year: int, source: str, holidays: dict[date, str], workdays: list[date], replace: bool = False
):
    """Enter a year's official schedule: the weekday rest days (with names) and the weekend make-up days."""
    from zhifa.core.models import CalendarDay, CalendarYear

    if not source.strip():
        raise DomainError("calendar.source_required", "请填写安排的依据（国务院办公厅通知的名称和文号）", "source")
    for d in list(holidays) + list(workdays):
        if d.year != year:
            raise DomainError("calendar.wrong_year", f"日期 {d} 不属于 {year} 年", "days")
    overlap = set(holidays) & set(workdays)
    if overlap:
        raise DomainError("calendar.conflict", f"日期 {min(overlap)} 不能既是休息日又是工作日", "days")
    for d in workdays:
        if d.weekday() < 5:
            raise DomainError(
                "calendar.workday_not_weekend", f"{d} 是周一至周五，本来就是工作日，无需列为调休上班", "days"
            )
    existing = CalendarYear.objects.filter(year=year).first()
    if existing and not replace:
        raise DomainError("calendar.year_exists", f"{year}年的安排已录入；如需更正请选择替换", "year")
    before = None
    if existing:
        before = {"source": existing.source, "days": existing.days.count()}
        existing.delete()
    cy = CalendarYear.objects.create(year=year, source=source.strip(), entered_by=actor)
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=cy, date=d, kind=CalendarDayKind.HOLIDAY, name=n) for d, n in sorted(holidays.items())]
        + [CalendarDay(year=cy, date=d, kind=CalendarDayKind.WORKDAY, name="调休上班") for d in sorted(workdays)]
    )
    audit_record(
        actor=actor,
        event_code="calendar.year_entered",
        obj=cy,
        before=before,
        after={"year": year, "source": cy.source, "holidays": len(holidays), "workdays": len(workdays)},
        reason="library_covered" if year in LIBRARY_YEARS else "",
    )
    transaction.on_commit(_bump)
    return cy
