from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from zhifa.agencies.selectors import agency_list, officer_list
from zhifa.core.errors import DomainError
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.core.selectors import audit_event_list
from zhifa.parties.selectors import party_list
from zhifa.web.dashboard import DASHBOARD_PANELS
from zhifa.web.nav import MODULES


@login_required
def home(request):
    officer = officer_of(request.user)
    counts = [
        ("企业", party_list(kind="enterprise", user=request.user).count(), "parties:list", "enterprise"),
        ("车辆", party_list(kind="vehicle", user=request.user).count(), "parties:list", "vehicle"),
        ("驾驶员", party_list(kind="driver", user=request.user).count(), "parties:list", "driver"),
        ("货运源头单位", party_list(kind="cargo_source", user=request.user).count(), "parties:list", "cargo_source"),
    ]
    panels = []
    for panel in DASHBOARD_PANELS:
        try:
            panels.append(panel(request))
        except DomainError:
            continue
    licence_warning = None
    if officer is not None and officer.licence_no:
        from django.utils import timezone

        if not officer.licence_valid_on(timezone.localdate()):
            licence_warning = officer
    return render(
        request,
        "web/home.html",
        {
            "active_module": "home",
            "officer": officer,
            "counts": counts,
            "panels": [p for p in panels if p],
            "agency_count": len(visible_agency_ids(request.user)),
            "licence_warning": licence_warning,
        },
    )


@login_required
def module_unbuilt(request, key):
    item = next((m for m in MODULES if m.key == key), None)
    if item is None:
        raise Http404
    return render(request, "web/unbuilt.html", {"item": item, "active_module": key})


@login_required
def audit(request):
    try:
        qs = audit_event_list(
            user=request.user,
            object_type=request.GET.get("object_type", ""),
            object_id=request.GET.get("object_id", ""),
        )
    except DomainError as e:
        return render(request, "web/forbidden.html", {"error": e}, status=403)
    page = Paginator(qs.select_related("agency"), 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "active_module": "audit"})


@login_required
def agencies(request):
    return render(
        request,
        "web/agencies.html",
        {
            "agencies": agency_list(user=request.user),
            "officers": officer_list(user=request.user),
            "active_module": "agencies",
        },
    )
