"""Job functions of the documents app (registered with ``zhifa.core.jobs``; run inline under tests, in
a thread by default, on Celery when configured)."""

from zhifa.documents.services.batch import JOB_KIND, batch_issue_job

__all__ = ["JOB_KIND", "batch_issue_job"]
