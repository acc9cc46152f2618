"""The import job of the web page (``zhifa.core.jobs``: inline in tests, a thread, or Celery)."""

from __future__ import annotations

from pathlib import Path

from zhifa.core.jobs import job_function, job_progress

JOB_KIND = "offsite.import"
EVIDENCE_JOB_KIND = "offsite.evidence"  # a certificate change that touches many passages (services/evidence.py)


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


@job_function(EVIDENCE_JOB_KIND)
def offsite_evidence_job(job_id: str, calibration_id: int, action: str, station_id: int | None = None) -> dict:
    """A certificate added or revoked that touches many stored passages (services/evidence.py)."""
    from zhifa.core.models import Job
    from zhifa.offsite.services.evidence import run_certificate_job

    job = Job.objects.select_related("created_by").get(pk=job_id)
    result = run_certificate_job(actor=job.created_by, calibration_id=calibration_id, action=action)
    job_progress(job_id, job.total, message=result.get("skipped") or "完成")
    return result
