import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env):
    full = {**os.environ, **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, cwd=ROOT)


def test_configuration_doc_is_in_sync():
    out = subprocess.run(
        [sys.executable, "-m", "zhifa.cli", "config", "docs"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "ZHIFA_ENV": "development"},
    )
    assert out.returncode == 0, out.stderr
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert doc == out.stdout, "docs/configuration.md is stale: run `zhifa config docs > docs/configuration.md`"
    for name in ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "TIME_ZONE", "ZHIFA_ENV"):
        assert f"`{name}`" in doc


def test_production_refuses_the_demo_secret():
    r = _run(
        "import zhifa.config.settings",
        ZHIFA_ENV="production",
        SECRET_KEY="",
        ALLOWED_HOSTS="zhifa.example",
        ZHIFA_DEMO_MODE="0",
    )
    assert r.returncode != 0 and "演示密钥" in r.stderr
    r = _run(
        "import zhifa.config.settings",
        ZHIFA_ENV="production",
        ALLOWED_HOSTS="zhifa.example",
        ZHIFA_DEMO_MODE="0",
        DEBUG="0",
    )
    assert r.returncode != 0 and "演示密钥" in r.stderr


def test_production_starts_with_a_real_secret_and_is_hardened():
    r = _run(
        "import zhifa.config.settings as s;"
        " print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.DEMO_MODE)",
        ZHIFA_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="zhifa.example",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True", "True", "False"]


def test_production_refuses_demo_mode():
    r = _run("import zhifa.config.settings", ZHIFA_ENV="production", SECRET_KEY="x" * 50, ZHIFA_DEMO_MODE="1")
    assert r.returncode != 0 and "演示模式" in r.stderr


def test_settings_defaults():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.USE_TZ
