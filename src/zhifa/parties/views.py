"""Party pages: one set of views for the five kinds (list with filters and pagination, detail,
create, edit with field errors, and the roadside search)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from zhifa.core.errors import DomainError, NotFound
from zhifa.parties.choices import PlateColour, Sector, VehicleKind
from zhifa.parties.forms import FORMS
from zhifa.parties.presenters import present
from zhifa.parties.selectors import party_get, party_list, party_search
from zhifa.parties.services import party_create, party_update

KINDS = {
    "enterprise": "企业",
    "vehicle": "车辆",
    "person": "自然人",
    "driver": "驾驶员",
    "cargo_source": "货运源头单位",
}

COLUMNS = {
    "enterprise": [
        ("名称", "name"),
        ("统一社会信用代码", "uscc"),
        ("行业", "sector_label"),
        ("法定代表人", "legal_representative"),
        ("经营许可证号", "business_licence_no"),
    ],
    "vehicle": [
        ("号牌", "plate"),
        ("颜色", "plate_colour_label"),
        ("类型", "kind_label"),
        ("轴数", "axles"),
        ("道路运输证号", "transport_cert_no"),
        ("所有人", "owner"),
    ],
    "person": [("姓名", "name"), ("身份证号码", "id_number"), ("电话", "phone")],
    "driver": [("姓名", "name"), ("从业资格证号", "qualification_no"), ("所属企业", "employer")],
    "cargo_source": [
        ("场站名称", "site_name"),
        ("经营企业", "enterprise"),
        ("主要货物", "cargo_types"),
        ("称重设备", "has_weighing_equipment"),
    ],
}

FILTER_CHOICES = {
    "enterprise": [("sector", "行业", Sector.choices)],
    "vehicle": [("kind", "类型", VehicleKind.choices), ("plate_colour", "颜色", PlateColour.choices)],
}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


@login_required
def index(request):
    return redirect("parties:list", kind="vehicle")


@login_required
def party_list_view(request, kind):
    kind = _kind(kind)
    filters = {k: request.GET.get(k, "") for k, _l, _c in FILTER_CHOICES.get(kind, [])}
    qs = party_list(kind=kind, user=request.user, q=request.GET.get("q", ""), filters=filters).order_by("pk")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [present(kind, o, request.user) for o in page.object_list]
    return render(
        request,
        "parties/list.html",
        {
            "active_module": "parties",
            "kind": kind,
            "kinds": KINDS,
            "label": KINDS[kind],
            "page": page,
            "rows": rows,
            "columns": COLUMNS[kind],
            "filters": FILTER_CHOICES.get(kind, []),
            "filter_values": filters,
            "q": request.GET.get("q", ""),
        },
    )


@login_required
def party_detail_view(request, kind, pk):
    kind = _kind(kind)
    try:
        obj = party_get(kind=kind, user=request.user, pk=pk)
    except NotFound:
        raise Http404
    data = present(kind, obj, request.user)
    form_cls = FORMS[kind]
    labels = {name: str(f.label) for name, f in form_cls.base_fields.items()}
    return render(
        request,
        "parties/detail.html",
        {
            "active_module": "parties",
            "kind": kind,
            "label": KINDS[kind],
            "obj": obj,
            "data": data,
            "columns": COLUMNS[kind],
            "labels": labels,
        },
    )


def _apply_errors(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
def party_create_view(request, kind):
    kind = _kind(kind)
    form_cls = FORMS[kind]
    form = form_cls(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            obj = party_create(kind=kind, actor=request.user, data=form.service_data())
        except DomainError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, f"{KINDS[kind]}“{obj}”已登记")
            return redirect("parties:detail", kind=kind, pk=obj.pk)
    return render(
        request,
        "parties/form.html",
        {
            "active_module": "parties",
            "kind": kind,
            "label": KINDS[kind],
            "form": form,
            "creating": True,
        },
    )


@login_required
def party_edit_view(request, kind, pk):
    kind = _kind(kind)
    try:
        obj = party_get(kind=kind, user=request.user, pk=pk)
    except NotFound:
        raise Http404
    form_cls = FORMS[kind]
    initial = form_cls.initial_from(obj)
    if kind == "person":
        initial["id_number"] = obj.id_number_masked
        initial["phone"] = obj.phone_masked
    form = form_cls(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.service_data()
            if kind == "person":  # masked values left untouched mean "unchanged"
                if data.get("id_number") == obj.id_number_masked:
                    data.pop("id_number")
                if data.get("phone") == obj.phone_masked:
                    data.pop("phone")
            if kind == "driver":
                data.pop("person", None)
            version = int(request.POST.get("version") or obj.version)
            obj = party_update(kind=kind, actor=request.user, obj=obj, data=data, version=version)
        except DomainError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, f"{KINDS[kind]}“{obj}”已保存")
            return redirect("parties:detail", kind=kind, pk=obj.pk)
    return render(
        request,
        "parties/form.html",
        {
            "active_module": "parties",
            "kind": kind,
            "label": KINDS[kind],
            "form": form,
            "creating": False,
            "obj": obj,
        },
    )


@login_required
def search_view(request):
    q = request.GET.get("q", "").strip()
    results = {}
    if q:
        found = party_search(user=request.user, q=q)
        results = {kind: [present(kind, o, request.user) for o in objs] for kind, objs in found.items()}
    return render(
        request,
        "parties/search.html",
        {
            "active_module": "parties",
            "q": q,
            "results": results,
            "kinds": KINDS,
            "columns": COLUMNS,
        },
    )
