"""第四十四条 report tasks (抄告车籍地) with due/overdue badges and "mark sent", and the export download."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.core.errors import DomainError
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.offsite.selectors_review import report_badge, report_tasks
from zhifa.offsite.services.export import EXPORT_ROLES, export_closed_cases
from zhifa.offsite.services.reports import report_task_mark_sent, report_tasks_sync

PAGE_SIZE = 25


def _may_write(user) -> bool:
    officer = officer_of(user)
    return officer is not None and officer.has_role(*EXPORT_ROLES)


@login_required
def reports_view(request):
    today = timezone.localdate()
    if _may_write(request.user):
        # tasks of cases closed since the last visit (idempotent; see services.reports)
        report_tasks_sync(actor=request.user, agency_ids=visible_agency_ids(request.user))
    status = request.GET.get("status", "due")
    if status not in ("due", "sent", "all"):
        status = "due"
    q = request.GET.get("q", "").strip()
    page = Paginator(report_tasks(user=request.user, status=status, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(t, report_badge(t, today)) for t in page.object_list]
    first = today.replace(day=1)
    return render(
        request,
        "offsite/reports_list.html",
        {
            "active_module": "offsite",
            "page": page,
            "rows": rows,
            "status": status,
            "q": q,
            "today": today,
            "can_write": _may_write(request.user),
            "export_from": (first - timedelta(days=1)).replace(day=1),
            "export_to": today,
        },
    )


@login_required
@require_POST
def report_sent_view(request, pk):
    p = request.POST
    try:
        sent_on = date.fromisoformat(p["sent_on"]) if p.get("sent_on") else None
    except ValueError:
        sent_on = None
        messages.error(request, "抄告日期格式错误")
        return redirect("offsite:reports")
    try:
        report_task_mark_sent(
            actor=request.user, task=pk, reference=p.get("reference", ""), sent_on=sent_on, version=p.get("version")
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已标记为已抄告")
    return redirect("offsite:reports")


@login_required
def export_view(request):
    g = request.GET
    try:
        date_from = date.fromisoformat(g.get("from", ""))
        date_to = date.fromisoformat(g.get("to", ""))
    except ValueError:
        messages.error(request, "请填写导出的起止日期")
        return redirect("offsite:reports")
    try:
        data, n = export_closed_cases(actor=request.user, date_from=date_from, date_to=date_to)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("offsite:reports")
    resp = HttpResponse(data, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="offsite-closed-{date_from}-{date_to}.csv"'
    resp["X-Rows"] = str(n)
    resp["Cache-Control"] = "no-store"
    return resp


urlpatterns = [
    path("reports/", reports_view, name="reports"),
    path("reports/<int:pk>/sent/", report_sent_view, name="report_sent"),
    path("reports/export/", export_view, name="export"),
]
