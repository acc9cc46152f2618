"""Scoped reads of cases. Every page, API call and command reads case data through these functions.

Scoping is role × jurisdiction (``zhifa.core.permissions``): a case outside the reader's jurisdiction
does not exist for them (NotFound → 404). Lists prefetch what they show, so their query count does
not grow with the number of rows (see tests/cases/test_query_counts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from zhifa.agencies.choices import Role as AgencyRole
from zhifa.agencies.models import Officer
from zhifa.cases import deadlines as dl
from zhifa.cases import workflow as wf
from zhifa.cases.choices import STATE_BADGE, CaseState
from zhifa.cases.choices_pure import LOCKED_STATES, State
from zhifa.cases.models import (
    Case,
    CaseOfficer,
    CorrectionOrder,
    Deadline,
    DecisionRecord,
    Evidence,
    EvidenceCustody,
    EvidencePreservation,
    Hearing,
    InquiryRecord,
    SiteRecord,
)
from zhifa.core.calendar import get_calendar
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.models import AuditEvent
from zhifa.core.permissions import officer_of, scope, visible_agency_ids

OPEN_STATES = [s.value for s in State if s not in LOCKED_STATES]
LOCKED = ["closed", "dismissed"]  # = LOCKED_STATES, in a fixed order (the SQL of the partial indexes)


def _open_deadlines() -> Prefetch:
    return Prefetch(
        "deadlines",
        queryset=Deadline.objects.filter(closed_at=None, tracked=True).order_by("due"),
        to_attr="open_deadlines",
    )


def _officers() -> Prefetch:
    return Prefetch("case_officers", queryset=CaseOfficer.objects.select_related("officer"))


def case_list(
    *,
    user,
    state: str = "",
    item: str = "",
    officer: int | str | None = None,
    overdue: bool = False,
    q: str = "",
    procedure: str = "",
    order: str = "due",
    today: date | None = None,
) -> QuerySet[Case]:
    """Cases in the user's jurisdiction. ``state``: a state, ``open`` (not closed or dismissed; the
    default work list) or ``all``; ``overdue``: a deadline the agency must meet has passed."""
    today = today or timezone.localdate()
    qs = scope(Case.objects.all(), user)
    if state in ("", "open"):
        qs = qs.exclude(state__in=LOCKED)  # the same predicate as the partial "open" indexes
    elif state != "all":
        qs = qs.filter(state=state)
    if item:
        qs = qs.filter(item_code=item)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if officer not in (None, ""):
        qs = qs.filter(case_officers__officer_id=int(officer))
    if overdue:
        qs = qs.filter(next_due__lt=today)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(party_name__icontains=q) | Q(plate__icontains=q.upper()))
    if order == "recent" or state == "all" or state in LOCKED or state == State.TRANSFERRED:
        qs = qs.order_by("-id")  # archives: newest first (no deadline runs there)
    else:
        qs = qs.order_by(F("next_due").asc(nulls_last=True), "-id")
    return qs.select_related("agency").prefetch_related(_officers(), _open_deadlines())


def case_get(*, user, pk) -> Case:
    """One case with everything its page shows, or NotFound (also outside the jurisdiction)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("案件")
    obj = (
        scope(Case.objects.all(), user)
        .select_related("agency", "enterprise", "person", "vehicle", "driver", "driver__person", "created_by")
        .prefetch_related(
            _officers(),
            "payments",
            Prefetch("preservations", queryset=EvidencePreservation.objects.order_by("preserved_on", "id")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("collected_by").order_by("seq")),
            Prefetch(
                "deadlines", queryset=Deadline.objects.order_by("closed_at", "due", "id"), to_attr="all_deadlines"
            ),
            Prefetch(
                "decision_records",
                queryset=DecisionRecord.objects.filter(current=True).select_related("created_by"),
                to_attr="current_records",
            ),
            Prefetch("inquiries", queryset=InquiryRecord.objects.select_related("inquirer", "recorder")),
            Prefetch("site_records", queryset=SiteRecord.objects.select_related("officer1", "officer2")),
            Prefetch("correction_orders", queryset=CorrectionOrder.objects.select_related("officer")),
            Prefetch("hearing", queryset=Hearing.objects.select_related("host", "clerk")),
        )
        .filter(pk=pk)
        .first()
    )
    if obj is None:
        raise NotFound("案件")
    return obj


def case_for_documents(*, user, pk) -> Case:
    """The case as the documents app reads it (party, vehicle, driver, officers with 执法证, evidence,
    preservations, payments, current discretion record, ``records`` of every action)."""
    return case_get(user=user, pk=pk)


def current_record(case: Case) -> DecisionRecord | None:
    records = getattr(case, "current_records", None)
    if records is None:
        return DecisionRecord.objects.filter(case=case, current=True).first()
    return records[0] if records else None


