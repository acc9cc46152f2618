"""Case pages: the work list, registering a case, the case page (actions, assessment, evidence,
deadlines, timeline) and the permission-checked evidence files. Views check the shape of input and
call the services; every rejection shows its Chinese message."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.cases.choices import (
    STATE_BADGE,
    AmendmentKind,
    CaseState,
    EvidenceKind,
    Outcome,
    PreservationResolution,
)
from zhifa.cases.choices_pure import ACTION_LABELS, Action
from zhifa.cases.forms import (
    ACTION_FIELDS,
    PENALTY_SANCTIONS,
    RECORD_FIELDS,
    RECORD_TITLES,
    CaseForm,
    action_params,
    facts_from_post,
    record_params,
)
from zhifa.cases.params import coerce_params
from zhifa.cases.selectors import (
    CappedPaginator,
    allowed_actions,
    approvals_queue,
    case_get,
    case_list,
    case_timeline,
    current_record,
    deadline_panel,
    item_choices,
    list_badge,
    money_position,
    officer_choices,
)
from zhifa.cases.services import (
    assessment_penalty,
    case_act,
    case_assess,
    case_create,
    evidence_open,
    evidence_thumbnail,
    evidence_upload,
    evidence_verify,
)
from zhifa.cases.services.cases import PRE_DECISION_STATES
from zhifa.cases.services.evidence import ALLOWED_TYPES, TYPE_LABELS
from zhifa.cases.services.records import (
    CORRECTION_STATES,
    RECORD_RELATIONS,
    RECORD_STATES,
    correction_order_add,
    inquiry_record_add,
    record_amend,
    site_record_add,
)
from zhifa.cases.workflow import SPECS
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.permissions import officer_of
from zhifa.core.validators import mask_name

EVENT_LABELS = {spec.event: ACTION_LABELS[action] for action, spec in SPECS.items()} | {
    "case.created": "登记案件",
    "case.updated": "修改案件信息",
    "case.assessed": "裁量",
    "case.officers_assigned": "调整承办人员",
    "evidence.uploaded": "上传证据",
    "evidence.downloaded": "下载证据",
    "evidence.viewed": "查看证据",
    "evidence.integrity_checked": "证据完整性校验通过",
    "evidence.integrity_failed": "证据完整性校验失败",
    "evidence.handed_over": "证据移交",
    "case.inquiry_recorded": "制作询问笔录",
    "case.inquiry_amended": "更正询问笔录",
    "case.site_recorded": "制作现场笔录",
    "case.site_record_amended": "更正现场笔录",
    "case.correction_ordered": "责令改正",
    "case.correction_amended": "更正责令改正",
}
PAGE_SIZE = 25
RECORD_EVENTS = {
    "case.inquiry_recorded": "询问笔录",
    "case.inquiry_amended": "询问笔录",
    "case.site_recorded": "现场笔录",
    "case.site_record_amended": "现场笔录",
    "case.correction_ordered": "责令改正",
    "case.correction_amended": "责令改正",
}


def _case_or_404(request, pk):
    try:
        return case_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def case_list_view(request):
    today = timezone.localdate()
    g = request.GET
    filters = {
        "state": g.get("state", ""),
        "item": g.get("item", ""),
        "officer": g.get("officer", ""),
        "overdue": g.get("overdue", "") in ("1", "on", "true"),
        "q": g.get("q", "").strip(),
    }
    approvals = g.get("approvals") == "1"
    if filters["officer"] and not filters["officer"].isdigit():
        filters["officer"] = ""
    if approvals:
        waiting = approvals_queue(user=request.user).values("pk")
        qs = case_list(user=request.user, state="all").filter(pk__in=waiting)
    else:
        qs = case_list(user=request.user, **filters)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(g.get("page"))
    rows = [(c, list_badge(c, today)) for c in page.object_list]
    return render(
        request,
        "cases/list.html",
        {
            "active_module": "cases",
            "page": page,
            "rows": rows,
            "filters": filters,
            "approvals": approvals,
            "states": CaseState.choices,
            "badges": STATE_BADGE,
            "items": item_choices(user=request.user),
            "officers": officer_choices(user=request.user, with_roles=False),
            "can_create": _can_create(request.user),
        },
    )


def _can_create(user) -> bool:
    officer = officer_of(user)
    return officer is not None and officer.has_role("officer")


@login_required
def party_lookup(request):
    """The roadside lookup for the new-case form: by plate, credit code or name (htmx fragment)."""
    from zhifa.parties.presenters import present
    from zhifa.parties.selectors import party_search

    q = request.GET.get("q", "").strip()
    found = party_search(user=request.user, q=q, limit=8) if len(q) >= 2 else {}
    results = {kind: [present(kind, o, request.user) | {"obj": o} for o in objs] for kind, objs in found.items()}
    return render(request, "cases/_party_results.html", {"results": results, "q": q})


@login_required
def facts_form(request):
    """The facts fields of a catalog item (htmx fragment)."""
    from zhifa.catalog.engine import item_facts

    code = request.GET.get("item_code") or request.GET.get("item") or ""
    try:
        specs = item_facts(code) if code else []
    except DomainError:
        specs = []
    values = {k[5:]: v for k, v in request.GET.items() if k.startswith("fact_")}
    return render(request, "cases/_facts.html", {"specs": specs, "values": values})


def _parse_party(value: str) -> dict:
    from zhifa.parties.models import Vehicle

    kind, _sep, pk = (value or "").partition(":")
    if kind not in ("enterprise", "person", "vehicle") or not pk.isdigit():
        raise DomainError("case.party_required", "请查找并选择当事人（企业、个人或车辆）", "party")
    if kind != "vehicle":
        return {kind: int(pk)}
    vehicle = Vehicle.objects.filter(pk=int(pk)).first()
    if vehicle is None or vehicle.owner is None:
        raise DomainError("case.party_required", "该车辆没有登记所有人，请按企业或个人查找当事人", "party")
    owner = "enterprise" if vehicle.owner_enterprise_id else "person"
    return {"vehicle": vehicle.pk, owner: vehicle.owner.pk}


@login_required
def case_create_view(request):
    from zhifa.catalog.engine import item_facts

    user = request.user
    officer = officer_of(user)
    if not _can_create(user):
        messages.error(request, "只有执法人员可以登记案件")
        return redirect("cases:list")
    today = timezone.localdate()
    others = [
        o
        for o in officer_choices(user=user)
        if o.pk != officer.pk and o.has_role("officer") and o.licence_valid_on(today)
    ]
    others.sort(key=lambda o: (o.has_role("head", "legal_reviewer"), o.name))  # investigators first
    form = CaseForm(
        request.POST or None,
        items=item_choices(user=user),
        officers=others,
        initial={"procedure": "general", "violation_date": timezone.localdate()},
    )
    specs, values = [], {}
    if request.method == "POST":
        code = request.POST.get("item_code", "")
        try:
            specs = item_facts(code) if code else []
        except DomainError:
            specs = []
        values = {k[5:]: v for k, v in request.POST.items() if k.startswith("fact_")}
        if form.is_valid():
            data = form.cleaned_data
            try:
                party = _parse_party(data["party"] or request.POST.get("party_choice", ""))
                case = case_create(
                    actor=user,
                    procedure=data["procedure"],
                    item_code=data["item_code"],
                    violation_date=data["violation_date"],
                    violation_place=data["violation_place"],
                    summary=data["summary"],
                    source=data["source"],
                    officers=[data["officer2"]],
                    facts=facts_from_post(specs, request.POST),
                    **party,
                )
            except DomainError as e:
                field = e.field if e.field in form.fields else None
                form.add_error(field, e.message)
            else:
                messages.success(request, f"案件已登记（{case.party_name}），请上传证据并按裁量基准计算处罚")
                return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/new.html",
        {
            "active_module": "cases",
            "form": form,
            "specs": specs,
            "values": values,
            "party_choice": request.POST.get("party_choice", ""),
        },
    )


def _defaults(case, record, today) -> dict[str, dict[str, str]]:
    """Pre-filled values of the action forms (all editable, the services check them)."""
    iso = today.isoformat()
    out: dict[str, dict[str, str]] = {}
    for action, fields in ACTION_FIELDS.items():
        out[action] = {f.name: iso for f in fields if f.kind == "date"}
    out["notify"].update(
        facts=case.summary,
        basis="；".join(p.get("citation", "") for p in (record.decision.get("basis", []) if record else [])),
        reasons=(record.decision.get("trace") or [{}])[-1].get("result", "") if record else "",
    )
    owed = money_position(case, today)
    if owed is not None:
        out["record_payment"]["amount_yuan"] = str(owed.total_outstanding_yuan)
    out["schedule_hearing"].update(hearing_time="09:00", public="true")
    if case.hearing_date:
        out["record_hearing"] = {"result": "held"}
    return out


@login_required
def case_detail_view(request, pk):
    case = _case_or_404(request, pk)
    user = request.user
    today = timezone.localdate()
    record = current_record(case)
    options = allowed_actions(user=user, case=case, today=today)
    officer = officer_of(user)
    assigned = officer is not None and any(link.officer_id == officer.pk for link in case.case_officers.all())
    pre_decision = CaseState(case.state) in PRE_DECISION_STATES and case.decided_on is None
    from zhifa.catalog.engine import item_facts

    try:
        specs = item_facts(case.item_code)
    except DomainError:
        specs = []
    events = list(case_timeline(user=user, case=case))
    for e in events:
        e.label = EVENT_LABELS.get(e.event_code, e.event_code)
        e.detail = _event_detail(e)
    hearing_officers = [
        o for o in officer_choices(user=user) if o.pk not in {li.officer_id for li in case.case_officers.all()}
    ]
    state = CaseState(case.state)
    on_team = assigned or (officer is not None and officer.has_role("head"))
    inquiries = list(case.inquiries.all())
    for r in inquiries:  # personal data masked outside the case team
        r.shown_name = r.interviewee_name if on_team else mask_name(r.interviewee_name)
    site_records = list(case.site_records.all())
    corrections = list(case.correction_orders.all())
    can_record = pre_decision and assigned and state in RECORD_STATES
    can_correct = assigned and state in CORRECTION_STATES[case.procedure]
    # records can be corrected until the decision freezes them (services.records.record_amend)
    for kind, rows, allowed in (
        ("inquiry", inquiries, can_record),
        ("site", site_records, can_record),
        ("correction", corrections, can_correct),
    ):
        for r in rows:
            r.amend_values = (
                _amend_values(kind, r) if allowed and r.frozen_at is None and case.decided_on is None else None
            )
    return render(
        request,
        "cases/detail.html",
        {
            "active_module": "cases",
            "case": case,
            "inquiries": inquiries,
            "on_team": on_team,
            "site_records": site_records,
            "corrections": corrections,
            "hearing": getattr(case, "hearing", None),
            "record_fields": RECORD_FIELDS,
            "record_titles": RECORD_TITLES,
            "can_record": can_record,
            "can_correct": can_correct,
            "case_officers": [link.officer for link in case.case_officers.all()],
            "record_defaults": _record_defaults(case, today),
            "badge": STATE_BADGE[case.state],
            "record": record,
            "record_penalty": assessment_penalty(record),
            "options": options,
            "fields": ACTION_FIELDS,
            "defaults": _defaults(case, record, today),
            "sanction_choices": PENALTY_SANCTIONS,
            "hearing_officers": hearing_officers,
            "deadlines": deadline_panel(case, today),
            "owed": money_position(case, today),
            "evidence": list(case.evidence.all()),
            "preservations": list(case.preservations.all()),
            "events": events,
            "specs": specs,
            "facts": case.facts,
            "can_assess": pre_decision and (assigned or (officer is not None and officer.has_role("head"))),
            "can_upload": pre_decision and assigned,
            "evidence_kinds": EvidenceKind.choices,
            "accept": ",".join(ext for exts in ALLOWED_TYPES.values() for ext in exts),
            "type_labels": "、".join(dict.fromkeys(TYPE_LABELS.values())),
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "today": today,
        },
    )


def _event_detail(event) -> str:
    after = event.after or {}
    params = after.get("params") or {}
    parts = []
    penalty = params.get("penalty") or (after.get("changes") or {}).get("decided_penalty")
    if isinstance(penalty, dict) and penalty.get("fine_yuan"):
        parts.append(f"罚款{penalty['fine_yuan']}元")
    shown = {
        "outcome": ("决定", dict(Outcome.choices)),
        "kind": ("方式", dict(AmendmentKind.choices)),
        "method": ("送达方式", None),
        "amount_yuan": ("金额（元）", None),
        "receiving_body": ("受移送机关", None),
        "opinion": ("审核意见", None),
        "resolution": ("处理", dict(PreservationResolution.choices)),
    }
    for key, (label, names) in shown.items():
        value = params.get(key)
        if value not in (None, ""):
            parts.append(f"{label}：{names.get(value, value) if names else value}")
    if event.event_code == "case.assessed":
        parts.append(f"采用罚款{after.get('chosen_fine_yuan')}元" if after.get("chosen_fine_yuan") else "无罚款")
    if event.event_code in RECORD_EVENTS and after.get("seq"):
        when = str(after.get("started_at") or after.get("issued_on") or "")[:16].replace("T", " ")
        parts.append(f"{RECORD_EVENTS[event.event_code]}{after['seq']}" + (f"（{when}）" if when else ""))
    if event.event_code.startswith("evidence.") and after.get("title"):
        parts.append(f"证据{after.get('seq')}：{after['title']}")
    for code in after.get("warnings") or []:
        parts.append(f"提示：{code}")
    return "；".join(str(p) for p in parts)


@login_required
@require_POST
def case_action_view(request, pk, action):
    back = reverse("cases:detail", args=[pk])
    if action not in ACTION_FIELDS:
        raise Http404
    try:
        raw = action_params(action, request.POST)
        version = int(request.POST.get("version", ""))
        result = case_act(actor=request.user, case=pk, action=action, params=coerce_params(raw), version=version)
    except NotFound:
        raise Http404 from None
    except ValueError:
        messages.error(request, "请求缺少版本号，请刷新页面后重试")
        return redirect(back)
    except DomainError as e:
        messages.error(request, f"{ACTION_LABELS[Action(action)]}未执行：{e.message}")
        return redirect(f"{back}#action-{action}")
    messages.success(request, f"已{ACTION_LABELS[Action(action)]}")
    for w in result.warnings:
        messages.warning(request, w.message)
    return redirect(back)


def _record_defaults(case, today) -> dict[str, dict[str, str]]:
    now = timezone.localtime()
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    clock = {"started_at": start.strftime("%Y-%m-%dT%H:%M"), "ended_at": now.strftime("%Y-%m-%dT%H:%M")}
    return {
        "inquiry": {**clock, "relation": "当事人" if case.person_id else "驾驶员"},
        "site": {**clock, "place": case.violation_place},
        "correction": {"issued_on": today.isoformat()},
    }


RECORD_SERVICES = {"inquiry": inquiry_record_add, "site": site_record_add, "correction": correction_order_add}


def _amend_values(kind: str, record) -> dict[str, str]:
    """The record's current values as the record form writes them (for the correction form)."""
    out: dict[str, str] = {}
    for f in RECORD_FIELDS[kind]:
        value = getattr(record, f"{f.name}_id" if f.kind == "case_officer" else f.name, None)
        if value is None:
            text = ""
        elif f.kind == "datetime":
            text = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        elif f.kind == "date":
            text = value.isoformat()
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif f.name == "qa":
            text = "\n".join(f"问：{p.get('q', '')}\n答：{p.get('a', '')}" for p in value)
        else:
            text = str(value)
        out[f.name] = text
    return out


