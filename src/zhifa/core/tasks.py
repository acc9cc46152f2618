from celery import shared_task


@shared_task(name="zhifa.run_job")
def run_job_task(job_id: str) -> None:
    from zhifa.core.jobs import run_job

    run_job(job_id)
