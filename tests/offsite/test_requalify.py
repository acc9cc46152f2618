"""A certificate recorded after the import: the passages it covers become evidence (河南条例 第10条), open
events are recomputed exactly as an import with the certificate on record would have made them, reviewed
events stay as they were, counts and the audit follow."""

from __future__ import annotations

from datetime import date

import pytest

from tests.offsite.test_ingest_pipeline import OVER, S1, S2, csv_file, make_sites, rows
from zhifa.core.errors import DomainError
from zhifa.core.models import AuditEvent
from zhifa.offsite.models import Calibration, EventStatus, OverloadEvent, Passage, StationDay
from zhifa.offsite.services.ingest import import_file
from zhifa.offsite.services.stations import calibration_add

CERT_2024 = {
    "certificate_no": "C-2-2024",
    "issuer": "河南省计量院",
    "valid_from": "2024-01-01",
    "valid_to": "2024-12-31",
    "accuracy_class": "5",
}


@pytest.fixture
def sites(world):
    return make_sites(world)


def _data(world):
    plate = world.nz_vehicle.plate
    return rows(
        (1, {"station_id": S2, "lane": "1", "plate": plate, **OVER}),  # 3 t over, only S2 lane 1
        (2, {"station_id": S2, "lane": "1", "plate": "豫R88888", "gross_kg": "60000"}),  # 11 t over
        (3, {"station_id": S2, "lane": "1", "plate": "豫R77777"}),  # under the limit
        (4, {"station_id": S2, "lane": "1", "plate": plate, "gross_kg": "54000"}),  # 5 t over: the worst
        (5, {"station_id": S1, "plate": plate, "gross_kg": "50000"}),  # 1 t over at S1, evidence from the start
        (6, {"station_id": S2, "lane": "2", "plate": "豫R66666"}),  # lane 2 has no device: stays unusable
    )


def _snapshot(e: OverloadEvent) -> tuple:
    return (
        e.status,
        e.station_id,
        e.gross_kg,
        e.limit_kg,
        e.over_kg,
        e.outcome,
        e.fine_yuan,
        e.rules_date,
        e.catalog_version,
        e.over_length_mm,
        e.over_width_mm,
        e.over_height_mm,
    )


def test_late_certificate_makes_passages_evidence_like_an_import_with_it(world, sites, tmp_path):
    _s1, s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao, actor=world.nz_admin.user)
    assert Passage.objects.filter(evidence_usable=False).count() == 5
    before = {e.plate: e for e in OverloadEvent.objects.all()}
    known = before[world.nz_vehicle.plate]
    # three passages, one event; only the S1 passage (1 t over) is evidence before the certificate
    assert known.passage_count == 3 and known.status == EventStatus.PENDING_REVIEW
    assert known.over_kg == 1000 and known.station.code == S1
    assert before["豫R88888"].status == EventStatus.UNUSABLE and before["豫R88888"].fine_yuan == 0
    assert before["豫R88888"].outcome == "none"
    assert StationDay.objects.get(station=s2, day=date(2024, 5, 1)).unusable == 5

    cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)

    assert cal.requalified["passages"] == 4
    assert Passage.objects.filter(evidence_usable=True, unusable_reason="").count() == 5
    assert StationDay.objects.get(station=s2, day=date(2024, 5, 1)).unusable == 1  # the no_device passage
    assert Passage.objects.get(record_id="R000006").unusable_reason == "no_device"
    after = {e.plate: e for e in OverloadEvent.objects.all()}
    known = after[world.nz_vehicle.plate]
    assert known.status == EventStatus.PENDING_REVIEW and known.over_kg == 5000 and known.fine_yuan > 0
    assert known.station.code == S2 and Passage.objects.get(worst=True, event=known).record_id == "R000004"
    assert after["豫R88888"].status == EventStatus.VEHICLE_UNKNOWN and after["豫R88888"].over_kg == 11000
    assert all(e.version == before[e.plate].version + 1 for e in after.values())
    row = AuditEvent.objects.get(event_code="offsite.passages_requalified")
    assert row.after["passages"] == 4 and row.after["events_recomputed_count"] == 2

    # the same file imported into a world where the certificate was on record from the start
    recomputed = {p: _snapshot(e) for p, e in after.items()}
    worst = set(Passage.objects.filter(worst=True).values_list("record_id", flat=True))
    OverloadEvent.objects.all().delete()
    Passage.objects.all().delete()
    StationDay.objects.all().delete()
    from zhifa.offsite.models import ImportRun

    ImportRun.objects.all().delete()
    import_file(csv_file(tmp_path, _data(world), name="again.csv"), agency=world.nanzhao)
    fresh = {e.plate: _snapshot(e) for e in OverloadEvent.objects.all()}
    assert fresh == recomputed
    assert set(Passage.objects.filter(worst=True).values_list("record_id", flat=True)) == worst


