"""Writers of the records of a case: 询问笔录, 现场笔录 and 责令改正 (the hearing is written by the
``schedule_hearing`` and ``record_hearing`` actions, see ``services.cases``).

The rules (行政处罚法 第四十二条、第五十五条、第二十八条):

* only an assigned case officer with a valid 执法证 records; a record names two different licensed
  officers of the case (询问人 and 记录人, or the two officers on site), each licensed on the record's day;
* 询问笔录 and 现场笔录 are made while the case is examined or investigated (``draft`` … ``investigating``,
  the inspection that found the violation included), never before the violation nor in the future;
* a 责令改正 is ordered with the penalty (第二十八条 "实施行政处罚时"): from filing to execution in the
  general procedure, on the spot or after the on-the-spot decision in the summary procedure; its
  deadline is not before the day it is ordered;
* records change only before the decision: the decision freezes them (``frozen_at``) like evidence.

Each write bumps the case's ``version`` (optimistic lock: ``version`` is the version the actor saw) and
writes its audit event on the case, so the records appear in the case's timeline.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from zhifa.agencies.models import Officer
from zhifa.cases import workflow as wf
from zhifa.cases.choices_pure import Procedure, State
from zhifa.cases.models import Case, CorrectionOrder, Evidence, Hearing, InquiryRecord, SiteRecord
from zhifa.cases.services.cases import (
    PRE_DECISION_STATES,
    case_for_write,
    conditional_update,
    is_assigned,
    require_licensed_officer,
    today_or,
)
from zhifa.cases.services.snapshot import licence_of
from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError

SH = ZoneInfo("Asia/Shanghai")

#: states in which inquiry and site records are made (the inspection and the investigation)
RECORD_STATES = frozenset({State.DRAFT, State.PENDING_FILING, State.FILED, State.INVESTIGATING})
#: states in which a 责令改正 may be ordered, per procedure
CORRECTION_STATES = {
    Procedure.GENERAL: frozenset(
        {
            State.FILED,
            State.INVESTIGATING,
            State.UNDER_REVIEW,
            State.NOTIFIED,
            State.DECIDED,
            State.SERVED,
            State.EXECUTING,
        }
    ),
    Procedure.SUMMARY: frozenset({State.DRAFT, State.SERVED, State.EXECUTING}),
}
RELATIONS = ("当事人", "驾驶员", "当事人的委托代理人", "法定代表人", "证人", "其他有关人员")
DEFAULT_CORRECTION_BASIS = "《中华人民共和国行政处罚法》第二十八条第一款"
DEFAULT_CONFIRMATION = "以上笔录我已看过（已向我宣读），与我所说的一致。"

INQUIRY_FIELDS = (
    "started_at",
    "ended_at",
    "place",
    "interviewee_name",
    "interviewee_id_number",
    "interviewee_phone",
    "interviewee_address",
    "relation",
    "inquirer",
    "recorder",
    "qa",
    "confirmation",
    "signed",
    "refusal_note",
)
SITE_FIELDS = (
    "started_at",
    "ended_at",
    "place",
    "officer1",
    "officer2",
    "present",
    "findings",
    "measures",
    "party_signed",
    "refusal_note",
)
CORRECTION_FIELDS = ("issued_on", "requirement", "deadline", "basis")


def _err(code: str, message: str, field: str | None = None) -> DomainError:
    return DomainError(code, message, field)


# ---------------------------------------------------------------------------------------------------
# shared checks


def _begin(actor, case, today: date | None) -> tuple[Officer, Case, date]:
    today = today_or(today)
    officer = require_licensed_officer(actor, today)
    obj = case_for_write(actor, case)
    if not is_assigned(obj, officer):
        raise _err("case.not_assigned", "您不是本案的承办执法人员", "actor")
    return officer, obj, today


def _require_record_state(case: Case) -> None:
    state = State(case.state)
    if case.decided_on is not None or state not in PRE_DECISION_STATES:
        raise _err("record.frozen", "决定已作出，笔录已随案封存，不能再增加或修改", "case")
    if state not in RECORD_STATES:
        raise _err(
            "record.state_not_allowed",
            f"案件处于“{case.get_state_display()}”阶段，询问笔录和现场笔录应在检查或调查取证时制作；"
            "需要补充调查的，请先退回补充调查",
            "case",
        )


def _text(data: dict[str, Any], name: str, label: str, *, max_length: int = 0, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise _err("record.field_required", f"请填写{label}", name)
    if max_length and len(value) > max_length:
        raise _err("record.field_too_long", f"{label}不能超过{max_length}个字", name)
    return value


def _moment(value: Any, name: str, label: str) -> datetime:
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _err("record.invalid_time", f"{label}格式应为 YYYY-MM-DD HH:MM", name) from None
    if not isinstance(value, datetime):
        raise _err("record.field_required", f"请填写{label}", name)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=SH)
    return value


def _period(case: Case, data: dict[str, Any], today: date, what: str) -> tuple[datetime, datetime]:
    started = _moment(data.get("started_at"), "started_at", f"{what}开始时间")
    ended = _moment(data.get("ended_at"), "ended_at", f"{what}结束时间")
    if ended <= started:
        raise _err("record.invalid_time", f"{what}结束时间应晚于开始时间", "ended_at")
    local_start = timezone.localtime(started, SH)
    if case.violation_date and local_start.date() < case.violation_date:
        raise _err(
            "record.before_violation",
            f"{what}时间不能早于违法行为发生日（{case.violation_date.isoformat()}）",
            "started_at",
        )
    if ended > timezone.now() or timezone.localtime(ended, SH).date() > today:
        raise _err("record.invalid_time", f"{what}时间不能晚于现在", "ended_at")
    return started, ended


def _case_officer(case: Case, value: Any, name: str, label: str, on: date) -> Officer:
    pk = value.pk if isinstance(value, Officer) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise _err("record.field_required", f"请选择{label}", name) from None
    officer = next((link.officer for link in case.case_officers.all() if link.officer_id == pk), None)
    if officer is None:
        raise _err("record.officer_not_assigned", f"{label}须为本案承办执法人员", name)
    try:
        wf.check_licence(licence_of(officer), on)
    except DomainError as e:
        raise _err("record.officer_unlicensed", f"{label}{officer.name}在{on.isoformat()}未持有有效执法证", name) from e
    return officer


def _two_officers(case: Case, data: dict[str, Any], a: str, b: str, labels: tuple[str, str], on: date):
    first = _case_officer(case, data.get(a), a, labels[0], on)
    second = _case_officer(case, data.get(b), b, labels[1], on)
    if first.pk == second.pk:
        raise _err(
            "record.two_officers",
            f"{labels[0]}和{labels[1]}应为两名不同的执法人员（行政处罚法第四十二条）",
            b,
        )
    return first, second


def _bool(value: Any, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on", "是")


def _qa(value: Any) -> list[dict[str, str]]:
    """``[{"q": …, "a": …}]`` or text lines ``问：…`` / ``答：…``."""
    pairs: list[dict[str, str]] = []
    if isinstance(value, str):
        current: dict[str, str] | None = None
        for raw in value.splitlines():
            line = raw.strip()
            if not line:
                continue
            head, body = line[:2], line[2:].strip()
            if head in ("问：", "问:"):
                current = {"q": body, "a": ""}
                pairs.append(current)
            elif head in ("答：", "答:") and current is not None:
                current["a"] = (current["a"] + body) if current["a"] else body
            elif current is not None:  # a continued line
                key = "a" if current["a"] else "q"
                current[key] += line
            else:
                raise _err("record.qa_invalid", "问答每段以“问：”开始，回答以“答：”开始", "qa")
    elif isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, dict):
                raise _err("record.qa_invalid", "问答格式无效", "qa")
            pairs.append({"q": str(item.get("q") or "").strip(), "a": str(item.get("a") or "").strip()})
    if not pairs:
        raise _err("record.field_required", "请填写询问的问题和回答", "qa")
    for i, p in enumerate(pairs, 1):
        if not p["q"] or not p["a"]:
            raise _err("record.qa_invalid", f"第{i}问的问题和回答都应填写", "qa")
    return pairs


def _signature(data: dict[str, Any], signed_key: str, who: str) -> tuple[bool, str]:
    signed = _bool(data.get(signed_key), True)
    note = _text(data, "refusal_note", "拒绝签名情况", max_length=300, required=False)
    if not signed and not note:
        raise _err(
            "record.refusal_note_required",
            f"{who}拒绝签名的，执法人员应在笔录中注明情况（如“当事人拒绝签名，由见证人某某见证”）",
            "refusal_note",
        )
    return signed, ("" if signed else note)


def _bump(case: Case, version: int | None) -> None:
    conditional_update(case, case.version if version is None else int(version))


def _audit(actor, case: Case, code: str, record, after: dict[str, Any], before: dict[str, Any] | None = None):
    audit_record(
        actor=actor,
        event_code=code,
        obj=case,
        before=before,
        after={"record": record.pk, "seq": getattr(record, "seq", None), "version": case.version, **after},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Officer):
        return value.pk
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------------
# 询问笔录


def _clean_inquiry(case: Case, data: dict[str, Any], today: date) -> dict[str, Any]:
    started, ended = _period(case, data, today, "询问")
    on = timezone.localtime(started, SH).date()
    inquirer, recorder = _two_officers(case, data, "inquirer", "recorder", ("询问人", "记录人"), on)
    relation = _text(data, "relation", "被询问人与本案的关系", max_length=30)
    if relation not in RELATIONS:
        raise _err("record.relation_invalid", f"与本案关系应为：{'、'.join(RELATIONS)}", "relation")
    signed, note = _signature(data, "signed", "被询问人")
    return {
        "started_at": started,
        "ended_at": ended,
        "place": _text(data, "place", "询问地点", max_length=200),
        "interviewee_name": _text(data, "interviewee_name", "被询问人姓名", max_length=100),
        "interviewee_id_number": _text(data, "interviewee_id_number", "身份证件号码", max_length=30, required=False),
        "interviewee_phone": _text(data, "interviewee_phone", "联系电话", max_length=30, required=False),
        "interviewee_address": _text(data, "interviewee_address", "住址", max_length=200, required=False),
        "relation": relation,
        "inquirer": inquirer,
        "inquirer_licence": inquirer.licence_no,
        "recorder": recorder,
        "recorder_licence": recorder.licence_no,
        "qa": _qa(data.get("qa")),
        "confirmation": _text(data, "confirmation", "被询问人的核对意见", required=False) or DEFAULT_CONFIRMATION,
        "signed": signed,
        "refusal_note": note,
    }


def _party_defaults(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """被询问人 = the party (a person) or the driver when not given: nothing retyped."""
    out = dict(data)
    person = None
    if out.get("relation") == "驾驶员" and case.driver_id:
        person = case.driver.person
    elif out.get("relation") in (None, "", "当事人") and case.person_id:
        person = case.person
        out.setdefault("relation", "当事人")
    if person is not None and not out.get("interviewee_name"):
        out["interviewee_name"] = person.name
        out["interviewee_id_number"] = person.id_number
        out["interviewee_phone"] = person.phone
        out["interviewee_address"] = person.address
    return out


def inquiry_record_add(
    *, actor, case, version: int | None = None, today: date | None = None, **data: Any
) -> InquiryRecord:
    """Record a 询问笔录 on ``case`` (fields: see ``INQUIRY_FIELDS``)."""
    _officer, obj, today = _begin(actor, case, today)
    with transaction.atomic():
        _require_record_state(obj)
        columns = _clean_inquiry(obj, _party_defaults(obj, data), today)
        _bump(obj, version)
        seq = (InquiryRecord.objects.filter(case=obj).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        record = InquiryRecord.objects.create(case=obj, seq=seq, created_by=actor, **columns)
        _audit(actor, obj, "case.inquiry_recorded", record, {k: _plain(v) for k, v in columns.items()})
    return record


# ---------------------------------------------------------------------------------------------------
# 现场笔录


def _clean_site(case: Case, data: dict[str, Any], today: date) -> dict[str, Any]:
    started, ended = _period(case, data, today, "检查")
    on = timezone.localtime(started, SH).date()
    first, second = _two_officers(case, data, "officer1", "officer2", ("执法人员", "另一名执法人员"), on)
    signed, note = _signature(data, "party_signed", "当事人")
    return {
        "started_at": started,
        "ended_at": ended,
        "place": _text(data, "place", "检查地点", max_length=200),
        "officer1": first,
        "officer1_licence": first.licence_no,
        "officer2": second,
        "officer2_licence": second.licence_no,
        "present": _text(data, "present", "在场人员", max_length=300),
        "findings": _text(data, "findings", "现场情况"),
        "measures": _text(data, "measures", "采取的措施", required=False),
        "party_signed": signed,
        "refusal_note": note,
    }


def site_record_add(*, actor, case, version: int | None = None, today: date | None = None, **data: Any) -> SiteRecord:
    """Record a 现场笔录 on ``case`` (fields: see ``SITE_FIELDS``)."""
    _officer, obj, today = _begin(actor, case, today)
    with transaction.atomic():
        _require_record_state(obj)
        data = dict(data)
        data.setdefault("place", obj.violation_place)
        columns = _clean_site(obj, data, today)
        _bump(obj, version)
        seq = (SiteRecord.objects.filter(case=obj).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        record = SiteRecord.objects.create(case=obj, seq=seq, created_by=actor, **columns)
        _audit(actor, obj, "case.site_recorded", record, {k: _plain(v) for k, v in columns.items()})
    return record


# ---------------------------------------------------------------------------------------------------
# 责令改正


def _clean_correction(case: Case, data: dict[str, Any], today: date) -> dict[str, Any]:
    issued_on = data.get("issued_on") or today
    deadline = data.get("deadline")
    for name, value in (("issued_on", issued_on), ("deadline", deadline)):
        if isinstance(value, str) and value.strip():
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise _err("record.invalid_date", "日期格式应为 YYYY-MM-DD", name) from None
        if name == "issued_on":
            issued_on = value
        else:
            deadline = value or None
    if not isinstance(issued_on, date) or issued_on > today:
        raise _err("record.invalid_date", "责令日期不能晚于今天", "issued_on")
    if case.violation_date and issued_on < case.violation_date:
        raise _err("record.before_violation", "责令日期不能早于违法行为发生日", "issued_on")
    if case.procedure == Procedure.GENERAL and case.filed_on and issued_on < case.filed_on:
        raise _err("record.invalid_date", f"责令日期不能早于立案日期（{case.filed_on.isoformat()}）", "issued_on")
    if deadline is not None and (not isinstance(deadline, date) or deadline < issued_on):
        raise _err("record.deadline_invalid", "改正期限不能早于责令日期", "deadline")
    basis = _text(data, "basis", "责令改正的依据", max_length=200, required=False) or DEFAULT_CORRECTION_BASIS
    if not (basis.startswith("《") and "》第" in basis):
        example = "如“《中华人民共和国行政处罚法》第二十八条”"
        raise _err("record.basis_invalid", f"依据应写明法律名称和条款，{example}", "basis")
    return {
        "issued_on": issued_on,
        "requirement": _text(data, "requirement", "改正要求"),
        "deadline": deadline,
        "basis": basis,
    }


def correction_order_add(
    *, actor, case, version: int | None = None, today: date | None = None, **data: Any
) -> CorrectionOrder:
    """Order the party to correct the violation (第二十八条): requirement, deadline (none = at once), basis."""
    officer, obj, today = _begin(actor, case, today)
    with transaction.atomic():
        allowed = CORRECTION_STATES[Procedure(obj.procedure)]
        if State(obj.state) not in allowed:
            raise _err(
                "record.state_not_allowed",
                f"案件处于“{obj.get_state_display()}”阶段，不能责令改正（行政处罚法第二十八条：实施行政处罚时责令改正；"
                "普通程序自立案起）",
                "case",
            )
        columns = _clean_correction(obj, data, today)
        _bump(obj, version)
        seq = (CorrectionOrder.objects.filter(case=obj).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        frozen = timezone.now() if obj.decided_on is not None else None  # ordered with or after the decision
        record = CorrectionOrder.objects.create(
            case=obj, seq=seq, officer=officer, created_by=actor, frozen_at=frozen, **columns
        )
        _audit(actor, obj, "case.correction_ordered", record, {k: _plain(v) for k, v in columns.items()})
    return record


# ---------------------------------------------------------------------------------------------------
# amend a record before the decision

#: the case's related manager of each record kind (records are numbered per case and kind: ``seq``)
RECORD_RELATIONS = {"inquiry": "inquiries", "site": "site_records", "correction": "correction_orders"}

_AMEND = {
    "inquiry": (InquiryRecord, INQUIRY_FIELDS, "case.inquiry_amended"),
    "site": (SiteRecord, SITE_FIELDS, "case.site_record_amended"),
    "correction": (CorrectionOrder, CORRECTION_FIELDS, "case.correction_amended"),
}


def record_amend(
    *, actor, kind: str, record, data: dict[str, Any], version: int | None = None, today: date | None = None
):
    """Correct a record before the decision (the audit event keeps what it said before)."""
    if kind not in _AMEND:
        raise _err("record.unknown_kind", f"未知的记录种类：{kind}", "kind")
    model, fields, code = _AMEND[kind]
    pk = record.pk if isinstance(record, model) else record
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise _err("not_found", "记录不存在或不在您的辖区内")
    _officer, obj, today = _begin(actor, row.case_id, today)
    unknown = set(data) - set(fields)
    if unknown:
        raise _err("record.field_not_editable", f"不能修改：{'、'.join(sorted(unknown))}", sorted(unknown)[0])
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=row.pk)
        if row.frozen_at is not None or obj.decided_on is not None:
            raise _err("record.frozen", "决定已作出，该记录已随案封存，不能修改", "record")
        if kind == "correction":
            if State(obj.state) not in CORRECTION_STATES[Procedure(obj.procedure)]:
                raise _err("record.state_not_allowed", "案件当前阶段不能修改责令改正", "case")
        else:
            _require_record_state(obj)
        current = {f: getattr(row, f) for f in fields}
        merged = {**current, **data}
        clean = {"inquiry": _clean_inquiry, "site": _clean_site, "correction": _clean_correction}[kind]
        columns = clean(obj, merged, today)
        changed = {k: v for k, v in columns.items() if getattr(row, k) != v}
        if not changed:
            return row
        before = {k: _plain(getattr(row, k)) for k in changed}
        _bump(obj, version)
        for k, v in changed.items():
            setattr(row, k, v)
        row.save(update_fields=list(changed))
        _audit(actor, obj, code, row, {k: _plain(v) for k, v in changed.items()}, before=before)
    return row


# ---------------------------------------------------------------------------------------------------
# helpers the case services use


def freeze_records(case: Case, now: datetime) -> None:
    """The decision freezes the records made before it (called inside the decision's transaction)."""
    for model in (InquiryRecord, SiteRecord, CorrectionOrder, Hearing):
        model.objects.filter(case=case, frozen_at=None).update(frozen_at=now)


def investigators(case: Case) -> set[int]:
    """The officers who investigated the case: its officers, the officers of its records and the
    collectors of its evidence (none of them may host the hearing, 第六十四条第一款第（四）项)."""
    out = {link.officer_id for link in case.case_officers.all()}
    for a, b in InquiryRecord.objects.filter(case=case).values_list("inquirer_id", "recorder_id"):
        out |= {a, b}
    for a, b in SiteRecord.objects.filter(case=case).values_list("officer1_id", "officer2_id"):
        out |= {a, b}
    out |= set(Evidence.objects.filter(case=case).values_list("collected_by_id", flat=True))
    return out


def hearing_moment(day: date, clock: Any) -> datetime:
    """``hearing_date`` + ``hearing_time`` (HH:MM) as an aware datetime in Asia/Shanghai."""
    if isinstance(clock, time):
        t = clock
    else:
        try:
            t = time.fromisoformat(str(clock or "").strip())
        except ValueError:
            raise _err("record.invalid_time", "请填写听证开始时间（HH:MM）", "hearing_time") from None
    return datetime.combine(day, t).replace(tzinfo=SH)


__all__ = [
    "CORRECTION_STATES",
    "RECORD_STATES",
    "RELATIONS",
    "Hearing",
    "correction_order_add",
    "freeze_records",
    "hearing_moment",
    "inquiry_record_add",
    "investigators",
    "record_amend",
    "site_record_add",
]
