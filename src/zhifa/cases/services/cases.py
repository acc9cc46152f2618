"""Case writers: register a case, change its particulars and officers, and take every procedure action.

Every function here is atomic and writes its audit event in the same transaction. Procedure actions
go through :func:`case_act`: build the snapshot, ask ``workflow.check_transition``, write the changes
with ``UPDATE … WHERE version = expected`` (exactly one of two concurrent actors succeeds; the other
gets ``ConflictError("case.version_conflict")``), store the deadlines, write the rows an action adds
(payments, 先行登记保存, the case number) and the audit event with before, after and reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from zhifa.agencies.choices import Role as AgencyRole
from zhifa.agencies.models import Officer
from zhifa.cases import deadlines as dl
from zhifa.cases import workflow as wf
from zhifa.cases.choices import (
    CaseSource,
    CustodyEvent,
    NumberType,
    OfficerRoleInCase,
    PreservationResolution,
)
from zhifa.cases.choices_pure import Action, PartyKind, Procedure, State
from zhifa.cases.models import (
    Case,
    CaseNumberCounter,
    CaseOfficer,
    CasePayment,
    Deadline,
    DecisionRecord,
    Evidence,
    EvidenceCustody,
    EvidencePreservation,
)
from zhifa.cases.services.snapshot import (
    actor_snapshot,
    case_snapshot,
    column_value,
    columns_for,
    jsonable,
    licence_of,
    penalty_from_json,
    policy_for,
)
from zhifa.core.audit import actor_label, audit_record
from zhifa.core.calendar import get_calendar
from zhifa.core.errors import ConflictError, DomainError, NotFound, PermissionDenied
from zhifa.core.permissions import can_see_agency, officer_of, visible_agency_ids

#: states in which the particulars, the officers, the evidence and the assessment may still change
PRE_DECISION_STATES = frozenset(
    {State.DRAFT, State.PENDING_FILING, State.FILED, State.INVESTIGATING, State.UNDER_REVIEW, State.NOTIFIED}
)
EDITABLE_FIELDS = (
    "item_code",
    "violation_date",
    "violation_place",
    "summary",
    "facts",
    "source",
    "vehicle",
    "driver",
    "business_activity",
    "legal_review_flagged",
    "complex_or_major",
)


@dataclass(frozen=True)
class ActResult:
    case: Case
    transition: wf.Transition

    @property
    def warnings(self) -> tuple[wf.Notice, ...]:
        return self.transition.warnings


# ---------------------------------------------------------------------------------------------------
# helpers shared by the case services


def today_or(today: date | None) -> date:
    """The day of the act: today, or an earlier day given by the demo loader and the tests (never later)."""
    real = timezone.localdate()
    if today is None:
        return real
    if today > real:
        raise DomainError("case.invalid_date", "办案日期不能晚于今天", "today")
    return today


def acting_officer(actor) -> Officer:
    officer = officer_of(actor)
    if officer is None:
        raise PermissionDenied("case.role_required", "您的账户未关联执法机构，不能办理案件")
    return officer


def require_licensed_officer(actor, today: date) -> Officer:
    """An enforcement act outside the state machine (register a case, collect evidence, assess)."""
    officer = acting_officer(actor)
    if not officer.has_role(AgencyRole.OFFICER):
        raise PermissionDenied("case.role_required", "该操作需要执法人员权限")
    wf.check_licence(licence_of(officer), today)
    return officer


def case_queryset():
    return Case.objects.select_related("agency").prefetch_related(
        Prefetch("case_officers", queryset=CaseOfficer.objects.select_related("officer")),
        "payments",
        "preservations",
    )


def case_for_write(actor, case) -> Case:
    """The case, fresh from the database, if it lies in the actor's jurisdiction; else NotFound."""
    pk = case.pk if isinstance(case, Case) else case
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("案件")
    obj = case_queryset().filter(pk=pk, agency_id__in=visible_agency_ids(actor)).first()
    if obj is None:
        raise NotFound("案件")
    return obj


def is_assigned(case: Case, officer: Officer) -> bool:
    return any(link.officer_id == officer.pk for link in case.case_officers.all())


def require_case_officer(case: Case, officer: Officer, *, head_may: bool = True) -> None:
    if is_assigned(case, officer):
        return
    if head_may and officer.has_role(AgencyRole.HEAD):
        return
    raise DomainError("case.not_assigned", "您不是本案的承办执法人员", "actor")


