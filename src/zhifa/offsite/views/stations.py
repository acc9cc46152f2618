"""Stations, devices and calibration certificates (officers read, administrators edit), scoped by
jurisdiction; the push token is shown once after it is issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.core.errors import DomainError, NotFound
from zhifa.core.permissions import officer_of
from zhifa.offsite.selectors import (
    calibration_get,
    can_edit_stations,
    device_get,
    evidence_job_get,
    station_devices,
    station_evidence_jobs,
    station_get,
    station_list,
)
from zhifa.offsite.services.stations import (
    STATION_FIELDS,
    calibration_add,
    calibration_revoke,
    certificate_job_retry,
    device_create,
    station_create,
    station_token_issue,
    station_update,
)


def _station_or_404(request, pk):
    try:
        return station_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404("站点不存在或不在您的辖区内") from None


def _forbid(request):
    return render(request, "web/forbidden.html", {"error": {"message": "只有系统管理员可以维护站点和设备"}}, status=403)


@login_required
def station_list_view(request):
    if officer_of(request.user) is None:
        return _forbid(request)
    q = request.GET.get("q", "").strip()
    page = Paginator(station_list(user=request.user, q=q), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "offsite/stations_list.html",
        {"page": page, "q": q, "can_edit": can_edit_stations(request.user), "tab": "stations"},
    )


@login_required
def station_detail_view(request, pk):
    station = _station_or_404(request, pk)
    return render(
        request,
        "offsite/stations_detail.html",
        {
            "station": station,
            "devices": station_devices(user=request.user, station=station),
            "can_edit": can_edit_stations(request.user),
            "token": request.session.pop(f"offsite_token_{station.pk}", None),
            "today": timezone.localdate(),
            "tab": "stations",
            "evidence_jobs": station_evidence_jobs(user=request.user, station=station),
        },
    )


@login_required
def station_form_view(request, pk=None):
    if not can_edit_stations(request.user):
        return _forbid(request)
    station = _station_or_404(request, pk) if pk else None
    error = None
    values = {f: getattr(station, f) for f in STATION_FIELDS} if station else {"lanes": 2, "active": True}
    if request.method == "POST":
        values = {f: request.POST.get(f, "") for f in STATION_FIELDS}
        values["active"] = "active" in request.POST
        try:
            if station is None:
                station = station_create(actor=request.user, data=values)
                messages.success(request, f"已登记站点 {station}")
            else:
                version = int(request.POST.get("version") or 0) or None
                station = station_update(actor=request.user, station=station, data=values, version=version)
                messages.success(request, "站点信息已保存")
            return redirect("offsite:station_detail", station.pk)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "offsite/stations_form.html",
        {"station": station, "values": values, "error": error, "tab": "stations"},
        status=400 if error else 200,
    )


@login_required
@require_POST
def station_token_view(request, pk):
    if not can_edit_stations(request.user):
        return _forbid(request)
    station = _station_or_404(request, pk)
    try:
        token = station_token_issue(actor=request.user, station=station)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("offsite:station_detail", pk)
    request.session[f"offsite_token_{station.pk}"] = token
    return redirect("offsite:station_detail", pk)


@login_required
@require_POST
def device_add_view(request, pk):
    if not can_edit_stations(request.user):
        return _forbid(request)
    station = _station_or_404(request, pk)
    try:
        device = device_create(actor=request.user, station=station, data=request.POST.dict())
        messages.success(request, f"已登记设备 {device.serial}{_attached_message(device.attached)}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("offsite:station_detail", pk)


def _attached_message(done: dict) -> str:
    """The message's account of earlier passages that the new device was matched to (services/evidence.py);
    a new device has no certificate yet, so none of them is evidence until one is recorded."""
    if not done["attached"]:
        return ""
    return f"；此前导入的 {done['attached']} 条无设备通行记录已匹配该设备，登记检定证书后按有效期判定能否作为证据"


def _evidence_change(done: dict, what: str) -> str:
    """The message's account of the passages and events a certificate change touched (services/evidence.py)."""
    if done.get("job"):
        return f"；涉及通行记录约 {done['pending']} 条，已转入后台重新判定，进度与结果见本页“后台重新判定”"
    if not done["passages"]:
        return ""
    extra = f"；有效期内 {done['passages']} 条通行记录{what}，重新计算待处理事件 {len(done['events_recomputed'])} 起"
    if done["events_reviewed"]:
        extra += f"，已审核事件 {len(done['events_reviewed'])} 起保留审核结论，已在事件与案件页面标注证据变更"
    return extra


@login_required
@require_POST
def calibration_add_view(request, device_pk):
    if not can_edit_stations(request.user):
        return _forbid(request)
    try:
        device = device_get(user=request.user, pk=device_pk)
    except NotFound:
        raise Http404("设备不存在或不在您的辖区内") from None
    try:
        cal = calibration_add(actor=request.user, device=device, data=request.POST.dict())
        extra = _evidence_change(cal.requalified, "恢复为可作证据")
        messages.success(request, f"已登记检定证书 {cal.certificate_no}{extra}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("offsite:station_detail", device.station_id)


@login_required
@require_POST
def calibration_revoke_view(request, pk):
    if not can_edit_stations(request.user):
        return _forbid(request)
    try:
        cal = calibration_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404("检定证书不存在或不在您的辖区内") from None
    try:
        cal = calibration_revoke(actor=request.user, calibration=cal, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, f"未撤销：{exc.message}")
        return redirect("offsite:station_detail", cal.device.station_id)
    extra = _evidence_change(cal.disqualified, "不再作为证据")
    messages.success(request, f"已撤销检定证书 {cal.certificate_no}{extra}")
    return redirect("offsite:station_detail", cal.device.station_id)


@login_required
@require_POST
def evidence_job_retry_view(request, pk):
    if not can_edit_stations(request.user):
        return _forbid(request)
    try:
        job = evidence_job_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404("后台任务不存在或不在您的辖区内") from None
    station_pk = job.params["station_id"]
    try:
        done = certificate_job_retry(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, f"未重新执行：{exc.message}")
        return redirect("offsite:station_detail", station_pk)
    what = "恢复为可作证据" if job.params.get("action") == "add" else "不再作为证据"
    messages.success(request, f"已重新执行{_evidence_change(done, what) or '：没有需要改变的通行记录'}")
    return redirect("offsite:station_detail", station_pk)


urlpatterns = [
    path("stations/", station_list_view, name="station_list"),
    path("stations/new/", station_form_view, name="station_create"),
    path("stations/<int:pk>/", station_detail_view, name="station_detail"),
    path("stations/<int:pk>/edit/", station_form_view, name="station_edit"),
    path("stations/<int:pk>/token/", station_token_view, name="station_token"),
    path("stations/<int:pk>/devices/", device_add_view, name="device_add"),
    path("devices/<int:device_pk>/calibrations/", calibration_add_view, name="calibration_add"),
    path("evidence-jobs/<uuid:pk>/retry/", evidence_job_retry_view, name="evidence_job_retry"),
    path("calibrations/<int:pk>/revoke/", calibration_revoke_view, name="calibration_revoke"),
]
