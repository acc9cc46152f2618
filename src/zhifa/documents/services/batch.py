"""Batch issuing (a morning's 100 off-site cases) as a job with progress.

Each case is issued exactly as :func:`document_issue` would issue it (same plan, same checks, one
transaction per case), but the rendering runs in worker processes while the job's own thread plans the
next cases and commits the finished ones in order. Numbers are predicted for the whole window; when a
prediction turns out wrong (a case failed, or somebody issued by hand meanwhile) the documents still in
flight are discarded and rendered again with fresh numbers, so numbers stay gap-free.

Worker processes are started with ``spawn`` (the render core imports no Django) and only when they
pay off: not for a handful of cases, not inside a daemonic process (a Celery prefork worker), and not
when ``workers=0``. Otherwise the job renders in its own thread.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from zhifa.cases.models import Case
from zhifa.core.errors import DomainError
from zhifa.core.jobs import job_function, job_progress, job_start
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import Document
from zhifa.documents.render.worker import render_items
from zhifa.documents.services.issue import (
    Number,
    Plan,
    StaleNumbers,
    commit_plan,
    decision_type_for,
    final_contexts,
    issue_plan,
    plan_issue,
    predict_numbers,
    render_payload,
)

log = logging.getLogger(__name__)
JOB_KIND = "documents.batch_issue"
MAX_BATCH = 1000
MIN_FOR_POOL = 4


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def batch_candidates(*, user, limit: int = 500):
    """Decided cases in the user's jurisdiction whose decision document has not been issued yet."""
    issued = Document.objects.filter(
        status=DocumentStatus.ISSUED,
        document_type__in=("penalty_decision", "summary_penalty_decision", "no_penalty_decision"),
    ).values("case_id")
    return (
        Case.objects.filter(agency_id__in=visible_agency_ids(user), decided_on__isnull=False)
        .exclude(outcome__in=["", "transfer_judicial"])
        .exclude(state="dismissed")
        .exclude(pk__in=issued)
        .select_related("agency")
        .order_by("decided_on", "id")[:limit]
    )


def documents_batch_start(*, actor, case_ids: list[int], workers: int | None = None):
    """Start a batch-issuing job for ``case_ids`` (each issues its decision documents)."""
    officer = officer_of(actor)
    if officer is None:
        raise DomainError("documents.role_required", "签发文书需要执法人员或负责人权限")
    ids = []
    for pk in case_ids:
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise DomainError("documents.bad_case", f"案件编号无效：{pk}", "case_ids") from None
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise DomainError("documents.nothing_selected", "请选择要签发文书的案件", "case_ids")
    if len(ids) > MAX_BATCH:
        raise DomainError("documents.batch_too_large", f"一次最多批量签发{MAX_BATCH}件", "case_ids")
    params: dict[str, Any] = {"case_ids": ids, "user_id": actor.pk}
    if workers is not None:
        params["workers"] = int(workers)
    return job_start(
        kind=JOB_KIND,
        title=f"批量签发文书（{len(ids)}件）",
        actor=actor,
        params=params,
        agency=officer.agency,
        total=len(ids),
    )


@dataclass
class _InFlight:
    case_id: int
    plan: Plan
    numbers: dict[str, Number]
    payload: list[dict[str, Any]]
    future: Future | None
    rendered: list[dict[str, Any]] | None = None


def _pool(workers: int, n: int) -> ProcessPoolExecutor | None:
    if workers <= 1 or n < MIN_FOR_POOL or multiprocessing.current_process().daemon:
        return None
    try:
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, ValueError):  # pragma: no cover - no processes on this platform
        return None


