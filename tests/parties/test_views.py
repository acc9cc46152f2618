import pytest

from zhifa.parties.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def nz(client, world):
    assert client.login(username="nz1", password="Test-pass-123")
    return client


def test_login_required(client, world):
    r = client.get("/parties/vehicle/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_outside_jurisdiction_is_404_by_page(nz, world):
    assert nz.get(f"/parties/vehicle/{world.ly_vehicle.pk}/").status_code == 404
    assert nz.get(f"/parties/vehicle/{world.ly_vehicle.pk}/edit/").status_code == 404
    assert nz.get(f"/parties/vehicle/{world.nz_vehicle.pk}/").status_code == 200


def test_list_filters_and_search(nz, world):
    from tests.factories import VehicleFactory

    VehicleFactory(agency=world.nanzhao, plate="豫R88888", kind="truck", axles=2)
    page = nz.get("/parties/vehicle/?kind=truck").content.decode()
    assert "豫R88888" in page and "豫R12345" not in page
    page = nz.get("/parties/vehicle/?q=88888").content.decode()
    assert "豫R88888" in page and "鲁Q54321" not in page


def test_create_form_shows_field_error_in_chinese(nz, world):
    r = nz.post("/parties/enterprise/new/", {"name": "甲公司", "uscc": "91350200776049653B", "sector": "freight"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "校验码错误" in html and "is-invalid" in html
    assert not Enterprise.objects.filter(name="甲公司").exists()


def test_create_and_edit_enterprise(nz, world):
    r = nz.post("/parties/enterprise/new/", {"name": "乙物流", "uscc": "91350200776049653A", "sector": "freight"})
    assert r.status_code == 302
    ent = Enterprise.objects.get(name="乙物流")
    r = nz.post(
        f"/parties/enterprise/{ent.pk}/edit/",
        {"name": "乙物流有限公司", "uscc": ent.uscc, "sector": "freight", "version": ent.version},
    )
    assert r.status_code == 302
    ent.refresh_from_db()
    assert ent.name == "乙物流有限公司" and ent.version == 2
    # A stale version is a conflict shown on the form.
    r = nz.post(
        f"/parties/enterprise/{ent.pk}/edit/", {"name": "丙", "uscc": ent.uscc, "sector": "freight", "version": 1}
    )
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()


def test_person_edit_keeps_masked_id(nz, world):
    from tests.factories import PersonFactory

    p = PersonFactory(agency=world.nanzhao, id_number="11010519491231002X")
    page = nz.get(f"/parties/person/{p.pk}/edit/").content.decode()
    assert "11010519491231002X" not in page and "110***********002X" in page
    r = nz.post(
        f"/parties/person/{p.pk}/edit/",
        {"name": "新名字", "id_number": "110***********002X", "phone": p.phone_masked, "version": 1},
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.name == "新名字" and p.id_number == "11010519491231002X"


def test_list_query_budget(nz, world, django_assert_max_num_queries):
    from tests.factories import VehicleFactory

    VehicleFactory.create_batch(40, agency=world.nanzhao)
    with django_assert_max_num_queries(14):
        assert nz.get("/parties/vehicle/").status_code == 200


def test_home_dashboard_and_unbuilt_modules(nz, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        html = nz.get("/").content.decode()
    assert "工作台" in html and "建设中" in html
    assert "双随机" in nz.get("/modules/inspections/").content.decode()


def test_login_lockout_after_failures(client, world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/login/", {"username": "nz2", "password": "wrong"})
    r = client.post("/login/", {"username": "nz2", "password": "Test-pass-123"})
    assert r.status_code == 200 and "锁定" in r.content.decode()
    from zhifa.core.models import AuditEvent

    assert AuditEvent.objects.filter(event_code="auth.locked").exists()
