import json

import pytest

from zhifa.core.models import ApiToken

pytestmark = pytest.mark.django_db


def _login(client, username):
    assert client.login(username=username, password="Test-pass-123")


def test_api_requires_auth(client, world):
    r = client.get("/api/v1/parties/vehicle")
    assert r.status_code == 401 and r.json()["code"] == "auth.required"


def test_outside_jurisdiction_is_404_by_api(client, world):
    _login(client, "nz1")
    r = client.get(f"/api/v1/parties/vehicle/{world.ly_vehicle.pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert client.get(f"/api/v1/parties/vehicle/{world.nz_vehicle.pk}").json()["plate"] == "豫R12345"


def test_list_is_scoped_and_paginated(client, world, django_assert_max_num_queries):
    from tests.factories import VehicleFactory

    VehicleFactory.create_batch(30, agency=world.nanzhao)
    _login(client, "nz1")
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/parties/vehicle?page_size=10&page=2").json()
    assert r["count"] == 31 and r["pages"] == 4 and len(r["results"]) == 10
    assert all(v["agency"] == world.nanzhao.name for v in r["results"])


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    from tests.factories import EnterpriseFactory, VehicleFactory

    _login(client, "nz1")
    owners = EnterpriseFactory.create_batch(5, agency=world.nanzhao)
    for o in owners:
        VehicleFactory.create_batch(10, agency=world.nanzhao, owner_enterprise=o)
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/parties/vehicle?page_size=50").json()["results"]) == 50


def test_create_with_bad_plate_gives_field_error(client, world):
    _login(client, "nz1")
    r = client.post(
        "/api/v1/parties/vehicle",
        data=json.dumps({"data": {"plate": "豫RO1234", "plate_colour": "yellow", "kind": "truck", "axles": 2}}),
        content_type="application/json",
    )
    assert r.status_code == 400
    body = r.json()
    assert body["field"] == "plate" and body["code"] == "plate.format"


def test_token_auth_for_machines(client, world):
    raw = ApiToken.new_key()
    ApiToken.objects.create(user=world.nz_officer.user, name="wim", prefix=raw[:10], key_hash=ApiToken.hash_key(raw))
    r = client.get("/api/v1/parties/vehicle", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert client.get("/api/v1/parties/vehicle", HTTP_AUTHORIZATION="Bearer zf_wrong").status_code == 401


def test_person_data_masked_in_api(client, world):
    from tests.factories import PersonFactory

    p = PersonFactory(agency=world.nanzhao, id_number="11010519491231002X", phone="13812345678")
    _login(client, "nz1")
    body = client.get(f"/api/v1/parties/person/{p.pk}").json()
    assert body["id_number"] == "110***********002X" and body["phone"] == "138****5678"


def test_search_by_plate_credit_code_and_name(client, world):
    _login(client, "nz1")
    found = client.get("/api/v1/parties/search?q=豫r 12345").json()
    assert [v["plate"] for v in found["vehicle"]] == ["豫R12345"]
    found = client.get(f"/api/v1/parties/search?q={world.nz_enterprise.uscc}").json()
    assert [e["id"] for e in found["enterprise"]] == [world.nz_enterprise.pk]
    assert client.get("/api/v1/parties/search?q=鲁Q54321").json()["vehicle"] == []


def test_openapi_docs(client, world):
    _login(client, "nz1")
    assert client.get("/api/v1/openapi.json").status_code == 200
