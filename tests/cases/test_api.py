"""/api/v1/cases over the same services: scoping (404), versions (409), refusals with reason codes,
evidence upload and permission-checked download, query budgets."""

from __future__ import annotations

import json

import pytest

from tests.cases.conftest import OVERLOAD_FACTS, act, new_case, to_investigating, to_notified
from tests.cases.test_evidence import PDF, png_bytes
from zhifa.cases.models import Case, Evidence
from zhifa.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def login(client, officer):
    client.force_login(officer.user)
    return client


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_create_and_walk_by_api(client, team, clock):
    login(client, team.officer)
    r = post(
        client,
        "/api/v1/cases",
        {
            "procedure": "general",
            "item_code": "overload.weight",
            "violation_date": "2026-03-01",
            "enterprise": team.world.nz_enterprise.pk,
            "vehicle": team.world.nz_vehicle.pk,
            "officers": [team.officer2.pk],
            "facts": OVERLOAD_FACTS,
        },
    )
    assert r.status_code == 201, r.content
    case = r.json()
    assert (case["state"], case["version"], case["plate"]) == ("draft", 0, "豫R12345")
    actions = {a["action"]: a for a in case["actions"]}
    assert actions["request_filing"]["available"]
    r = post(client, f"/api/v1/cases/{case['id']}/actions/request_filing", {"version": 0})
    assert r.status_code == 200 and r.json()["state"] == "pending_filing"
    assert r.json()["event"] == "case.filing_requested"

    login(client, team.head)
    r = post(client, f"/api/v1/cases/{case['id']}/actions/file", {"version": 1, "params": {"filed_on": "2026-03-02"}})
    body = r.json()
    assert body["number"].endswith("〔2026〕0001号")
    assert [(d["rule"], d["due"], d["status"]) for d in body["deadlines"]] == [("decision", "2026-06-01", "running")]


def test_stale_version_is_409(client, team, clock):
    case = new_case(team)
    act(case, "request_filing", team.officer)
    login(client, team.head)
    r = post(client, f"/api/v1/cases/{case.pk}/actions/file", {"version": 0})
    assert r.status_code == 409
    assert r.json()["code"] == "case.version_conflict"
    assert Case.objects.get(pk=case.pk).state == "pending_filing"


