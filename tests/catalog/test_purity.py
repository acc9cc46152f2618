"""The pure catalog modules import no Django, ninja or celery (also the ones the
import-linter contract in pyproject.toml does not list yet)."""

import subprocess
import sys

PURE = [
    "zhifa.catalog.schema",
    "zhifa.catalog.conditions",
    "zhifa.catalog.texts",
    "zhifa.catalog.yamlload",
    "zhifa.catalog.overload",
    "zhifa.catalog.engine",
    "zhifa.catalog.powerlist",
    "zhifa.catalog.search",
    "zhifa.catalog.check",
    "zhifa.catalog.cli",
]


def test_pure_modules_do_not_import_django():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in PURE)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja', 'celery'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
