"""The Django shell of the catalog: POST /api/v1/decisions, the public power list, the calculator."""

from __future__ import annotations

import json

import pytest

from zhifa.catalog.engine import decide

pytestmark = pytest.mark.django_db

FACTS = {"axles": 6, "vehicle_kind": "combination", "single_drive_axle": False, "gross_weight_kg": 55300}


def _post(client, body):
    return client.post("/api/v1/decisions", data=json.dumps(body), content_type="application/json")


def test_decisions_api_requires_auth(client, world):
    r = _post(client, {"item": "overload.weight", "violation_date": "2025-03-01", "facts": FACTS})
    assert r.status_code == 401 and r.json()["code"] == "auth.required"


def test_decisions_api_same_output_as_engine_and_cli(client, world):
    assert client.login(username="nz1", password="Test-pass-123")
    body = {
        "item": "overload.weight",
        "violation_date": "2025-03-01",
        "decision_date": "2025-03-10",
        "region": "411321",
        "facts": FACTS,
    }
    r = _post(client, body)
    assert r.status_code == 200
    data = r.json()
    expected = decide("overload.weight", FACTS, "2025-03-01", "2025-03-10", "411321").as_dict()
    assert data == json.loads(json.dumps(expected, ensure_ascii=False))
    assert data["fine_yuan"] == {"min": 3000, "max": 3000, "proposed": 3000}
    assert data["outcome"] == "fine" and data["catalog_version"]


def test_decisions_api_with_token_and_several_items(client, world):
    from zhifa.core.models import ApiToken

    key = ApiToken.new_key()
    ApiToken.objects.create(user=world.nz_officer.user, name="wim", prefix=key[:10], key_hash=ApiToken.hash_key(key))
    body = {
        "item": ["overload.weight", "overload.dimensions"],
        "violation_date": "2025-03-01",
        "facts": {
            "axles": 2,
            "vehicle_kind": "truck",
            "gross_weight_kg": 90000,
            "height_mm": 4700,
            "width_mm": 2500,
            "length_mm": 18000,
        },
    }
    r = client.post(
        "/api/v1/decisions", data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert r.status_code == 200
    assert r.json()["total_fine_yuan"]["max"] == 30000


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"item": "no.such", "violation_date": "2025-03-01", "facts": {}}, 400, "decide.unknown_item", "item"),
        (
            {"item": "overload.weight", "violation_date": "2025-13-01", "facts": FACTS},
            400,
            "decide.bad_date",
            "violation_date",
        ),
        (
            {"item": "overload.weight", "violation_date": "2025-03-01", "facts": {"axles": 6}},
            400,
            "decide.missing_fact",
            "facts.vehicle_kind",
        ),
        (
            {"item": "overload.weight", "violation_date": "2025-03-01", "facts": {**FACTS, "axles": "six"}},
            400,
            "decide.bad_fact",
            "facts.axles",
        ),
        ({"violation_date": "2025-03-01", "facts": {}}, 422, "request.invalid", "item"),
    ],
)
def test_decisions_api_errors(client, world, body, status, code, field):
    assert client.login(username="nz1", password="Test-pass-123")
    r = _post(client, body)
    assert r.status_code == status
    err = r.json()
    assert err["code"] == code and err["field"] == field and err["message"]


def test_power_list_is_public_and_by_jurisdiction(client, world):
    page = client.get("/catalog/power-list/?region=411321&date=2025-01-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert "高速公路经营者放行超限超载货运车辆" in html  # Henan-only item
    assert "河南省超限超载条例" in html
    html_sd = client.get("/catalog/power-list/?region=371300&date=2025-01-01").content.decode()
    assert "高速公路经营者放行超限超载货运车辆" not in html_sd
    assert "未取得道路运输经营许可，擅自从事道路普通货物运输经营" in html_sd


def test_power_list_api_is_public(client, world):
    r = client.get("/api/v1/catalog/power-list?region=411321&on=2025-01-01")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.json()["items"]}
    assert rows["overload.checkpoint_disruption"]["fine_min"] == 10000


def test_item_page_shows_provision_text(client, world):
    html = client.get("/catalog/items/road_transport.unlicensed_freight/").content.decode()
    assert "违法所得超过1万元的，没收违法所得，处违法所得1倍以上5倍以下的罚款" in html  # cut from the statute
    assert "江西" in html and "已过时" in html
    assert client.get("/catalog/items/no.such/").status_code == 404


def test_calculator_needs_login(client, world):
    r = client.get("/catalog/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_calculator_search_form_and_trace_in_words(client, world):
    assert client.login(username="nz1", password="Test-pass-123")
    html = client.get("/catalog/?q=六轴货车超载").content.decode()
    assert "?item=overload.weight" in html
    form = client.get("/catalog/?item=road_transport.unlicensed_freight").content.decode()
    assert 'name="fact_illegal_income_yuan"' in form and 'value="411321"' in form  # officer's region pre-filled
    r = client.post(
        "/catalog/",
        {
            "item": "road_transport.unlicensed_freight",
            "violation_date": "2023-05-01",
            "decision_date": "2023-09-01",
            "region": "411321",
            "fact_illegal_income_yuan": "0",
            "fact_serious": "",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "从旧兼从轻" in html and "3,000" in html and "10,000" in html
    assert "第六十三条第一款第（一）项" in html


def test_calculator_shows_missing_fact_error(client, world):
    assert client.login(username="nz1", password="Test-pass-123")
    r = client.post(
        "/catalog/",
        {
            "item": "overload.weight",
            "violation_date": "2025-03-01",
            "decision_date": "2025-03-01",
            "region": "",
            "fact_axles": "6",
            "fact_vehicle_kind": "combination",
            "fact_gross_weight_kg": "55000",
        },
    )
    html = r.content.decode()
    assert "缺少必需的事实“牵引车驱动轴为单轴”" in html