def test_refusal_carries_the_reason_code(client, team, clock):
    case = to_notified(team, clock)
    login(client, team.head)
    r = post(
        client, f"/api/v1/cases/{case.pk}/actions/decide", {"version": case.version, "params": {"outcome": "penalty"}}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "case.statement_window_open"
    r = post(client, f"/api/v1/cases/{case.pk}/actions/teleport", {"version": case.version})
    assert r.status_code == 400 and r.json()["code"] == "case.unknown_action"
    r = post(
        client,
        f"/api/v1/cases/{case.pk}/actions/extend_deadline",
        {"version": case.version, "params": {"days": "十", "reason": "案情复杂"}},
    )
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (400, "case.invalid_amount", "days")


def test_outside_jurisdiction_is_404(client, team, clock):
    case = to_investigating(team, clock)
    login(client, team.world.ly_officer)
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404
    r = post(
        client, f"/api/v1/cases/{case.pk}/actions/suspend", {"version": case.version, "params": {"reason": "等待鉴定"}}
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert client.get(f"/api/v1/cases/{case.pk}/timeline").status_code == 404
    assert client.get("/api/v1/cases?state=all").json()["count"] == 0


def test_expired_licence_by_api(client, team, clock):
    case = new_case(team, officers=[team.officer2, team.expired])
    login(client, team.expired)
    r = post(client, f"/api/v1/cases/{case.pk}/actions/request_filing", {"version": 0})
    assert (r.status_code, r.json()["code"]) == (400, "officer.licence_expired")


def test_list_filters(client, team, clock):
    a = to_investigating(team, clock)
    b = new_case(team, item_code="highway.spillage", facts={})
    login(client, team.officer)
    rows = client.get("/api/v1/cases?state=investigating").json()["results"]
    assert [r["id"] for r in rows] == [a.pk]
    rows = client.get("/api/v1/cases?item=highway.spillage").json()["results"]
    assert [r["id"] for r in rows] == [b.pk]
    assert {r["id"] for r in client.get(f"/api/v1/cases?officer={team.officer2.pk}").json()["results"]} == {a.pk, b.pk}
    assert client.get(f"/api/v1/cases?officer={team.reviewer.pk}").json()["count"] == 0
    assert client.get("/api/v1/cases?overdue=true").json()["count"] == 0
    clock("2026-06-02")  # the decision period of the investigating case ended on 06-01
    login(client, team.officer)  # (the idle session expired meanwhile)
    rows = client.get("/api/v1/cases?overdue=true").json()["results"]
    assert [(r["id"], r["overdue"]) for r in rows] == [(a.pk, True)]
    assert rows[0]["deadline_badge"].startswith("作出处罚决定期限：已逾期1天")
    dash = client.get("/api/v1/cases/dashboard").json()
    assert dash["overdue"] == 1 and dash["open_total"] == 2


def test_list_query_count_does_not_grow(client, team, clock, django_assert_max_num_queries):
    for _ in range(3):
        to_investigating(team, clock)
    login(client, team.officer)
    with django_assert_max_num_queries(14) as small:  # 4 for the session and officer, 3 to save the session
        assert client.get("/api/v1/cases").json()["count"] == 3
    for _ in range(12):
        to_investigating(team, clock, new_case(team, officers=[team.officer2, team.reviewer]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/cases").json()["count"] == 15


def test_assess_by_api_with_deviation(client, team, clock):
    case = to_investigating(team, clock, new_case(team, item_code="highway.spillage", facts={"harm": "minor"}))
    login(client, team.officer)
    r = post(client, f"/api/v1/cases/{case.pk}/assess", {"chosen_fine_yuan": 1800})
    assert (r.status_code, r.json()["code"]) == (400, "case.deviation_reason_required")
    r = post(client, f"/api/v1/cases/{case.pk}/assess", {"chosen_fine_yuan": 1800, "reason": "当事人主动清除遗洒物"})
    assert r.status_code == 200
    assert r.json()["fine_yuan"] == {"min": 0, "max": 5000, "proposed": 2500, "chosen": 1800}
    assert r.json()["trace"] and r.json()["catalog_version"]


def test_evidence_upload_and_download(client, team, clock):
    case = to_investigating(team, clock)
    login(client, team.officer)
    r = client.post(
        f"/api/v1/cases/{case.pk}/evidence",
        {
            "file": _file("过磅单.png", png_bytes()),
            "kind": "documentary",
            "title": "过磅单",
            "collected_at": "2026-03-02T08:40:00+08:00",
            "collected_place": "南召治超站",
        },
    )
    assert r.status_code == 201, r.content
    ev = r.json()
    assert ev["content_type"] == "image/png" and ev["download"].endswith("/file")
    r = client.get(ev["download"])
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Evidence-SHA256"] == ev["sha256"]
    assert b"".join(r.streaming_content)[:4] == b"\x89PNG"
    assert AuditEvent.objects.filter(event_code="evidence.downloaded").count() == 1
    # another province cannot download it, not even by guessing ids
    login(client, team.world.ly_officer)
    assert client.get(ev["download"]).status_code == 404


def test_evidence_bad_type_and_size_by_api(client, team, clock, settings):
    settings.ZHIFA_MAX_UPLOAD_MB = 1
    case = to_investigating(team, clock)
    login(client, team.officer)
    base = {"kind": "documentary", "title": "x", "collected_at": "2026-03-02T08:40:00", "collected_place": "站"}
    r = client.post(f"/api/v1/cases/{case.pk}/evidence", {**base, "file": _file("a.exe", b"MZ\x90\x00")})
    assert (r.status_code, r.json()["code"]) == (400, "evidence.type_not_allowed")
    big = PDF + b"0" * (1024 * 1024 + 1)
    r = client.post(f"/api/v1/cases/{case.pk}/evidence", {**base, "file": _file("笔录.pdf", big)})
    assert (r.status_code, r.json()["code"]) == (400, "evidence.too_large")
    assert not Evidence.objects.exists()


def test_timeline_lists_the_case_events(client, team, clock):
    case = to_notified(team, clock)
    login(client, team.officer2)
    events = [e["event"] for e in client.get(f"/api/v1/cases/{case.pk}/timeline").json()]
    assert events[0] == "case.created" and events[-1] == "case.notified"


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_assign_officers_and_deviations(client, team, clock):
    case = new_case(team)
    login(client, team.head)
    r = client.put(
        f"/api/v1/cases/{case.pk}/officers",
        data=json.dumps(
            {"officer_ids": [team.officer2.pk, team.officer.pk], "lead_id": team.officer2.pk, "version": 0}
        ),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert [(o["id"], o["role"]) for o in r.json()["officers"]] == [
        (team.officer2.pk, "lead"),
        (team.officer.pk, "assist"),
    ]
    r = client.put(
        f"/api/v1/cases/{case.pk}/officers",
        data=json.dumps({"officer_ids": [team.world.ly_officer.pk], "version": 1}),
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (400, "case.officer_invalid")
    spill = to_investigating(team, clock, new_case(team, item_code="highway.spillage", facts={"harm": "minor"}))
    login(client, team.officer)
    post(client, f"/api/v1/cases/{spill.pk}/assess", {"chosen_fine_yuan": 1000, "reason": "及时清除遗洒物"})
    login(client, team.world.nz_supervisor)
    rows = client.get("/api/v1/cases/deviations").json()
    assert [(r["case"], r["proposed_fine_yuan"], r["chosen_fine_yuan"], r["reason"]) for r in rows] == [
        (spill.pk, 2500, 1000, "及时清除遗洒物")
    ]


def test_list_count_is_capped_for_archives(client, team, clock, monkeypatch):
    from zhifa.cases.selectors import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for _ in range(3):
        new_case(team)
    login(client, team.officer)
    body = client.get("/api/v1/cases?state=all&page_size=1").json()
    assert (body["count"], body["count_capped"], body["pages"]) == (2, True, 2)
    body = client.get("/api/v1/cases?state=filed").json()
    assert (body["count"], body["count_capped"]) == (0, False)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/{pk}/timeline",
        "/api/v1/cases/{pk}/evidence",
        "/api/v1/cases/{pk}/deadlines",
        "/api/v1/cases/deviations",
    ],
)
def test_other_lists_do_not_grow_with_rows(client, team, clock, django_assert_max_num_queries, url):
    from tests.cases.test_evidence import upload

    case = to_investigating(team, clock)
    upload(team, case)
    login(client, team.head)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url.format(pk=case.pk)).status_code == 200
    for _ in range(6):
        upload(team, case)
    spill = to_investigating(team, clock, new_case(team, item_code="highway.spillage", facts={"harm": "minor"}))
    from zhifa.cases.services import case_assess

    for amount in (1000, 1200, 1400):
        case_assess(actor=team.officer.user, case=spill, chosen_fine_yuan=amount, reason="及时清除遗洒物")
    act(case, "suspend", team.head, reason="等待技术鉴定")
    act(case, "resume", team.head)
    login(client, team.head)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url.format(pk=case.pk)).status_code == 200


def test_approvals_page_query_budget(client, team, clock, django_assert_max_num_queries):
    act(new_case(team), "request_filing", team.officer)
    login(client, team.head)
    with django_assert_max_num_queries(25) as few:
        page = client.get("/cases/?approvals=1").content.decode()
    assert "待我审批的案件" in page and "待立案审批" in page
    for _ in range(5):
        act(new_case(team), "request_filing", team.officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/cases/?approvals=1").content.decode()
    assert page.count('class="case-row') == 6