def case_timeline(*, user, case: Case) -> QuerySet[AuditEvent]:
    """The case's audit events (the case and its evidence), oldest first: the 执法全过程记录."""
    if case.agency_id not in visible_agency_ids(user):
        raise NotFound("案件")
    evidence_ids = [str(pk) for pk in Evidence.objects.filter(case=case).values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="cases.case", object_id=str(case.pk))
        | Q(object_type="cases.evidence", object_id__in=evidence_ids)
    ).order_by("seq")


def evidence_custody(*, user, evidence: Evidence) -> QuerySet[EvidenceCustody]:
    if evidence.case.agency_id not in visible_agency_ids(user):
        raise NotFound("证据")
    return evidence.custody.order_by("id")


# ---------------------------------------------------------------------------------------------------
# deadlines and badges


@dataclass(frozen=True)
class Badge:
    text: str
    colour: str  # Bootstrap colour
    overdue: bool


def badge(row: Deadline, today: date, calendar=None) -> Badge:
    """The countdown badge of a stored deadline: days (or working days) left, or how long overdue."""
    result = dl.DeadlineResult(
        rule=row.rule,
        label=row.label,
        start=row.start,
        due=row.due,
        counting=dl.Counting(row.counting),
        basis=row.basis,
        direction=dl.Direction(row.direction),
        amount=0,
        unit=dl.Unit.DAYS,
    )
    left = (row.due - today).days
    c = dl.countdown(result, today, calendar) if row.counting == dl.Counting.WORKING_DAYS else None
    if left < 0:
        if dl.RULES_BY_CODE.get(row.rule) and not dl.agency_obligation(row.rule):
            return Badge(f"已届满{-left}天", "secondary", False)
        return Badge(f"已逾期{-left}天", "danger", True)
    if left == 0:
        return Badge("今日到期", "danger", False)
    if c is not None and c.working_days_left is not None:
        text = f"剩{c.working_days_left}个工作日"
    else:
        text = f"剩{left}天"
    return Badge(text, "warning" if left <= 3 else "success", False)


@dataclass(frozen=True)
class DeadlineView:
    row: Deadline
    badge: Badge | None
    counting_label: str


def deadline_panel(case: Case, today: date | None = None) -> dict[str, list[DeadlineView]]:
    """Running deadlines with badges, the deadlines kept for the record, and the closed ones."""
    today = today or timezone.localdate()
    rows = getattr(case, "all_deadlines", None)
    if rows is None:
        rows = list(case.deadlines.order_by("closed_at", "due", "id"))
    try:
        calendar = get_calendar()
    except Exception:  # pragma: no cover - calendar problems must not hide the case page
        calendar = None
    labels = {"working_days": "工作日", "calendar_days": "自然日"}
    running, noted, closed = [], [], []
    for row in rows:
        if row.closed_at is not None:
            closed.append(DeadlineView(row, None, labels.get(row.counting, row.counting)))
        elif row.tracked:
            try:
                b = badge(row, today, calendar)
            except Exception:  # calendar.no_data for a year not entered: show the date without a count
                b = Badge("", "secondary", False)
            running.append(DeadlineView(row, b, labels.get(row.counting, row.counting)))
        else:
            noted.append(DeadlineView(row, None, labels.get(row.counting, row.counting)))
    return {"running": running, "noted": noted, "closed": closed}


def list_badge(case: Case, today: date) -> Badge | None:
    """The badge of a case in a list (prefetched ``open_deadlines``): the agency's own earliest running
    deadline (the one that can become overdue), else the party's earliest window."""
    rows = getattr(case, "open_deadlines", None) or []
    if not rows:
        return None
    own = [r for r in rows if dl.RULES_BY_CODE.get(r.rule) and dl.agency_obligation(r.rule)]
    row = own[0] if own else rows[0]
    try:
        b = badge(row, today)
    except Exception:
        return None
    return Badge(f"{row.label}：{b.text}", b.colour, b.overdue)


# ---------------------------------------------------------------------------------------------------
# what a user may do, and the money position


def allowed_actions(*, user, case: Case, today: date | None = None) -> list[wf.ActionOption]:
    """The actions of the case's state the user's roles cover, each available or blocked with the reason."""
    from zhifa.cases.services.snapshot import actor_snapshot, case_snapshot, policy_for

    officer = officer_of(user)
    if officer is None:
        return []
    today = today or timezone.localdate()
    return wf.allowed_actions(
        case_snapshot(case),
        actor_snapshot(user, officer),
        today,
        policy=policy_for(case.agency),
        calendar=get_calendar(),
    )


def money_position(case: Case, today: date | None = None) -> wf.Owed | None:
    from zhifa.cases.services.snapshot import case_snapshot

    if not case.decided_penalty:
        return None
    try:
        return wf.amount_owed(case_snapshot(case), today or timezone.localdate(), get_calendar())
    except DomainError:  # calendar.no_data: a due date falls in a year not entered yet; the page still shows
        return None


