import pyotp
import pytest

from zhifa.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["admin", "supervisor"]


def test_admin_is_held_until_the_second_factor(client, world, two_factor_on):
    assert client.post("/login/", {"username": "nzadmin", "password": "Test-pass-123"}).status_code == 302
    r = client.get("/parties/vehicle/")
    assert r.status_code == 302 and r["Location"].startswith("/2fa/")
    assert client.get("/api/v1/parties/vehicle").json()["code"] == "auth.second_factor"
    page = client.get("/2fa/").content.decode()
    assert "<svg" in page and "扫描" in page
    world.nz_admin.refresh_from_db()
    secret = world.nz_admin.totp_secret
    bad = client.post("/2fa/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert "不正确" in bad.content.decode()
    r = client.post("/2fa/?next=/parties/vehicle/", {"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302 and r["Location"] == "/parties/vehicle/"
    assert client.get("/parties/vehicle/").status_code == 200
    assert AuditEvent.objects.filter(event_code="officer.totp_confirmed").exists()


def test_officer_role_is_not_asked(client, world, two_factor_on):
    client.post("/login/", {"username": "nz1", "password": "Test-pass-123"})
    assert client.get("/parties/vehicle/").status_code == 200


def test_repeated_wrong_codes_log_out(client, world, two_factor_on):
    client.post("/login/", {"username": "nzsup", "password": "Test-pass-123"})
    client.get("/2fa/")
    world.nz_supervisor.refresh_from_db()
    good = pyotp.TOTP(world.nz_supervisor.totp_secret).now()
    wrong = "123456" if good != "123456" else "654321"
    for _ in range(5):
        r = client.post("/2fa/", {"code": wrong})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert client.get("/parties/vehicle/").status_code == 302
