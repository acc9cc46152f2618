"""Home dashboard panels of the cases app (registered in ``zhifa.web.dashboard.DASHBOARD_PANELS``)."""

from __future__ import annotations

from django.utils import timezone

from zhifa.cases.selectors import dashboard_summary, list_badge, urgent_cases
from zhifa.core.permissions import officer_of


def cases_panel(request):
    user = request.user
    if officer_of(user) is None:
        return None
    today = timezone.localdate()
    summary = dashboard_summary(user=user, today=today)
    urgent = [(case, list_badge(case, today)) for case in urgent_cases(user=user, today=today)]
    return {"title": "案件办理", "template": "cases/_dashboard.html", "summary": summary, "urgent": urgent}


PANELS = [cases_panel]
