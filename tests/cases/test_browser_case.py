"""A general-procedure case walked in a real browser, from registration to closing (Playwright on
Debian chromium): the officer registers it from a plate lookup, uploads a photo, assesses, requests
filing; the head files it; the officer investigates, notifies, records the waiver; the head decides;
the officer serves and records the payment; the head closes it."""

from __future__ import annotations

import io
import os
import shutil
from datetime import datetime

import pytest
import time_machine

from tests.cases.conftest import SH

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (./dev installs it)"),
]


@pytest.fixture
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def _login(browser, base, username):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Test-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _act(page, action: str, **fields: str) -> None:
    """Open an action's form on the case page, fill it and confirm."""
    page.click(f"[data-testid=action-{action}]")
    form = page.locator(f"#action-{action}")
    form.wait_for(state="visible")
    for name, value in fields.items():
        target = form.locator(f"[name='{name}']")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "未执行" not in page.locator("main").inner_text(), page.locator(".alert").all_inner_texts()


def _state(page) -> str:
    return page.locator("[data-testid=case-state]").inner_text()


@pytest.mark.django_db(transaction=True)
def test_general_case_from_filing_to_closing(live_server, browser, tmp_path, settings):
    from tests.factories import AgencyFactory, EnterpriseFactory, OfficerFactory, VehicleFactory

    settings.MEDIA_ROOT = tmp_path / "files"
    base = live_server.url
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=True):
        agency = AgencyFactory(name="南召县交通运输综合行政执法大队", short_name="南召交执")
        agency.case_number_pattern = "南召交执{type}〔{year}〕{seq:04d}号"
        agency.save(update_fields=["case_number_pattern"])
        OfficerFactory(agency=agency, user__username="li", name="李明")
        wang = OfficerFactory(agency=agency, user__username="wang", name="王强")
        OfficerFactory(agency=agency, user__username="head", name="刘志强", roles=["officer", "head"])
        owner = EnterpriseFactory(agency=agency, name="南召县顺通物流有限公司")
        VehicleFactory(agency=agency, plate="豫R6A888", kind="combination", axles=6, owner_enterprise=owner)

        officer = _login(browser, base, "li")
        head = _login(browser, base, "head")

        # register the case from a plate lookup
        officer.goto(f"{base}/cases/new/")
        officer.fill("#party-q", "6A888")
        officer.locator(".party-option").first.wait_for()
        officer.locator("input[name=party_choice][value^=vehicle]").check()
        officer.select_option("select[name=item_code]", "overload.weight")
        officer.locator("#fact-gross_weight_kg").wait_for()
        officer.fill("#fact-axles", "6")
        officer.select_option("#fact-vehicle_kind", "combination")
        officer.select_option("#fact-single_drive_axle", "false")
        officer.fill("#fact-gross_weight_kg", "58000")
        officer.fill("input[name=violation_date]", "2026-03-01")
        officer.fill("input[name=violation_place]", "G207国道南召段K1203")
        officer.fill("textarea[name=summary]", "豫R6A888号重型半挂牵引车车货总质量58吨，超过限定标准")
        officer.select_option("select[name=officer2]", str(wang.pk))
        officer.click("button:has-text('登记')")
        officer.wait_for_url(f"{base}/cases/*/")
        case_url = officer.url
        assert _state(officer) == "登记中"
        assert "南召县顺通物流有限公司" in officer.locator("main").inner_text()

        # evidence, discretion, request filing
        officer.set_input_files("#ev-file", files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": _png()}])
        officer.fill("#ev-title", "车辆侧面照片")
        officer.click("#evidence-form button[type=submit]")
        officer.wait_for_load_state()
        assert "证据1已入库" in officer.locator(".alert").first.inner_text()
        assert officer.locator("img.evidence-thumb").count() == 1
        officer.click("[data-testid=assess]")
        officer.wait_for_load_state()
        assert "采用 4500 元" in officer.locator("[data-testid=assessment-chosen]").inner_text()
        _act(officer, "request_filing")
        assert _state(officer) == "待立案审批"

        head.goto(case_url)
        _act(head, "file")
        assert _state(head) == "已立案"
        assert head.locator("[data-testid=case-number]").inner_text() == "南召交执罚〔2026〕0001号"
        assert "作出处罚决定期限" in head.locator("#deadlines").inner_text()

        officer.goto(case_url)
        _act(officer, "start_investigation")
        _act(officer, "submit_for_review")
        _act(officer, "notify")
        assert _state(officer) == "已告知"
        # the head may not decide while the statement window is open: the button says why when pressed
        head.goto(case_url)
        head.click("[data-testid=action-decide]")
        head.locator("#action-decide button[type=submit]").click()
        head.wait_for_load_state()
        assert "陈述申辩期限" in head.locator(".alert-danger").inner_text()

        _act(officer, "waive_rights", waiver_reference="当事人放弃陈述申辩权利声明书")
        head.goto(case_url)
        _act(head, "decide", outcome="penalty")
        assert _state(head) == "已决定"
        assert "决定书送达期限" in head.locator("#deadlines").inner_text()

        officer.goto(case_url)
        assert "决定已作出，证据已封存" in officer.locator("#evidence").inner_text()
        _act(officer, "serve", method="直接送达")
        assert _state(officer) == "已送达"
        _act(officer, "record_payment", receipt_no="豫财0001")
        assert "尚欠" in officer.locator("#money").inner_text()

        head.goto(case_url)
        _act(head, "close")
        assert _state(head) == "已结案"
        timeline = head.locator("#timeline").inner_text()
        for step in (
            "登记案件",
            "上传证据",
            "裁量",
            "批准立案",
            "告知拟作出的行政处罚",
            "作出决定",
            "送达决定书",
            "登记缴款",
            "结案",
        ):
            assert step in timeline
        head.screenshot(path=str(tmp_path / "closed.png"), full_page=True)

        # the closed case is locked: only reopening (by the head) is offered
        assert head.locator("[data-testid=action-reopen]").is_enabled()
        officer.goto(f"{base}/cases/?state=closed")
        assert officer.locator(".case-row").count() == 1
