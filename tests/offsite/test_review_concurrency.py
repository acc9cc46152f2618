"""Two reviewers on one event at once (PostgreSQL, one connection per thread): exactly one wins, the
other gets ``offsite.version_conflict``; one case, one audit event. SQLite serialises writers: skipped."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.cases.test_concurrency import run_together
from tests.offsite.test_review_kit import clock_fixture, make_event, site_fixture, team_fixture  # noqa: F401
from zhifa.cases.models import Case
from zhifa.core.audit import audit_verify
from zhifa.core.errors import ConflictError
from zhifa.core.models import AuditEvent
from zhifa.offsite.models import OverloadEvent
from zhifa.offsite.services.review import event_confirm, event_reject

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so two connections cannot race")


def test_confirm_against_confirm_and_reject(site, clock):
    clock("2026-03-02")
    t = site.team
    ev = make_event(site, "RACE1")
    results = run_together(
        [
            lambda: event_confirm(actor=t.officer.user, event=ev.pk, version=1, officers=[t.officer2]),
            lambda: event_confirm(actor=t.officer2.user, event=ev.pk, version=1, officers=[t.officer]),
            lambda: event_reject(actor=t.head.user, event=ev.pk, reason="同时驳回的请求", version=1),
        ]
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 2, results
    assert all(isinstance(e, ConflictError) and e.code == "offsite.version_conflict" for e in losses), losses
    ev = OverloadEvent.objects.get(pk=ev.pk)
    assert ev.version == 2 and ev.status in ("confirmed", "rejected")
    assert Case.objects.count() == (1 if ev.status == "confirmed" else 0)
    assert AuditEvent.objects.filter(event_code__in=["offsite.event_confirmed", "offsite.event_rejected"]).count() == 1
    assert audit_verify()[1] is None
