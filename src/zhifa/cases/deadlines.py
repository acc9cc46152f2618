"""Statutory deadlines of the case procedure (pure: no Django).

The rules are data: one :class:`DeadlineRule` per period in :data:`RULES`, each with its amount,
unit, the event it runs from and its legal basis. :func:`compute` applies a rule to a start date on a
:class:`~zhifa.core.workcal.WorkingCalendar`:

* 行政处罚法 第85条 (and 行政强制法 第69条, 行政复议法 第88条): periods of 二日/三日/五日/七日 (十日
  under the 强制法) are working days, holidays and rest days excluded;
* every other period runs in calendar days (or months/years); when its last day is not a working day
  the period ends on the next working day;
* the day of the triggering event is not counted.

A date the calendar has no holiday data for raises :class:`~zhifa.core.workcal.CalendarDataMissing`
(code ``calendar.no_data``); nothing is guessed from weekends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from zhifa.core.errors import DomainError
from zhifa.core.workcal import WorkingCalendar, add_months, add_years

XZCFF = "《中华人民共和国行政处罚法》"
XZQZF = "《中华人民共和国行政强制法》"
WORKING_DAY_BASIS = f"{XZCFF}第八十五条"


class Counting(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


class Direction(StrEnum):
    BY = "by"  # ``due`` is the last day on which the act may be done
    NOTICE_BEFORE = "notice_before"  # ``start`` is a later event; ``due`` is the latest day to act before it
    WAIT = "wait"  # ``due`` is the last day of a waiting period; the next step may follow from the day after


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    label: str
    amount: int
    unit: Unit
    basis: str
    start_event: str  # 起算事件, shown beside the date
    direction: Direction = Direction.BY
    roll_to_workday: bool = True
    configurable: bool = False  # the amount may be set per jurisdiction (the law names no number)
    extendable: bool = False  # approved extensions may be added
    max_extension_days: int | None = None
    suspendable: bool = False  # suspended periods (中止) are excluded
    counting_basis: str = ""  # the article that makes the days working days
    note: str = ""
    # a window for the party (statement, hearing request, payment, remedies): once it has passed the
    # agency may take the next step; it is "expired", never "overdue" for the agency
    party_acts: bool = False

    @property
    def counting(self) -> Counting:
        return Counting.WORKING_DAYS if self.unit is Unit.WORKING_DAYS else Counting.CALENDAR_DAYS


@dataclass(frozen=True)
class Period:
    """A suspension (中止) from ``start`` until the day before ``end``; ``end`` None while it lasts."""

    start: date
    end: date | None = None

    def days(self, as_of: date | None = None) -> int:
        end = self.end if self.end is not None else as_of
        if end is None:
            raise DomainError("deadline.open_suspension", "中止尚未恢复，须指定计算日期", "as_of")
        return max(0, (end - self.start).days)


RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        code="hearing_request",
        label="听证申请期限",
        amount=5,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZCFF}第六十四条第一款第（一）项",
        start_event="行政处罚告知书送达之日",
        counting_basis=WORKING_DAY_BASIS,
        party_acts=True,
    ),
    DeadlineRule(
        code="hearing_notice",
        label="听证通知最迟日期",
        amount=7,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZCFF}第六十四条第一款第（二）项",
        start_event="举行听证之日",
        direction=Direction.NOTICE_BEFORE,
        counting_basis=WORKING_DAY_BASIS,
        note="通知之日和听证之日均不计入，二者之间须有七个完整工作日；结果为满足该条件的最后一个工作日",
    ),
    DeadlineRule(
        code="statement",
        label="陈述申辩期限",
        amount=5,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZCFF}第四十四条、第四十五条、第六十二条",
        start_event="行政处罚告知书送达之日",
        configurable=True,
        counting_basis=WORKING_DAY_BASIS,
        note="法律未规定天数，由告知书载明；默认五个工作日（与听证申请期限一致），可按辖区配置",
        party_acts=True,
    ),
    DeadlineRule(
        code="decision",
        label="作出处罚决定期限",
        amount=90,
        unit=Unit.DAYS,
        basis=f"{XZCFF}第六十条",
        start_event="立案之日",
        extendable=True,
        suspendable=True,
        note="经批准延长的天数计入，中止期间不计入；规章另有规定的从其规定",
    ),
    DeadlineRule(
        code="service",
        label="决定书送达期限",
        amount=7,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZCFF}第六十一条第一款",
        start_event="作出行政处罚决定之日",
        counting_basis=WORKING_DAY_BASIS,
    ),
    DeadlineRule(
        code="payment",
        label="罚款缴纳期限",
        amount=15,
        unit=Unit.DAYS,
        basis=f"{XZCFF}第六十七条第三款",
        start_event="当事人收到行政处罚决定书之日",
        note="逾期每日按罚款数额的百分之三加处罚款（第七十二条第一款第（一）项）",
        party_acts=True,
    ),
    DeadlineRule(
        code="preservation",
        label="先行登记保存处理期限",
        amount=7,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZCFF}第五十六条",
        start_event="先行登记保存之日",
        counting_basis=WORKING_DAY_BASIS,
    ),
    DeadlineRule(
        code="summary_filing",
        label="当场处罚决定书备案期限",
        amount=5,
        unit=Unit.WORKING_DAYS,
        basis=f"《交通运输行政执法程序规定》第六十一条；{XZCFF}第五十二条第三款",
        start_event="当场作出行政处罚决定之日",
        counting_basis=WORKING_DAY_BASIS,
        note="按工作日计算（参照第八十五条）",
    ),
    DeadlineRule(
        code="limitation",
        label="追责时效（二年）",
        amount=2,
        unit=Unit.YEARS,
        basis=f"{XZCFF}第三十六条",
        start_event="违法行为发生之日（连续或者继续状态的，行为终了之日）",
        roll_to_workday=False,
        note="期限内未被发现的，不再给予行政处罚；末日不顺延",
    ),
    DeadlineRule(
        code="limitation_extended",
        label="追责时效（五年）",
        amount=5,
        unit=Unit.YEARS,
        basis=f"{XZCFF}第三十六条第一款",
        start_event="违法行为发生之日（连续或者继续状态的，行为终了之日）",
        roll_to_workday=False,
        note="涉及公民生命健康安全、金融安全且有危害后果的；末日不顺延",
    ),
    DeadlineRule(
        code="seizure",
        label="查封扣押期限",
        amount=30,
        unit=Unit.DAYS,
        basis=f"{XZQZF}第二十五条",
        start_event="查封、扣押之日",
        extendable=True,
        max_extension_days=30,
        suspendable=True,
        note="情况复杂的经负责人批准可延长，延长不超过三十日；检测、检验、检疫或技术鉴定期间不计入",
    ),
    DeadlineRule(
        code="review_period",
        label="行政复议申请期限",
        amount=60,
        unit=Unit.DAYS,
        basis="《中华人民共和国行政复议法》第二十条第一款",
        start_event="当事人知道或者应当知道该行政行为之日（一般为送达之日）",
        party_acts=True,
    ),
    DeadlineRule(
        code="litigation_period",
        label="行政诉讼起诉期限",
        amount=6,
        unit=Unit.MONTHS,
        basis="《中华人民共和国行政诉讼法》第四十六条第一款",
        start_event="当事人知道或者应当知道作出行政行为之日（一般为送达之日）",
        party_acts=True,
    ),
    DeadlineRule(
        code="court_application",
        label="申请人民法院强制执行期限",
        amount=3,
        unit=Unit.MONTHS,
        basis=f"{XZQZF}第五十三条；{XZCFF}第七十二条第二款",
        start_event="复议、诉讼期限届满之日（批准暂缓或分期的，暂缓或分期期限结束之日）",
    ),
    DeadlineRule(
        code="demand_wait",
        label="催告后等待期",
        amount=10,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZQZF}第五十四条",
        start_event="催告书送达之日",
        direction=Direction.WAIT,
        counting_basis=f"{XZQZF}第六十九条",
        note="期满次日起方可申请人民法院强制执行",
    ),
    DeadlineRule(
        code="publication_withdrawal",
        label="撤回公开的处罚决定信息期限",
        amount=3,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZCFF}第四十八条第二款",
        start_event="公开的处罚决定被变更、撤销、确认违法或者确认无效之日",
        counting_basis=WORKING_DAY_BASIS,
    ),
    DeadlineRule(
        code="cash_handover",
        label="当场收缴罚款交至行政机关期限",
        amount=2,
        unit=Unit.WORKING_DAYS,
        basis=f"{XZCFF}第七十一条",
        start_event="当场收缴罚款之日（水上收缴的，抵岸之日）",
        counting_basis=WORKING_DAY_BASIS,
    ),
)

RULES_BY_CODE: Mapping[str, DeadlineRule] = MappingProxyType({r.code: r for r in RULES})


@dataclass(frozen=True)
class DeadlineResult:
    rule: str
    label: str
    start: date
    due: date
    counting: Counting
    basis: str
    direction: Direction
    amount: int
    unit: Unit
    counting_basis: str = ""
    extension_days: int = 0
    excluded_days: int = 0
    nominal_due: date | None = None  # the last day before it was moved past rest days, when it was

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "label": self.label,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "counting": str(self.counting),
            "basis": self.basis,
            "counting_basis": self.counting_basis,
            "direction": str(self.direction),
            "amount": self.amount,
            "unit": str(self.unit),
            "extension_days": self.extension_days,
            "excluded_days": self.excluded_days,
            "nominal_due": self.nominal_due.isoformat() if self.nominal_due else None,
        }


@dataclass(frozen=True)
class Countdown:
    """What a badge shows: days left (negative once passed) and, for working-day rules, working days."""

    days_left: int
    working_days_left: int | None
    passed: bool  # today is after ``due``
    overdue: bool  # passed, and the rule is one the agency must meet (not a waiting period or a party's window)


def get_rule(code: str) -> DeadlineRule:
    try:
        return RULES_BY_CODE[code]
    except KeyError:
        raise DomainError(
            "deadline.unknown_rule",
            f"未知的期限规则：{code}（可用：{'、'.join(RULES_BY_CODE)}）",
            "rule",
        ) from None


def _check_int(value: object, name: str) -> int:
    if type(value) is not int or value < 0:
        raise DomainError("deadline.invalid_number", f"{name}必须是非负整数", name)
    return value


def _latest_notice_day(calendar: WorkingCalendar, event: date, n: int) -> date:
    """Latest working day ``d`` with at least ``n`` working days strictly between ``d`` and ``event``."""
    day = event
    counted = 0
    while counted < n:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    day -= timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def compute(
    code: str,
    start: date,
    *,
    calendar: WorkingCalendar | None = None,
    amount: int | None = None,
    extension_days: int = 0,
    suspensions: Iterable[Period] = (),
    as_of: date | None = None,
) -> DeadlineResult:
    """Apply rule ``code`` to ``start`` (the triggering event; for ``hearing_notice`` the hearing day).

    ``amount`` overrides the number of units for a ``configurable`` rule (a jurisdiction parameter).
    ``extension_days`` (approved extensions) and ``suspensions`` (excluded periods; an open one is
    counted up to ``as_of``) apply to the rules that allow them.
    """
    rule = get_rule(code)
    if not isinstance(start, date):
        raise DomainError("deadline.invalid_date", "起算日期无效", "start")
    cal = calendar if calendar is not None else WorkingCalendar()

    n = rule.amount
    if amount is not None:
        if not rule.configurable:
            raise DomainError("deadline.not_configurable", f"{rule.label}由法律规定，不能修改天数", "amount")
        n = _check_int(amount, "amount")
        if n == 0:
            raise DomainError("deadline.invalid_number", "期限天数必须大于零", "amount")

    extension = _check_int(extension_days, "extension_days")
    if extension and not rule.extendable:
        raise DomainError("deadline.not_extendable", f"{rule.label}不能延长", "extension_days")
    if rule.max_extension_days is not None and extension > rule.max_extension_days:
        raise DomainError(
            "deadline.extension_too_long",
            f"{rule.label}最多延长{rule.max_extension_days}日",
            "extension_days",
        )

    periods = sorted(suspensions, key=lambda p: p.start)
    if periods and not rule.suspendable:
        raise DomainError("deadline.not_suspendable", f"{rule.label}不因中止而扣除", "suspensions")
    excluded = 0
    previous_end: date | None = None
    for p in periods:
        if p.start < start or (p.end is not None and p.end < p.start):
            raise DomainError("deadline.invalid_suspension", "中止期间不能早于起算日或先恢复后中止", "suspensions")
        if previous_end is not None and p.start < previous_end:
            raise DomainError("deadline.invalid_suspension", "中止期间相互重叠", "suspensions")
        excluded += p.days(as_of)
        previous_end = p.end if p.end is not None else as_of

    nominal: date
    if rule.direction is Direction.NOTICE_BEFORE:
        due = _latest_notice_day(cal, start, n)
        nominal = due
    elif rule.unit is Unit.WORKING_DAYS:
        due = nominal = cal.add_working_days(start, n)
    else:
        if rule.unit is Unit.DAYS:
            nominal = start + timedelta(days=n)
        elif rule.unit is Unit.MONTHS:
            nominal = add_months(start, n)
        else:
            nominal = add_years(start, n)
        nominal += timedelta(days=extension + excluded)
        due = cal.next_workday_on_or_after(nominal) if rule.roll_to_workday else nominal

    return DeadlineResult(
        rule=rule.code,
        label=rule.label,
        start=start,
        due=due,
        counting=rule.counting,
        basis=rule.basis,
        direction=rule.direction,
        amount=n,
        unit=rule.unit,
        counting_basis=rule.counting_basis,
        extension_days=extension,
        excluded_days=excluded,
        nominal_due=nominal if nominal != due else None,
    )


def countdown(result: DeadlineResult, today: date, calendar: WorkingCalendar | None = None) -> Countdown:
    """Days left until ``result.due`` as seen on ``today``; working days too for working-day rules."""
    days_left = (result.due - today).days
    working_left: int | None = None
    if result.counting is Counting.WORKING_DAYS:
        cal = calendar if calendar is not None else WorkingCalendar()
        working_left = cal.working_days_between(today, result.due)
    passed = today > result.due
    rule = RULES_BY_CODE.get(result.rule)
    party_window = rule is not None and rule.party_acts
    return Countdown(
        days_left=days_left,
        working_days_left=working_left,
        passed=passed,
        overdue=passed and result.direction is not Direction.WAIT and not party_window,
    )


def agency_obligation(rule_code: str) -> bool:
    """True for deadlines the agency itself must meet (they can be overdue)."""
    rule = get_rule(rule_code)
    return rule.direction is not Direction.WAIT and not rule.party_acts


def court_application_window(
    served_on: date,
    *,
    performance_ends: date | None = None,
    calendar: WorkingCalendar | None = None,
) -> tuple[date, DeadlineResult]:
    """(first day an application may be made, the deadline for it) under 行政强制法 第53条.

    The window opens once the 复议 (60 days) and 诉讼 (6 months) periods from service have expired; it
    lasts three months. If a deferral or instalments were approved and end later, the three months
    run from the end of that period instead (行政处罚法 第72条第2款).
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    review = compute("review_period", served_on, calendar=cal)
    litigation = compute("litigation_period", served_on, calendar=cal)
    expiry = max(review.due, litigation.due)
    start = max(expiry, performance_ends) if performance_ends is not None else expiry
    return start + timedelta(days=1), compute("court_application", start, calendar=cal)
