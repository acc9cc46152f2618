"""Integrity under concurrency, on PostgreSQL with one connection per thread.

* Two officers act on the same case version at once: exactly one succeeds, the other gets
  ``case.version_conflict`` with a clear message, and nothing of the loser's action is written.
* Concurrent filings in one agency get unique, gap-free numbers; a filing that rolls back does not
  consume its number.

SQLite serialises writers (``BEGIN IMMEDIATE``), so there is no race to test there: skipped. CI runs
the suite on both (``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from tests.cases.conftest import act, new_case
from zhifa.cases.models import Case, CaseNumberCounter
from zhifa.cases.services import case_act
from zhifa.cases.services import cases as svc
from zhifa.core.audit import audit_verify
from zhifa.core.errors import ConflictError
from zhifa.core.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so two connections cannot race")


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads (each with its own database connection) released at the same moment;
    returns each job's result or the exception it raised."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(i: int, job: Callable[[], object]) -> None:
        try:
            start.wait(timeout=10)
            results[i] = job()
        except Exception as e:  # the outcome under test
            results[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker hung (lock not released?)"
    return results


def test_two_officers_on_the_same_version_exactly_one_wins(team, clock, monkeypatch):
    case = new_case(team)
    act(case, "request_filing", team.officer)  # version 1, pending the head's approval
    from tests.factories import OfficerFactory

    deputy = OfficerFactory(agency=team.world.nanzhao, user__username="deputy", roles=["officer", "head"])

    # both have read and checked version 1 before either writes: the race is decided by
    # UPDATE … WHERE version = 1
    both_read = threading.Barrier(2)
    real_update = svc.conditional_update

    def update_after_both_read(obj, expected, **columns):
        both_read.wait(timeout=10)
        return real_update(obj, expected, **columns)

    monkeypatch.setattr(svc, "conditional_update", update_after_both_read)
    results = run_together(
        [
            lambda: case_act(actor=team.head.user, case=case.pk, action="file", version=1),
            lambda: case_act(
                actor=deputy.user,
                case=case.pk,
                action="refuse_filing",
                version=1,
                params={"reason": "不属于本机关管辖"},
            ),
        ]
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], ConflictError)
    assert losses[0].code == "case.version_conflict"
    assert "第1版" in losses[0].message and "第2版" in losses[0].message and "请刷新后重试" in losses[0].message
    case.refresh_from_db()
    assert case.version == 2
    assert case.state == wins[0].case.state
    # only the winner's event is in the trail, and the chain is intact
    decided = AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), event_code__in=["case.filed", "case.filing_refused"]
    )
    assert decided.count() == 1
    assert audit_verify()[1] is None
    # a filing that lost issued no number
    if case.state == "dismissed":
        assert case.number == "" and not CaseNumberCounter.objects.exists()


def test_many_concurrent_actions_on_one_case(team, clock):
    """Eight requests carrying the same version: one writes, seven are told to refresh."""
    case = new_case(team)
    results = run_together(
        [lambda: case_act(actor=team.officer.user, case=case.pk, action="request_filing", version=0)] * 8
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, ConflictError) for r in results if isinstance(r, Exception))
    case.refresh_from_db()
    assert (case.state, case.version) == ("pending_filing", 1)
    assert AuditEvent.objects.filter(event_code="case.filing_requested").count() == 1


def test_concurrent_filings_get_unique_gap_free_numbers(team, clock, monkeypatch):
    cases = [new_case(team) for _ in range(10)]
    for c in cases:
        act(c, "request_filing", team.officer)
    doomed = cases[3].pk
    real_store = svc.store_deadlines

    def store_or_fail(case, running, started=()):
        if case.pk == doomed:  # this filing fails after its number was drawn: it must roll back
            raise RuntimeError("simulated failure after numbering")
        return real_store(case, running, started)

    monkeypatch.setattr(svc, "store_deadlines", store_or_fail)
    results = run_together(
        [lambda c=c: case_act(actor=team.head.user, case=c.pk, action="file", version=1) for c in cases]
    )
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and isinstance(failed[0], RuntimeError)
    seqs = sorted(Case.objects.filter(state="filed").values_list("number_seq", flat=True))
    assert seqs == list(range(1, 10))  # nine filings, numbers 1..9: unique, no gap
    numbers = list(Case.objects.filter(state="filed").values_list("number", flat=True))
    assert len(set(numbers)) == 9
    counter = CaseNumberCounter.objects.get(agency=team.world.nanzhao, year=2026, number_type="罚")
    assert counter.last_seq == 9
    assert Case.objects.get(pk=doomed).number == ""
    monkeypatch.undo()
    assert act(Case.objects.get(pk=doomed), "file", team.head).number_seq == 10
