"""Export of closed off-site cases: the documented format round-trips, the period is the closing date,
web and API are role-checked, scoped and audited, and the command line writes the same file."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.offsite.test_review_kit import (  # noqa: F401 - fixtures
    clock_fixture,
    make_cargo_source,
    make_driver,
    make_event,
    site_fixture,
    team_fixture,
    walk,
)
from zhifa.cli import main
from zhifa.core.errors import PermissionDenied
from zhifa.core.models import AuditEvent
from zhifa.offsite import export_format as fmt
from zhifa.offsite.services.export import export_closed_cases
from zhifa.offsite.services.review import event_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(site, clock):
    w = site.team.world
    clock("2026-03-02")
    ev = make_event(site, "X1", passages=2)
    driver = make_driver(w.nanzhao, name="李师傅")
    source = make_cargo_source(w.nanzhao)
    r = event_confirm(
        actor=site.team.officer.user,
        event=ev,
        version=1,
        officers=[site.team.officer2],
        driver=driver.pk,
        cargo_source=source.pk,
        loading_bill="装载单 Z-7",
    )
    return walk(r.case, "closed", site.team, clock)


def test_rows_carry_the_article_44_fields(site, clock, closed):
    clock("2026-03-20")
    data, n = export_closed_cases(actor=site.team.head.user, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert n == 1
    [row] = fmt.from_bytes(data)
    w = site.team.world
    assert row["event_key"] == "X1" and row["case_number"] == closed.number
    assert (row["decided_on"], row["closed_on"], row["fine_yuan"], row["decision"]) == (
        date(2026, 3, 5),
        date(2026, 3, 10),
        4500,
        "罚款4500元",
    )
    assert (row["plate"], row["axles"], row["owner"], row["vehicle_enterprise"]) == (
        "豫R12345",
        6,
        w.nz_enterprise.name,
        w.nz_enterprise.name,
    )
    assert (row["driver_name"], row["driver_qualification_no"]) == ("李师傅", "411321198001010011")
    assert row["cargo_source"].startswith("南召县砂石料场") and row["loading_bill"] == "装载单 Z-7"
    assert (row["station_code"], row["road"], row["gross_kg"], row["limit_kg"], row["over_kg"]) == (
        "NZ-G207-01",
        "G207",
        58000,
        49000,
        9000,
    )
    assert row["passage_count"] == 2 and row["passed_at"].isoformat() == "2026-03-01T10:00:00+08:00"
    assert (row["recipient"], row["report_due_on"]) == ("河南省南阳市道路运输管理机构", date(2026, 3, 19))
    audit = AuditEvent.objects.get(event_code="offsite.cases_exported")
    assert audit.after["rows"] == 1 and len(audit.after["sha256"]) == 64
    # the period is the closing date
    assert (
        export_closed_cases(actor=site.team.head.user, date_from=date(2026, 3, 11), date_to=date(2026, 3, 31))[1] == 0
    )


def test_roles_and_scope(site, clock, closed):
    clock("2026-03-20")
    with pytest.raises(PermissionDenied):
        export_closed_cases(
            actor=site.team.world.nz_supervisor.user, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)
        )
    _, n = export_closed_cases(
        actor=site.team.world.ly_officer.user, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)
    )
    assert n == 0


def test_download_and_api(client, site, clock, closed):
    clock("2026-03-20")
    client.force_login(site.team.officer.user)
    r = client.get(reverse("offsite:export"), {"from": "2026-03-01", "to": "2026-03-31"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv") and r["X-Rows"] == "1"
    assert r.content.startswith(b"\xef\xbb\xbfevent_key,")
    r = client.get("/api/v1/offsite/export", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert r.status_code == 200 and len(fmt.from_bytes(r.content)) == 1
    client.force_login(site.team.world.nz_auditor.user)
    assert client.get("/api/v1/offsite/export", {"date_from": "2026-03-01", "date_to": "2026-03-31"}).status_code == 403


def test_command_line(site, clock, closed, tmp_path, capsys):
    clock("2026-03-20")
    out = tmp_path / "closed.csv"
    assert main(["offsite", "export", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(out)]) == 0
    assert "已导出 1 件" in capsys.readouterr().out
    assert [r["event_key"] for r in fmt.from_bytes(out.read_bytes())] == ["X1"]
    assert (
        main(["offsite", "export", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(out), "--user", "ly1"])
        == 0
    )
    assert fmt.from_bytes(out.read_bytes()) == []


def test_decision_number_from_the_issued_document(site, clock, closed):
    from zhifa.documents.models import Document

    def doc(number, status, at):
        return Document.objects.create(
            case=closed,
            agency=closed.agency,
            document_type="penalty_decision",
            title="行政处罚决定书",
            number=number,
            status=status,
            issued_at=at,
            context={},
            party_masked="南召县***公司",
            case_version=closed.version,
            created_by=site.team.head.user,
        )

    from datetime import datetime, timedelta, timezone

    t0 = datetime(2026, 3, 5, 10, tzinfo=timezone(timedelta(hours=8)))
    doc("南召交罚决〔2026〕1号", "voided", t0)
    doc("南召交罚决〔2026〕2号", "issued", t0 + timedelta(hours=1))
    clock("2026-03-20")
    data, _ = export_closed_cases(actor=site.team.head.user, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    [row] = fmt.from_bytes(data)
    assert row["decision_no"] == "南召交罚决〔2026〕2号"
