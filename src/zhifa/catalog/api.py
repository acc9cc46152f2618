"""/api/v1/decisions and the catalog read endpoints (thin: the pure engine does the work).

POST /api/v1/decisions takes the same input as ``zhifa decide`` and returns the same JSON
(a Decision, or several decisions with cumulative caps when ``item`` is a list); bad input
is 400 with ``{code, message, field}`` (422 when the request body itself is malformed).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Router, Schema

from zhifa.catalog.engine import decide, decide_combined, item_facts
from zhifa.catalog.powerlist import power_list
from zhifa.catalog.search import search
from zhifa.catalog.yamlload import catalog
from zhifa.core.errors import DomainError

router = Router(tags=["权责清单与裁量"])


class DecisionIn(Schema):
    item: str | list[str]
    violation_date: str
    decision_date: str | None = None
    region: str | None = None
    facts: dict[str, Any] = {}


def parse_day(value: str | None, field: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DomainError("decide.bad_date", f"日期“{value}”格式应为 YYYY-MM-DD", field)


@router.post("/decisions", summary="计算裁量结果（与 zhifa decide 相同的输入与输出）")
def post_decision(request, payload: DecisionIn):
    vdate = parse_day(payload.violation_date, "violation_date")
    ddate = parse_day(payload.decision_date, "decision_date") or date.today()
    items = [payload.item] if isinstance(payload.item, str) else list(payload.item)
    if not items:
        raise DomainError("decide.unknown_item", "至少需要一个处罚事项代码", "item")
    if len(items) == 1:
        return decide(items[0], payload.facts, vdate, ddate, payload.region or None).as_dict()
    return decide_combined([(code, payload.facts) for code in items], vdate, ddate, payload.region or None).as_dict()


@router.get("/catalog/items", summary="处罚事项列表（含所需事实）")
def list_items(request):
    cat = catalog()
    return {
        "catalog_version": cat.version,
        "items": [
            {"code": code, "name": item.name, "category": item.category, "regions": item.regions, "status": item.status}
            for code, item in cat.items.items()
        ],
    }


@router.get("/catalog/items/{code}", summary="处罚事项详情：版本、条款原文、事实")
def get_item(request, code: str):
    cat = catalog()
    item = cat.items.get(code)
    if item is None:
        raise DomainError("decide.unknown_item", f"未知的处罚事项代码“{code}”", "item")
    own = {f.name for f in item.facts}
    return {
        "code": code,
        "name": item.name,
        "subject": item.subject,
        "status": item.status,
        "regions": item.regions,
        "facts": [
            {
                "name": f.name,
                "label": f.label,
                "type": f.type,
                "values": f.values,
                "value_labels": f.value_labels,
                "required": f.required,
                "general": f.name not in own,
            }
            for f in item_facts(code)
        ],
        "versions": [
            {
                "id": v.id,
                "effective_from": v.effective_from,
                "effective_to": v.effective_to,
                "violated": [cat.provisions[p].as_dict() for p in v.violated],
                "penalty": [cat.provisions[p].as_dict() for p in v.penalty_provisions],
            }
            for v in item.versions
        ],
        "catalog_version": cat.version,
    }


@router.get("/catalog/search", summary="检索处罚事项与条文（jieba 分词 + BM25）")
def search_law(request, q: str, limit: int = 10):
    return [h.as_dict() for h in search(q, limit=min(max(limit, 1), 50))]


@router.get("/catalog/power-list", auth=None, summary="权责清单（公开，无需登录）")
def get_power_list(request, region: str | None = None, on: str | None = None):
    day = parse_day(on, "on") or date.today()
    return {
        "region": region or None,
        "date": day,
        "catalog_version": catalog().version,
        "items": [r.as_dict() for r in power_list(region or None, day)],
    }