def require_pre_decision(case: Case) -> None:
    state = State(case.state)
    if state in {State.CLOSED, State.DISMISSED}:
        raise DomainError("case.locked", "案件已结案或已终止，不能再修改；确需变更的，由负责人说明理由后重新开启")
    if state not in PRE_DECISION_STATES:
        raise DomainError("case.decision_final", "决定已作出，只能通过更正、复议诉讼结果或自行纠错程序变更")


def conditional_update(case: Case, expected: int, **columns: Any) -> None:
    """``UPDATE case SET …, version = expected + 1 WHERE id = … AND version = expected``."""
    columns["version"] = expected + 1
    columns["updated_at"] = timezone.now()
    if Case.objects.filter(pk=case.pk, version=expected).update(**columns) != 1:
        current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first()
        raise ConflictError(
            "case.version_conflict",
            f"案件已被他人修改（您看到的是第{expected}版，当前为第{current}版），请刷新后重试",
            "version",
        )
    for name, value in columns.items():
        setattr(case, name, value)


def _catalog_item(code: str, region: str, on: date) -> str:
    """The name of catalog item ``code`` in force in ``region`` on ``on``."""
    from zhifa.catalog.powerlist import power_list

    for row in power_list(region, on):
        if row.code == code:
            return row.name
    raise DomainError("case.unknown_item", f"处罚事项“{code}”不存在或在{on.isoformat()}不适用于本辖区", "item_code")


def _party(actor, model, value, field: str, label: str):
    if value in (None, ""):
        return None
    obj = value if isinstance(value, model) else model.objects.filter(pk=value).first()
    if obj is None or not can_see_agency(actor, obj.agency_id):
        raise DomainError("case.party_not_found", f"{label}不存在或不在您的辖区内", field)
    return obj


def _check_limitation(violation_date: date, today: date, calendar, *, extended: bool) -> None:
    if violation_date > today:
        raise DomainError("case.invalid_date", "违法行为发生日不能晚于今天", "violation_date")
    rule = "limitation_extended" if extended else "limitation"
    due = dl.compute(rule, violation_date, calendar=calendar).due
    if today > due:
        raise DomainError(
            "case.limitation_expired",
            f"违法行为在{due.isoformat()}前未被发现，依法不再给予行政处罚（《中华人民共和国行政处罚法》第三十六条）",
            "violation_date",
        )


# ---------------------------------------------------------------------------------------------------
# register and change a case


