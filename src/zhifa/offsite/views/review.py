"""第41条 review pages: the queue of overload events and the event page (passages, devices and their
certificates, images, the catalog's proposal) with confirm, reject and resolve-vehicle actions.

Views check the shape of the input and call ``zhifa.offsite.services.review``; every rejection is
shown with its Chinese message."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from zhifa.core.errors import DomainError, NotFound
from zhifa.core.permissions import officer_of
from zhifa.offsite.selectors_review import (
    OUTCOME_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    event_get,
    event_passages,
    event_trace,
    party_by_id_number,
    party_choices,
    review_queue,
    station_choices,
    status_counts,
    vehicle_candidates,
)
from zhifa.offsite.services.ingest import UNUSABLE_REASONS
from zhifa.offsite.services.review import event_confirm, event_reject, event_reopen, event_resolve_vehicle
from zhifa.parties.choices import PlateColour

PAGE_SIZE = 25


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def can_review(user) -> bool:
    officer = officer_of(user)
    return officer is not None and officer.has_role("officer")


@login_required
def review_list_view(request):
    g = request.GET
    status = g.get("status", "pending_review")
    if status not in STATUS_LABELS and status != "all":
        status = "pending_review"
    filters = {
        "status": status,
        "station": g.get("station", "") if g.get("station", "").isdigit() else "",
        "q": g.get("q", "").strip(),
        "date_from": g.get("date_from", ""),
        "date_to": g.get("date_to", ""),
        "outcome": g.get("outcome", "") if g.get("outcome", "") in OUTCOME_LABELS else "",
        "order": g.get("order", "new"),
    }
    qs = review_queue(
        user=request.user,
        status=status,
        station=filters["station"],
        q=filters["q"],
        date_from=_date(filters["date_from"]),
        date_to=_date(filters["date_to"]),
        outcome=filters["outcome"],
        order=filters["order"],
    )
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    return render(
        request,
        "offsite/review_list.html",
        {
            "active_module": "offsite",
            "page": page,
            "filters": filters,
            "counts": status_counts(user=request.user),
            "statuses": STATUS_LABELS,
            "badges": STATUS_BADGES,
            "outcomes": OUTCOME_LABELS,
            "stations": station_choices(user=request.user),
        },
    )


def _event_or_404(request, pk):
    try:
        return event_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def review_event_view(request, pk):
    event = _event_or_404(request, pk)
    passages = event_passages(event)
    trace = event_trace(event, passages) if event.status in ("pending_review", "vehicle_unknown") else None
    reviewer = can_review(request.user)
    ctx = {
        "active_module": "offsite",
        "event": event,
        "passages": passages,
        "trace": trace,
        "status_label": STATUS_LABELS.get(event.status, event.status),
        "badge": STATUS_BADGES.get(event.status, "secondary"),
        "outcome_label": OUTCOME_LABELS.get(event.outcome, event.outcome),
        "can_review": reviewer,
        "usable": [p for p in passages if p.evidence_usable and p.calibration is not None],
        "colours": dict(PlateColour.choices),
        "unusable_reasons": UNUSABLE_REASONS,
    }
    if reviewer and event.status == "pending_review":
        from django.utils import timezone

        from zhifa.cases.selectors import officer_choices

        me, today = officer_of(request.user), timezone.localdate()
        ctx["officers"] = [
            o
            for o in officer_choices(user=request.user)
            if o.pk != me.pk and o.has_role("officer") and o.licence_valid_on(today)
        ]
        ctx["drivers"] = party_choices(user=request.user, model_name="Driver")
        ctx["cargo_sources"] = party_choices(user=request.user, model_name="CargoSource")
    if reviewer and event.status == "vehicle_unknown":
        from zhifa.parties.choices import VehicleKind

        ctx["candidates"] = vehicle_candidates(user=request.user, event=event)
        ctx["enterprises"] = party_choices(user=request.user, model_name="Enterprise")
        ctx["plate_colours"] = PlateColour.choices
        ctx["vehicle_kinds"] = [(k, v) for k, v in VehicleKind.choices if k in ("truck", "combination", "trailer")]
    return render(request, "offsite/review_event.html", ctx)


def _fail(request, e: DomainError, pk):
    messages.error(request, e.message)
    return redirect("offsite:review_event", pk=pk)


@login_required
@require_POST
def review_confirm_view(request, pk):
    p = request.POST
    try:
        result = event_confirm(
            actor=request.user,
            event=pk,
            version=p.get("version"),
            note=p.get("note", ""),
            driver=p.get("driver") or None,
            cargo_source=p.get("cargo_source") or None,
            loading_bill=p.get("loading_bill", ""),
            officers=[int(p["officer2"])] if p.get("officer2", "").isdigit() else [],
        )
    except DomainError as e:
        return _fail(request, e, pk)
    for w in result.warnings:
        messages.warning(request, w)
    messages.success(request, f"已确认并登记非现场案件（当事人：{result.case.party_name}），已提请负责人审批立案")
    return redirect("cases:detail", pk=result.case.pk)


@login_required
@require_POST
def review_reject_view(request, pk):
    try:
        event_reject(
            actor=request.user, event=pk, reason=request.POST.get("reason", ""), version=request.POST.get("version")
        )
    except DomainError as e:
        return _fail(request, e, pk)
    messages.success(request, "已驳回该超限事件")
    return redirect("offsite:review_list")


@login_required
@require_POST
def review_reopen_view(request, pk):
    try:
        event = event_reopen(
            actor=request.user, event=pk, reason=request.POST.get("reason", ""), version=request.POST.get("version")
        )
    except DomainError as e:
        return _fail(request, e, pk)
    messages.success(
        request, f"已重新提交审核，按现有通行记录重新计算，当前状态：{STATUS_LABELS.get(event.status, event.status)}"
    )
    return redirect("offsite:review_event", pk)


@login_required
@require_POST
def review_vehicle_view(request, pk):
    p = request.POST
    try:
        if p.get("mode") == "new":
            owner = p.get("owner_enterprise") or None
            new = {
                "plate_colour": p.get("plate_colour", ""),
                "kind": p.get("kind", ""),
                "axles": p.get("axles") or None,
                "transport_cert_no": p.get("transport_cert_no", ""),
                "owner_enterprise": int(owner) if owner and owner.isdigit() else None,
            }
            id_number = p.get("owner_id_number", "").strip().upper()
            if id_number:
                person = party_by_id_number(user=request.user, id_number=id_number)
                if person is None:
                    raise DomainError(
                        "offsite.party_not_found", "本辖区没有该身份证号码的自然人，请先在行政相对人中登记", "owner"
                    )
                new["owner_person"] = person.pk
            event_resolve_vehicle(actor=request.user, event=pk, new_vehicle=new, version=p.get("version"))
        else:
            event_resolve_vehicle(
                actor=request.user, event=pk, vehicle=p.get("vehicle") or None, version=p.get("version")
            )
    except DomainError as e:
        return _fail(request, e, pk)
    messages.success(request, "车辆已确认，事件进入待审核")
    return redirect("offsite:review_event", pk=pk)


urlpatterns = [
    path("review/", review_list_view, name="review_list"),
    path("review/<int:pk>/", review_event_view, name="review_event"),
    path("review/<int:pk>/confirm/", review_confirm_view, name="review_confirm"),
    path("review/<int:pk>/reject/", review_reject_view, name="review_reject"),
    path("review/<int:pk>/reopen/", review_reopen_view, name="review_reopen"),
    path("review/<int:pk>/vehicle/", review_vehicle_view, name="review_vehicle"),
]
