import pytest

from zhifa.agencies.models import Agency
from zhifa.core.models import AuditEvent


@pytest.mark.django_db
def test_agency_created_in_admin_gets_path_and_audit(admin_client, world):
    r = admin_client.post(
        "/admin/agencies/agency/add/",
        {
            "name": "皇后镇治超站",
            "short_name": "皇后",
            "kind": "enforcement",
            "level": "county",
            "region_code": "411321",
            "parent": world.henan_city.pk,
            "domains": "[]",
            "case_number_pattern": "{short}〔{year}〕{seq:04d}号",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Agency.objects.get(name="皇后镇治超站")
    assert a.path == f"{world.henan_city.path}{a.pk}/"
    ev = AuditEvent.objects.get(event_code="agency.created_in_admin")
    assert ev.after["name"] == "皇后镇治超站"
