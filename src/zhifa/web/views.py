import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
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

# The home page's party counts: exact and live up to this many rows (a count over a LIMIT is cheap);
# above it the exact count of the reader's jurisdiction is cached for a while (a province sees a
# million vehicles: COUNT(*) over them took most of the home page's 286 ms p95, bench/cases).
HOME_COUNT_LIVE_UP_TO = 10_000
HOME_COUNT_CACHE_SECONDS = 600
HOME_COUNTS = (
    ("企业", "enterprise"),
    ("车辆", "vehicle"),
    ("驾驶员", "driver"),
    ("货运源头单位", "cargo_source"),
)


def home_count(user, kind: str) -> tuple[int, bool]:
    """(count, cached): the number of parties of ``kind`` in the user's jurisdiction."""
    qs = party_list(kind=kind, user=user).order_by()  # a count needs no order (and a LIMIT would sort)
    n = qs[: HOME_COUNT_LIVE_UP_TO + 1].count()
    if n <= HOME_COUNT_LIVE_UP_TO:
        return n, False
    scope = ",".join(str(i) for i in sorted(visible_agency_ids(user)))
    key = f"zhifa:home-count:{kind}:{hashlib.sha256(scope.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = qs.count()
        cache.set(key, value, HOME_COUNT_CACHE_SECONDS)
    return value, True


@login_required
def home(request):
    officer = officer_of(request.user)
    counts = []
    for label, kind in HOME_COUNTS:
        n, cached = home_count(request.user, kind)
        counts.append((label, n, "parties:list", kind, cached))
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
