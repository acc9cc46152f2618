"""Case pages: scoping (404), the list with filters and badges, the case page, actions from forms,
registration from a lookup, evidence files behind the permission check, query budgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cases.conftest import act, new_case, to_decided, to_investigating, to_notified
from tests.cases.test_evidence import upload
from zhifa.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def login(client, officer):
    client.force_login(officer.user)
    return client


def test_login_required(client, team):
    r = client.get("/cases/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_outside_jurisdiction_is_404_by_page(client, team, clock):
    case = to_investigating(team, clock)
    ev = upload(team, case)
    login(client, team.world.ly_officer)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/evidence/{ev.pk}/file/").status_code == 404
    assert client.get(f"/cases/{case.pk}/evidence/{ev.pk}/thumb/").status_code == 404
    r = client.post(f"/cases/{case.pk}/act/suspend/", {"version": case.version, "reason": "等待鉴定结论"})
    assert r.status_code == 404
    assert Case.objects.get(pk=case.pk).state == "investigating"
    assert case.number not in client.get("/cases/?state=all").content.decode()


def test_supervisor_reads_the_supervised_unit(client, team, clock):
    case = to_investigating(team, clock)
    login(client, team.world.nz_supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert case.number in page and "当前状态下您没有可执行的操作" in page


def test_list_filters_and_badges(client, team, clock):
    investigating = to_investigating(team, clock)
    draft = new_case(team, item_code="highway.spillage", facts={})
    login(client, team.officer)
    page = client.get("/cases/").content.decode()
    assert investigating.number in page and "作出处罚决定期限：剩91天" in page
    page = client.get("/cases/?state=draft").content.decode()
    assert f"/cases/{draft.pk}/" in page and f"/cases/{investigating.pk}/" not in page
    page = client.get("/cases/?item=highway.spillage").content.decode()
    assert f"/cases/{draft.pk}/" in page and f"/cases/{investigating.pk}/" not in page
    page = client.get("/cases/?q=R12345").content.decode()
    assert f"/cases/{draft.pk}/" in page
    clock("2026-06-02")
    login(client, team.officer)
    page = client.get("/cases/?overdue=1").content.decode()
    assert f"/cases/{investigating.pk}/" in page and f"/cases/{draft.pk}/" not in page
    assert "已逾期1天" in page and "table-danger" in page


def test_case_page_shows_actions_blocked_with_reasons_and_deadlines(client, team, clock):
    case = to_notified(team, clock)
    login(client, team.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "陈述申辩期限" in page and "剩5个工作日" in page
    assert 'data-testid="action-record_statement"' in page
    assert "当事人未申请听证" in page  # 通知听证 is shown blocked, with the reason
    assert "告知拟作出的行政处罚" in page  # the timeline
    assert "罚款4500元" in page


def test_action_form_posts_and_refusal_is_shown(client, team, clock):
    case = to_notified(team, clock)
    login(client, team.head)
    r = client.post(f"/cases/{case.pk}/act/decide/", {"version": case.version, "outcome": "penalty"}, follow=True)
    text = r.content.decode()
    assert "作出决定未执行" in text and "陈述申辩期限至2026-03-11届满" in text
    r = client.post(f"/cases/{case.pk}/act/decide/", {"version": case.version - 1, "outcome": "penalty"}, follow=True)
    assert "案件已被他人修改" in r.content.decode()
    login(client, team.officer)
    client.post(f"/cases/{case.pk}/act/waive_rights/", {"version": case.version, "waiver_reference": "放弃声明"})
    login(client, team.head)
    r = client.post(f"/cases/{case.pk}/act/decide/", {"version": case.version + 1, "outcome": "penalty"}, follow=True)
    assert "已作出决定" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "decided"


def test_register_from_the_plate_lookup(client, team, clock):
    login(client, team.officer)
    fragment = client.get("/cases/lookup/party/?q=R12345").content.decode()
    assert f'value="vehicle:{team.world.nz_vehicle.pk}"' in fragment
    assert "鲁Q54321" not in client.get("/cases/lookup/party/?q=54321").content.decode()
    facts = client.get("/cases/lookup/facts/?item_code=overload.weight").content.decode()
    assert 'name="fact_gross_weight_kg"' in facts
    team.world.nz_vehicle.owner_enterprise = team.world.nz_enterprise
    team.world.nz_vehicle.save()
    r = client.post(
        "/cases/new/",
        {
            "procedure": "general",
            "party": f"vehicle:{team.world.nz_vehicle.pk}",
            "item_code": "overload.weight",
            "violation_date": "2026-03-01",
            "violation_place": "G207",
            "source": "inspection",
            "officer2": team.officer2.pk,
            "fact_axles": "6",
            "fact_vehicle_kind": "combination",
            "fact_gross_weight_kg": "58000",
            "fact_single_drive_axle": "false",
        },
    )
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert (case.enterprise_id, case.vehicle_id, case.facts["gross_weight_kg"]) == (
        team.world.nz_enterprise.pk,
        team.world.nz_vehicle.pk,
        58000,
    )


def test_register_without_party_shows_the_error(client, team, clock):
    login(client, team.officer)
    r = client.post(
        "/cases/new/",
        {
            "procedure": "general",
            "item_code": "overload.weight",
            "violation_date": "2026-03-01",
            "violation_place": "G207",
            "source": "inspection",
            "officer2": team.officer2.pk,
        },
    )
    assert r.status_code == 200 and "请查找并选择当事人" in r.content.decode()
    assert not Case.objects.exists()


def test_evidence_file_thumbnail_and_upload_form(client, team, clock):
    case = to_investigating(team, clock)
    login(client, team.officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cases.test_evidence import png_bytes

    r = client.post(
        f"/cases/{case.pk}/evidence/",
        {
            "file": SimpleUploadedFile("现场.png", png_bytes()),
            "kind": "audiovisual",
            "title": "现场照片",
            "collected_at": "2026-03-02T08:30",
            "collected_place": "治超站",
        },
        follow=True,
    )
    assert "证据1已入库" in r.content.decode()
    ev = case.evidence.get()
    r = client.get(f"/cases/{case.pk}/evidence/{ev.pk}/thumb/")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    r = client.get(f"/cases/{case.pk}/evidence/{ev.pk}/file/?inline=1")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("inline")
    r = client.post(
        f"/cases/{case.pk}/evidence/",
        {
            "file": SimpleUploadedFile("a.png", b"GIF89a"),
            "kind": "audiovisual",
            "title": "x",
            "collected_at": "2026-03-02T08:30",
            "collected_place": "站",
        },
        follow=True,
    )
    assert "证据未上传：不支持的文件类型" in r.content.decode()


def test_frozen_evidence_has_no_upload_form(client, team, clock):
    case = to_decided(team, clock)
    login(client, team.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "决定已作出，证据已封存" in page and 'id="evidence-form"' not in page


def test_list_and_case_page_query_budgets(client, team, clock, django_assert_max_num_queries):
    for _ in range(2):
        to_notified(team, clock)
    login(client, team.officer)
    with django_assert_max_num_queries(20) as few:
        client.get("/cases/")
    for _ in range(8):
        to_notified(team, clock, new_case(team, officers=[team.officer2, team.reviewer]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/cases/").status_code == 200
    case = Case.objects.order_by("-id").first()
    for _ in range(3):
        upload(team, case)
    with django_assert_max_num_queries(40) as detail:
        client.get(f"/cases/{case.pk}/")
    for _ in range(5):
        upload(team, case)
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(f"/cases/{case.pk}/")


def test_dashboard_panel_and_its_query_budget(client, team, clock, django_assert_max_num_queries):
    case = to_investigating(team, clock)
    clock("2026-06-02")  # the decision period ended on 06-01: overdue
    login(client, team.head)
    with django_assert_max_num_queries(30) as few:
        page = client.get("/").content.decode()
    assert "案件办理" in page and "在办案件" in page
    assert case.number in page  # overdue: listed on the dashboard
    assert 'data-testid="overdue-count">1<' in page
    for _ in range(3):
        to_investigating(team, clock)
    for _ in range(3):
        act(new_case(team), "request_filing", team.officer)
    clock("2026-06-02")
    login(client, team.head)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/").content.decode()
    assert 'data-testid="overdue-count">4<' in page  # the three new investigations were filed on 03-02 too


def test_page_and_api_survive_a_year_without_calendar_data(client, team, clock):
    """A due date in a year the working-day calendar has no data for must not break the case page:
    the money position is left out; actions that need the date are refused with calendar.no_data."""
    from tests.cases.conftest import to_served

    case = to_served(team, clock)
    Case.objects.filter(pk=case.pk).update(served_on="2026-12-28")  # payment due in January 2027
    clock("2026-12-29")
    login(client, team.head)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    r = client.get(f"/api/v1/cases/{case.pk}")
    assert r.status_code == 200 and r.json()["owed"] is None
    blocked = {a["action"]: a for a in r.json()["actions"]}
    assert blocked["start_enforcement"]["blocked_code"] == "calendar.no_data"


def test_open_predicate_matches_the_locked_states():
    """The selectors' "open" filter is the predicate of the partial indexes (migration 0003)."""
    from zhifa.cases import selectors
    from zhifa.cases.choices_pure import LOCKED_STATES
    from zhifa.cases.migrations import __path__ as migrations_path

    assert set(selectors.LOCKED) == {s.value for s in LOCKED_STATES}
    text = (Path(migrations_path[0]) / "0003_list_indexes.py").read_text()
    assert "NOT (state IN ('closed', 'dismissed'))" in text
