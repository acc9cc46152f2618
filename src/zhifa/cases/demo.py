"""Demo cases: for both units, cases in every state, built through the services (so the audit trail,
the deadlines, the numbers and the discretion records are real), deterministic by seed, safe to run twice.

Each case carries an ``external_ref`` (``demo:<unit>:<n>``) and is built in one transaction: a second
run skips the cases that exist, and an interrupted run leaves no half-built case. Dates lie in the past
(actions take ``today=``) and are chosen so every deadline falls in a year the working-day calendar
covers; decided cases come from the catalog engine, for the documents app to compose from.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zhifa.cases.models import Case
from zhifa.cases.services import case_act, case_assess, case_create, evidence_upload
from zhifa.core.calendar import get_calendar
from zhifa.core.models import AuditEvent

SH = ZoneInfo("Asia/Shanghai")
OVERLOAD = {"axles": 6, "vehicle_kind": "combination", "single_drive_axle": False}


@dataclass
class Plan:
    """One demo case: its state, item and facts, and the actions (day offset from ``start``, actor key,
    action, parameters). ``start`` is picked so the deadlines stay inside the calendar's years."""

    key: str
    state: str
    item: str
    facts: dict[str, Any]
    procedure: str = "general"
    party: str = "enterprise"  # or "person"
    summary: str = ""
    steps: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)
    tail: int = 0  # the last ``tail`` steps happen recently (so a deadline they start is still running)
    margin: int = 95  # days the deadlines started before the tail may run (90-day decision period)