@transaction.atomic
def case_create(
    *,
    actor,
    procedure: str,
    item_code: str,
    violation_date: date,
    enterprise=None,
    person=None,
    vehicle=None,
    driver=None,
    facts: dict[str, Any] | None = None,
    violation_place: str = "",
    summary: str = "",
    source: str = CaseSource.INSPECTION,
    officers: list | tuple = (),
    business_activity: bool = False,
    legal_review_flagged: bool = False,
    complex_or_major: bool = False,
    limitation_extended: bool = False,
    external_ref: str = "",
    today: date | None = None,
) -> Case:
    """Register a case (登记, state ``draft``) with the actor as the lead officer and ``officers`` as the
    others. The case number is issued later: on filing (general) or on the on-the-spot decision."""
    today = today_or(today)
    officer = require_licensed_officer(actor, today)
    agency = officer.agency
    try:
        procedure = Procedure(procedure)
    except ValueError:
        raise DomainError("case.param_required", "请选择简易程序或普通程序", "procedure") from None
    if source not in CaseSource.values:
        raise DomainError("case.param_required", "案件来源无效", "source")
    if not isinstance(violation_date, date):
        raise DomainError("case.invalid_date", "请填写违法行为发生日", "violation_date")
    _check_limitation(violation_date, today, get_calendar(), extended=limitation_extended)
    item_name = _catalog_item(item_code, agency.region_code, violation_date)
    from zhifa.parties.models import Driver, Enterprise, Person, Vehicle

    enterprise = _party(actor, Enterprise, enterprise, "enterprise", "企业")
    person = _party(actor, Person, person, "person", "自然人")
    if (enterprise is None) == (person is None):
        raise DomainError("case.party_required", "请指定一个当事人（企业或自然人）", "party")
    vehicle = _party(actor, Vehicle, vehicle, "vehicle", "车辆")
    driver = _party(actor, Driver, driver, "driver", "驾驶员")
    if facts is not None and not isinstance(facts, dict):
        raise DomainError("case.invalid_facts", "裁量事实格式无效", "facts")
    external_ref = (external_ref or "").strip()[:100]
    if external_ref and Case.objects.filter(agency=agency, external_ref=external_ref).exists():
        raise DomainError("case.duplicate_ref", f"来源编号“{external_ref}”已立有案件", "external_ref")

    team = [officer]
    for o in officers:
        other = o if isinstance(o, Officer) else Officer.objects.filter(pk=o).first()
        if other is None or other.agency_id != agency.pk or not other.has_role(AgencyRole.OFFICER):
            raise DomainError("case.officer_invalid", "承办人员须为本机构的执法人员", "officers")
        if other.pk not in {t.pk for t in team}:
            team.append(other)

    case = Case.objects.create(
        agency=agency,
        procedure=procedure,
        state=State.DRAFT,
        source=source,
        external_ref=external_ref,
        item_code=item_code,
        item_name=item_name,
        violation_date=violation_date,
        violation_place=violation_place.strip(),
        summary=summary.strip(),
        facts=dict(facts or {}),
        business_activity=business_activity,
        legal_review_flagged=legal_review_flagged,
        complex_or_major=complex_or_major,
        party_kind=PartyKind.ORGANISATION if enterprise else PartyKind.PERSON,
        enterprise=enterprise,
        person=person,
        vehicle=vehicle,
        driver=driver,
        party_name=(enterprise or person).name,
        plate=vehicle.plate if vehicle else "",
        created_by=actor,
    )
    CaseOfficer.objects.bulk_create(
        [
            CaseOfficer(case=case, officer=o, role=OfficerRoleInCase.LEAD if i == 0 else OfficerRoleInCase.ASSIST)
            for i, o in enumerate(team)
        ]
    )
    audit_record(
        actor=actor,
        event_code="case.created",
        obj=case,
        after={
            "procedure": str(procedure),
            "item_code": item_code,
            "party": case.party_name,
            "party_kind": case.party_kind,
            "vehicle": case.plate,
            "violation_date": violation_date.isoformat(),
            "officers": [o.pk for o in team],
            "facts": case.facts,
        },
    )
    return case


