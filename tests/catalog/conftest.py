from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from zhifa.catalog.yamlload import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path) -> Callable[[], Path]:
    """A private copy of the shipped catalog data that a test may edit."""

    def make() -> Path:
        dest = tmp_path / "data"
        if not dest.exists():
            shutil.copytree(DATA_DIR, dest)
        return dest

    return make


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pytest_ignore_collect(collection_path, config):
    """The web tests need pytest-django and the database; the pure tests run without them
    (``pytest tests/catalog -p no:django --confcutdir=tests/catalog``)."""
    if collection_path.name == "test_web.py" and not config.pluginmanager.hasplugin("django"):
        return True
    return None
