"""The three ways in: ``zhifa offsite import`` (exit codes, JSON errors, reconciliation line), the station
push API (token, wrong station, duplicates, size and rate limits, images) and the web import page (upload
limit, job, progress, result, quarantine CSV, jurisdiction)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.offsite.conftest import passage, write_csv
from tests.offsite.test_ingest_pipeline import OVER, S1, S2, make_sites
from zhifa import cli
from zhifa.core.models import AuditEvent
from zhifa.offsite.models import ImportRun, ImportSource, ImportStatus, OverloadEvent, Passage
from zhifa.offsite.services.stations import station_token_issue

HEADER = list(passage().keys())


@pytest.fixture
def sites(world):
    return make_sites(world)


def _file(tmp_path, data, name="in.csv"):
    return write_csv(tmp_path / name, data, header=HEADER)


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_import(world, sites, tmp_path, capsys):
    f = _file(tmp_path, [passage(1, station_id=S1), passage(2, station_id=S1, **OVER), passage(3, plate="")])
    code = cli.main(["offsite", "import", str(f), "--agency", "411321", "--no-progress"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "读取 3 行 = 入库 2 + 隔离 1 + 重复 0（平衡）" in out.out and "新超限事件 1 起" in out.out
    code = cli.main(["offsite", "import", str(f), "--agency", str(world.nanzhao.pk), "--no-progress"])
    out = capsys.readouterr()
    assert code == 0 and "入库 0" in out.out and "此前已由导入批次" in out.out
    assert Passage.objects.count() == 2


def test_cli_errors(world, sites, tmp_path, capsys):
    assert cli.main(["offsite", "import", str(tmp_path / "none.csv"), "--no-progress"]) == 2
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["code"] == "offsite.input_missing" and err["field"] == "file"
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert cli.main(["offsite", "import", str(bad), "--agency", "411321", "--no-progress"]) == 2
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["code"] == "offsite.import_bad_input" and err["message"]
    assert cli.main(["offsite", "import", str(bad), "--agency", "no-such", "--no-progress"]) == 2
    assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["field"] == "agency"
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_cli_station_token_and_list(world, sites, capsys):
    assert cli.main(["offsite", "station-token", S1]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("zfs_")
    assert cli.main(["offsite", "stations"]) == 0
    out = capsys.readouterr().out
    assert S1 in out and "WIM-1:" in out and "WIM-2:已过期" in out


# --- push API ----------------------------------------------------------------------------------


def _rec(n, **kw):
    r = {k: v for k, v in passage(n, **kw).items()}
    r["axles"] = int(r["axles"])
    r["gross_kg"] = int(r["gross_kg"])
    return r


@pytest.fixture
def token(world, sites):
    return station_token_issue(actor=world.nz_admin.user, station=sites[0])


def _push(client, token, records):
    return client.post(
        "/api/v1/offsite/push",
        data=json.dumps({"records": records}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_push_counts_duplicates_and_images(client, token):
    records = [
        _rec(1, station_id=S1, images=["wim/2024/05/01/R000001-1.jpg"]),
        _rec(2, station_id=S1, **OVER),
        _rec(3, station_id=S1, plate="ABC"),
        _rec(4, station_id=None),  # the token's station is implied
    ]
    r = _push(client, token, records)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["read"], body["accepted"], body["duplicates"], body["events"]) == (4, 3, 0, 1)
    assert body["quarantined"] == [{"index": 2, "record_id": "R000003", "reason": "invalid_plate", "field": "plate"}]
    assert Passage.objects.get(record_id="R000001").images == ["wim/2024/05/01/R000001-1.jpg"]
    run = ImportRun.objects.get(pk=body["import_run"])
    assert run.source == ImportSource.PUSH and run.station.code == S1
    again = _push(client, token, records).json()
    assert (again["accepted"], again["duplicates"], again["events"]) == (0, 3, 0)
    assert OverloadEvent.objects.count() == 1
    assert AuditEvent.objects.filter(event_code="offsite.import_done").count() == 2


def test_push_refusals(client, world, token, settings):
    assert _push(client, "zfs_wrong", [_rec(1)]).status_code == 401
    assert _push(client, "", [_rec(1)]).status_code == 401
    # a user's API token is not a station token
    r = _push(client, token, [_rec(1, station_id=S2)])
    assert r.status_code == 403 and r.json()["field"] == "records.0.station_id"
    settings.ZHIFA_OFFSITE_PUSH_MAX_RECORDS = 2
    r = _push(client, token, [_rec(i, station_id=S1) for i in range(3)])
    assert r.status_code == 400 and r.json()["code"] == "offsite.push_too_large"
    assert _push(client, token, []).json()["code"] == "offsite.push_empty"
    assert Passage.objects.count() == 0
    settings.ZHIFA_OFFSITE_PUSH_PER_MINUTE = 1
    from django.core.cache import cache

    cache.clear()
    assert _push(client, token, [_rec(1, station_id=S1)]).status_code == 200
    assert _push(client, token, [_rec(2, station_id=S1)]).status_code == 429


def test_api_reads_scoped(client, world, sites):
    client.force_login(world.nz_officer.user)
    codes = [s["code"] for s in client.get("/api/v1/offsite/stations").json()]
    assert codes == [S1, S2]
    client.force_login(world.ly_officer.user)
    assert client.get("/api/v1/offsite/stations").json() == []
    assert client.get(f"/api/v1/offsite/stations/{sites[0].pk}").status_code == 404


# --- web import page ---------------------------------------------------------------------------


def test_web_import(client, world, sites, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_INLINE = True
    data = [passage(1, station_id=S1), passage(2, station_id=S1, **OVER), passage(3, station_id="S999")]
    content = _file(tmp_path, data).read_bytes()
    client.force_login(world.nz_officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("offsite:import_list"), {"file": SimpleUploadedFile("wim.csv", content), "encoding": ""}
        )
    assert r.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE and (run.accepted, run.quarantined) == (2, 1)
    assert run.created_by == world.nz_officer.user and run.filename == "wim.csv"
    assert not list((tmp_path / "media" / "offsite-imports").iterdir())  # the upload is removed
    page = client.get(r["Location"]).content.decode()
    assert "平衡" in page and "检测站点不在站点清单中" in page
    poll = client.get(r["Location"], HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    csv_body = b"".join(client.get(reverse("offsite:import_quarantine_csv", args=[run.pk])).streaming_content)
    assert "unknown_station" in csv_body.decode("utf-8-sig") and "S999" in csv_body.decode("utf-8-sig")
    listing = client.get(reverse("offsite:import_list")).content.decode()
    assert "wim.csv" in listing
    client.force_login(world.ly_officer.user)
    assert client.get(reverse("offsite:import_detail", args=[run.pk])).status_code == 404
    assert "wim.csv" not in client.get(reverse("offsite:import_list")).content.decode()


def test_web_import_refusals(client, world, sites, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ZHIFA_OFFSITE_IMPORT_MAX_MB = 0
    client.force_login(world.nz_officer.user)
    r = client.post(reverse("offsite:import_list"), {"file": SimpleUploadedFile("a.csv", b"x,y\n"), "encoding": ""})
    assert r.status_code == 400 and "文件过大" in r.content.decode()
    settings.ZHIFA_OFFSITE_IMPORT_MAX_MB = 5
    r = client.post(reverse("offsite:import_list"), {"file": SimpleUploadedFile("a.xlsx", b"x"), "encoding": ""})
    assert r.status_code == 400 and "只能导入" in r.content.decode()
    client.force_login(world.nz_auditor.user)
    r = client.post(reverse("offsite:import_list"), {"file": SimpleUploadedFile("a.csv", b"x"), "encoding": ""})
    assert r.status_code == 403
    assert ImportRun.objects.count() == 0


def test_import_list_query_count(client, world):
    for i in range(5):
        ImportRun.objects.create(agency=world.nanzhao, filename=f"f{i}.csv", created_by=world.nz_officer.user)
    client.force_login(world.nz_officer.user)
    client.get(reverse("offsite:import_list"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("offsite:import_list"))
    for i in range(5):
        ImportRun.objects.create(agency=world.nanzhao, filename=f"g{i}.csv", created_by=world.nz_admin.user)
    with CaptureQueriesContext(connection) as ctx2:
        client.get(reverse("offsite:import_list"))
    assert len(ctx2.captured_queries) == len(ctx.captured_queries) <= 12
