"""Long work as jobs with progress: the same code inline (tests), in a thread (embedded default)
or on Celery (production, when CELERY_BROKER_URL is set).

A job function is a plain function ``func(job_id: str, **params)`` registered with
:func:`job_function`; it reports progress with :func:`job_progress` and returns a JSON-able
result.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from zhifa.core.choices import JobStatus
from zhifa.core.models import Job

log = logging.getLogger(__name__)
JOB_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def job_function(kind: str):
    def register(func):
        JOB_FUNCTIONS[kind] = func
        return func

    return register


def job_progress(job_id, done: int, total: int | None = None, message: str = "") -> None:
    fields: dict[str, Any] = {"done": done}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message
    Job.objects.filter(pk=job_id).update(**fields)


def run_job(job_id) -> None:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    try:
        result = JOB_FUNCTIONS[job.kind](str(job.pk), **job.params)
    except Exception as exc:  # the job's own errors are its result, not a crash of the runner
        log.exception("job %s failed", job_id)
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            message=message[:2000],
            finished_at=timezone.now(),
            result={"traceback": traceback.format_exc()[-4000:]},
        )
        return
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, result=result, finished_at=timezone.now())


def _thread_target(job_id) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        # the thread ends here: close its connections now (with CONN_MAX_AGE they would stay open
        # until the thread's storage is collected, holding a PostgreSQL session each)
        connections.close_all()


def job_start(*, kind: str, title: str, actor, params: dict[str, Any], agency=None, total: int = 0) -> Job:
    if kind not in JOB_FUNCTIONS:
        raise KeyError(f"unknown job kind {kind}")
    job = Job.objects.create(kind=kind, title=title, params=params, created_by=actor, agency=agency, total=total)

    def launch():
        if settings.JOBS_INLINE:
            run_job(job.pk)
        elif settings.CELERY_BROKER_URL:
            from zhifa.core.tasks import run_job_task

            run_job_task.delay(str(job.pk))
        else:
            threading.Thread(target=_thread_target, args=(job.pk,), daemon=True).start()

    transaction.on_commit(launch)
    return job