@transaction.atomic
def case_update(*, actor, case, data: dict[str, Any], version: int | None = None, today: date | None = None) -> Case:
    """Change the particulars of a case before the decision (facts, place, vehicle, flags …)."""
    today = today_or(today)
    obj = case_for_write(actor, case)
    officer = acting_officer(actor)
    require_pre_decision(obj)
    flags_only = set(data) <= {"legal_review_flagged", "complex_or_major"}
    if flags_only and officer.has_role(AgencyRole.HEAD, AgencyRole.LEGAL_REVIEWER):
        pass  # the head or the legal reviewer may mark a case for review or collective discussion
    else:
        require_licensed_officer(actor, today)
        require_case_officer(obj, officer)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError("case.field_not_editable", f"不能修改：{'、'.join(sorted(unknown))}", sorted(unknown)[0])
    from zhifa.parties.models import Driver, Vehicle

    columns: dict[str, Any] = {}
    for name, value in data.items():
        if name == "item_code":
            if State(obj.state) not in {State.DRAFT, State.PENDING_FILING, State.FILED, State.INVESTIGATING}:
                raise DomainError("case.decision_final", "告知后不能更改处罚事项", "item_code")
            columns["item_name"] = _catalog_item(value, obj.agency.region_code, obj.violation_date or today)
        elif name == "violation_date":
            if not isinstance(value, date):
                raise DomainError("case.invalid_date", "请填写违法行为发生日", "violation_date")
            _check_limitation(value, today, get_calendar(), extended=False)
        elif name == "vehicle":
            value = _party(actor, Vehicle, value, "vehicle", "车辆")
            columns["plate"] = value.plate if value else ""
        elif name == "driver":
            value = _party(actor, Driver, value, "driver", "驾驶员")
        elif name == "facts":
            if not isinstance(value, dict):
                raise DomainError("case.invalid_facts", "裁量事实格式无效", "facts")
        elif name == "source" and value not in CaseSource.values:
            raise DomainError("case.param_required", "案件来源无效", "source")
        elif name in {"violation_place", "summary"}:
            value = str(value or "").strip()
        elif name in {"business_activity", "legal_review_flagged", "complex_or_major"}:
            value = bool(value)
        columns[name] = value
    before = {k: _plain(getattr(obj, k if k not in {"vehicle", "driver"} else f"{k}_id")) for k in data}
    conditional_update(obj, obj.version if version is None else version, **columns)
    after = {k: _plain(getattr(obj, k if k not in {"vehicle", "driver"} else f"{k}_id")) for k in data}
    changed = sorted(k for k in data if before[k] != after[k])
    audit_record(
        actor=actor,
        event_code="case.updated",
        obj=obj,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return obj


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    return jsonable(value)


@transaction.atomic
def case_assign_officers(
    *, actor, case, officer_ids: list[int], lead_id: int | None = None, version: int | None = None
) -> Case:
    """Set the officers of a case (承办人员) before the decision: the head, or the lead officer."""
    obj = case_for_write(actor, case)
    officer = acting_officer(actor)
    require_pre_decision(obj)
    lead = next((link for link in obj.case_officers.all() if link.role == OfficerRoleInCase.LEAD), None)
    if not officer.has_role(AgencyRole.HEAD) and (lead is None or lead.officer_id != officer.pk):
        raise DomainError("case.role_required", "只有负责人或主办人员可以调整承办人员", "actor")
    ids = list(dict.fromkeys(int(i) for i in officer_ids))
    if not ids:
        raise DomainError("case.officer_invalid", "至少指定一名承办人员", "officers")
    lead_id = int(lead_id) if lead_id is not None else ids[0]
    if lead_id not in ids:
        raise DomainError("case.officer_invalid", "主办人员须在承办人员之中", "lead_id")
    team = {o.pk: o for o in Officer.objects.filter(pk__in=ids, agency_id=obj.agency_id).prefetch_related("role_links")}
    if len(team) != len(ids) or any(not o.has_role(AgencyRole.OFFICER) for o in team.values()):
        raise DomainError("case.officer_invalid", "承办人员须为本机构的执法人员", "officers")
    before = sorted((link.officer_id, link.role) for link in obj.case_officers.all())
    conditional_update(obj, obj.version if version is None else version)
    CaseOfficer.objects.filter(case=obj).delete()
    CaseOfficer.objects.bulk_create(
        [
            CaseOfficer(
                case=obj, officer_id=i, role=OfficerRoleInCase.LEAD if i == lead_id else OfficerRoleInCase.ASSIST
            )
            for i in ids
        ]
    )
    audit_record(
        actor=actor,
        event_code="case.officers_assigned",
        obj=obj,
        before={"officers": [list(x) for x in before]},
        after={"officers": [[i, "lead" if i == lead_id else "assist"] for i in ids]},
    )
    return obj


# ---------------------------------------------------------------------------------------------------
# the assessment a penalty must match


def current_assessment(case: Case) -> DecisionRecord | None:
    return DecisionRecord.objects.filter(case=case, current=True).first()


def assessment_penalty(record: DecisionRecord | None) -> wf.Penalty | None:
    """The penalty the current assessment gives (the amount the officer chose)."""
    if record is None or not record.sanctions:
        return None
    confiscation = 0
    if {"confiscate_income", "confiscate_property"} & set(record.sanctions):
        confiscation = int(record.facts.get("illegal_income_yuan") or 0)
    return wf.Penalty(
        frozenset(record.sanctions), fine_yuan=record.chosen_fine_yuan or 0, confiscation_yuan=confiscation
    )


def _penalty_matches_assessment(case: Case, penalty: wf.Penalty | None, *, required: bool) -> wf.Penalty | None:
    """Every amount notified or decided comes from the discretion record (the engine's Decision and the
    amount the officer chose, with a reason when it is not the proposed one)."""
    record = current_assessment(case)
    expected = assessment_penalty(record)
    if record is None:
        if required:
            raise DomainError("case.assessment_required", "请先按裁量基准计算处罚（裁量记录）", "penalty")
        return penalty
    if expected is None:
        raise DomainError(
            "case.penalty_differs_from_assessment",
            f"裁量结论为“{record.decision.get('outcome_label', record.engine_outcome)}”，不能据此给予行政处罚",
            "penalty",
        )
    if penalty is None:
        return expected
    if penalty != expected:
        raise DomainError(
            "case.penalty_differs_from_assessment",
            f"处罚内容与裁量记录不一致（裁量记录：罚款{expected.fine_yuan}元）；如需调整金额，请重新裁量并说明理由",
            "penalty",
        )
    return penalty


# ---------------------------------------------------------------------------------------------------
# procedure actions


def _prepare(action: Action, case: Case, snap: wf.CaseSnapshot, params: dict[str, Any]) -> None:
    """Defaults and the shell's own checks before the state machine sees the parameters."""
    if action is Action.NOTIFY:
        params["penalty"] = _penalty_matches_assessment(case, params.get("penalty"), required=True)
        record = current_assessment(case)
        if not params.get("facts") and case.summary:
            params["facts"] = case.summary
        if not params.get("basis") and record is not None:
            params["basis"] = "；".join(p.get("citation", "") for p in record.decision.get("basis", []))
        if not params.get("reasons") and record is not None and record.decision.get("trace"):
            params["reasons"] = record.decision["trace"][-1].get("result", "")
    elif action is Action.DECIDE_ON_THE_SPOT:
        params["penalty"] = _penalty_matches_assessment(case, params.get("penalty"), required=True)
    elif action is Action.DECIDE and str(params.get("outcome")) == "penalty":
        # by default the penalty of the current assessment (lighter after a statement: assess again
        # with a reason); the workflow then refuses anything heavier than what was notified
        if params.get("penalty") is None:
            params["penalty"] = assessment_penalty(current_assessment(case)) or snap.notified_penalty
        _penalty_matches_assessment(case, params.get("penalty"), required=False)
    elif action is Action.RECORD_LEGAL_REVIEW and "penalty" not in params:
        default = snap.notified_penalty or assessment_penalty(current_assessment(case))
        if default is not None:
            params["penalty"] = default
    elif action is Action.PRESERVE_EVIDENCE:
        if not str(params.get("items") or "").strip():
            raise DomainError("case.param_required", "请填写先行登记保存的物品清单", "items")
    elif action is Action.RESOLVE_PRESERVATION:
        if params.get("resolution") not in PreservationResolution.values:
            raise DomainError("case.param_required", "请选择对登记保存物品的处理决定", "resolution")
    elif action is Action.SCHEDULE_HEARING:
        _prepare_hearing(case, params)
    elif action is Action.RECORD_HEARING and params.get("result") == "held":
        needed = (("party_arguments", "当事人在听证中提出的主要意见"), ("weighing", "对当事人意见的审查意见"))
        for name, label in needed:
            if not str(params.get(name) or "").strip():
                raise DomainError("case.param_required", f"请填写{label}（听证笔录摘要，决定书据此说理）", name)
        if not str(params.get("record_reference") or "").strip():
            params["record_reference"] = f"{case.number}听证笔录"


def _prepare_hearing(case: Case, params: dict[str, Any]) -> None:
    """The arrangement the 听证通知书 tells: time, place, a host who did not investigate the case, a
    clerk, public or not (第六十四条第一款第（二）至（四）项). The 7-day notice is the workflow's."""
    from zhifa.cases.services.records import hearing_moment, investigators

    if params.get("presiding_officer_id"):
        pid = str(params["presiding_officer_id"])
        if not pid.isdigit() or not Officer.objects.filter(pk=int(pid), agency_id=case.agency_id).exists():
            raise DomainError("case.param_required", "听证主持人须为本机构人员", "presiding_officer_id")
        params["presiding_officer_id"] = pid
        if int(pid) in investigators(case):
            raise DomainError(
                "case.presiding_officer_conflict",
                "听证由非本案调查人员主持（第六十四条第一款第（四）项）：该人员参与了本案的调查、询问、检查或取证",
                "presiding_officer_id",
            )
    if isinstance(params.get("hearing_date"), date):
        hearing_moment(params["hearing_date"], params.get("hearing_time"))
    if not str(params.get("place") or "").strip():
        raise DomainError("case.param_required", "请填写听证地点", "place")
    public = params.get("public", True)
    params["public"] = public if isinstance(public, bool) else str(public).lower() not in ("false", "0", "否", "")
    if not params["public"] and not str(params.get("not_public_reason") or "").strip():
        raise DomainError(
            "case.param_required",
            "听证公开举行；涉及国家秘密、商业秘密或者个人隐私不公开的，请写明理由（第六十四条第一款第（三）项）",
            "not_public_reason",
        )
    if params.get("clerk_officer_id"):
        cid = str(params["clerk_officer_id"])
        if not cid.isdigit() or not Officer.objects.filter(pk=int(cid), agency_id=case.agency_id).exists():
            raise DomainError("case.param_required", "书记员须为本机构人员", "clerk_officer_id")
        if cid == str(params.get("presiding_officer_id")):
            raise DomainError("case.param_required", "书记员与主持人应为不同人员", "clerk_officer_id")
        params["clerk_officer_id"] = cid


def _number(case: Case, on: date, number_type: str) -> None:
    """Issue the next case number of the agency, year and type (gap-free: see CaseNumberCounter)."""
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
        agency_id=case.agency_id, year=on.year, number_type=number_type
    )
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    agency = case.agency
    try:
        number = agency.case_number_pattern.format(
            short=agency.short_name, year=on.year, seq=counter.last_seq, type=number_type
        )
    except (KeyError, IndexError, ValueError) as e:
        raise DomainError("case.number_pattern_invalid", f"本机构的案号格式无效：{agency.case_number_pattern}（{e}）")
    Case.objects.filter(pk=case.pk).update(
        number=number, number_type=number_type, number_year=on.year, number_seq=counter.last_seq
    )
    case.number, case.number_type, case.number_year, case.number_seq = number, number_type, on.year, counter.last_seq


