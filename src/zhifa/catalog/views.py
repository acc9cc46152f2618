"""Pages: the public power list (权责清单, no login) and the discretion calculator for officers.

Views stay thin: the pure engine decides, the power list comes from ``powerlist``.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from zhifa.catalog.engine import decide, item_facts
from zhifa.catalog.forms import DecisionForm
from zhifa.catalog.powerlist import CATEGORIES, power_list
from zhifa.catalog.schema import LISTS, OUTCOMES, SANCTIONS, SEVERITIES
from zhifa.catalog.search import search
from zhifa.catalog.yamlload import catalog, version_in_force
from zhifa.core.errors import DomainError
from zhifa.core.permissions import officer_of


def _regions():
    """(code, name) of the agencies on record, for the region selector (names are public)."""
    from zhifa.agencies.models import Agency

    seen: dict[str, str] = {}
    for code, name in Agency.objects.order_by("region_code", "name").values_list("region_code", "name"):
        seen.setdefault(code, name)
    return sorted(seen.items())


def _day(value: str | None) -> date:
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return date.today()


def power_list_view(request):
    """权责清单 by jurisdiction and date: public, the seeds require publication."""
    region = (request.GET.get("region") or "").strip() or None
    if region is None and request.GET.get("region") is None:
        officer = officer_of(request.user)
        region = officer.agency.region_code if officer else None
    day = _day(request.GET.get("date"))
    error = None
    rows = []
    try:
        rows = power_list(region, day)
    except DomainError as exc:
        error = exc.message
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(r.category_label, []).append(r)
    return render(
        request,
        "catalog/power_list.html",
        {
            "active_module": "catalog",
            "region": region or "",
            "day": day,
            "groups": groups,
            "count": len(rows),
            "regions": _regions(),
            "error": error,
            "catalog_version": catalog().version,
            "categories": CATEGORIES,
        },
    )


def item_detail(request, code: str):
    """One item: versions with the full provision texts, benchmarks, lists (public)."""
    cat = catalog()
    item = cat.items.get(code)
    if item is None:
        raise Http404
    day = _day(request.GET.get("date"))
    current = version_in_force(item, day)
    versions = [
        {
            "spec": v,
            "current": v is current,
            "violated": [cat.provisions[p] for p in v.violated],
            "penalty": [cat.provisions[p] for p in v.penalty_provisions],
        }
        for v in item.versions
    ]
    overlays = [
        {"name": o.name, "region": o.region, "entry": e, "provisions": [cat.provisions[p] for p in e.provisions]}
        for o in cat.overlays
        for e in o.items.get(code, [])
    ]
    return render(
        request,
        "catalog/item.html",
        {
            "active_module": "catalog",
            "item": item,
            "versions": versions,
            "overlays": overlays,
            "lists": LISTS,
            "sanctions": SANCTIONS,
            "severities": SEVERITIES,
            "catalog_version": cat.version,
        },
    )


@login_required
def calculator(request):
    """裁量计算：find the item (law search), enter the facts, read the decision and its trace."""
    cat = catalog()
    q = request.GET.get("q", "").strip()
    code = request.POST.get("item") or request.GET.get("item") or ""
    hits = search(q, limit=8, kinds={"item"}) if q else []
    context = {
        "active_module": "catalog",
        "q": q,
        "hits": hits,
        "items": sorted(cat.items.values(), key=lambda i: (i.category, i.code)),
        "categories": CATEGORIES,
        "catalog_version": cat.version,
    }
    item = cat.items.get(code)
    if item is None:
        if code:
            context["error"] = f"未知的处罚事项代码“{code}”"
        return render(request, "catalog/calculator.html", context)
    facts = item_facts(code)
    own = {f.name for f in item.facts}
    officer = officer_of(request.user)
    initial = {
        "violation_date": date.today(),
        "decision_date": date.today(),
        "region": officer.agency.region_code if officer else "",
    }
    form = DecisionForm(request.POST or None, initial=initial, facts=facts, own=own)
    decision = None
    if request.method == "POST" and form.is_valid():
        vdate, ddate = form.dates()
        try:
            decision = decide(code, form.facts(), vdate, ddate, form.cleaned_data["region"] or None)
        except DomainError as exc:
            target = None
            if exc.field and exc.field.startswith("facts."):
                target = f"fact_{exc.field[6:]}"
            elif exc.field in ("violation_date", "decision_date", "region"):
                target = exc.field
            form.add_error(target if target in form.fields else None, exc.message)
    context.update(
        {
            "item": item,
            "form": form,
            "decision": decision,
            "result": decision.as_dict() if decision else None,
            "outcomes": OUTCOMES,
        }
    )
    return render(request, "catalog/calculator.html", context)