@login_required
@require_POST
def case_record_amend_view(request, pk, kind, seq):
    """Correct a 询问笔录, 现场笔录 or 责令改正 before the decision (the audit keeps what it said)."""
    if kind not in RECORD_SERVICES:
        raise Http404
    case = _case_or_404(request, pk)
    row = getattr(case, RECORD_RELATIONS[kind]).filter(seq=seq).first()
    if row is None:
        raise Http404
    back = reverse("cases:detail", args=[pk])
    title = f"{RECORD_TITLES[kind]}{seq}"
    # every field of the form is sent: an emptied optional field is cleared, not kept
    data = {f.name: request.POST[f.name] for f in RECORD_FIELDS[kind] if f.name in request.POST}
    try:
        version = int(request.POST.get("version", ""))
        # record_amend reads and locks its own copy: ``row`` stays as it was before
        after = record_amend(actor=request.user, kind=kind, record=row, data=data, version=version)
    except ValueError:
        messages.error(request, "请求缺少版本号，请刷新页面后重试")
        return redirect(back)
    except DomainError as e:
        messages.error(request, f"{title}未更正：{e.message}")
        return redirect(f"{back}#records")
    changed = [f.label for f in RECORD_FIELDS[kind] if getattr(row, _attr(f)) != getattr(after, _attr(f))]
    if changed:
        messages.success(request, f"已更正{title}：{'、'.join(changed)}（原内容记入审计记录）")
    else:
        messages.info(request, f"{title}没有改动")
    return redirect(f"{back}#records")