def _next_due(running: list[dl.DeadlineResult]) -> tuple[date | None, str]:
    obligations = [r for r in running if dl.agency_obligation(r.rule)]
    if not obligations:
        return None, ""
    first = min(obligations, key=lambda r: r.due)
    return first.due, first.rule


def store_deadlines(case: Case, running: list[dl.DeadlineResult], started: tuple[dl.DeadlineResult, ...] = ()) -> None:
    """Keep the case's Deadline rows equal to the deadlines running now; close the others. Deadlines an
    action started that do not run in a state (hearing notice, withdrawal, cash hand-over) are kept
    untracked, for the record."""
    now = timezone.now()
    wanted = {(r.rule, r.start): r for r in running}
    for row in Deadline.objects.filter(case=case, closed_at=None, tracked=True):
        result = wanted.pop((row.rule, row.start), None)
        if result is None:
            row.closed_at = now
            row.save(update_fields=["closed_at"])
        elif row.due != result.due or row.label != result.label or row.basis != result.basis[:200]:
            row.due, row.label, row.basis = result.due, result.label, result.basis[:200]
            row.save(update_fields=["due", "label", "basis"])
    running_rules = {r.rule for r in running}
    rows = [_deadline_row(case, r, tracked=True) for r in wanted.values()]
    rows += [_deadline_row(case, r, tracked=False) for r in started if r.rule not in running_rules]
    Deadline.objects.bulk_create(rows)