def _steps_general(upto: str) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The general procedure up to (and including) the state ``upto``."""
    order = [
        (0, "o1", "request_filing", {}),
        (1, "head", "file", {}),
        (2, "o1", "start_investigation", {}),
        (2, "o1", "_evidence", {}),
        (6, "o1", "_assess", {}),
        (7, "o1", "submit_for_review", {}),
        (9, "o1", "notify", {}),
        (10, "o1", "waive_rights", {"waiver_reference": "当事人放弃陈述申辩权利声明书"}),
        (11, "head", "decide", {"outcome": "penalty"}),
        (12, "o2", "serve", {"method": "直接送达"}),
    ]
    stop = {
        "pending_filing": 1,
        "filed": 2,
        "investigating": 4,
        "under_review": 6,
        "notified": 7,
        "decided": 9,
        "served": 10,
    }[upto]
    return list(order[:stop])


def _plans(unit_key: str, rng: random.Random) -> list[Plan]:
    weight = lambda: 52000 + rng.randrange(0, 8) * 1000  # noqa: E731 - 3 to 10 t over the 49 t limit
    plans = [
        Plan("draft", "draft", "overload.weight", {**OVERLOAD, "gross_weight_kg": weight()}, steps=[]),
        Plan(
            "pending", "pending_filing", "highway.spillage", {"harm": "minor"}, steps=_steps_general("pending_filing")
        ),
        Plan(
            "filed",
            "filed",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": weight()},
            steps=_steps_general("filed"),
        ),
        Plan(
            "investigating",
            "investigating",
            "road_transport.vehicle_maintenance",
            {},
            steps=_steps_general("investigating"),
        ),
        Plan(
            "preservation",
            "investigating",
            "road_transport.unqualified_driver",
            {},
            steps=[
                *_steps_general("investigating"),
                (
                    3,
                    "o1",
                    "preserve_evidence",
                    {"approved_by": "_head", "items": "驾驶人从业资格证1本\n行车记录仪存储卡1张"},
                ),
            ],
        ),
        Plan(
            "under_review",
            "under_review",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": weight()},
            steps=_steps_general("under_review"),
        ),
        Plan("notified", "notified", "highway.spillage", {"harm": "minor"}, steps=_steps_general("notified")),
        Plan(
            "hearing_requested",
            "notified",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": 75000},  # 26 t over: 13,000 yuan → hearing, review, discussion
            steps=[*_steps_general("notified"), (11, "o1", "request_hearing", {})],
        ),
        Plan(
            "decided",
            "decided",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": weight()},
            steps=_steps_general("decided"),
            tail=1,
        ),
        Plan(
            "decided_after_hearing",
            "decided",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": 72000},
            steps=[
                *_steps_general("notified"),
                (11, "o1", "request_hearing", {}),
                (12, "o1", "_schedule_hearing", {}),
                (35, "head", "record_hearing", {"result": "held", "record_reference": "听证笔录"}),
                (
                    36,
                    "reviewer",
                    "record_legal_review",
                    {"passed": True, "opinion": "事实清楚，证据确凿，适用依据正确，程序合法，裁量适当"},
                ),
                (36, "head", "record_collective_discussion", {"minutes_reference": "集体讨论记录"}),
                (37, "head", "decide", {"outcome": "penalty"}),
            ],
            tail=1,
        ),
        Plan(
            "no_penalty",
            "decided",
            "highway.spillage",
            {"harm": "minor"},
            steps=[*_steps_general("under_review"), (8, "head", "decide", {"outcome": "no_penalty"})],
            tail=1,
        ),
        Plan(
            "served",
            "served",
            "road_transport.cargo_securing",
            {},
            steps=_steps_general("served"),
            tail=2,
        ),
        Plan(
            "executing",
            "executing",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": weight()},
            steps=[
                *_steps_general("served"),
                (45, "head", "start_enforcement", {}),
                (46, "o1", "send_demand", {}),
            ],
            margin=300,  # the court-application window runs 9 months after service
        ),
        Plan(
            "closed",
            "closed",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": weight()},
            steps=[*_steps_general("served"), (16, "o1", "_pay", {}), (17, "head", "close", {})],
        ),
        Plan(
            "suspended",
            "suspended",
            "road_transport.vehicle_maintenance",
            {},
            steps=[*_steps_general("investigating"), (5, "head", "suspend", {"reason": "等待车辆技术检测结论"})],
        ),
        Plan(
            "transferred",
            "transferred",
            "overload.weight",
            {**OVERLOAD, "gross_weight_kg": weight()},
            steps=[
                *_steps_general("investigating"),
                (
                    4,
                    "head",
                    "transfer",
                    {"reason": "违法行为发生地不在本辖区", "receiving_body": "相邻县交通运输综合行政执法大队"},
                ),
            ],
        ),
        Plan(
            "refused",
            "dismissed",
            "highway.spillage",
            {"harm": "none"},
            steps=[*_steps_general("pending_filing"), (1, "head", "refuse_filing", {"reason": "经核查违法事实不存在"})],
        ),
        Plan(
            "dismissed",
            "dismissed",
            "road_transport.unqualified_driver",
            {},
            steps=[
                *_steps_general("investigating"),
                (8, "head", "dismiss", {"reason": "当事人提供有效从业资格证，违法事实不能成立"}),
            ],
        ),
        Plan(
            "summary_served",
            "served",
            "highway.spillage",
            {"harm": "minor"},
            procedure="summary",
            party="person",
            steps=[(0, "o1", "_assess_summary", {}), (0, "o1", "decide_on_the_spot", {"rights_informed": True})],
            margin=20,
        ),
        Plan(
            "summary_closed",
            "closed",
            "highway.spillage",
            {"harm": "minor"},
            procedure="summary",
            party="person",
            steps=[
                (0, "o1", "_assess_summary", {}),
                (0, "o1", "decide_on_the_spot", {"rights_informed": True}),
                (0, "o1", "collect_on_the_spot", {}),
                (1, "o1", "file_summary_copy", {}),
                (2, "head", "close", {}),
            ],
        ),
    ]
    return plans


def _photo(rng: random.Random, label: str) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (640, 420), (rng.randrange(90, 160), rng.randrange(110, 170), rng.randrange(120, 190)))
    draw = ImageDraw.Draw(im)
    draw.rectangle((60, 180, 560, 330), fill=(230, 190, 40))  # the truck's box
    for x in (120, 220, 420, 500):
        draw.ellipse((x - 28, 310, x + 28, 366), fill=(30, 30, 30))
    draw.text((20, 20), label, fill=(255, 255, 255))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _start(plan: Plan, today: date, cover_end: date, rng: random.Random) -> date:
    """The first day: late enough to be recent, early enough that the deadlines before the tail end in a
    year the calendar covers."""
    head = plan.steps[: len(plan.steps) - plan.tail] if plan.tail else plan.steps
    span = max((s[0] for s in head), default=0)
    latest = min(today - timedelta(days=span + 2), cover_end - timedelta(days=plan.margin))
    return latest - timedelta(days=rng.randrange(0, 12))


def _build(ctx, unit, plan: Plan, users: dict[str, Any], rng: random.Random, today: date, cover_end: date) -> None:
    from zhifa.parties.models import Enterprise, Person, Vehicle

    start = _start(plan, today, cover_end, rng)
    final_day = min(today - timedelta(days=1), cover_end - timedelta(days=14))
    tail_from = len(plan.steps) - plan.tail
    last_offset = max((s[0] for s in plan.steps), default=0)

    def day_of(index: int, offset: int) -> date:
        if plan.tail and index >= tail_from:
            return max(final_day - timedelta(days=last_offset - offset), start + timedelta(days=offset))
        return start + timedelta(days=offset)

    vehicles = list(Vehicle.objects.filter(agency=unit.agency, kind="combination").order_by("pk")[:400])
    vehicle = rng.choice(vehicles) if vehicles else None
    party: dict[str, Any] = {}
    if plan.party == "person":
        persons = list(Person.objects.filter(agency=unit.agency).order_by("pk")[:400])
        party["person"] = rng.choice(persons)
    else:
        owner = vehicle.owner_enterprise if vehicle and vehicle.owner_enterprise_id else None
        party["enterprise"] = owner or rng.choice(
            list(Enterprise.objects.filter(agency=unit.agency).order_by("pk")[:400])
        )
    place = f"{unit.place}{rng.choice(['G207国道', 'G312国道', 'S231省道', 'S331省道'])}K{rng.randrange(100, 1400)}"
    summary = (
        f"{start.isoformat()}，执法人员在{place}检查时发现"
        + (f"{vehicle.plate}号车辆" if vehicle else "当事人")
        + {"overload.weight": "车货总质量超过限定标准", "highway.spillage": "装载物遗洒污染公路路面"}.get(
            plan.item, "存在违法行为"
        )
    )
    with transaction.atomic():
        case = case_create(
            actor=users["o1"],
            procedure=plan.procedure,
            item_code=plan.item,
            violation_date=start - timedelta(days=1),
            vehicle=vehicle,
            facts=plan.facts,
            violation_place=place,
            summary=summary,
            officers=[users["o2"].officer],
            external_ref=f"demo:{unit.key}:{plan.key}",
            today=start,
            **party,
        )
        for index, (offset, who, action, params) in enumerate(plan.steps):
            day = day_of(index, offset)
            actor = users[who]
            params = dict(params)
            if action == "_evidence":
                collected = timezone.make_aware(datetime.combine(start, time(9, rng.randrange(0, 59))), SH)
                evidence_upload(
                    actor=actor,
                    case=case,
                    file=SimpleUploadedFile("现场照片.png", _photo(rng, case.plate or "scene")),
                    kind="audiovisual",
                    title="现场照片（车辆及装载情况）",
                    collected_at=collected,
                    collected_place=place,
                    today=day,
                )
                continue
            if action == "_assess":
                case_assess(actor=actor, case=case, today=day)
                continue
            if action == "_assess_summary":  # on the spot: within the 200-yuan limit for a person (第51条)
                reason = "遗洒量少，当事人已当场清除，未造成公路损坏"
                case_assess(actor=actor, case=case, chosen_fine_yuan=100, reason=reason, today=day)
                continue
            if action == "_schedule_hearing":
                params = {
                    "hearing_date": start + timedelta(days=35),
                    "presiding_officer_id": str(users["reviewer"].officer.pk),
                    "notice_on": day,
                }
                action = "schedule_hearing"
            if action == "_pay":
                case.refresh_from_db()
                params = {
                    "amount_yuan": case.fine_yuan,
                    "paid_on": day,
                    "receipt_no": f"FS{rng.randrange(10**7, 10**8)}",
                }
                action = "record_payment"
            if params.get("approved_by") == "_head":
                params["approved_by"] = users["head"].officer.name
            for name in ("filed_on", "notified_on", "decided_on", "served_on", "heard_on", "requested_on"):
                params.pop(name, None)
            case_act(actor=actor, case=case, action=action, params=params, today=day)
        case.refresh_from_db()
        if case.state != plan.state:  # pragma: no cover - a demo plan that no longer fits the law
            raise RuntimeError(f"演示案件 {plan.key} 应为 {plan.state}，实为 {case.state}")


def load(ctx) -> None:
    marker = f"cases:{ctx.scale}:{ctx.seed}"
    if AuditEvent.objects.filter(event_code="demo.cases_loaded", object_id=marker).exists():
        ctx.log("  演示案件已完整载入，跳过")
        return
    calendar = get_calendar()
    today = timezone.localdate()
    cover_end = date(max(calendar.covered_years()), 12, 31)
    User = get_user_model()
    made = skipped = 0
    for unit in ctx.units:
        k = "nz" if unit.key == "nanzhao" else "ly"
        users = {
            "o1": User.objects.get(username=f"{k}_officer1"),
            "o2": User.objects.get(username=f"{k}_officer2"),
            "reviewer": User.objects.get(username=f"{k}_reviewer"),
            "head": User.objects.get(username=f"{k}_head"),
        }
        for plan in _plans(unit.key, ctx.rng(f"cases:plans:{unit.key}")):
            if Case.objects.filter(agency=unit.agency, external_ref=f"demo:{unit.key}:{plan.key}").exists():
                skipped += 1
                continue
            _build(ctx, unit, plan, users, ctx.rng(f"cases:{unit.key}:{plan.key}"), today, cover_end)
            made += 1
        ctx.log(f"  {unit.place}：演示案件就绪")
    ctx.summary["cases"] = {"created": made, "skipped": skipped}
    with transaction.atomic():
        from zhifa.core.audit import audit_record

        audit_record(
            actor=None,
            event_code="demo.cases_loaded",
            object_type="demo",
            object_id=marker,
            object_repr="演示案件",
            after={"created": made, "skipped": skipped},
            reason="zhifa demo",
        )
