"""Document subcommands (``zhifa documents …``).

Contract (issue 5)::

    zhifa documents compose --case 南召交执罚〔2026〕0007号 --type penalty_decision
        prints the composed reasoning (说理) text of that document for that case; exit 0

    zhifa documents check-draft --case 南召交执罚〔2026〕0007号 --type penalty_decision --draft draft.txt
        prints {"accepted": bool, "problems": [{"code", "detail"}]}; exit 0 accepted, 1 rejected

Bad input (unknown case number, unknown type, a type the case cannot have, a missing or unreadable
draft file) prints ``{"code", "message", "field"}`` and exits 2. Brackets in the case number may be
typed as [] or （）: they are normalised to 〔〕.

Also: ``issue`` (issue through the services as a user), ``batch`` (the decided cases without their
decision documents, as a job), ``verify-files`` (re-hash every stored document file; exit 1 when any
is missing or altered; ``--repair`` renders a missing file again from its snapshot if the result has
the recorded SHA-256).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zhifa.core.errors import DomainError
from zhifa.documents.reasoning.context import DOCUMENT_TYPES, normalise_doc_number


def register(sub: argparse._SubParsersAction) -> None:
    docs = sub.add_parser("documents", help="执法文书（说理文本、草稿校验、签发、批量签发、文件校验）")
    docs_sub = docs.add_subparsers(dest="documents_cmd", metavar="SUBCOMMAND")
    docs_sub.required = True

    compose = docs_sub.add_parser("compose", help="输出案件某类文书的说理文本（说理模板生成）")
    compose.add_argument("--case", required=True, help="案号，如 南召交执罚〔2026〕0007号")
    compose.add_argument("--type", required=True, dest="doc_type", help="文书种类代码，如 penalty_decision")
    compose.add_argument(
        "--register", choices=["formal", "plain"], default="formal", help="formal 正式文书；plain 给当事人的通俗说明"
    )
    compose.set_defaults(func=_compose, needs_django=True)

    check = docs_sub.add_parser("check-draft", help="校验一份说理草稿（金额、日期、条文、事实等须与案件一致）")
    check.add_argument("--case", required=True, help="案号")
    check.add_argument("--type", required=True, dest="doc_type", help="文书种类代码")
    check.add_argument("--draft", required=True, help="草稿文件（UTF-8 文本）；- 为标准输入")
    check.set_defaults(func=_check_draft, needs_django=True)

    issue = docs_sub.add_parser("issue", help="签发文书（行政处罚决定书即三书同达）")
    issue.add_argument("--case", required=True, help="案号")
    issue.add_argument("--type", required=True, dest="doc_type", help="文书种类代码")
    issue.add_argument("--user", required=True, help="以该用户的身份签发（须为本案承办人员或负责人）")
    issue.add_argument(
        "--record", type=int, default=None, help="询问笔录、现场笔录、责令改正：记录编号（默认：第一份尚未签发的）"
    )
    issue.set_defaults(func=_issue, needs_django=True)

    batch = docs_sub.add_parser("batch", help="批量签发已决定案件的决定文书（后台任务，显示进度）")
    batch.add_argument("--user", required=True, help="以该用户的身份签发")
    batch.add_argument("--limit", type=int, default=100, help="最多处理的案件数（默认100）")
    batch.add_argument("--workers", type=int, default=None, help="渲染进程数（默认为CPU核数，最多4；0为不用子进程）")
    batch.set_defaults(func=_batch, needs_django=True)

    verify = docs_sub.add_parser("verify-files", help="重新计算已签发文书文件的 SHA-256")
    verify.add_argument(
        "--repair", action="store_true", help="按快照重新生成缺失的文件（结果须与签发时的 SHA-256 一致）"
    )
    verify.add_argument("--format", choices=["json", "text"], default="text")
    verify.set_defaults(func=_verify_files, needs_django=True)


def _print(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _bad(code: str, message: str, field: str | None = None) -> int:
    _print({"code": code, "message": message, "field": field})
    return 2


def _case(number: str):
    """The case with this number, with what the documents read prefetched (every agency: the operator's
    shell is not scoped to a jurisdiction)."""
    from django.db.models import Prefetch

    from zhifa.cases.models import Case, CaseOfficer, DecisionRecord, Evidence

    wanted = normalise_doc_number(number or "")
    case = (
        Case.objects.select_related("agency", "enterprise", "person", "vehicle", "driver", "driver__person")
        .prefetch_related(
            Prefetch("case_officers", queryset=CaseOfficer.objects.select_related("officer")),
            "payments",
            "preservations",
            Prefetch("evidence", queryset=Evidence.objects.select_related("collected_by").order_by("seq")),
            Prefetch(
                "decision_records", queryset=DecisionRecord.objects.filter(current=True), to_attr="current_records"
            ),
        )
        .filter(number=wanted)
        .first()
    )
    if case is None:
        raise DomainError("documents.unknown_case", f"没有案号为“{number}”的案件", "case")
    return case


def _context(args: argparse.Namespace):
    """The case and the context of the requested type, or a DomainError (bad input)."""
    from zhifa.documents.case_context import case_context
    from zhifa.documents.services.issue import issued_numbers

    if args.doc_type not in DOCUMENT_TYPES:
        raise DomainError(
            "documents.unknown_type", f"未知的文书种类：{args.doc_type}（可用：{'、'.join(DOCUMENT_TYPES)}）", "type"
        )
    case = _case(args.case)
    return case, case_context(case, args.doc_type, related_numbers=issued_numbers(case))


def _compose(args: argparse.Namespace) -> int:
    from zhifa.documents.reasoning.composer import REASONED_TYPES, compose

    try:
        _case_obj, ctx = _context(args)
        if ctx.document_type not in REASONED_TYPES:
            raise DomainError(
                "documents.not_reasoned",
                f"该文书没有说理部分（有说理部分的文书：{'、'.join(REASONED_TYPES)}）",
                "type",
            )
        reasoning = compose(ctx)
    except DomainError as exc:
        return _bad(exc.code, exc.message, exc.field)
    print(reasoning.formal_text if args.register == "formal" else reasoning.plain_summary)
    return 0


def _read_draft(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if not p.is_file():
        raise DomainError("documents.draft_missing", f"草稿文件不存在：{path}", "draft")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DomainError("documents.draft_unreadable", "草稿文件不是 UTF-8 文本", "draft") from None
    except OSError as exc:
        raise DomainError("documents.draft_unreadable", f"草稿文件无法读取：{exc.strerror}", "draft") from None


def _check_draft(args: argparse.Namespace) -> int:
    from zhifa.documents.reasoning.verifier import verify_draft
    from zhifa.documents.services.issue import citable_provisions

    try:
        _case_obj, ctx = _context(args)
        draft = _read_draft(args.draft)
    except DomainError as exc:
        return _bad(exc.code, exc.message, exc.field)
    result = verify_draft(draft, ctx, citable_provisions())
    _print(result.as_dict())
    return 0 if result.accepted else 1


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError("documents.unknown_user", f"没有用户“{username}”", "user")
    return user


def _issue(args: argparse.Namespace) -> int:
    from zhifa.documents.services import document_issue

    try:
        user = _user(args.user)
        if args.doc_type not in DOCUMENT_TYPES:
            raise DomainError("documents.unknown_type", f"未知的文书种类：{args.doc_type}", "type")
        case = _case(args.case)
        docs = document_issue(actor=user, case=case.pk, document_type=args.doc_type, record=args.record)
    except DomainError as exc:
        return _bad(exc.code, exc.message, exc.field)
    _print(
        [
            {
                "id": str(d.pk),
                "type": d.document_type,
                "record_seq": d.record_seq or None,
                "title": d.title,
                "number": d.number,
                "pdf_sha256": d.pdf_sha256,
                "docx_sha256": d.docx_sha256,
                "qr_url": d.qr_url,
                "reasoning_source": d.reasoning_source,
                "reasoning_fallback": d.reasoning_fallback,
            }
            for d in docs
        ]
    )
    return 0


def _batch(args: argparse.Namespace) -> int:
    """The batch job, run in this process (with its worker processes) rather than handed to a thread
    or Celery: the command returns when the batch is done."""
    from zhifa.core.jobs import run_job
    from zhifa.core.models import Job
    from zhifa.core.permissions import officer_of
    from zhifa.documents.services import batch_candidates
    from zhifa.documents.services.batch import JOB_KIND

    try:
        user = _user(args.user)
        if officer_of(user) is None:
            raise DomainError("documents.role_required", "该用户不是执法人员", "user")
        ids = list(batch_candidates(user=user, limit=args.limit).values_list("pk", flat=True))
        if not ids:
            raise DomainError("documents.nothing_selected", "没有待签发决定文书的已决定案件", "user")
    except DomainError as exc:
        return _bad(exc.code, exc.message, exc.field)
    params: dict = {"case_ids": ids, "user_id": user.pk}
    if args.workers is not None:
        params["workers"] = args.workers
    job = Job.objects.create(
        kind=JOB_KIND,
        title=f"批量签发文书（{len(ids)}件）",
        params=params,
        created_by=user,
        agency=officer_of(user).agency,
        total=len(ids),
    )
    print(f"批量签发 {len(ids)} 件案件的决定文书…", file=sys.stderr, flush=True)
    run_job(job.pk)
    job.refresh_from_db()
    _print({"job": str(job.pk), "status": job.status, "message": job.message, "result": job.result})
    return 0 if job.status == "done" and not (job.result or {}).get("failed") else 1


def _verify_files(args: argparse.Namespace) -> int:
    from zhifa.documents.choices import DocumentStatus
    from zhifa.documents.models import Document
    from zhifa.documents.services.files import document_integrity, write_file

    checked, bad, repaired = 0, [], []
    for doc in Document.objects.exclude(status=DocumentStatus.DRAFT).order_by("issued_at").iterator(chunk_size=500):
        checked += 1
        result = document_integrity(doc)
        if result.ok:
            continue
        if args.repair and result.problem == "missing":
            fixed = _repair(doc, write_file)
            if fixed:
                repaired.append(str(doc.pk))
                continue
        bad.append({"id": str(doc.pk), "number": doc.number, "problem": result.problem})
    if args.format == "json":
        _print({"checked": checked, "failed": bad, "repaired": repaired})
    else:
        print(f"已校验文书 {checked} 份，异常 {len(bad)} 份，已重新生成 {len(repaired)} 份")
        for row in bad:
            print(f"  {row['number']} {row['id']}：{'文件缺失' if row['problem'] == 'missing' else '文件被改动'}")
    return 1 if bad else 0


def _repair(doc, write_file) -> bool:
    """Render a missing file again from the document's snapshot; keep it only with the recorded SHA-256."""
    from zhifa.documents.render.worker import render_item
    from zhifa.documents.services.files import sha256_of

    out = render_item({"context": doc.context, "reasoning_text": doc.reasoning_text, "qr_url": doc.qr_url})
    ok = True
    for fmt in ("pdf", "docx"):
        if sha256_of(doc.path_for(fmt)) == doc.sha256_for(fmt):
            continue
        if out[fmt]["sha256"] != doc.sha256_for(fmt):
            ok = False
            continue
        write_file(doc.path_for(fmt), out[fmt]["content"])
    return ok