def _deadline_row(case: Case, r: dl.DeadlineResult, *, tracked: bool) -> Deadline:
    return Deadline(
        case=case,
        rule=r.rule,
        label=r.label,
        start=r.start,
        due=r.due,
        counting=str(r.counting),
        direction=str(r.direction),
        basis=r.basis[:200],
        tracked=tracked,
    )


def _freeze_evidence(case: Case, actor) -> None:
    now = timezone.now()
    pending = list(Evidence.objects.filter(case=case, frozen_at=None).values_list("pk", flat=True))
    if not pending:
        return
    Evidence.objects.filter(pk__in=pending).update(frozen_at=now)
    label = actor_label(actor)
    EvidenceCustody.objects.bulk_create(
        [
            EvidenceCustody(evidence_id=pk, event=CustodyEvent.FROZEN, actor=actor, actor_label=label, note="作出决定")
            for pk in pending
        ]
    )


def _rows_after(action: Action, case: Case, before: wf.CaseSnapshot, after: wf.CaseSnapshot, params, t, actor, today):
    """The rows an action adds besides the case columns."""
    if action in (Action.RECORD_PAYMENT, Action.COLLECT_ON_THE_SPOT):
        CasePayment.objects.bulk_create(
            [
                CasePayment(
                    case=case,
                    paid_on=p.paid_on,
                    amount_yuan=p.amount_yuan,
                    on_the_spot=action is Action.COLLECT_ON_THE_SPOT,
                    receipt_no=str(params.get("receipt_no") or "")[:60],
                    recorded_by=actor,
                )
                for p in after.payments[len(before.payments) :]
            ]
        )
    elif action is Action.PRESERVE_EVIDENCE:
        [day] = [d for d in after.open_preservations if d not in before.open_preservations] or [
            after.open_preservations[-1]
        ]
        due = next(r.due for r in t.deadlines if r.rule == "preservation")
        EvidencePreservation.objects.create(
            case=case,
            preserved_on=day,
            approved_by=str(params.get("approved_by"))[:100],
            items=str(params.get("items")).strip(),
            storage_place=str(params.get("storage_place") or "")[:200],
            due=due,
            created_by=actor,
        )
    elif action is Action.RESOLVE_PRESERVATION:
        remaining = list(after.open_preservations)
        resolved = None
        for day in before.open_preservations:
            if day in remaining:
                remaining.remove(day)
            else:
                resolved = day
        row = (
            EvidencePreservation.objects.filter(case=case, preserved_on=resolved, resolved_on=None)
            .order_by("id")
            .first()
        )
        if row is not None:
            row.resolved_on = today
            row.resolution = params["resolution"]
            row.resolution_note = str(params.get("note") or "")[:300]
            row.save(update_fields=["resolved_on", "resolution", "resolution_note"])
    if action is Action.FILE:
        _number(case, after.filed_on, NumberType.GENERAL)
    elif action is Action.DECIDE_ON_THE_SPOT:
        _number(case, after.decided_on, NumberType.SUMMARY)
    if action in (Action.DECIDE, Action.DECIDE_ON_THE_SPOT):
        from zhifa.cases.services.records import freeze_records

        _freeze_evidence(case, actor)
        freeze_records(case, timezone.now())
    if action is Action.SCHEDULE_HEARING:
        _hearing_arranged(case, after, params, actor)
    elif action is Action.RECORD_HEARING:
        _hearing_recorded(case, params, today)