# ---------------------------------------------------------------------------------------------------
# dashboards


@dataclass
class DashboardSummary:
    by_state: list[tuple[str, str, str, int]]  # value, label, badge colour, count (open states)
    open_total: int
    overdue: int
    due_today: int
    due_soon: int  # within three days
    approvals: int  # waiting for this user's decision (head / legal reviewer)


def approvals_queue(*, user) -> QuerySet[Case]:
    """Cases waiting for this user's approval: filings and decisions for the head, reviews for the
    legal reviewer (cases they do not investigate)."""
    officer = officer_of(user)
    qs = scope(Case.objects.all(), user)
    if officer is None:
        return qs.none()
    if officer.has_role(AgencyRole.HEAD):  # (this covers what a legal reviewer would see too)
        return qs.filter(state__in=[State.PENDING_FILING, State.UNDER_REVIEW, State.NOTIFIED])
    if officer.has_role(AgencyRole.LEGAL_REVIEWER):
        return qs.filter(state__in=[State.UNDER_REVIEW, State.NOTIFIED], legal_review_passed__isnull=True).exclude(
            case_officers__officer=officer
        )
    return qs.none()


def dashboard_summary(*, user, today: date | None = None) -> DashboardSummary:
    """Counts for the home dashboard: open cases by state, overdue, due today and soon, approvals."""
    today = today or timezone.localdate()
    ids = visible_agency_ids(user)
    # both read partial indexes only (open cases; cases with a running deadline): index-only scans
    open_cases = Case.objects.filter(agency_id__in=ids).exclude(state__in=LOCKED)
    counts = dict(open_cases.values_list("state").annotate(n=Count("state")).order_by())
    due = Case.objects.filter(agency_id__in=ids, next_due__isnull=False).aggregate(
        overdue=Count("next_due", filter=Q(next_due__lt=today)),
        today=Count("next_due", filter=Q(next_due=today)),
        soon=Count("next_due", filter=Q(next_due__gt=today, next_due__lte=today + timedelta(days=3))),
    )
    by_state = [
        (s.value, s.label, STATE_BADGE[s.value], counts.get(s.value, 0)) for s in CaseState if s.value in counts
    ]
    return DashboardSummary(
        by_state=by_state,
        open_total=sum(counts.values()),
        overdue=due["overdue"],
        due_today=due["today"],
        due_soon=due["soon"],
        approvals=approvals_queue(user=user).count(),
    )


def urgent_cases(*, user, today: date | None = None, limit: int = 8) -> list[Case]:
    """Overdue and due-today cases for the dashboard list, earliest first."""
    today = today or timezone.localdate()
    return list(
        scope(Case.objects.all(), user)
        .filter(next_due__lte=today)
        .order_by("next_due", "-id")
        .select_related("agency")
        .prefetch_related(_open_deadlines())[:limit]
    )


def deviation_list(*, user) -> QuerySet[DecisionRecord]:
    """Discretion records whose chosen amount differs from the proposed one, with the reason (监督)."""
    return (
        DecisionRecord.objects.filter(case__agency_id__in=visible_agency_ids(user), current=True)
        .exclude(deviation_reason="")
        .select_related("case", "created_by")
        .order_by("-id")
    )


# ---------------------------------------------------------------------------------------------------
# the case team (unmasked personal data) and choices for forms


def on_case_team(user, person) -> bool:
    """Registered in ``parties.selectors.CASE_TEAM_CHECKS``: an officer assigned to a case whose party
    or driver is the person sees the person's full ID number and phone (each read is audited)."""
    officer = officer_of(user)
    if officer is None:
        return False
    return (
        CaseOfficer.objects.filter(officer=officer)
        .filter(Q(case__person=person) | Q(case__driver__person=person))
        .exists()
    )


def officer_choices(*, user, with_roles: bool = True) -> list[Officer]:
    """Officers of the user's own agency (filters, assignment, hearing presiding officer)."""
    officer = officer_of(user)
    if officer is None:
        return []
    qs = Officer.objects.filter(agency_id=officer.agency_id).order_by("name")
    if with_roles:
        return list(qs.prefetch_related("role_links"))
    return list(qs.only("id", "name", "agency_id"))


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: "10000+" instead of counting half a million archived cases on every
    page (``count_capped`` tells). The work list and its filters stay well below the cap."""

    cap = 10_000
    count_capped = False

    @cached_property
    def count(self) -> int:
        n = self.object_list[: self.cap + 1].count()
        self.count_capped = n > self.cap
        return min(n, self.cap)


def item_choices(*, user, on: date | None = None) -> list[tuple[str, str]]:
    """Catalog items in force in the user's jurisdiction (code, name)."""
    from zhifa.catalog.powerlist import power_list

    officer = officer_of(user)
    region = officer.agency.region_code if officer else None
    return [(row.code, row.name) for row in power_list(region, on or timezone.localdate())]
