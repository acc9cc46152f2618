"""The import job of the web page (``zhifa.core.jobs``: inline in tests, a thread, or Celery)."""

from __future__ import annotations

from pathlib import Path

from zhifa.core.jobs import job_function, job_progress

JOB_KIND = "offsite.import"


@job_function(JOB_KIND)
def offsite_import_job(job_id: str, run_id: int, path: str, encoding: str = "", actor_id: int | None = None) -> dict:
    from django.contrib.auth import get_user_model

    from zhifa.offsite.models import ImportRun
    from zhifa.offsite.services.ingest import run_import

    run = ImportRun.objects.select_related("agency").get(pk=run_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None

    def progress(label: str, permille: int) -> None:
        job_progress(job_id, permille, 1000, label)

    file = Path(path)
    try:
        out = run_import(run, file, actor=actor, encoding=encoding or None, progress=progress)
    finally:
        file.unlink(missing_ok=True)
    return {
        "run": run.pk,
        "read": out.read,
        "accepted": out.accepted,
        "quarantined": out.quarantined,
        "duplicates": out.duplicates,
        "events": out.events,
    }
