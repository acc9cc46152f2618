"""Stations, devices and calibrations: validation with Chinese errors, audit, permissions by role and
jurisdiction, the push token (shown once, stored hashed), the calibration badge, and the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhifa.core.errors import ConflictError, DomainError, NotFound, PermissionDenied
from zhifa.core.models import AuditEvent
from zhifa.offsite.models import Calibration, Station
from zhifa.offsite.selectors import calibration_state, station_list
from zhifa.offsite.services.stations import (
    calibration_add,
    device_create,
    hash_token,
    station_create,
    station_for_token,
    station_token_issue,
    station_update,
)

DATA = {"code": "S411321009", "name": "G207南召北", "road": "G207", "region_code": "411321", "lanes": "4"}


@pytest.fixture
def station(world):
    return station_create(actor=world.nz_admin.user, data=DATA)


def test_create_validates_and_audits(world, station):
    assert station.agency == world.nanzhao and station.lanes == 4 and station.version == 1
    assert AuditEvent.objects.filter(event_code="offsite.station_created", object_id=str(station.pk)).exists()
    with pytest.raises(DomainError) as exc:
        station_create(actor=world.nz_admin.user, data=DATA)
    assert exc.value.code == "offsite.station_duplicate" and exc.value.field == "code"
    for bad, field in [
        ({"region_code": "4113"}, "region_code"),
        ({"code": "S 1"}, "code"),
        ({"name": ""}, "name"),
        ({"latitude": "95"}, "latitude"),
        ({"lanes": "0"}, "lanes"),
        ({"published_on": "2024-01-01"}, "publication_ref"),
        ({"published_on": (date.today() + timedelta(days=30)).isoformat(), "publication_ref": "公告"}, "published_on"),
    ]:
        with pytest.raises(DomainError) as exc:
            station_create(actor=world.nz_admin.user, data={**DATA, "code": "S2", **bad})
        assert exc.value.field == field, bad
        assert exc.value.message  # Chinese message


def test_only_admins_in_jurisdiction_write(world, station):
    with pytest.raises(PermissionDenied):
        station_create(actor=world.nz_officer.user, data={**DATA, "code": "S3"})
    from tests.factories import OfficerFactory

    ly_admin = OfficerFactory(agency=world.linyi, user__username="lyadmin", roles=["admin"], licence_no="")
    with pytest.raises(NotFound):
        station_update(actor=ly_admin.user, station=station, data={"name": "x"})
    assert list(station_list(user=world.ly_officer.user)) == []
    assert list(station_list(user=world.nz_officer.user)) == [station]
    assert list(station_list(user=world.city_officer.user)) == [station]  # the city sees its counties


def test_update_optimistic_lock(world, station):
    s = station_update(
        actor=world.nz_admin.user,
        station=station,
        data={"published_on": "2024-03-01", "publication_ref": "南召县交通运输局公告〔2024〕3号"},
        version=1,
    )
    assert s.version == 2 and s.is_published
    with pytest.raises(ConflictError):
        station_update(actor=world.nz_admin.user, station=station, data={"name": "x"}, version=1)


def test_token_shown_once_stored_hashed(world, station):
    token = station_token_issue(actor=world.nz_admin.user, station=station)
    station.refresh_from_db()
    assert (
        token.startswith("zfs_")
        and station.push_token_hash == hash_token(token)
        and token not in str(AuditEvent.objects.values_list("after", flat=True)[::1])
    )
    assert station_for_token(token) == station
    new = station_token_issue(actor=world.nz_admin.user, station=station)
    assert station_for_token(token) is None and station_for_token(new) == station
    assert AuditEvent.objects.filter(event_code="offsite.station_token_rotated").count() == 1


def test_devices_and_calibrations(world, station):
    d = device_create(actor=world.nz_admin.user, station=station, data={"serial": "WIM-9", "lanes": "1, 2"})
    assert d.lanes == ["1", "2"]
    with pytest.raises(DomainError) as exc:
        device_create(actor=world.nz_admin.user, station=station, data={"serial": "WIM-9"})
    assert exc.value.code == "offsite.device_duplicate"
    with pytest.raises(DomainError) as exc:
        calibration_add(
            actor=world.nz_admin.user,
            device=d,
            data={"certificate_no": "C", "issuer": "计量院", "valid_from": "2024-02-01", "valid_to": "2024-01-01"},
        )
    assert exc.value.field == "valid_to"
    today = timezone.localdate()
    assert calibration_state([]).label == "无证书"
    cal = calibration_add(
        actor=world.nz_admin.user,
        device=d,
        data={"certificate_no": "C1", "issuer": "计量院", "valid_from": "2020-01-01", "valid_to": "2020-12-31"},
    )
    assert calibration_state([cal], today).label == "已过期"
    assert cal.covers(date(2020, 6, 1)) and not cal.covers(date(2021, 1, 1))
    cur = Calibration.objects.create(
        device=d, certificate_no="C2", issuer="计量院", valid_from=today - timedelta(days=10), valid_to=today
    )
    st = calibration_state([cur, cal], today)
    assert st.valid and st.label == "有效" and st.current == cur


def test_pages(client, world, station):
    d = device_create(actor=world.nz_admin.user, station=station, data={"serial": "WIM-1"})
    Calibration.objects.create(
        device=d, certificate_no="OLD-1", issuer="计量院", valid_from=date(2020, 1, 1), valid_to=date(2020, 12, 31)
    )
    client.force_login(world.nz_officer.user)
    r = client.get(reverse("offsite:station_list"))
    assert r.status_code == 200 and "S411321009" in r.content.decode()
    r = client.get(reverse("offsite:station_detail", args=[station.pk]))
    html = r.content.decode()
    assert "已过期" in html and "OLD-1" in html and "未公布" in html and "修改站点" not in html
    assert client.get(reverse("offsite:station_edit", args=[station.pk])).status_code == 403
    client.force_login(world.ly_officer.user)
    assert client.get(reverse("offsite:station_detail", args=[station.pk])).status_code == 404
    client.force_login(world.nz_admin.user)
    r = client.post(reverse("offsite:station_edit", args=[station.pk]), {**DATA, "region_code": "x", "version": 1})
    assert r.status_code == 400 and "6位数字" in r.content.decode()
    r = client.post(
        reverse("offsite:station_edit", args=[station.pk]), {**DATA, "name": "新名称", "active": "on", "version": 1}
    )
    assert r.status_code == 302 and Station.objects.get(pk=station.pk).name == "新名称"
    r = client.post(reverse("offsite:station_token", args=[station.pk]), follow=True)
    assert "只显示这一次" in r.content.decode()
    r = client.get(reverse("offsite:station_detail", args=[station.pk]))
    assert "只显示这一次" not in r.content.decode()
    r = client.post(reverse("offsite:device_add", args=[station.pk]), {"serial": "WIM-2", "lanes": "1"}, follow=True)
    assert "已登记设备 WIM-2" in r.content.decode()
    r = client.post(
        reverse("offsite:calibration_add", args=[d.pk]),
        {"certificate_no": "NEW-1", "issuer": "计量院", "valid_from": "2020-01-01", "valid_to": "2099-12-31"},
        follow=True,
    )
    assert "已登记检定证书 NEW-1" in r.content.decode()


def test_station_list_query_count(client, world):
    for i in range(15):
        Station.objects.create(agency=world.nanzhao, code=f"S{i:03d}", name=f"站{i}", region_code="411321")
    client.force_login(world.nz_officer.user)
    client.get(reverse("offsite:station_list"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("offsite:station_list")).status_code == 200
    n = len(ctx.captured_queries)
    Station.objects.create(agency=world.nanzhao, code="S999", name="站x", region_code="411321")
    with CaptureQueriesContext(connection) as ctx2:
        client.get(reverse("offsite:station_list"))
    assert len(ctx2.captured_queries) == n <= 12
