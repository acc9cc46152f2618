"""Statutory deadlines (zhifa.cases.deadlines): one table row per rule, across real holiday schedules.

Expected dates are worked out by hand from the State Council schedules (as in chinesecalendar 1.11):
2024 春节 02-10..02-17 (make-up 02-04 Sun, 02-18 Sun); 2024 国庆 10-01..10-07 (make-up 09-29 Sun,
10-12 Sat); 2025 国庆/中秋 10-01..10-08 (make-up 09-28 Sun, 10-11 Sat); 2026 春节 02-15..02-23
(make-up 02-14 Sat, 02-28 Sat). 2027 is not covered: computing into it must be refused.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.cases import deadlines as dl
from zhifa.core.errors import DomainError
from zhifa.core.workcal import CalendarDataMissing, WorkingCalendar, YearSchedule

CAL = WorkingCalendar()
d = date.fromisoformat


# (rule, start, expected due, counting, why)
CASES = [
    # 5 working days; the make-up Sunday 09-28 counts, the eight days of 国庆/中秋 do not
    ("hearing_request", "2025-09-26", "2025-10-10", "working_days", "across National Day 2025"),
    ("hearing_request", "2025-06-09", "2025-06-16", "working_days", "an ordinary week"),
    # 7 working days ending on the make-up Saturday 2026-02-28
    ("service", "2026-02-12", "2026-02-28", "working_days", "across Spring Festival 2026"),
    # 2024-02-09 (除夕) was a working day; 02-18 (Sunday) a make-up working day
    ("preservation", "2024-02-07", "2024-02-22", "working_days", "across Spring Festival 2024"),
    ("summary_filing", "2024-09-27", "2024-10-10", "working_days", "across National Day 2024"),
    ("statement", "2025-09-26", "2025-10-10", "working_days", "default 5 working days"),
    ("demand_wait", "2025-09-26", "2025-10-16", "working_days", "10 working days (行政强制法 第69条)"),
    ("publication_withdrawal", "2025-09-30", "2025-10-11", "working_days", "3rd working day: make-up Sat 10-11"),
    ("cash_handover", "2024-02-08", "2024-02-18", "working_days", "2 working days: 02-09 and make-up 02-18"),
    # 15 calendar days: last day 2025-10-05 is a holiday, so the period ends on 10-09
    ("payment", "2025-09-20", "2025-10-09", "calendar_days", "last day in National Day 2025"),
    ("payment", "2025-09-26", "2025-10-11", "calendar_days", "last day is a make-up Saturday: no roll"),
    ("payment", "2025-06-06", "2025-06-23", "calendar_days", "last day an ordinary Saturday"),
    ("payment", "2026-01-31", "2026-02-24", "calendar_days", "last day 02-15 in Spring Festival 2026"),
    # 90 days from filing: 2025-10-03 falls in the holiday
    ("decision", "2025-07-05", "2025-10-09", "calendar_days", "last day in National Day 2025"),
    ("decision", "2025-03-01", "2025-05-30", "calendar_days", "an ordinary Friday"),
    ("seizure", "2025-09-01", "2025-10-09", "calendar_days", "30 days into the holiday"),
    ("review_period", "2025-08-31", "2025-10-30", "calendar_days", "60 days"),
    # 6 months from 2025-08-31: no 31 February, so the last day of February (a make-up Saturday)
    ("litigation_period", "2025-08-31", "2026-02-28", "calendar_days", "month-end"),
    ("court_application", "2026-02-28", "2026-05-28", "calendar_days", "3 months"),
    # limitation periods do not move past rest days
    ("limitation", "2023-10-01", "2025-10-01", "calendar_days", "2 years, ends on a holiday: no roll"),
    ("limitation", "2024-02-29", "2026-02-28", "calendar_days", "from 29 February"),
    ("limitation_extended", "2021-03-10", "2026-03-10", "calendar_days", "5 years"),
]


@pytest.mark.parametrize(("rule", "start", "due", "counting", "why"), CASES, ids=[f"{c[0]}:{c[4]}" for c in CASES])
def test_rule_table(rule, start, due, counting, why):
    result = dl.compute(rule, d(start))
    assert result.due == d(due), why
    assert result.counting == counting
    assert result.rule == rule
    assert result.basis == dl.RULES_BY_CODE[rule].basis


def test_hearing_request_basis_and_counting_basis():
    result = dl.compute("hearing_request", d("2025-09-26"))
    assert result.basis == "《中华人民共和国行政处罚法》第六十四条第一款第（一）项"
    assert result.counting_basis == "《中华人民共和国行政处罚法》第八十五条"


def test_payment_reports_the_nominal_last_day_when_it_was_moved():
    result = dl.compute("payment", d("2025-09-20"))
    assert result.nominal_due == d("2025-10-05")
    assert dl.compute("payment", d("2025-09-26")).nominal_due is None


class TestHearingNotice:
    def test_latest_notice_leaves_seven_full_working_days_over_national_day(self):
        # working days strictly before Mon 2025-10-13: 10-11 (Sat make-up), 10-10, 10-09, 09-30, 09-29,
        # 09-28 (Sun make-up), 09-26 = 7; notice must come before 09-26: the last working day is 09-25
        result = dl.compute("hearing_notice", d("2025-10-13"))
        assert result.due == d("2025-09-25")
        assert result.direction == "notice_before"
        assert result.counting == "working_days"
        assert "第六十四条" in result.basis

    def test_ordinary_week(self):
        # before Fri 2025-06-20: 06-19, 18, 17, 16, 13, 12, 11 are the seven days; notice by 06-10
        assert dl.compute("hearing_notice", d("2025-06-20")).due == d("2025-06-10")


class TestDecisionPeriod:
    def test_extension_and_closed_suspension(self):
        # 90 + 30 approved + 10 suspended (08-01 to 08-11) = 130 days from 07-05
        result = dl.compute(
            "decision",
            d("2025-07-05"),
            extension_days=30,
            suspensions=[dl.Period(d("2025-08-01"), d("2025-08-11"))],
        )
        assert result.due == d("2025-11-12")
        assert (result.extension_days, result.excluded_days) == (30, 10)

    def test_open_suspension_counts_up_to_as_of(self):
        result = dl.compute(
            "decision", d("2025-07-05"), suspensions=[dl.Period(d("2025-08-01"))], as_of=d("2025-08-21")
        )
        assert result.excluded_days == 20
        assert result.due == d("2025-10-23")

    def test_open_suspension_without_as_of_is_refused(self):
        with pytest.raises(DomainError) as e:
            dl.compute("decision", d("2025-07-05"), suspensions=[dl.Period(d("2025-08-01"))])
        assert e.value.code == "deadline.open_suspension"

    @pytest.mark.parametrize(
        "periods",
        [
            [dl.Period(d("2025-07-01"), d("2025-07-10"))],  # before filing
            [dl.Period(d("2025-08-10"), d("2025-08-01"))],  # resumed before suspended
            [dl.Period(d("2025-08-01"), d("2025-08-11")), dl.Period(d("2025-08-05"), d("2025-08-20"))],
        ],
    )
    def test_invalid_suspensions(self, periods):
        with pytest.raises(DomainError) as e:
            dl.compute("decision", d("2025-07-05"), suspensions=periods)
        assert e.value.code == "deadline.invalid_suspension"


class TestRuleOptions:
    def test_configurable_statement_window(self):
        assert dl.compute("statement", d("2025-09-26"), amount=3).due == d("2025-09-30")

    def test_statutory_amount_cannot_be_overridden(self):
        with pytest.raises(DomainError) as e:
            dl.compute("hearing_request", d("2025-09-26"), amount=3)
        assert e.value.code == "deadline.not_configurable"

    def test_extension_only_where_allowed(self):
        with pytest.raises(DomainError) as e:
            dl.compute("payment", d("2025-09-26"), extension_days=5)
        assert e.value.code == "deadline.not_extendable"

    def test_seizure_extension_capped_at_thirty_days(self):
        assert dl.compute("seizure", d("2025-09-01"), extension_days=30).due == d("2025-10-31")
        with pytest.raises(DomainError) as e:
            dl.compute("seizure", d("2025-09-01"), extension_days=31)
        assert e.value.code == "deadline.extension_too_long"

    def test_suspension_only_where_allowed(self):
        with pytest.raises(DomainError) as e:
            dl.compute("service", d("2025-09-01"), suspensions=[dl.Period(d("2025-09-02"), d("2025-09-03"))])
        assert e.value.code == "deadline.not_suspendable"

    @pytest.mark.parametrize("bad", [-1, True, "3"])
    def test_bad_numbers(self, bad):
        with pytest.raises(DomainError) as e:
            dl.compute("decision", d("2025-07-05"), extension_days=bad)
        assert e.value.code == "deadline.invalid_number"

    def test_unknown_rule(self):
        with pytest.raises(DomainError) as e:
            dl.compute("appeal", d("2025-07-05"))
        assert (e.value.code, e.value.field) == ("deadline.unknown_rule", "rule")


class TestCalendarRefusal:
    """2027 is not in chinesecalendar 1.11: no deadline into it is guessed from weekends."""

    @pytest.mark.parametrize(
        ("rule", "start"),
        [
            ("payment", "2026-12-25"),  # last day 2027-01-09
            ("preservation", "2026-12-28"),  # working days into 2027
            ("hearing_request", "2026-12-29"),
            ("hearing_notice", "2027-01-20"),
            ("decision", "2026-11-01"),
        ],
    )
    def test_refused(self, rule, start):
        with pytest.raises(CalendarDataMissing) as e:
            dl.compute(rule, d(start))
        assert e.value.code == "calendar.no_data"
        assert e.value.year == 2027

    def test_limitation_needs_no_calendar(self):
        assert dl.compute("limitation", d("2025-06-30")).due == d("2027-06-30")

    def test_administrator_entered_year_is_used(self):
        cal = WorkingCalendar([YearSchedule(2027, holidays=frozenset({d("2027-01-01")}))])
        # 15 days from 2026-12-25 is Sat 2027-01-09: the period ends on Monday 01-11
        assert dl.compute("payment", d("2026-12-25"), calendar=cal).due == d("2027-01-11")
        # 2 working days after 2026-12-30: 12-31, (01-01 holiday, weekend) 01-04
        assert dl.compute("cash_handover", d("2026-12-30"), calendar=cal).due == d("2027-01-04")


def test_court_application_window():
    opens, deadline = dl.court_application_window(d("2025-08-31"))
    assert opens == d("2026-03-01")  # after the 6-month 诉讼 period (the 60-day 复议 period ends earlier)
    assert deadline.due == d("2026-05-28")
    # an approved instalment plan ending later moves the window (行政处罚法 第72条第2款)
    opens, deadline = dl.court_application_window(d("2025-08-31"), performance_ends=d("2026-04-15"))
    assert (opens, deadline.due) == (d("2026-04-16"), d("2026-07-15"))


class TestCountdown:
    def test_calendar_rule(self):
        result = dl.compute("decision", d("2025-07-05"))  # due 2025-10-09
        early = dl.countdown(result, d("2025-10-01"))
        assert (early.days_left, early.working_days_left, early.overdue) == (8, None, False)
        on_the_day = dl.countdown(result, d("2025-10-09"))
        assert (on_the_day.days_left, on_the_day.overdue) == (0, False)
        late = dl.countdown(result, d("2025-10-10"))
        assert (late.days_left, late.passed, late.overdue) == (-1, True, True)

    def test_working_day_rule(self):
        result = dl.compute("hearing_request", d("2025-09-26"))  # due 2025-10-10
        # working days after 09-29 up to the due day: 09-30, 10-09, 10-10
        assert dl.countdown(result, d("2025-09-29")).working_days_left == 3

    def test_waiting_period_is_never_overdue(self):
        result = dl.compute("demand_wait", d("2025-09-26"))
        after = dl.countdown(result, d("2025-10-20"))
        assert after.passed and not after.overdue

    def test_a_partys_window_expires_but_is_never_overdue(self):
        result = dl.compute("statement", d("2025-09-26"))  # the party's window (陈述申辩)
        after = dl.countdown(result, d("2025-10-20"))
        assert after.passed and not after.overdue
        assert not dl.agency_obligation("payment") and not dl.agency_obligation("demand_wait")
        assert dl.agency_obligation("decision") and dl.agency_obligation("preservation")


def test_table_is_sound():
    codes = [r.code for r in dl.RULES]
    assert len(codes) == len(set(codes))
    required = {"hearing_request", "hearing_notice", "decision", "service", "payment", "preservation"}
    assert required | {"limitation", "summary_filing"} <= set(codes)
    for rule in dl.RULES:
        assert rule.basis.startswith("《") and "第" in rule.basis, rule.code
        assert rule.amount > 0
        if rule.counting == "working_days":
            # 行政处罚法 第85条 (2/3/5/7 days) and 行政强制法 第69条 (up to 10 days) only
            assert rule.amount in {2, 3, 5, 7, 10}, rule.code
            assert rule.counting_basis, rule.code


# ---------------------------------------------------------------------------------------------------
# Properties over the covered years

WORKING_RULES = [
    r.code for r in dl.RULES if r.unit is dl.Unit.WORKING_DAYS and r.direction is not dl.Direction.NOTICE_BEFORE
]
ROLLING_RULES = [r.code for r in dl.RULES if r.unit is not dl.Unit.WORKING_DAYS and r.roll_to_workday]
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30))


@settings(max_examples=150, deadline=None)
@given(rule=st.sampled_from(WORKING_RULES), start=starts)
def test_working_day_due_is_the_nth_working_day(rule, start):
    result = dl.compute(rule, start)
    assert CAL.is_workday(result.due)
    assert CAL.working_days_between(start, result.due) == result.amount
    assert result.due > start


@settings(max_examples=150, deadline=None)
@given(rule=st.sampled_from(ROLLING_RULES), start=starts)
def test_calendar_period_ends_on_the_first_working_day_on_or_after_its_last_day(rule, start):
    result = dl.compute(rule, start)
    nominal = result.nominal_due or result.due
    assert CAL.is_workday(result.due)
    assert nominal <= result.due
    day = nominal
    while day < result.due:  # every day skipped was a rest day
        assert not CAL.is_workday(day)
        day += timedelta(days=1)


@settings(max_examples=150, deadline=None)
@given(rule=st.sampled_from([r.code for r in dl.RULES]), a=starts, b=starts)
def test_due_is_monotone_in_the_start_date(rule, a, b):
    early, late = sorted((a, b))
    assert dl.compute(rule, early).due <= dl.compute(rule, late).due


@settings(max_examples=150, deadline=None)
@given(hearing=st.dates(min_value=date(2024, 2, 1), max_value=date(2026, 12, 31)))
def test_hearing_notice_is_the_latest_day_that_leaves_seven_working_days(hearing):
    due = dl.compute("hearing_notice", hearing).due
    assert CAL.is_workday(due)
    assert CAL.add_working_days(due, 7) < hearing  # seven full working days between
    next_working = CAL.add_working_days(due, 1)
    assert CAL.add_working_days(next_working, 7) >= hearing  # one working day later is too late
