"""Evidence that changes after the import: passages imported before their lane's device was registered get
that device when it is (and become evidence once a certificate covers them, exactly as an import with both
on record); a reviewed event whose evidence changes keeps its review but is marked, on its page, in the
queue, in the API and on its case's page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.offsite.test_ingest_pipeline import OVER, S2, csv_file, make_sites, rows
from tests.offsite.test_requalify import CERT_2024, _snapshot
from tests.offsite.test_review_kit import (  # noqa: F401 - fixtures
    clock_fixture,
    make_event,
    site_fixture,
    team_fixture,
)
from zhifa.core.models import AuditEvent, Job
from zhifa.offsite.models import Calibration, Device, EventStatus, ImportRun, OverloadEvent, Passage, StationDay
from zhifa.offsite.services.ingest import import_file
from zhifa.offsite.services.review import event_confirm
from zhifa.offsite.services.stations import calibration_add, calibration_revoke, device_create, device_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(world):
    return make_sites(world)


def _lane2_data():
    """S2 has a device for lane 1 only: the lane 2 and lane 3 passages are imported as ``no_device``."""
    return rows(
        (1, {"station_id": S2, "lane": "2", "plate": "豫R66666", "gross_kg": "60000"}),  # 11 t over
        (2, {"station_id": S2, "lane": "2", "plate": "豫R55555"}),  # under the limit
        (3, {"station_id": S2, "lane": "3", "plate": "豫R44444", **OVER}),  # 3 t over, lane 3
        (4, {"station_id": S2, "lane": "1", "plate": "豫R33333", **OVER}),  # lane 1: the existing device
    )


def _reasons() -> dict[str, tuple]:
    return {
        p.record_id: (p.device.serial if p.device else None, p.evidence_usable, p.unusable_reason)
        for p in Passage.objects.select_related("device")
    }


def test_a_device_registered_later_gets_its_lanes_passages(world, sites, tmp_path):
    _s1, s2, _d1, _d2 = sites
    import_file(csv_file(tmp_path, _lane2_data()), agency=world.nanzhao)
    assert _reasons()["R000001"] == (None, False, "no_device")
    event = OverloadEvent.objects.get(plate="豫R66666")
    assert event.status == EventStatus.UNUSABLE and event.fine_yuan == 0
    unusable_before = StationDay.objects.get(station=s2, day=date(2024, 5, 1)).unusable
    assert unusable_before == 4

    dev = device_create(actor=world.nz_admin.user, station=s2, data={"serial": "WIM-2B", "lanes": "2"})

    assert dev.attached["attached"] == 2 and dev.attached["devices"] == {"WIM-2B": 2}
    assert dev.attached["passages"] == 0  # a new device has no certificate yet
    reasons = _reasons()
    assert reasons["R000001"] == reasons["R000002"] == ("WIM-2B", False, "no_calibration")
    assert reasons["R000003"] == (None, False, "no_device")  # lane 3: still no device
    assert reasons["R000004"] == ("WIM-2", False, "calibration_invalid")  # already matched: kept
    assert OverloadEvent.objects.get(plate="豫R66666").status == EventStatus.UNUSABLE
    row = AuditEvent.objects.get(event_code="offsite.passages_attached")
    assert row.after["attached"] == 2 and row.object_id == str(s2.pk)

    calibration_add(actor=world.nz_admin.user, device=dev, data=CERT_2024 | {"certificate_no": "C-2B"})
    assert _reasons()["R000001"] == ("WIM-2B", True, "")
    assert StationDay.objects.get(station=s2, day=date(2024, 5, 1)).unusable == unusable_before - 2
    event = OverloadEvent.objects.get(plate="豫R66666")
    assert event.status == EventStatus.VEHICLE_UNKNOWN and event.over_kg == 11000 and event.fine_yuan > 0
    later = {e.plate: _snapshot(e) for e in OverloadEvent.objects.all()}

    # the same file imported into a world where the device and its certificate were on record from the start
    OverloadEvent.objects.all().delete()
    Passage.objects.all().delete()
    StationDay.objects.all().delete()
    ImportRun.objects.all().delete()
    import_file(csv_file(tmp_path, _lane2_data(), name="again.csv"), agency=world.nanzhao)
    assert {e.plate: _snapshot(e) for e in OverloadEvent.objects.all()} == later
    assert StationDay.objects.get(station=s2, day=date(2024, 5, 1)).unusable == unusable_before - 2


def test_widening_a_calibrated_devices_lanes_makes_their_passages_evidence_at_once(world, sites, tmp_path):
    _s1, _s2, _d1, d2 = sites
    calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    import_file(csv_file(tmp_path, _lane2_data()), agency=world.nanzhao)
    assert OverloadEvent.objects.get(plate="豫R66666").status == EventStatus.UNUSABLE

    updated = device_update(actor=world.nz_admin.user, device=d2, data={"lanes": "1,2"}, version=d2.version)

    assert updated.attached["attached"] == 2 and updated.attached["passages"] == 2
    assert _reasons()["R000001"] == ("WIM-2", True, "")
    event = OverloadEvent.objects.get(plate="豫R66666")
    assert event.status == EventStatus.VEHICLE_UNKNOWN and event.fine_yuan > 0
    assert updated.attached["events_recomputed"] == [event.event_key]
    # a change that is not about lanes or state attaches nothing
    again = device_update(actor=world.nz_admin.user, device=updated, data={"model": "DW-6"}, version=updated.version)
    assert again.attached is None


def test_an_all_lanes_device_takes_the_lanes_no_lane_device_lists(world, sites, tmp_path):
    _s1, s2, _d1, _d2 = sites
    import_file(csv_file(tmp_path, _lane2_data()), agency=world.nanzhao)
    device_create(actor=world.nz_admin.user, station=s2, data={"serial": "WIM-ALL"})
    reasons = _reasons()
    assert reasons["R000001"][0] == reasons["R000003"][0] == "WIM-ALL"
    assert reasons["R000004"][0] == "WIM-2"
    # a lane device registered afterwards does not take passages that already have a device
    later = device_create(actor=world.nz_admin.user, station=s2, data={"serial": "WIM-2C", "lanes": "2"})
    assert later.attached["attached"] == 0 and _reasons()["R000001"][0] == "WIM-ALL"
    assert AuditEvent.objects.filter(event_code="offsite.passages_attached").count() == 1


def test_an_inactive_device_attaches_nothing(world, sites, tmp_path):
    _s1, s2, _d1, _d2 = sites
    import_file(csv_file(tmp_path, _lane2_data()), agency=world.nanzhao)
    dev = device_create(actor=world.nz_admin.user, station=s2, data={"serial": "WIM-OFF", "lanes": "2", "active": "0"})
    assert dev.attached["attached"] == 0 and _reasons()["R000001"] == (None, False, "no_device")
    dev = device_update(actor=world.nz_admin.user, device=dev, data={"active": "1"}, version=dev.version)
    assert dev.attached["attached"] == 2


def test_the_event_page_names_the_unusable_reason_in_chinese(world, sites, tmp_path, client):
    import_file(csv_file(tmp_path, _lane2_data()), agency=world.nanzhao)
    event = OverloadEvent.objects.get(plate="豫R66666")
    client.force_login(world.nz_officer.user)
    page = client.get(reverse("offsite:review_event", args=[event.pk])).content.decode()
    assert "不作为执法依据：该站点车道没有登记称重设备" in page and "no_device" not in page


# --- reviewed events whose evidence changes ----------------------------------------------------------


def test_a_reviewed_event_keeps_its_review_and_is_marked(world, sites, tmp_path, client):
    from tests.offsite.test_requalify import _data

    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    e = OverloadEvent.objects.get(plate="豫R88888")
    OverloadEvent.objects.filter(pk=e.pk).update(status=EventStatus.REJECTED, review_note="无有效检定，不作处理")

    cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)

    e2 = OverloadEvent.objects.get(pk=e.pk)
    assert (e2.status, e2.fine_yuan, e2.outcome, e2.review_note) == ("rejected", 0, "none", "无有效检定，不作处理")
    assert e2.version == e.version + 1 and e2.evidence_changed_at is not None
    assert e2.evidence_changes.endswith("检定证书 C-2-2024 登记后，本事件 1 条通行记录变为可作证据")
    # an open event is recomputed, not marked
    assert OverloadEvent.objects.get(plate=world.nz_vehicle.plate).evidence_changed_at is None

    calibration_revoke(actor=world.nz_admin.user, calibration=cal, reason="证书编号录入错误")
    e3 = OverloadEvent.objects.get(pk=e.pk)
    lines = e3.evidence_changes.splitlines()
    assert len(lines) == 2 and lines[1].endswith("检定证书 C-2-2024 撤销后，本事件 1 条通行记录不再作为证据")

    client.force_login(world.nz_admin.user)
    cert = CERT_2024 | {"certificate_no": "C-2-2024b"}
    message = client.post(reverse("offsite:calibration_add", args=[d2.pk]), cert, follow=True).content.decode()
    assert "已审核事件 1 起保留审核结论，已在事件与案件页面标注证据变更" in message
    assert len(OverloadEvent.objects.get(pk=e.pk).evidence_changes.splitlines()) == 3

    client.force_login(world.nz_officer.user)
    page = client.get(reverse("offsite:review_event", args=[e.pk])).content.decode()
    assert 'data-testid="evidence-changed"' in page and "撤销后，本事件 1 条通行记录不再作为证据" in page
    queue = client.get(reverse("offsite:review_list") + "?status=rejected").content.decode()
    assert queue.count('data-testid="evidence-changed-badge"') == 1
    api = client.get(f"/api/v1/offsite/review/events/{e.pk}").json()
    assert api["evidence_changed_at"] and len(api["evidence_changes"]) == 3


def test_the_case_page_says_when_a_confirmed_events_evidence_is_revoked(site, clock, client):
    clock("2026-03-02")
    event = make_event(site, "E1", passages=2)
    result = event_confirm(
        actor=site.team.officer.user, event=event, version=event.version, officers=[site.team.officer2]
    )
    client.force_login(site.team.officer.user)
    url = reverse("cases:detail", args=[result.case.pk])
    assert 'data-testid="offsite-evidence-changed"' not in client.get(url).content.decode()

    cal = Calibration.objects.get(device=site.device)
    admin = site.team.world.nz_admin.user
    done = calibration_revoke(actor=admin, calibration=cal, reason="检定证书系伪造").disqualified
    assert done["passages"] == 2 and done["events_reviewed"] == ["E1"] and done["events_recomputed"] == []
    event.refresh_from_db()
    assert event.status == "confirmed" and event.case_id == result.case.pk

    page = client.get(url).content.decode()
    assert 'data-testid="offsite-evidence-changed"' in page
    assert "检定证书 检定NZ-G207-01-2025 撤销后，本事件 2 条通行记录不再作为证据" in page
    assert Device.objects.get(pk=site.device.pk).passages.filter(evidence_usable=False).count() == 2


def test_the_station_page_says_how_many_passages_the_new_device_got(world, sites, tmp_path, client):
    _s1, s2, _d1, _d2 = sites
    import_file(csv_file(tmp_path, _lane2_data()), agency=world.nanzhao)
    client.force_login(world.nz_admin.user)
    page = client.post(
        reverse("offsite:device_add", args=[s2.pk]), {"serial": "WIM-2B", "lanes": "2"}, follow=True
    ).content.decode()
    assert (
        "已登记设备 WIM-2B；此前导入的 2 条无设备通行记录已匹配该设备，登记检定证书后按有效期判定能否作为证据" in page
    )


# --- certificate changes too large for the request: a background job ---------------------------------


def _state() -> tuple:
    events = {e.plate: _snapshot(e) for e in OverloadEvent.objects.all()}
    passages = set(Passage.objects.values_list("record_id", "evidence_usable", "unusable_reason", "worst"))
    return events, passages, set(StationDay.objects.values_list("station_id", "day", "unusable"))


def test_a_large_certificate_change_runs_as_a_job_with_the_same_result(
    world, sites, tmp_path, settings, django_capture_on_commit_callbacks
):
    from tests.offsite.test_requalify import _data

    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    with django_capture_on_commit_callbacks(execute=True):
        inline = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    assert inline.requalified["passages"] == 4 and "job" not in inline.requalified
    expected = _state()
    calibration_revoke(actor=world.nz_admin.user, calibration=inline, reason="测试：先撤销")

    settings.ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX = 3  # the certificate covers 4 passages
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    assert cal.requalified["pending"] == 4 and cal.requalified["passages"] == 0
    assert Passage.objects.filter(station=d2.station, lane="1", evidence_usable=True).count() == 0  # not yet
    for callback in callbacks:
        callback()
    job = Job.objects.get(pk=cal.requalified["job"])
    assert job.status == "done" and job.created_by == world.nz_admin.user
    assert job.result == {
        "action": "add",
        "certificate_no": "C-2-2024",
        "passages": 4,
        "relabelled": 0,
        "events_recomputed": 2,
        "events_reviewed": 0,
    }
    assert _state() == expected

    client = Client()
    client.force_login(world.nz_admin.user)
    page = client.get(reverse("offsite:station_detail", args=[d2.station_id])).content.decode()
    assert 'data-testid="evidence-jobs"' in page and "4 条通行记录恢复为可作证据，重新计算待处理事件 2 起" in page


def test_a_job_for_a_certificate_revoked_before_it_ran_changes_nothing(
    world, sites, tmp_path, settings, django_capture_on_commit_callbacks
):
    from tests.offsite.test_requalify import _data

    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    imported = _state()
    settings.ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX = 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    calibration_revoke(actor=world.nz_admin.user, calibration=cal, reason="录入错误")
    for callback in callbacks:
        callback()
    job = Job.objects.get(pk=cal.requalified["job"])
    assert job.status == "done" and job.result["skipped"] == "证书在处理前已撤销，未作改变"
    assert _state() == imported


def test_a_failed_job_can_be_run_again_from_the_station_page(
    world, sites, tmp_path, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from tests.offsite.test_requalify import _data
    from zhifa.offsite.services import evidence

    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    imported = _state()
    settings.ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX = 3
    real = evidence.recompute_events

    def broken(events):
        real(events)
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(evidence, "recompute_events", broken)
    with django_capture_on_commit_callbacks(execute=True):
        cal = calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    job = Job.objects.get(pk=cal.requalified["job"])
    assert job.status == "failed" and "数据库连接中断" in job.message
    assert _state() == imported  # the job's transaction was rolled back as a whole
    monkeypatch.setattr(evidence, "recompute_events", real)

    client = Client()
    client.force_login(world.nz_officer.user)  # not an administrator
    url = reverse("offsite:evidence_job_retry", args=[job.pk])
    assert client.post(url).status_code == 403
    client.force_login(world.nz_admin.user)
    page = client.get(reverse("offsite:station_detail", args=[d2.station_id])).content.decode()
    assert "数据库连接中断" in page and url in page
    settings.ZHIFA_OFFSITE_INLINE_EVIDENCE_MAX = 20000
    page = client.post(url, follow=True).content.decode()
    assert "已重新执行；有效期内 4 条通行记录恢复为可作证据" in page
    job.refresh_from_db()
    assert job.status == "done" and job.result["passages"] == 4
    assert Passage.objects.filter(station=d2.station, lane="1", evidence_usable=True).count() == 4
    assert AuditEvent.objects.filter(event_code="offsite.evidence_job_retried").count() == 1
    # a job that did not fail cannot be run again
    page = client.post(url, follow=True).content.decode()
    assert "未重新执行：只有失败的后台重新判定任务可以重新执行" in page
    # nor one of another jurisdiction
    from tests.factories import OfficerFactory

    client.force_login(OfficerFactory(agency=world.linyi, user__username="lyadm", roles=["officer", "admin"]).user)
    assert client.post(url).status_code == 404


# --- a rejected event reopened -------------------------------------------------------------------------


def test_a_rejected_event_is_reopened_and_recomputed_from_its_passages_as_they_are_now(world, sites, tmp_path, client):
    from tests.offsite.test_requalify import _data
    from zhifa.core.errors import DomainError
    from zhifa.offsite.services.review import event_reject, event_reopen

    _s1, _s2, _d1, d2 = sites
    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    officer = world.nz_officer.user
    e = OverloadEvent.objects.get(plate="豫R88888")
    assert e.status == EventStatus.UNUSABLE
    e = event_reject(actor=officer, event=e, reason="设备检定证书已过期，数据不能作为证据", version=e.version)
    calibration_add(actor=world.nz_admin.user, device=d2, data=CERT_2024)
    e.refresh_from_db()
    assert e.status == EventStatus.REJECTED and e.fine_yuan == 0 and e.evidence_changed_at is not None

    client.force_login(officer)
    page = client.get(reverse("offsite:review_event", args=[e.pk])).content.decode()
    assert 'data-testid="reopen-form"' in page
    resp = client.post(
        reverse("offsite:review_reopen", args=[e.pk]),
        {"reason": "已补登设备检定证书，重新审核", "version": e.version},
        follow=True,
    )
    assert "已重新提交审核，按现有通行记录重新计算，当前状态：车辆待确认" in resp.content.decode()
    e2 = OverloadEvent.objects.get(pk=e.pk)
    assert e2.status == EventStatus.VEHICLE_UNKNOWN and e2.over_kg == 11000 and e2.fine_yuan > 0
    assert e2.outcome == "fine" and e2.reviewed_by is None and e2.evidence_changed_at is None
    assert (
        "重新审核：已补登设备检定证书，重新审核" in e2.review_note
        and "原驳回理由：设备检定证书已过期" in e2.review_note
    )
    row = AuditEvent.objects.get(event_code="offsite.event_reopened")
    assert row.before["status"] == "rejected" and row.after["status"] == "vehicle_unknown"
    assert row.before["evidence_changes"].endswith("本事件 1 条通行记录变为可作证据")

    # only a rejected event can be reopened, with a reason, at its current version
    with pytest.raises(DomainError, match="只有已驳回的事件可以重新审核"):
        event_reopen(actor=officer, event=e2, reason="再次重新审核一下", version=e2.version)
    e3 = event_reject(actor=officer, event=e2, reason="号牌识别有误，图像显示为他车", version=e2.version)
    with pytest.raises(DomainError, match="请填写重新审核的理由"):
        event_reopen(actor=officer, event=e3, reason="  ", version=e3.version)
    api = client.post(
        f"/api/v1/offsite/review/events/{e3.pk}/reopen",
        {"reason": "复核图像后确认号牌无误", "version": e3.version - 1},
        content_type="application/json",
    )
    assert api.status_code == 409
    api = client.post(
        f"/api/v1/offsite/review/events/{e3.pk}/reopen",
        {"reason": "复核图像后确认号牌无误", "version": e3.version},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["status"] == "vehicle_unknown"


def test_a_reopened_event_without_usable_passages_goes_to_unusable(world, sites, tmp_path):
    from tests.offsite.test_requalify import _data
    from zhifa.offsite.services.review import event_reject, event_reopen

    import_file(csv_file(tmp_path, _data(world)), agency=world.nanzhao)
    officer = world.nz_officer.user
    e = OverloadEvent.objects.get(plate="豫R88888")
    e = event_reject(actor=officer, event=e, reason="设备检定证书已过期，不作处理", version=e.version)
    e = event_reopen(actor=officer, event=e, reason="误驳回，重新提交审核", version=e.version)
    assert e.status == EventStatus.UNUSABLE and e.fine_yuan == 0 and e.outcome == "none"
