"""Import of WIM files on the web: upload (size limit ``ZHIFA_OFFSITE_IMPORT_MAX_MB``), the run as a
job with its progress polled by htmx, the result with the counts and quarantine reasons (CSV download),
and the list of import runs."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from zhifa.core.errors import NotFound
from zhifa.core.jobs import job_start
from zhifa.core.permissions import officer_of
from zhifa.offsite.models import ImportStatus
from zhifa.offsite.selectors import can_import, import_run_get, import_runs, quarantine_reasons, quarantine_rows
from zhifa.offsite.services.ingest import create_run
from zhifa.offsite.tasks import JOB_KIND

ALLOWED_SUFFIXES = (".csv", ".txt", ".parquet")
ENCODINGS = {"": "自动识别", "utf-8": "UTF-8", "gbk": "GBK"}


def _max_bytes() -> int:
    return settings.ZHIFA_OFFSITE_IMPORT_MAX_MB * 1024 * 1024


def _forbid(request, message="只有执法人员、负责人或系统管理员可以导入称重数据"):
    return render(request, "web/forbidden.html", {"error": {"message": message}}, status=403)


def _run_or_404(request, pk):
    try:
        return import_run_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404("导入批次不存在或不在您的辖区内") from None


@login_required
def import_list_view(request):
    if officer_of(request.user) is None:
        return _forbid(request, "您没有执法机构身份")
    error = None
    if request.method == "POST":
        if not can_import(request.user):
            return _forbid(request)
        error = _start(request)
        if error is None:
            return redirect("offsite:import_detail", request._offsite_run.pk)
    page = Paginator(import_runs(user=request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "offsite/imports_list.html",
        {
            "page": page,
            "error": error,
            "can_import": can_import(request.user),
            "max_mb": settings.ZHIFA_OFFSITE_IMPORT_MAX_MB,
            "encodings": ENCODINGS,
            "tab": "imports",
        },
        status=400 if error else 200,
    )


def _start(request) -> str | None:
    upload = request.FILES.get("file")
    encoding = request.POST.get("encoding", "")
    if upload is None:
        return "请选择要导入的文件"
    if encoding not in ENCODINGS:
        return "字符编码只能是 UTF-8 或 GBK"
    name = Path(upload.name).name
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return "只能导入 CSV（UTF-8 或 GBK）或 Parquet 文件"
    if upload.size > _max_bytes():
        return f"文件过大（{upload.size / 1048576:.1f} MB），上限为 {settings.ZHIFA_OFFSITE_IMPORT_MAX_MB} MB"
    folder = Path(settings.MEDIA_ROOT) / "offsite-imports"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{uuid.uuid4().hex}{'.parquet' if suffix == '.parquet' else '.csv'}"
    with open(dest, "wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    officer = officer_of(request.user)
    run = create_run(agency=officer.agency, actor=request.user, path=dest, filename=name, encoding=encoding)
    job = job_start(
        kind=JOB_KIND,
        title=f"导入称重数据 {name}",
        actor=request.user,
        agency=officer.agency,
        total=1000,
        params={"run_id": run.pk, "path": str(dest), "encoding": encoding, "actor_id": request.user.pk},
    )
    type(run).objects.filter(pk=run.pk).update(job_id=str(job.pk))
    request._offsite_run = run
    messages.info(request, f"已开始导入 {name}")
    return None


@login_required
def import_detail_view(request, pk):
    run = _run_or_404(request, pk)
    ctx = {"run": run, "tab": "imports", "finished": run.status in (ImportStatus.DONE, ImportStatus.FAILED)}
    if ctx["finished"]:
        ctx["reasons"] = quarantine_reasons(run)
        ctx["sample"] = list(quarantine_rows(run)[:50])
    if request.headers.get("HX-Request"):
        if ctx["finished"]:  # reload the whole page to show the result
            resp = render(request, "offsite/imports_progress.html", ctx)
            resp["HX-Refresh"] = "true"
            return resp
        return render(request, "offsite/imports_progress.html", ctx)
    return render(request, "offsite/imports_detail.html", ctx)


class _Echo:
    def write(self, value):
        return value


@login_required
def import_quarantine_csv_view(request, pk):
    run = _run_or_404(request, pk)
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # Excel opens UTF-8 with a BOM
        yield writer.writerow(["行号", "原因代码", "原因", "字段", "记录编号", "原始值"])
        for q in quarantine_rows(run).iterator(chunk_size=2000):
            raw = q.raw or {}
            yield writer.writerow(
                [q.row_number, q.reason, q.detail, raw.get("field", ""), raw.get("record_id", ""), raw.get("value", "")]
            )

    resp = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="quarantine-{run.pk}.csv"'
    return resp


urlpatterns = [
    path("imports/", import_list_view, name="import_list"),
    path("imports/<int:pk>/", import_detail_view, name="import_detail"),
    path("imports/<int:pk>/quarantine.csv", import_quarantine_csv_view, name="import_quarantine_csv"),
]