def _attr(field) -> str:
    return f"{field.name}_id" if field.kind == "case_officer" else field.name


@login_required
@require_POST
def case_record_view(request, pk, kind):
    """Add a 询问笔录, 现场笔录 or 责令改正 from the case page."""
    if kind not in RECORD_SERVICES:
        raise Http404
    back = reverse("cases:detail", args=[pk])
    title = RECORD_TITLES[kind]
    try:
        version = int(request.POST.get("version", ""))
        RECORD_SERVICES[kind](actor=request.user, case=pk, version=version, **record_params(kind, request.POST))
    except NotFound:
        raise Http404 from None
    except ValueError:
        messages.error(request, "请求缺少版本号，请刷新页面后重试")
        return redirect(back)
    except DomainError as e:
        messages.error(request, f"{title}未保存：{e.message}")
        return redirect(f"{back}#record-{kind}")
    messages.success(request, f"已保存{title}")
    return redirect(f"{back}#records")


@login_required
@require_POST
def case_assess_view(request, pk):
    from zhifa.catalog.engine import item_facts

    case = _case_or_404(request, pk)
    back = reverse("cases:detail", args=[pk]) + "#assessment"
    try:
        facts = facts_from_post(item_facts(case.item_code), request.POST)
        chosen = request.POST.get("chosen_fine_yuan", "").strip()
        record = case_assess(
            actor=request.user,
            case=case,
            facts=facts,
            chosen_fine_yuan=int(chosen) if chosen.isdigit() else None,
            reason=request.POST.get("reason", ""),
            version=int(request.POST.get("version", case.version)),
        )
    except DomainError as e:
        messages.error(request, f"裁量未完成：{e.message}")
        return redirect(back)
    fine = f"罚款{record.chosen_fine_yuan}元" if record.chosen_fine_yuan else record.decision.get("outcome_label", "")
    messages.success(request, f"裁量完成：{fine}")
    return redirect(back)


