"""/api/v1/cases: list with filters, detail, registration, actions (with the version seen), assessment,
deadlines, timeline and evidence (upload, and download through a permission check — never a file URL).

Errors are ``{code, message, field}``: 404 for a case outside the jurisdiction, 409 for a version
conflict, 403 for a missing role, 400 for a refused action (with the workflow's reason code).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from zhifa.cases.params import coerce_params, parse_date
from zhifa.cases.presenters import (
    case_detail,
    case_records,
    case_row,
    correction_row,
    deadlines_list,
    evidence_row,
    inquiry_row,
    record_dict,
    site_row,
)
from zhifa.cases.selectors import (
    CappedPaginator,
    allowed_actions,
    case_get,
    case_list,
    case_timeline,
    dashboard_summary,
    deviation_list,
)
from zhifa.cases.services import (
    case_act,
    case_assess,
    case_assign_officers,
    case_create,
    case_update,
    evidence_open,
    evidence_upload,
    evidence_verify,
)
from zhifa.cases.services.records import (
    RECORD_RELATIONS,
    correction_order_add,
    inquiry_record_add,
    record_amend,
    site_record_add,
)
from zhifa.core.errors import NotFound
from zhifa.core.permissions import officer_of

router = Router(tags=["案件"])


class PageOut(Schema):
    count: int
    count_capped: bool = False  # more than ``count`` rows match (archives): narrow the filter
    page: int
    pages: int
    results: list[dict[str, Any]]


class CaseIn(Schema):
    procedure: str
    item_code: str
    violation_date: date
    enterprise: int | None = None
    person: int | None = None
    vehicle: int | None = None
    driver: int | None = None
    facts: dict[str, Any] = {}
    violation_place: str = ""
    summary: str = ""
    source: str = "inspection"
    officers: list[int] = []
    business_activity: bool = False


class CaseUpdateIn(Schema):
    data: dict[str, Any]
    version: int


class ActionIn(Schema):
    version: int
    params: dict[str, Any] = {}


class OfficersIn(Schema):
    officer_ids: list[int]
    lead_id: int | None = None
    version: int


class AssessIn(Schema):
    facts: dict[str, Any] | None = None
    chosen_fine_yuan: int | None = None
    reason: str = ""
    version: int | None = None


def _detail(request, pk: int) -> dict[str, Any]:
    today = timezone.localdate()
    case = case_get(user=request.user, pk=pk)
    return case_detail(case, today, allowed_actions(user=request.user, case=case, today=today))


@router.get("", response=PageOut, summary="案件列表（按状态、事项、承办人、逾期筛选）")
def list_cases(
    request,
    state: str = "",
    item: str = "",
    officer: int | None = None,
    overdue: bool = False,
    q: str = "",
    order: str = "due",
    page: int = 1,
    page_size: int = 50,
):
    today = timezone.localdate()
    qs = case_list(user=request.user, state=state, item=item, officer=officer, overdue=overdue, q=q, order=order)
    paginator = CappedPaginator(qs, min(max(page_size, 1), 200))
    p = paginator.get_page(page)
    return {
        "count": paginator.count,
        "count_capped": paginator.count_capped,
        "page": p.number,
        "pages": paginator.num_pages,
        "results": [case_row(c, today) for c in p.object_list],
    }


@router.get("/dashboard", summary="工作台统计：在办案件、逾期、今日到期、待审批")
def dashboard(request):
    s = dashboard_summary(user=request.user)
    return {
        "open_total": s.open_total,
        "overdue": s.overdue,
        "due_today": s.due_today,
        "due_soon": s.due_soon,
        "approvals": s.approvals,
        "by_state": {value: n for value, _label, _colour, n in s.by_state},
    }


@router.get("/deviations", summary="采用金额不同于裁量建议金额的案件及理由（监督）")
def deviations(request, limit: int = 100):
    rows = deviation_list(user=request.user)[: min(max(limit, 1), 500)]
    return [
        {
            "case": r.case_id,
            "number": r.case.number,
            "item": r.item_code,
            "proposed_fine_yuan": r.proposed_fine_yuan,
            "chosen_fine_yuan": r.chosen_fine_yuan,
            "range": [r.fine_min_yuan, r.fine_max_yuan],
            "reason": r.deviation_reason,
            "by": str(r.created_by),
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]


@router.post("", response={201: dict}, summary="登记案件")
def create_case(request, payload: CaseIn):
    case = case_create(actor=request.user, **payload.dict())
    return Status(201, _detail(request, case.pk))


@router.get("/{pk}", summary="案件详情（含可执行的操作、期限、证据、裁量记录）")
def get_case(request, pk: int):
    return _detail(request, pk)


@router.patch("/{pk}", summary="修改案件信息（决定前；带版本号）")
def update_case(request, pk: int, payload: CaseUpdateIn):
    data = dict(payload.data)
    if data.get("violation_date"):
        data["violation_date"] = parse_date(data["violation_date"], "violation_date")
    case_update(actor=request.user, case=pk, data=data, version=payload.version)
    return _detail(request, pk)


@router.put("/{pk}/officers", summary="调整承办人员（负责人或主办人员；决定前；带版本号）")
def assign_officers(request, pk: int, payload: OfficersIn):
    case_assign_officers(
        actor=request.user, case=pk, officer_ids=payload.officer_ids, lead_id=payload.lead_id, version=payload.version
    )
    return _detail(request, pk)


@router.get("/{pk}/actions", summary="当前状态下可执行的操作（不可执行的附原因）")
def list_actions(request, pk: int):
    return _detail(request, pk)["actions"]


@router.post("/{pk}/actions/{action}", summary="执行办案操作（须带当前版本号，防止并发覆盖）")
def take_action(request, pk: int, action: str, payload: ActionIn):
    result = case_act(
        actor=request.user, case=pk, action=action, params=coerce_params(payload.params), version=payload.version
    )
    data = _detail(request, pk)
    data["warnings"] = [{"code": w.code, "message": w.message} for w in result.warnings]
    data["event"] = result.transition.event
    return data


@router.post("/{pk}/assess", summary="按裁量基准计算处罚（偏离建议金额须说明理由）")
def assess(request, pk: int, payload: AssessIn):
    record = case_assess(
        actor=request.user,
        case=pk,
        facts=payload.facts,
        chosen_fine_yuan=payload.chosen_fine_yuan,
        reason=payload.reason,
        version=payload.version,
    )
    return record_dict(record)


@router.get("/{pk}/deadlines", summary="期限（进行中、备查、已结束）")
def deadlines(request, pk: int):
    return deadlines_list(case_get(user=request.user, pk=pk), timezone.localdate())


@router.get("/{pk}/timeline", summary="执法全过程记录（本案的审计事件）")
def timeline(request, pk: int):
    case = case_get(user=request.user, pk=pk)
    return [
        {
            "seq": e.seq,
            "at": e.created_at.isoformat(),
            "actor": e.actor_label,
            "event": e.event_code,
            "reason": e.reason,
            "after": e.after,
            "hash": e.hash,
        }
        for e in case_timeline(user=request.user, case=case)
    ]


@router.get("/{pk}/evidence", summary="证据列表")
def list_evidence(request, pk: int):
    case = case_get(user=request.user, pk=pk)
    return [evidence_row(ev) for ev in case.evidence.all()]


@router.post("/{pk}/evidence", response={201: dict}, summary="上传证据（类型按内容识别，大小受限）")
def upload_evidence(
    request,
    pk: int,
    file: File[UploadedFile],
    kind: Form[str],
    title: Form[str],
    collected_at: Form[datetime],
    collected_place: Form[str],
    description: Form[str] = "",
    collected_by: Form[int | None] = None,
):
    if timezone.is_naive(collected_at):
        collected_at = timezone.make_aware(collected_at)
    ev = evidence_upload(
        actor=request.user,
        case=pk,
        file=file,
        kind=kind,
        title=title,
        collected_at=collected_at,
        collected_place=collected_place,
        description=description,
        collected_by=collected_by,
    )
    return Status(201, evidence_row(ev))


@router.get("/{pk}/evidence/{evidence_id}/file", summary="下载证据文件（校验完整性，记录保管链和审计）")
def download_evidence(request, pk: int, evidence_id: int):
    opened = evidence_open(actor=request.user, evidence=evidence_id)
    if opened.evidence.case_id != pk:
        raise NotFound("证据")
    response = FileResponse(
        open(opened.path, "rb"),  # FileResponse closes it
        content_type=opened.content_type,
        as_attachment=True,
        filename=opened.download_name,
    )
    response["X-Evidence-SHA256"] = opened.evidence.sha256
    return response


@router.post("/{pk}/evidence/{evidence_id}/verify", summary="校验证据文件的 SHA-256")
def verify_evidence(request, pk: int, evidence_id: int):
    case = case_get(user=request.user, pk=pk)
    ev = case.evidence.filter(pk=evidence_id).first()
    if ev is None:
        raise NotFound("证据")
    ok = evidence_verify(actor=request.user, evidence=ev)
    return {"ok": ok, "sha256": ev.sha256}


# ---------------------------------------------------------------------------------------------------
# records: 询问笔录、现场笔录、责令改正 (the hearing is arranged and recorded through the actions
# schedule_hearing and record_hearing)


class RecordIn(Schema):
    version: int
    data: dict[str, Any]


def _on_team(user, case) -> bool:
    officer = officer_of(user)
    return officer is not None and (
        officer.has_role("head") or any(link.officer_id == officer.pk for link in case.case_officers.all())
    )


@router.get("/{pk}/records", summary="笔录、听证与责令改正（证件号码和电话已遮盖；非本案人员不显示问答）")
def list_records(request, pk: int):
    case = case_get(user=request.user, pk=pk)
    return case_records(case, team=_on_team(request.user, case))


_RECORDS = {
    "inquiry": (inquiry_record_add, lambda r: inquiry_row(r, team=True)),
    "site": (site_record_add, site_row),
    "correction": (correction_order_add, correction_row),
}


@router.post(
    "/{pk}/records/{kind}",
    response={201: dict},
    summary="制作询问笔录（inquiry）、现场笔录（site）或责令改正（correction）；须带当前版本号",
)
def add_record(request, pk: int, kind: str, payload: RecordIn):
    if kind not in _RECORDS:
        raise NotFound("记录种类")
    add, show = _RECORDS[kind]
    data = {k: v for k, v in payload.data.items() if k not in {"actor", "case", "version", "today"}}
    row = add(actor=request.user, case=pk, version=payload.version, **data)
    return Status(201, show(row))


@router.patch("/{pk}/records/{kind}/{seq}", summary="更正笔录或责令改正（决定前；须带当前版本号；审计保留原内容）")
def amend_record(request, pk: int, kind: str, seq: int, payload: RecordIn):
    if kind not in _RECORDS:
        raise NotFound("记录种类")
    case = case_get(user=request.user, pk=pk)
    row = getattr(case, RECORD_RELATIONS[kind]).filter(seq=seq).first()
    if row is None:
        raise NotFound("记录")
    row = record_amend(actor=request.user, kind=kind, record=row, data=payload.data, version=payload.version)
    return _RECORDS[kind][1](row)