def _hearing_arranged(case: Case, after: wf.CaseSnapshot, params: dict[str, Any], actor) -> None:
    from zhifa.cases.models import Hearing
    from zhifa.cases.services.records import hearing_moment

    clerk = params.get("clerk_officer_id")
    Hearing.objects.update_or_create(
        case=case,
        defaults={
            "requested_on": after.hearing_requested_on,
            "hearing_at": hearing_moment(after.hearing_date, params.get("hearing_time")),
            "place": str(params.get("place")).strip()[:200],
            "host_id": int(params["presiding_officer_id"]),
            "clerk_id": int(clerk) if clerk else None,
            "public": params["public"],
            "not_public_reason": "" if params["public"] else str(params.get("not_public_reason")).strip()[:200],
            "notice_on": after.hearing_notice_on,
            "created_by": actor,
        },
    )


def _hearing_recorded(case: Case, params: dict[str, Any], today: date) -> None:
    from zhifa.cases.models import Hearing

    row = Hearing.objects.filter(case=case).first()
    if row is None:  # scheduled before the arrangement was recorded: nothing to add the record to
        return
    held = params.get("result") == "held"
    row.held, row.absent, row.recorded_on = held, not held, today
    row.record_reference = str(params.get("record_reference") or "")[:100]
    if held:
        row.participants = str(params.get("participants") or "").strip()[:300]
        row.party_arguments = str(params.get("party_arguments") or "").strip()
        row.weighing = str(params.get("weighing") or "").strip()
        row.record_summary = str(params.get("record_summary") or "").strip()
    row.save()


def _record(params: dict[str, Any], officer: Officer, today: date) -> dict[str, Any]:
    out = {k: jsonable(v) for k, v in params.items() if k != "version"}
    out["on"] = today.isoformat()
    out["by"] = officer.name
    return out