def test_certificate_not_covering_the_passages_changes_nothing_but_the_reason(world, sites, tmp_path):
    _s1, _s2, _d1, d2 = sites
    Calibration.objects.filter(device=d2).delete()  # the device has no certificate at all
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    assert set(Passage.objects.filter(station__code=S2, lane="1").values_list("unusable_reason", flat=True)) == {
        "no_calibration"
    }
    cal = calibration_add(
        actor=world.nz_admin.user, device=d2, data=CERT_2024 | {"valid_from": "2025-01-01", "valid_to": "2025-12-31"}
    )
    assert cal.requalified["passages"] == 0 and cal.requalified["relabelled"] == 4
    assert set(Passage.objects.filter(station__code=S2, lane="1").values_list("unusable_reason", flat=True)) == {
        "calibration_invalid"
    }
    assert OverloadEvent.objects.get(plate="豫R88888").status == EventStatus.UNUSABLE


def test_certificate_day_bounds_are_local_dates(world, sites, tmp_path):
    """A passage at 2024-05-01T00:30+08:00 is on 1 May locally (30 April in UTC): a certificate from 1 May covers it;
    one ending on 30 April does not."""
    _s1, _s2, _d1, d2 = sites
    Calibration.objects.filter(device=d2).delete()
    data = rows((1, {"station_id": S2, "lane": "1", "passed_at": "2024-05-01T00:30:00+08:00", **OVER}))
    import_file(csv_file(tmp_path, data), agency=world.nanzhao)
    ends_before = CERT_2024 | {"certificate_no": "A", "valid_from": "2024-01-01", "valid_to": "2024-04-30"}
    assert calibration_add(actor=world.nz_admin.user, device=d2, data=ends_before).requalified["passages"] == 0
    starts_on = CERT_2024 | {"certificate_no": "B", "valid_from": "2024-05-01", "valid_to": "2024-05-01"}
    assert calibration_add(actor=world.nz_admin.user, device=d2, data=starts_on).requalified["passages"] == 1
    assert Passage.objects.get().evidence_usable


def test_reviewed_events_are_left_alone_and_listed(world, sites, tmp_path):
    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    e = OverloadEvent.objects.get(plate="豫R88888")
    OverloadEvent.objects.filter(pk=e.pk).update(status=EventStatus.REJECTED, review_note="无有效检定，不作处理")
    calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    e.refresh_from_db()
    assert e.status == EventStatus.REJECTED and e.fine_yuan == 0 and e.outcome == "none"
    row = AuditEvent.objects.get(event_code="offsite.passages_requalified")
    assert row.after["events_reviewed"] == [e.event_key]


def test_web_message_reports_the_requalified_passages(world, sites, tmp_path, client):
    from django.urls import reverse

    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    client.force_login(world.nz_admin.user)
    resp = client.post(reverse("offsite:calibration_add", args=[d2.pk]), CERT_2024, follow=True)
    text = resp.content.decode()
    assert "已登记检定证书 C-2-2024" in text and "4 条通行记录恢复为可作证据" in text


# --- revoking a certificate entered by mistake -------------------------------------------------------


def _state() -> tuple:
    events = {e.plate: _snapshot(e) for e in OverloadEvent.objects.all()}
    passages = set(Passage.objects.values_list("record_id", "evidence_usable", "unusable_reason", "worst"))
    days = set(StationDay.objects.values_list("station_id", "day", "unusable"))
    return events, passages, days


def test_revoking_the_certificate_restores_what_the_import_made(world, sites, tmp_path):
    from zhifa.offsite.services.stations import calibration_revoke

    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    imported = _state()
    cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    assert _state() != imported
    with pytest.raises(DomainError) as e:
        calibration_revoke(actor=world.nz_admin.user, calibration=cal, reason="  ")
    assert e.value.code == "offsite.field_required"
    cal = calibration_revoke(actor=world.nz_admin.user, calibration=cal, reason="有效期录入错误")
    assert cal.disqualified["passages"] == 4 and len(cal.disqualified["events_recomputed"]) == 2
    assert _state() == imported  # the expired 2023 certificate is still there: calibration_invalid again
    cal.refresh_from_db()
    assert cal.revoked_at is not None and cal.revoked_reason == "有效期录入错误"
    assert AuditEvent.objects.filter(event_code="offsite.calibration_revoked").get().reason == "有效期录入错误"
    assert AuditEvent.objects.get(event_code="offsite.passages_disqualified").after["passages"] == 4
    # revoked twice: refused; the same certificate number can be entered again, correctly
    with pytest.raises(DomainError):
        calibration_revoke(actor=world.nz_admin.user, calibration=cal, reason="再次撤销")
    again = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    assert again.requalified["passages"] == 4


