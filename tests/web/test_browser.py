"""One real browser test: log in and find a vehicle by plate (Playwright on Debian chromium)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (./dev installs it as root)"
    ),
]


@pytest.fixture
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.mark.django_db(transaction=True)
def test_login_and_find_vehicle_by_plate(live_server, browser, tmp_path):
    from tests.conftest import World  # noqa: F401 - world is built below
    from tests.factories import AgencyFactory, OfficerFactory, VehicleFactory

    unit = AgencyFactory(name="南召县执法大队")
    OfficerFactory(agency=unit, user__username="roadside")
    VehicleFactory(agency=unit, plate="豫R6A888", kind="combination", axles=6)
    other = AgencyFactory(name="临沂市执法支队", region_code="371300")
    VehicleFactory(agency=other, plate="鲁Q6A888")

    page = browser.new_page(viewport={"width": 412, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "roadside")
    page.fill("#id_password", "Test-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/parties/search/?q=6A888")
    rows = page.locator(".result-row")
    assert rows.count() == 1
    assert "豫R6A888" in rows.first.inner_text()
    assert "鲁Q6A888" not in page.content()
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
