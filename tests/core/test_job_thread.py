"""A job run in a thread (no Celery, not inline) closes its database connection when it ends: with
CONN_MAX_AGE a finished thread would otherwise keep a PostgreSQL session open."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhifa.core.choices import JobStatus
from zhifa.core.jobs import JOB_FUNCTIONS, _thread_target
from zhifa.core.models import Job


def _sessions() -> int:
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return c.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_thread_job_closes_its_connection(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the sessions are counted in pg_stat_activity")
    monkeypatch.setitem(JOB_FUNCTIONS, "test.count", lambda job_id: {"jobs": Job.objects.count()})
    before = _sessions()
    for _ in range(3):
        job = Job.objects.create(kind="test.count", title="计数", params={})
        t = threading.Thread(target=_thread_target, args=(job.pk,))
        t.start()
        t.join()
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.result == {"jobs": 1}
        job.delete()
    assert _sessions() == before
