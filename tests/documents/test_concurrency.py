"""Issuing under concurrency, on PostgreSQL with one connection per thread (SQLite serialises writers,
so there is no race to test there: skipped).

* Two officers issue the decisions of two cases at once: both succeed, numbers 0001 and 0002 (one of
  them rendered again after losing the predicted number), the audit chain stays intact.
* Two issue the same case at once: one succeeds, the other is refused; no number is lost.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.cases.test_concurrency import run_together
from tests.documents.fake_render import fake_render_items
from zhifa.core.audit import audit_verify
from zhifa.core.errors import DomainError
from zhifa.documents.models import Document, DocumentNumberCounter
from zhifa.documents.services import document_issue
from zhifa.documents.services import issue as issue_mod

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so two connections cannot race")
    monkeypatch.setattr(issue_mod, "render_items", fake_render_items)


def test_two_cases_at_once_get_consecutive_numbers(docs):
    a, b = docs.decided(summary="甲"), docs.decided(summary="乙")
    officer = docs.team.officer.user
    results = run_together(
        [
            lambda: document_issue(actor=officer, case=a.pk, document_type="penalty_decision"),
            lambda: document_issue(actor=docs.team.head.user, case=b.pk, document_type="penalty_decision"),
        ]
    )
    assert all(isinstance(r, list) for r in results), results
    seqs = sorted(Document.objects.filter(document_type="penalty_decision").values_list("number_seq", flat=True))
    assert seqs == [1, 2]
    assert DocumentNumberCounter.objects.get(code="罚决").last_seq == 2
    assert audit_verify()[1] is None


def test_the_same_case_at_once_is_issued_once(docs):
    case = docs.decided()
    results = run_together(
        [
            lambda: document_issue(actor=docs.team.officer.user, case=case.pk, document_type="penalty_decision"),
            lambda: document_issue(actor=docs.team.head.user, case=case.pk, document_type="penalty_decision"),
        ]
    )
    won = [r for r in results if isinstance(r, list)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "documents.already_issued"
    assert Document.objects.filter(status="issued").count() == 4
    assert DocumentNumberCounter.objects.get(code="罚决").last_seq == 1
    assert audit_verify()[1] is None
