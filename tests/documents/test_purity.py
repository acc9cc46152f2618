"""The reasoning core and the renderers import no Django (the import-linter contract in
pyproject.toml should list the reasoning modules; this test holds until it does)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import zhifa.documents

PKG = Path(zhifa.documents.__file__).parent
PURE = sorted(
    f"zhifa.documents.{p.relative_to(PKG).with_suffix('').as_posix().replace('/', '.')}"
    for sub in ("reasoning", "render")
    for p in (PKG / sub).glob("*.py")
    if p.name != "__init__.py"
)
FORBIDDEN = ("django", "ninja", "celery")


def test_no_forbidden_import_statements():
    for sub in ("reasoning", "render"):
        for path in (PKG / sub).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_the_core_loads_no_django():
    code = (
        "import importlib, sys\n"
        f"for m in {PURE!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