def test_revoking_keeps_passages_another_certificate_covers_and_a_device_without_any(world, sites, tmp_path):
    from zhifa.offsite.services.stations import calibration_revoke

    _s1, _s2, _d1, d2 = sites
    Calibration.objects.filter(device=d2).delete()
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    a = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024 | {"certificate_no": "A"})
    b = calibration_add(
        actor=world.nz_admin.user, device=d2, data=CERT_2024 | {"certificate_no": "B", "valid_from": "2024-04-01"}
    )
    assert b.requalified["passages"] == 0  # A already made them evidence
    assert calibration_revoke(actor=world.nz_admin.user, calibration=a, reason="重复登记").disqualified["passages"] == 0
    assert Passage.objects.filter(station__code=S2, lane="1", evidence_usable=True).count() == 4
    calibration_revoke(actor=world.nz_admin.user, calibration=b, reason="证书编号错误")
    # no certificate left: the passages are "no certificate" again, the events unusable, no fine
    assert set(Passage.objects.filter(station__code=S2, lane="1").values_list("unusable_reason", flat=True)) == {
        "no_calibration"
    }
    e = OverloadEvent.objects.get(plate="豫R88888")
    assert e.status == EventStatus.UNUSABLE and e.outcome == "none" and e.fine_yuan == 0


def test_a_revoked_certificate_is_ignored_by_the_import_and_the_review(world, sites, tmp_path):
    from zhifa.offsite.services.review import passages_with_calibration
    from zhifa.offsite.services.stations import calibration_revoke

    _s1, _s2, _d1, d2 = sites
    cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    calibration_revoke(actor=world.nz_admin.user, calibration=cal, reason="录入错误")
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    assert Passage.objects.get(record_id="R000002").unusable_reason == "calibration_invalid"
    event = OverloadEvent.objects.get(plate=world.nz_vehicle.plate)
    shown = {p.record_id: p.calibration for p in passages_with_calibration(event)}
    assert shown["R000001"] is None and shown["R000005"] is not None


def test_revoke_on_the_station_page(world, sites, tmp_path, client):
    from django.urls import reverse

    _s1, s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    client.force_login(world.nz_officer.user)  # not an administrator
    assert client.post(reverse("offsite:calibration_revoke", args=[cal.pk]), {"reason": "x"}).status_code == 403
    client.force_login(world.nz_admin.user)
    page = client.get(reverse("offsite:station_detail", args=[s2.pk])).content.decode()
    assert "撤销登记" in page
    r = client.post(reverse("offsite:calibration_revoke", args=[cal.pk]), {"reason": ""}, follow=True)
    assert "未撤销：请填写撤销原因" in r.content.decode()
    r = client.post(reverse("offsite:calibration_revoke", args=[cal.pk]), {"reason": "有效期录入错误"}, follow=True)
    text = r.content.decode()
    assert "已撤销检定证书 C-2-2024" in text and "4 条通行记录不再作为证据" in text
    assert "已撤销</span>" in text and "<s>C-2-2024</s>" in text
    # another unit's administrator: not found (404), nothing changes
    from tests.factories import OfficerFactory

    other = OfficerFactory(agency=world.linyi, user__username="lyadmin", roles=["admin"], licence_no="")
    again = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    client.force_login(other.user)
    assert client.post(reverse("offsite:calibration_revoke", args=[again.pk]), {"reason": "越权"}).status_code == 404
    again.refresh_from_db()
    assert again.revoked_at is None


def test_certificates_are_read_only_in_the_django_admin(world, sites, client):
    """Editing dates in the admin would bypass the requalification: 登记 and 撤销 only on the station page."""
    from django.contrib.auth import get_user_model

    _s1, _s2, d1, _d2 = sites
    cal = Calibration.objects.filter(device=d1).first()
    su = get_user_model().objects.create_superuser("root-admin", "root@example.com", "x")
    client.force_login(su)
    assert client.get(f"/admin/offsite/calibration/{cal.pk}/change/").status_code == 200  # view only
    r = client.post(f"/admin/offsite/calibration/{cal.pk}/change/", {"valid_to": "2030-12-31"})
    assert r.status_code == 403
    assert client.get("/admin/offsite/calibration/add/").status_code == 403
    assert client.post(f"/admin/offsite/calibration/{cal.pk}/delete/", {"post": "yes"}).status_code == 403
    cal.refresh_from_db()
    assert cal.valid_to == date(2024, 12, 31)
