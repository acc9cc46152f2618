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
from zhifa.cases.services.records import correction_order_add, inquiry_record_add, site_record_add
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
    """The general procedure up to (and including) the state ``upto``. Day 0 is the inspection that
    found the violation (the violation day): the site record and the photographs are made there and
    then, and filing is requested the same day; the inquiry follows once the investigation started."""
    order = [
        (0, "o1", "_evidence", {}),
        (0, "o1", "_site", {}),
        (0, "o1", "request_filing", {}),
        (1, "head", "file", {}),
        (1, "o1", "_correction", {}),
        (2, "o1", "start_investigation", {}),
        (3, "o1", "_inquiry", {}),
        (6, "o1", "_assess", {}),
        (7, "o1", "submit_for_review", {}),
        (9, "o1", "notify", {}),
        (10, "o1", "waive_rights", {"waiver_reference": "当事人放弃陈述申辩权利声明书"}),
        (11, "head", "decide", {"outcome": "penalty"}),
        (12, "o2", "serve", {"method": "直接送达"}),
    ]
    stop = {
        "pending_filing": 3,
        "filed": 5,
        "investigating": 7,
        "under_review": 9,
        "notified": 10,
        "decided": 12,
        "served": 13,
    }[upto]
    return list(order[:stop])


#: the demo's 责令改正 per item: requirement, days to correct (None: at once), basis
CORRECTIONS = {
    "overload.weight": (
        "卸载超限部分货物，使车货总质量符合限定标准后方可继续行驶",
        None,
        "《公路安全保护条例》第六十四条",
    ),
    "highway.spillage": ("清除遗洒物，恢复公路路面整洁，并对车辆装载进行苫盖加固", 3, "《公路安全保护条例》第六十九条"),
}
DEFAULT_CORRECTION = ("立即停止违法行为，按照规定完成整改并将整改情况书面报告本机关", 10, "")


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
                (
                    35,
                    "head",
                    "record_hearing",
                    {
                        "result": "held",
                        "participants": "当事人的委托代理人、本案调查人员",
                        "party_arguments": "车辆系首次超限运输，货物为临时加装，且已当场卸载超限部分货物，请求从轻处罚",
                        "weighing": "超限事实有称重检测记录和现场笔录证实；首次超限已在裁量基准中考虑，"
                        "当场卸载是法定的改正义务，不属于从轻情节，对从轻处罚的请求不予采纳",
                        "record_summary": "听证公开举行，调查人员提出违法事实、证据和处罚建议，当事人进行了申辩和质证",
                    },
                ),
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
            violation_date=start,  # found at the inspection on the day it happened (the summary says so)
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
            if action == "_evidence":  # photographed at the inspection, registered the same day
                collected = timezone.make_aware(datetime.combine(day, time(10, rng.randrange(0, 40))), SH)
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
            if action == "_site":
                _site_record(case, actor, users, day, place, rng)
                continue
            if action == "_inquiry":
                _inquiry_record(case, actor, users, day, place, rng)
                continue
            if action == "_correction":
                requirement, days, basis = CORRECTIONS.get(plan.item, DEFAULT_CORRECTION)
                correction_order_add(
                    actor=actor,
                    case=case,
                    issued_on=day,
                    requirement=requirement,
                    deadline=day + timedelta(days=days) if days is not None else None,
                    basis=basis,
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
                    "hearing_time": "09:30",
                    "place": f"{unit.place}交通运输局听证室",
                    "presiding_officer_id": str(users["reviewer"].officer.pk),
                    "clerk_officer_id": str(users["head"].officer.pk),
                    "public": True,
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


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=SH)


def _site_record(case, actor, users, day: date, place: str, rng: random.Random) -> None:
    what = {
        "overload.weight": "经检测站称重，车货总质量超过该车型的限定标准，称重数据已打印并由驾驶员核对",
        "highway.spillage": "车辆装载物沿途遗洒，约20米路面被污染，未发现公路设施损坏",
    }.get(case.item_code, "执法人员出示执法证件后进行检查，发现当事人存在违法行为，已拍照固定")
    signed = rng.random() > 0.2
    site_record_add(
        actor=actor,
        case=case,
        started_at=_at(day, 10, 0),
        ended_at=_at(day, 10, 40),
        place=place,
        officer1=users["o1"].officer.pk,
        officer2=users["o2"].officer.pk,
        present=f"驾驶员（{case.plate or '当事人'}号车辆）" if case.plate else "当事人",
        findings=f"{case.plate + '号车辆：' if case.plate else ''}{what}。",
        measures="责令当场改正，通知当事人到本机关接受询问"
        if case.item_code != "overload.weight"
        else "引导车辆进入卸载场卸载超限货物",
        party_signed=signed,
        refusal_note="" if signed else "当事人拒绝签名，由执法人员注明，现场执法记录仪全程记录",
        today=day,
    )


def _inquiry_record(case, actor, users, day: date, place: str, rng: random.Random) -> None:
    if case.person_id:
        who: dict[str, Any] = {"relation": "当事人"}
    else:
        who = {"relation": "法定代表人", "interviewee_name": case.enterprise.legal_representative or "法定代表人"}
        who["interviewee_phone"] = case.enterprise.phone
    qa = [
        {
            "q": "我们是本机关的执法人员，已向你出示执法证件。你有权陈述和申辩，也有如实回答询问的义务，听清楚了吗？",
            "a": "听清楚了。",
        },
        {"q": f"{_cn(case.violation_date)}在{place}被查处的情况，你是否清楚？", "a": "清楚，情况属实。"},
        {"q": "对现场检查的情况你有什么要说明的？", "a": rng.choice(["没有异议。", "是第一次，以后一定注意。"])},
    ]
    inquiry_record_add(
        actor=actor,
        case=case,
        started_at=_at(day, 14, 0),
        ended_at=_at(day, 14, 35),
        place=f"{case.agency.name}询问室",
        inquirer=users["o1"].officer.pk,
        recorder=users["o2"].officer.pk,
        qa=qa,
        today=day,
        **who,
    )


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
