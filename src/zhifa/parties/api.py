"""/api/v1/parties/{kind}: list, detail, create, update for the five party kinds."""

from __future__ import annotations

from typing import Any, Literal

from django.core.paginator import Paginator
from ninja import Router, Schema

from zhifa.parties.presenters import present
from zhifa.parties.selectors import party_get, party_list, party_search
from zhifa.parties.services import party_create, party_update

router = Router(tags=["行政相对人"])
Kind = Literal["enterprise", "person", "vehicle", "driver", "cargo_source"]


class PageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[dict[str, Any]]


class PartyIn(Schema):
    data: dict[str, Any]
    version: int | None = None
    reason: str = ""


@router.get("/search", summary="按车牌、统一社会信用代码或名称查找")
def search(request, q: str):
    found = party_search(user=request.user, q=q)
    return {kind: [present(kind, o, request.user) for o in objs] for kind, objs in found.items()}


@router.get("/{kind}", response=PageOut, summary="列表（分页、筛选）")
def list_parties(request, kind: Kind, q: str = "", page: int = 1, page_size: int = 50):
    filters = {k: v for k, v in request.GET.items() if k not in {"q", "page", "page_size"}}
    qs = party_list(kind=kind, user=request.user, q=q, filters=filters).order_by("pk")
    paginator = Paginator(qs, min(max(page_size, 1), 200))
    p = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": p.number,
        "pages": paginator.num_pages,
        "results": [present(kind, o, request.user) for o in p.object_list],
    }


@router.get("/{kind}/{pk}", summary="详情")
def get_party(request, kind: Kind, pk: int):
    return present(kind, party_get(kind=kind, user=request.user, pk=pk), request.user)


@router.post("/{kind}", response={201: dict}, summary="登记")
def create_party(request, kind: Kind, payload: PartyIn):
    obj = party_create(kind=kind, actor=request.user, data=payload.data, reason=payload.reason)
    return 201, present(kind, obj, request.user)


@router.patch("/{kind}/{pk}", summary="修改（带版本号防并发覆盖）")
def update_party(request, kind: Kind, pk: int, payload: PartyIn):
    obj = party_get(kind=kind, user=request.user, pk=pk)
    obj = party_update(
        kind=kind, actor=request.user, obj=obj, data=payload.data, version=payload.version, reason=payload.reason
    )
    return present(kind, obj, request.user)
