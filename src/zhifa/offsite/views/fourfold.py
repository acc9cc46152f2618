"""一超四罚 page: who crosses which threshold in the rolling year, with the cases behind each count."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from zhifa.offsite.fourfold import SUBJECT_LABELS
from zhifa.offsite.selectors_review import fourfold_report

BASIS_LABELS = {"decided": "已作出行政处罚决定的案件", "confirmed": "经审核立案的案件（预警口径）"}
DATE_LABELS = {"decided_on": "处罚决定日期", "violation_date": "违法行为发生日"}


@login_required
def fourfold_view(request):
    ref = timezone.localdate()
    raw = request.GET.get("on", "")
    try:
        if raw:
            ref = min(date.fromisoformat(raw), ref)
    except ValueError:
        pass
    show_all = request.GET.get("all") == "1"
    page = fourfold_report(user=request.user, ref=ref)
    rep = page.report
    sections = []
    for key, tallies in rep.by_subject().items():
        rows = tallies if show_all else [t for t in tallies if t.crosses or t.count >= 2 or t.pending]
        sections.append(
            {
                "key": key,
                "label": SUBJECT_LABELS[key],
                "rows": [(t, page.names[key].get(t.subject_id, f"#{t.subject_id}")) for t in rows],
                "crossing": sum(1 for t in tallies if t.crosses),
                "total": len(tallies),
            }
        )
    return render(
        request,
        "offsite/fourfold_page.html",
        {
            "active_module": "offsite",
            "report": rep,
            "sections": sections,
            "basis_label": BASIS_LABELS.get(rep.counting.basis, rep.counting.basis),
            "date_label": DATE_LABELS.get(page.count_date, page.count_date),
            "region": page.region,
            "show_all": show_all,
        },
    )


urlpatterns = [path("fourfold/", fourfold_view, name="fourfold")]
