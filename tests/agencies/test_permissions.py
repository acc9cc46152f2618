from datetime import date

import pytest

from zhifa.agencies.services import officer_create
from zhifa.core.errors import DomainError
from zhifa.core.permissions import require_enforcement_licence, visible_agency_ids


@pytest.mark.django_db
def test_officer_sees_own_agency_and_sub_agencies_only(world):
    assert visible_agency_ids(world.nz_officer.user) == {world.nanzhao.pk}
    assert visible_agency_ids(world.city_officer.user) == {world.henan_city.pk, world.nanzhao.pk}
    assert visible_agency_ids(world.ly_officer.user) == {world.linyi.pk}


@pytest.mark.django_db
def test_supervisor_sees_supervised_agencies(world):
    ids = visible_agency_ids(world.nz_supervisor.user)
    assert world.nanzhao.pk in ids and world.linyi.pk not in ids and world.henan_city.pk not in ids


@pytest.mark.django_db
def test_user_without_officer_sees_nothing(django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    assert visible_agency_ids(user) == frozenset()


@pytest.mark.django_db
def test_expired_licence_blocks_enforcement_with_clear_message(world):
    o = world.nz_officer
    o.licence_valid_to = date(2025, 6, 30)
    o.save()
    with pytest.raises(DomainError) as err:
        require_enforcement_licence(o.user, on=date(2026, 1, 5))
    assert err.value.code == "officer.licence_expired"
    assert "2025年06月30日过期" in err.value.message and "可以登录" in err.value.message
    assert require_enforcement_licence(o.user, on=date(2025, 6, 30)) == o


@pytest.mark.django_db
def test_expired_officer_can_still_log_in(client, world):
    o = world.nz_officer
    o.licence_valid_to = date(2025, 6, 30)
    o.save()
    r = client.post("/login/", {"username": "nz1", "password": "Test-pass-123"})
    assert r.status_code == 302
    page = client.get("/").content.decode()
    assert "已于 2025年6月30日 过期" in page


@pytest.mark.django_db
def test_admin_without_officer_role_cannot_enforce(world):
    with pytest.raises(DomainError) as err:
        require_enforcement_licence(world.nz_admin.user)
    assert err.value.code == "permission.role_required"


@pytest.mark.django_db
def test_officer_create_rules(world):
    with pytest.raises(DomainError) as err:
        officer_create(
            actor=None, username="x1", password="Abc-12345678", name="甲", agency=world.nanzhao, roles=["officer"]
        )
    assert err.value.code == "officer.licence_required"
    with pytest.raises(DomainError) as err:
        officer_create(
            actor=None,
            username="x2",
            password="Abc-12345678",
            name="乙",
            agency=world.nanzhao,
            roles=["officer"],
            licence_no=world.nz_officer.licence_no,
            licence_valid_from=date(2024, 1, 1),
            licence_valid_to=date(2027, 1, 1),
        )
    assert err.value.code == "officer.licence_duplicate"
