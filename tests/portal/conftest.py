"""The portal tests use the documents shell's world (cases walked with the services) and, where the
bytes of the files do not matter, a fast stand-in for the renderer."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.cases.conftest import clock, team  # noqa: F401 - fixtures
from tests.documents.conftest import docs, llm_server, media  # noqa: F401 - fixtures
from tests.documents.shell import fake_render_items


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fast_render(monkeypatch):
    from zhifa.documents.services import batch, issue

    monkeypatch.setattr(issue, "render_items", fake_render_items)
    monkeypatch.setattr(batch, "render_items", fake_render_items)


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    from zhifa.documents.services import document_issue

    def run(user, case, document_type="penalty_decision"):
        with django_capture_on_commit_callbacks(execute=True):
            return document_issue(actor=user, case=case.pk, document_type=document_type)

    return run
