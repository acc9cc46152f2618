"""The records on the case page and in the API: forms in the allowed states, the records listed,
the link to the case's documents, masking outside the case team, jurisdiction, query budgets."""

from __future__ import annotations

import json

import pytest

from tests.cases.conftest import to_decided, to_investigating
from tests.cases.test_records import inquiry, site
from zhifa.cases.models import Case, InquiryRecord, SiteRecord
from zhifa.cases.services.records import correction_order_add, inquiry_record_add, site_record_add

pytestmark = pytest.mark.django_db


def login(client, officer):
    client.force_login(officer.user)
    return client


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_case_page_forms_records_and_documents_link(client, team, clock):
    case = to_investigating(team, clock)
    login(client, team.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="record-inquiry-button"' in page and 'data-testid="record-correction-button"' in page
    assert f'href="/documents/case/{case.pk}/"' in page
    version = Case.objects.get(pk=case.pk).version
    r = client.post(
        f"/cases/{case.pk}/records/inquiry/",
        {
            "version": version,
            "started_at": "2026-03-02T08:00",
            "ended_at": "2026-03-02T08:30",
            "place": "询问室",
            "relation": "驾驶员",
            "interviewee_name": "王师傅",
            "inquirer": team.officer.pk,
            "recorder": team.officer2.pk,
            "qa": "问：车上装的什么？\n答：钢材。",
            "signed": "true",
        },
    )
    assert r.status_code == 302 and r["Location"].endswith("#records")
    assert InquiryRecord.objects.get(case=case).qa == [{"q": "车上装的什么？", "a": "钢材。"}]
    # a refused form says why, in Chinese, and saves nothing
    r = client.post(f"/cases/{case.pk}/records/site/", {"version": version + 1, "place": "K1203"}, follow=True)
    assert "现场笔录未保存：请填写检查开始时间" in r.content.decode()
    assert not SiteRecord.objects.exists()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "询问笔录1" in page and "王师傅" in page and "车上装的什么？" in page
    assert "制作询问笔录" in page and "询问笔录1（2026-03-02 08:00）" in page  # the timeline names the event
    # another officer of the unit (not on the case team) sees the record with the name masked
    other = team.reviewer
    page = login(client, other).get(f"/cases/{case.pk}/").content.decode()
    assert "王*" in page and "王师傅" not in page and "车上装的什么？" not in page
    assert 'data-testid="record-inquiry-button"' not in page


def test_no_record_forms_after_the_decision(client, team, clock):
    case = to_decided(team, clock)
    page = login(client, team.officer).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="record-inquiry-button"' not in page
    assert 'data-testid="record-correction-button"' in page  # 第二十八条: with the decision
    r = client.post(f"/cases/{case.pk}/records/inquiry/", {"version": case.version})
    assert r.status_code == 302


def test_api_records(client, team, clock):
    case = to_investigating(team, clock)
    login(client, team.officer)
    version = Case.objects.get(pk=case.pk).version
    data = {
        **inquiry(team),
        "started_at": "2026-03-02T08:00",
        "ended_at": "2026-03-02T08:40",
        "qa": [{"q": "车辆是谁的？", "a": "公司的。"}],
    }
    r = post(client, f"/api/v1/cases/{case.pk}/records/inquiry", {"version": version, "data": data})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["seq"] == 1 and body["inquirer"]["licence_no"] == team.officer.licence_no
    assert body["interviewee_id_number"] != "410000198001010011"  # masked
    # a stale version: 409
    r = post(
        client, f"/api/v1/cases/{case.pk}/records/correction", {"version": version, "data": {"requirement": "卸载"}}
    )
    assert r.status_code == 409 and r.json()["code"] == "case.version_conflict"
    r = post(
        client,
        f"/api/v1/cases/{case.pk}/records/correction",
        {"version": version + 1, "data": {"requirement": "卸载超限货物", "deadline": "2026-03-01"}},
    )
    assert r.status_code == 400 and r.json()["code"] == "record.deadline_invalid"
    r = client.get(f"/api/v1/cases/{case.pk}/records")
    assert r.status_code == 200
    assert [i["qa"] for i in r.json()["inquiries"]] == [[{"q": "车辆是谁的？", "a": "公司的。"}]]
    # another officer of the unit: masked, no Q&A; another province: 404
    login(client, team.reviewer)
    rows = client.get(f"/api/v1/cases/{case.pk}/records").json()["inquiries"]
    assert rows[0]["interviewee"] == "王**" and rows[0]["qa"] == []
    login(client, team.world.ly_officer)
    assert client.get(f"/api/v1/cases/{case.pk}/records").status_code == 404
    r = post(client, f"/api/v1/cases/{case.pk}/records/site", {"version": version + 1, "data": {}})
    assert r.status_code == 404
    login(client, team.officer)
    assert post(client, f"/api/v1/cases/{case.pk}/records/other", {"version": 1, "data": {}}).status_code == 404


def test_record_lists_do_not_grow_the_queries(client, team, clock, django_assert_max_num_queries):
    case = to_investigating(team, clock)
    user = team.officer.user

    def add(n):
        for _ in range(n):
            inquiry_record_add(actor=user, case=case, **inquiry(team))
            site_record_add(actor=user, case=case, **site(team))
            correction_order_add(actor=user, case=case, requirement="卸载超限货物")

    add(1)
    login(client, team.officer)
    with django_assert_max_num_queries(45) as page:
        client.get(f"/cases/{case.pk}/")
    with django_assert_max_num_queries(20) as api:
        client.get(f"/api/v1/cases/{case.pk}/records")
    add(4)
    with django_assert_max_num_queries(len(page.captured_queries)):
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    with django_assert_max_num_queries(len(api.captured_queries)):
        assert len(client.get(f"/api/v1/cases/{case.pk}/records").json()["inquiries"]) == 5


def test_hearing_arranged_and_recorded_through_the_api(client, team, clock):
    from datetime import date

    from tests.cases.conftest import act, new_case, to_notified
    from tests.cases.test_records import HEARING_FACTS
    from zhifa.cases.models import Hearing

    case = to_notified(team, clock, new_case(team, facts=HEARING_FACTS))
    clock("2026-03-05")
    act(case, "request_hearing", team.officer, requested_on=date(2026, 3, 5))
    login(client, team.officer)
    url = f"/api/v1/cases/{case.pk}/actions/schedule_hearing"
    params = {
        "hearing_date": "2026-03-20",
        "hearing_time": "14:30",
        "place": "听证室",
        "presiding_officer_id": team.officer2.pk,
        "notice_on": "2026-03-05",
        "public": "false",
    }
    version = Case.objects.get(pk=case.pk).version
    r = post(client, url, {"version": version, "params": params})
    assert r.status_code == 400 and r.json()["code"] == "case.presiding_officer_conflict"
    params["presiding_officer_id"] = team.reviewer.pk
    r = post(client, url, {"version": version, "params": params})
    assert r.status_code == 400 and r.json()["field"] == "not_public_reason"
    params["not_public_reason"] = "涉及商业秘密"
    assert post(client, url, {"version": version, "params": params}).status_code == 200
    h = Hearing.objects.get(case=case)
    assert (h.public, h.host_id, h.hearing_at.hour) == (False, team.reviewer.pk, 6)  # 14:30 in Shanghai = 06:30 UTC
    hearing = client.get(f"/api/v1/cases/{case.pk}/records").json()["hearing"]
    assert hearing["hearing_at"].startswith("2026-03-20T14:30") and hearing["not_public_reason"] == "涉及商业秘密"


def test_amend_a_record_through_the_api_until_the_decision(client, team, clock):
    from tests.cases.conftest import act
    from zhifa.cases.services import case_assess
    from zhifa.core.models import AuditEvent

    case = to_investigating(team, clock)
    site_record_add(actor=team.officer.user, case=case, **site(team))
    login(client, team.officer)
    url = f"/api/v1/cases/{case.pk}/records/site/1"
    version = Case.objects.get(pk=case.pk).version
    r = client.patch(
        url,
        data=json.dumps({"version": version, "data": {"present": "驾驶员王师傅、押运员"}}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["present"] == "驾驶员王师傅、押运员"
    event = AuditEvent.objects.filter(event_code="case.site_record_amended").get()
    assert event.before == {"present": "驾驶员王师傅"}
    r = client.patch(
        url, data=json.dumps({"version": version + 1, "data": {"findings": ""}}), content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "record.field_required"
    assert (
        client.patch(
            f"/api/v1/cases/{case.pk}/records/site/9",
            data=json.dumps({"version": 1, "data": {}}),
            content_type="application/json",
        ).status_code
        == 404
    )
    clock("2026-03-04")
    case_assess(actor=team.officer.user, case=case)
    act(case, "submit_for_review", team.officer)
    act(case, "notify", team.officer)
    clock("2026-03-05")
    act(case, "waive_rights", team.officer, waiver_reference="放弃声明")
    act(case, "decide", team.head, outcome="penalty")
    version = Case.objects.get(pk=case.pk).version
    login(client, team.officer)  # the session expired while the clock moved on
    r = client.patch(
        url, data=json.dumps({"version": version, "data": {"present": "别人"}}), content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["code"] == "record.frozen"


def _form_values(page: str, form_id: str) -> dict[str, str]:
    """The values a browser would submit from the form inside ``<div id=form_id>`` (inputs, textareas,
    selected options)."""
    import html
    import re

    start = page.index(f'id="{form_id}"')
    form = page[start : page.index("</form>", start)]
    values: dict[str, str] = {}
    for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        values[m.group(1)] = html.unescape(m.group(2))
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[m.group(1)] = html.unescape(m.group(2))
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', m.group(2))
        first = re.search(r'<option value="([^"]*)"', m.group(2))
        values[m.group(1)] = html.unescape((chosen or first).group(1))
    values.pop("csrfmiddlewaretoken", None)
    return values


def test_correct_a_record_on_the_case_page_until_the_decision(client, team, clock):
    """The 更正 form is filled with the record as it is: sent back unchanged it changes nothing; a changed
    field is saved and audited with what it said before; an emptied optional field is cleared; after the
    decision the form is gone and a forged post is refused with the reason."""
    from tests.cases.conftest import act
    from zhifa.cases.services import case_assess
    from zhifa.core.models import AuditEvent

    case = to_investigating(team, clock)
    site_record_add(actor=team.officer.user, case=case, **site(team))
    inquiry_record_add(actor=team.officer.user, case=case, **inquiry(team))
    login(client, team.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="amend-site-1"' in page and 'data-testid="amend-inquiry-1"' in page
    values = _form_values(page, "amend-site-1")
    assert values["findings"].startswith("豫R12345号重型半挂牵引车") and values["officer2"] == str(team.officer2.pk)
    assert values["started_at"] == "2026-03-01T15:10" and values["party_signed"] == "true"

    # sent back as it is: nothing changes, no audit row, the version stays
    version = Case.objects.get(pk=case.pk).version
    r = client.post(f"/cases/{case.pk}/records/site/1/", values, follow=True)
    assert "现场笔录1没有改动" in r.content.decode()
    assert Case.objects.get(pk=case.pk).version == version
    assert not AuditEvent.objects.filter(event_code="case.site_record_amended").exists()

    # a real correction; the emptied measures are cleared
    r = client.post(
        f"/cases/{case.pk}/records/site/1/",
        values | {"present": "驾驶员王师傅、押运员李某", "measures": ""},
        follow=True,
    )
    assert "已更正现场笔录1：在场人员、采取的措施" in r.content.decode()
    row = SiteRecord.objects.get(case=case, seq=1)
    assert row.present == "驾驶员王师傅、押运员李某" and row.measures == ""
    event = AuditEvent.objects.get(event_code="case.site_record_amended")
    assert event.before == {"present": "驾驶员王师傅", "measures": "责令当事人卸载超限部分货物"}

    # the inquiry's question-and-answer text goes back and forth unchanged
    iv = _form_values(client.get(f"/cases/{case.pk}/").content.decode(), "amend-inquiry-1")
    assert iv["qa"].startswith("问：我们是南召县") and "\n答：钢材，从安阳装的货。" in iv["qa"]
    iv["qa"] += "\n问：货物从哪里装的？\n答：安阳。"
    r = client.post(f"/cases/{case.pk}/records/inquiry/1/", iv, follow=True)
    assert "已更正询问笔录1：问答" in r.content.decode()
    assert InquiryRecord.objects.get(case=case).qa[-1] == {"q": "货物从哪里装的？", "a": "安阳。"}

    # a stale page: the version check refuses it
    r = client.post(f"/cases/{case.pk}/records/site/1/", values | {"present": "别人"}, follow=True)
    assert "现场笔录1未更正" in r.content.decode()
    assert SiteRecord.objects.get(case=case, seq=1).present == "驾驶员王师傅、押运员李某"

    # another officer of the unit (not on the case team) has no form and cannot post one
    login(client, team.reviewer)
    assert 'data-testid="amend-site-1"' not in client.get(f"/cases/{case.pk}/").content.decode()
    current = Case.objects.get(pk=case.pk).version
    r = client.post(f"/cases/{case.pk}/records/site/1/", values | {"version": current, "present": "别人"})
    assert SiteRecord.objects.get(case=case, seq=1).present == "驾驶员王师傅、押运员李某"

    # after the decision the records are frozen: no form; a post is refused with the reason
    clock("2026-03-04")
    case_assess(actor=team.officer.user, case=case)
    act(case, "submit_for_review", team.officer)
    act(case, "notify", team.officer)
    clock("2026-03-05")
    act(case, "waive_rights", team.officer, waiver_reference="放弃声明")
    act(case, "decide", team.head, outcome="penalty")
    login(client, team.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="amend-site-1"' not in page
    version = Case.objects.get(pk=case.pk).version
    r = client.post(f"/cases/{case.pk}/records/site/1/", values | {"version": version, "present": "别人"}, follow=True)
    assert "现场笔录1未更正：决定已作出，该记录已随案封存，不能修改" in r.content.decode()
    assert client.post(f"/cases/{case.pk}/records/site/9/", values).status_code == 404