@job_function(JOB_KIND)
def batch_issue_job(job_id: str, *, case_ids: list[int], user_id: int, workers: int | None = None) -> dict[str, Any]:
    actor = get_user_model().objects.get(pk=user_id)
    workers = default_workers() if workers is None else workers
    total = len(case_ids)
    started = time.monotonic()
    pool = _pool(workers, total)
    window = max(2, 2 * workers + 2) if pool else 1
    queue = deque(case_ids)
    inflight: deque[_InFlight] = deque()
    counters: dict[tuple[int, int, str], int] = {}
    result: dict[str, Any] = {"issued": [], "failed": [], "documents": 0, "resynced": 0}
    done = 0

    def fail(case_id: int, exc: Exception) -> None:
        number = Case.objects.filter(pk=case_id).values_list("number", flat=True).first() or str(case_id)
        code = getattr(exc, "code", type(exc).__name__)
        message = getattr(exc, "message", None) or str(exc)
        result["failed"].append({"case": case_id, "number": number, "code": code, "message": message[:300]})

    def submit(case_id: int, plan: Plan) -> None:
        numbers = predict_numbers(plan, counters)
        payload = render_payload(plan, final_contexts(plan, numbers))
        future = pool.submit(render_items, payload) if pool else None
        inflight.append(_InFlight(case_id, plan, numbers, payload, future))

    def resubmit_all() -> None:
        entries = list(inflight)
        inflight.clear()
        counters.clear()
        result["resynced"] += 1
        for e in entries:
            if e.future is not None:
                e.future.cancel()
            submit(e.case_id, e.plan)

    try:
        while queue or inflight:
            while queue and len(inflight) < window:
                case_id = queue.popleft()
                try:
                    kind = _kind_for(actor, case_id)
                    submit(case_id, plan_issue(actor=actor, case=case_id, document_type=kind))
                except DomainError as exc:
                    fail(case_id, exc)
                    done += 1
                    job_progress(job_id, done, total)
            if not inflight:
                continue
            entry = inflight.popleft()
            try:
                entry.rendered = entry.future.result() if entry.future else render_items(entry.payload)
                docs = commit_plan(
                    actor=actor, plan=entry.plan, numbers=entry.numbers, payload=entry.payload, rendered=entry.rendered
                )
            except StaleNumbers:
                # a number was taken meanwhile: this case and every case in flight get fresh numbers
                inflight.appendleft(entry)
                resubmit_all()
                continue
            except DomainError as exc:
                fail(entry.case_id, exc)
                resubmit_all()  # its predicted numbers were not used
            except Exception as exc:  # a render error of one case must not stop the batch
                log.exception("batch issue of case %s failed", entry.case_id)
                fail(entry.case_id, exc)
                resubmit_all()
            else:
                result["issued"].append({"case": entry.case_id, "numbers": [d.number for d in docs]})
                result["documents"] += len(docs)
            done += 1
            job_progress(job_id, done, total, message=f"已处理 {done}/{total} 件")
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["workers"] = workers if pool else 0
    job_progress(
        job_id,
        total,
        total,
        message=f"签发 {len(result['issued'])} 件（文书 {result['documents']} 份），未签发 {len(result['failed'])} 件",
    )
    return result


def _kind_for(actor, case_id: int) -> str:
    case = Case.objects.filter(pk=case_id, agency_id__in=visible_agency_ids(actor)).first()
    if case is None:
        raise DomainError("not_found", "案件不存在或不在您的辖区内", "case")
    kind = decision_type_for(case)
    if kind is None:
        raise DomainError("documents.not_decided", "案件尚未作出处罚或不予处罚决定", "case")
    return kind


def documents_batch_issue_now(*, actor, case_ids: list[int]) -> dict[str, Any]:
    """The same work without a job (the CLI's ``--sync`` and the benchmark's single-process baseline)."""
    issued, failed = 0, []
    for case_id in case_ids:
        try:
            plan = plan_issue(actor=actor, case=case_id, document_type=_kind_for(actor, case_id))
            issued += len(issue_plan(actor=actor, plan=plan))
        except DomainError as exc:
            failed.append({"case": case_id, "code": exc.code, "message": exc.message})
    return {"documents": issued, "failed": failed}