def case_act(
    *,
    actor,
    case,
    action: str,
    params: dict[str, Any] | None = None,
    version: int | None = None,
    today: date | None = None,
) -> ActResult:
    """Take procedure ``action`` on ``case``. ``params`` hold Python values (see ``cases.params``);
    ``version`` is the version the actor saw (optimistic lock), by default the current one."""
    today = today_or(today)
    try:
        act = Action(action)
    except ValueError:
        raise DomainError("case.unknown_action", f"未知的操作：{action}", "action") from None
    officer = acting_officer(actor)
    params = dict(params or {})
    if version is not None:
        params["version"] = version
    with transaction.atomic():
        obj = case_for_write(actor, case)
        snap = case_snapshot(obj)
        expected = int(params.get("version", obj.version))
        params["version"] = expected
        policy, calendar = policy_for(obj.agency), get_calendar()
        _prepare(act, obj, snap, params)
        t = wf.check_transition(
            snap, act, actor_snapshot(actor, officer), params, today, policy=policy, calendar=calendar
        )
        new = wf.apply(snap, t)
        running = wf.case_deadlines(new, today, policy, calendar)
        next_due, next_rule = _next_due(running)
        columns = columns_for(dict(t.changes))
        records = dict(obj.records)
        records[str(act)] = _record(params, officer, today)
        columns.update(state=str(t.target), next_due=next_due, next_due_rule=next_rule, records=records)
        if "decided_penalty" in t.changes:
            columns["fine_yuan"] = new.decided_penalty.fine_yuan if new.decided_penalty else None
        before = {"state": str(snap.state), "version": snap.version}
        before.update({k: column_value(k, getattr(snap, k)) for k in t.changes})
        conditional_update(obj, expected, **columns)
        _rows_after(act, obj, snap, new, params, t, actor, today)
        store_deadlines(obj, running, t.deadlines)
        audit_record(
            actor=actor,
            event_code=t.event,
            obj=obj,
            before=jsonable(before),
            after={
                "state": str(t.target),
                "version": obj.version,
                "changes": jsonable({k: column_value(k, v) for k, v in t.changes.items()}),
                "params": jsonable({k: v for k, v in params.items() if k != "version"}),
                "deadlines": [{"rule": r.rule, "due": r.due.isoformat()} for r in t.deadlines],
                "warnings": [w.code for w in t.warnings],
                "policy": policy.jurisdiction,
            },
            reason=t.reason or "",
        )
    return ActResult(obj, t)


def case_refresh_deadlines(*, case: Case, today: date | None = None) -> None:
    """Recompute the stored deadlines of a case (a new calendar year entered, instalments falling due).
    Not a change of the case: no version bump and no audit event."""
    today = today_or(today)
    with transaction.atomic():
        obj = case_queryset().get(pk=case.pk if isinstance(case, Case) else case)
        snap = case_snapshot(obj)
        running = wf.case_deadlines(snap, today, policy_for(obj.agency), get_calendar())
        next_due, next_rule = _next_due(running)
        Case.objects.filter(pk=obj.pk).update(next_due=next_due, next_due_rule=next_rule)
        store_deadlines(obj, running)


# named entry points for the actions other apps call most (documents, off-site)


def case_file(*, actor, case, version: int | None = None, **params) -> ActResult:
    """批准立案 (the head): the case number is issued and the 90-day decision period starts."""
    return case_act(actor=actor, case=case, action=Action.FILE, params=params, version=version)


def case_notify(*, actor, case, version: int | None = None, **params) -> ActResult:
    return case_act(actor=actor, case=case, action=Action.NOTIFY, params=params, version=version)


def case_decide(*, actor, case, version: int | None = None, **params) -> ActResult:
    return case_act(actor=actor, case=case, action=Action.DECIDE, params=params, version=version)


def case_serve(*, actor, case, version: int | None = None, **params) -> ActResult:
    return case_act(actor=actor, case=case, action=Action.SERVE, params=params, version=version)


def case_close(*, actor, case, version: int | None = None, **params) -> ActResult:
    return case_act(actor=actor, case=case, action=Action.CLOSE, params=params, version=version)


__all__ = [
    "PRE_DECISION_STATES",
    "ActResult",
    "assessment_penalty",
    "case_act",
    "case_assign_officers",
    "case_close",
    "case_create",
    "case_decide",
    "case_file",
    "case_notify",
    "case_refresh_deadlines",
    "case_serve",
    "case_update",
    "current_assessment",
    "penalty_from_json",
]