@login_required
@require_POST
def evidence_upload_view(request, pk):
    back = reverse("cases:detail", args=[pk]) + "#evidence"
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return redirect(back)
    try:
        collected_at = datetime.fromisoformat(request.POST.get("collected_at", ""))
    except ValueError:
        messages.error(request, "请填写收集时间")
        return redirect(back)
    if timezone.is_naive(collected_at):
        collected_at = timezone.make_aware(collected_at)
    try:
        ev = evidence_upload(
            actor=request.user,
            case=pk,
            file=upload,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            collected_at=collected_at,
            collected_place=request.POST.get("collected_place", ""),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as e:
        messages.error(request, f"证据未上传：{e.message}")
        return redirect(back)
    messages.success(request, f"证据{ev.seq}已入库（SHA-256 {ev.sha256[:16]}…）")
    return redirect(back)


def _evidence_of_case(request, pk, evidence_id):
    case = _case_or_404(request, pk)
    ev = next((e for e in case.evidence.all() if e.pk == evidence_id), None)
    if ev is None:
        raise Http404
    return case, ev


@login_required
def evidence_file_view(request, pk, evidence_id):
    _case, ev = _evidence_of_case(request, pk, evidence_id)
    inline = request.GET.get("inline") == "1" and (ev.is_image or ev.content_type == "application/pdf")
    try:
        opened = evidence_open(actor=request.user, evidence=ev, purpose="view" if inline else "download")
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(reverse("cases:detail", args=[pk]) + "#evidence")
    return FileResponse(
        open(opened.path, "rb"),  # FileResponse closes it
        content_type=opened.content_type,
        as_attachment=not inline,
        filename=opened.download_name,
    )


@login_required
def evidence_thumb_view(request, pk, evidence_id):
    _case, ev = _evidence_of_case(request, pk, evidence_id)
    path = evidence_thumbnail(actor=request.user, evidence=ev)
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/jpeg")  # FileResponse closes it
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def evidence_verify_view(request, pk, evidence_id):
    _case, ev = _evidence_of_case(request, pk, evidence_id)
    ok = evidence_verify(actor=request.user, evidence=ev)
    if ok:
        messages.success(request, f"证据{ev.seq}完整性校验通过（SHA-256 一致）")
    else:
        messages.error(request, f"证据{ev.seq}的文件与入库时的 SHA-256 不一致，已标记")
    return redirect(reverse("cases:detail", args=[pk]) + "#evidence")
