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
