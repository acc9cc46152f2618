"""ECharts pages: overload rate by station and day (StationDay), top offending vehicles and enterprises
(12 months). The page loads its data from the JSON endpoints, which are scoped by jurisdiction."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path

from zhifa.offsite.selectors_review import chart_station_days, chart_top_offenders


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def charts_view(request):
    return render(request, "offsite/charts_page.html", {"active_module": "offsite"})


@login_required
def chart_stations_json(request):
    return JsonResponse(chart_station_days(user=request.user, days=_int(request.GET.get("days"), 30)))


@login_required
def chart_top_json(request):
    return JsonResponse(chart_top_offenders(user=request.user, limit=_int(request.GET.get("limit"), 10)))


urlpatterns = [
    path("charts/", charts_view, name="charts"),
    path("charts/stations.json", chart_stations_json, name="chart_stations"),
    path("charts/top.json", chart_top_json, name="chart_top"),
]
