"""Issuing documents: plan (context, reasoning) → number → render → commit, audited, files after commit.

Numbers are gap-free per agency, year and 代字 (:class:`DocumentNumberCounter`), and the number is
printed in the document, so it must be known before rendering. Rendering a 三书同达 bundle takes about
half a second of CPU; to keep the counter unlocked meanwhile, issuing is optimistic:

1. **plan** (reads only): the case in the actor's jurisdiction, the permission, the contexts of the
   documents (``case_context``), the reasoning (composer, or a verified model draft);
2. **predict** the numbers from the counters (no lock) and **render** (pure, possibly in a worker process);
3. **commit** in one transaction: lock the case row and the counters; if a counter moved on meanwhile
   (someone else issued), nothing is written and the document is rendered again with the next number;
   otherwise the counters advance, the rows and the audit events are written, and the files are written
   after the commit (``transaction.on_commit``).

After three lost races the number is taken under the lock and rendered there (always correct, just
slower for the others). A rolled-back issue leaves no number used and no file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.agencies.choices import Role
from zhifa.cases.models import Case
from zhifa.core.audit import audit_record
from zhifa.core.errors import ConflictError, DomainError, NotFound, PermissionDenied
from zhifa.core.permissions import officer_of, require_enforcement_licence
from zhifa.documents.case_context import RECORD_NAMES, ContextUnavailable, case_context, party_masked
from zhifa.documents.choices import NUMBER_CODES, TRIPLE_TYPES, TYPE_TITLES, DocumentStatus
from zhifa.documents.models import Document, DocumentBundle, DocumentNumberCounter
from zhifa.documents.reasoning.composer import REASONED_TYPES
from zhifa.documents.reasoning.context import DocumentContext
from zhifa.documents.render import receipt_context
from zhifa.documents.render.worker import render_items
from zhifa.documents.services.files import relative_path, write_after_commit
from zhifa.documents.signing import verification_url

MAX_OPTIMISTIC_ATTEMPTS = 3

#: types an officer may issue one by one (the two notices and the receipt of 三书同达 come with the decision)
ISSUABLE_TYPES = (
    "case_filing",
    "evidence_register",
    "penalty_notice",
    "hearing_notice",
    "penalty_decision",
    "summary_penalty_decision",
    "no_penalty_decision",
    "correction_order",
    "payment_reminder",
    "closing_report",
    "inquiry_record",
    "site_record",
)


#: types made from one record of the case (its ``seq`` is the document's ``record_seq``): a case holds
#: several 询问笔录, 现场笔录 and 责令改正, and each record gets its own document
RECORD_TYPES = tuple(RECORD_NAMES)


class StaleNumbers(Exception):
    """A counter moved on between predicting a number and committing: render again."""


# ---------------------------------------------------------------------------------------------------
# reasoning (composer or a verified model draft)


_CITABLE: dict[str, Any] = {}


def citable_provisions():
    """Every provision of the loaded catalog with its dates (the verifier's citable set), cached per version."""
    from zhifa.catalog.yamlload import catalog
    from zhifa.documents.reasoning.citations import CitableProvisions

    cat = catalog()
    found = _CITABLE.get(cat.version)
    if found is None:
        found = _CITABLE[cat.version] = CitableProvisions.from_catalog(cat)
    return found


def llm_environment() -> dict[str, str]:
    return {
        name: str(getattr(settings, name, "") or "")
        for name in ("ZHIFA_LLM_BASE_URL", "ZHIFA_LLM_MODEL", "ZHIFA_LLM_API_KEY", "ZHIFA_LLM_TIMEOUT")
    }


@dataclass(frozen=True)
class ReasoningChoice:
    text: str = ""
    source: str = ""  # "" (no reasoning part) | composer | llm
    fallback: str = ""  # DraftOutcome.reason: why the composer's text was used
    detail: str = ""


def choose_reasoning(ctx: DocumentContext) -> ReasoningChoice:
    """The reasoning a reasoned document prints: an accepted model draft, else the composer's text, with
    the reason recorded (``llm_not_configured``, ``llm_timeout``, ``draft_rejected`` …)."""
    if ctx.document_type not in REASONED_TYPES:
        return ReasoningChoice()
    from zhifa.documents.reasoning.llm import LLMError, LLMSettings, draft_reasoning

    fallback = ""
    try:
        llm = LLMSettings.from_env(llm_environment())
    except LLMError as exc:
        llm, fallback = None, exc.code
    out = draft_reasoning(ctx, citable_provisions(), settings=llm)
    return ReasoningChoice(out.text, out.source, fallback or out.reason, out.detail[:4000])


# ---------------------------------------------------------------------------------------------------
# the plan


@dataclass
class Planned:
    id: uuid.UUID
    document_type: str
    context: DocumentContext  # before its own number
    reasoning: ReasoningChoice = field(default_factory=ReasoningChoice)
    draft_id: uuid.UUID | None = None
    record_seq: int = 0  # the record a record type is made from; 0 otherwise

    @property
    def code(self) -> str:
        return NUMBER_CODES.get(self.document_type, "")

    @property
    def year(self) -> int:
        day = self.context.issue_date or self.context.decision_date
        assert day is not None
        return day.year


@dataclass
class Plan:
    case_id: int
    agency_id: int
    agency: Any  # the Agency (its short name and case-number pattern make the 文号)
    case_version: int
    party_masked: str
    bundle: bool
    docs: list[Planned]
    related: dict[str, str]
    voids: list[uuid.UUID] = field(default_factory=list)  # documents a correction replaces

    @property
    def types(self) -> list[str]:
        return [p.document_type for p in self.docs]


@dataclass(frozen=True)
class Number:
    code: str
    year: int
    seq: int
    text: str


def decision_type_for(case: Case) -> str | None:
    """The decision document of a decided case (for batches): 三书同达, 当场处罚 or 不予处罚."""
    if not case.decided_on:
        return None
    if case.outcome in ("no_penalty", "not_established"):
        return "no_penalty_decision"
    if case.outcome == "penalty":
        return "summary_penalty_decision" if case.procedure == "summary" else "penalty_decision"
    return None


def require_issuer(actor, case: Case):
    """A licensed officer of the case (or the head) issues its documents."""
    officer = officer_of(actor)
    if officer is None:
        raise NotFound("案件")
    try:
        require_enforcement_licence(actor)
    except PermissionDenied:
        raise PermissionDenied("documents.role_required", "签发文书需要执法人员或负责人权限") from None
    assigned = any(link.officer_id == officer.pk for link in case.case_officers.all())
    if not assigned and not officer.has_role(Role.HEAD):
        raise DomainError("documents.not_assigned", "您不是本案的承办执法人员，不能签发本案文书", "actor")
    return officer


def load_case(actor, case) -> Case:
    from zhifa.cases.selectors import case_for_documents

    pk = case.pk if isinstance(case, Case) else case
    return case_for_documents(user=actor, pk=pk)


def issued_numbers(case: Case, exclude: tuple[uuid.UUID, ...] = ()) -> dict[str, str]:
    rows = Document.objects.filter(case=case, status=DocumentStatus.ISSUED).exclude(pk__in=exclude)
    return {t: n for t, n in rows.values_list("document_type", "number") if t in NUMBER_CODES}


def record_seqs(case: Case, document_type: str) -> list[int]:
    """The ``seq`` of each record of ``document_type`` the case holds, in order ([] for other types)."""
    if document_type == "inquiry_record":
        return list(case.inquiries.order_by("seq").values_list("seq", flat=True))
    if document_type == "site_record":
        return list(case.site_records.order_by("seq").values_list("seq", flat=True))
    if document_type == "correction_order":
        return list(case.correction_orders.order_by("seq").values_list("seq", flat=True))
    return []


def record_key(case: Case, document_type: str, record: int | str | None) -> int:
    """The ``record_seq`` a document of ``document_type`` is issued for: 0 for the types made from the
    case as a whole; for a record type the record asked for, else the first record that has no issued
    document yet (else the first, so the refusal names the issued one)."""
    if document_type not in RECORD_TYPES:
        if record not in (None, "", 0, "0"):
            raise DomainError("documents.record_not_applicable", f"{TYPE_TITLES[document_type]}不按记录签发", "record")
        return 0
    if record not in (None, ""):
        try:
            seq = int(record)
        except (TypeError, ValueError):
            raise DomainError("documents.record_not_found", "记录编号应为正整数", "record") from None
        if seq < 1:
            raise DomainError("documents.record_not_found", "记录编号应为正整数", "record")
        return seq
    seqs = record_seqs(case, document_type)
    if not seqs:
        return 0  # the context says what is missing
    issued = set(
        Document.objects.filter(case=case, document_type=document_type, status=DocumentStatus.ISSUED).values_list(
            "record_seq", flat=True
        )
    )
    return next((q for q in seqs if q not in issued), seqs[0])


def _context(case: Case, document_type: str, related: dict[str, str], record_seq: int = 0) -> DocumentContext:
    try:
        ctx = case_context(case, document_type, related_numbers=related, record=record_seq or None)
        if document_type in RECORD_TYPES:
            ctx = replace(ctx, extra={**ctx.extra, "record_seq": record_seq})
        return ctx
    except ContextUnavailable:
        raise
    except DomainError as exc:  # the pure core's own rejections (missing fields, unknown scenario …)
        raise ContextUnavailable(exc.code, exc.message, exc.field) from None


def plan_issue(
    *, actor, case, document_type: str, replacing: Document | None = None, record: int | str | None = None
) -> Plan:
    """Everything an issue needs before its numbers: reads and checks only. ``record`` picks the record
    (its ``seq``) a 询问笔录 / 现场笔录 / 责令改正 is made from; a correction keeps the replaced one's."""
    if document_type not in ISSUABLE_TYPES:
        if document_type in TYPE_TITLES:
            raise DomainError(
                "documents.type_not_allowed",
                f"{TYPE_TITLES[document_type]}随行政处罚决定书一并签发（三书同达），不单独签发",
                "document_type",
            )
        raise DomainError("documents.unknown_type", f"未知的文书种类：{document_type}", "document_type")
    obj = load_case(actor, case)
    require_issuer(actor, obj)
    if not settings.ZHIFA_PUBLIC_BASE_URL:
        raise DomainError(
            "documents.public_url_missing",
            "未设置 ZHIFA_PUBLIC_BASE_URL（二维码中的公开核验地址），不能签发文书",
        )
    bundle = document_type == "penalty_decision"
    types = [*list(TRIPLE_TYPES), "service_receipt"] if bundle else [document_type]
    seq = replacing.record_seq if replacing is not None else record_key(obj, document_type, record)
    replaced = (replacing.pk,) if replacing else ()
    if replacing is not None and replacing.bundle_id:
        replaced = tuple(Document.objects.filter(bundle_id=replacing.bundle_id).values_list("pk", flat=True))
    existing = (
        Document.objects.filter(case=obj, document_type__in=types, record_seq=seq, status=DocumentStatus.ISSUED)
        .exclude(pk__in=replaced)
        .first()
    )
    if existing is not None:
        which = f"第{seq}份{RECORD_NAMES[document_type]}的" if seq else ""
        raise DomainError(
            "documents.already_issued",
            f"本案已签发{which}{existing.title}（{existing.number}）；如需更正，请作废后重新签发",
            "document_type",
        )
    related = issued_numbers(obj, replaced)
    drafts = {
        d.document_type: d
        for d in Document.objects.filter(case=obj, document_type__in=types, record_seq=seq, status=DocumentStatus.DRAFT)
    }
    docs: list[Planned] = []
    for t in types:
        ctx = _context(obj, t, related, seq)
        draft = drafts.get(t)
        if draft is not None and draft.case_version == obj.version and draft.reasoning_source:
            reasoning = ReasoningChoice(
                draft.reasoning_text, draft.reasoning_source, draft.reasoning_fallback, draft.reasoning_detail
            )
        else:
            reasoning = choose_reasoning(ctx)
        docs.append(Planned(draft.pk if draft else uuid.uuid4(), t, ctx, reasoning, draft.pk if draft else None, seq))
    return Plan(
        case_id=obj.pk,
        agency_id=obj.agency_id,
        agency=obj.agency,
        case_version=obj.version,
        party_masked=party_masked(obj),
        bundle=bundle,
        docs=docs,
        related=related,
        voids=list(replaced),
    )


# ---------------------------------------------------------------------------------------------------
# numbers, final contexts, rendering


def number_text(agency, code: str, year: int, seq: int) -> str:
    """``南召交执罚决〔2026〕0001号``: the agency's case-number pattern with the type's 代字 when the pattern
    has a ``{type}`` slot, else the short name, the 代字, the year in 〔〕 and the sequence."""
    pattern = agency.case_number_pattern or ""
    if "{type}" in pattern:
        try:
            return pattern.format(short=agency.short_name, year=year, seq=seq, type=code)
        except (KeyError, IndexError, ValueError):
            pass
    return f"{agency.short_name}{code}〔{year}〕{seq:04d}号"


def predict_numbers(plan: Plan, counters: dict[tuple[int, int, str], int] | None = None) -> dict[str, Number]:
    """The next numbers, from the counters as they are now (no lock). ``counters`` carries the numbers a
    batch has already handed out and is advanced."""
    counters = {} if counters is None else counters
    out: dict[str, Number] = {}
    for p in plan.docs:
        if not p.code:
            continue
        key = (plan.agency_id, p.year, p.code)
        if key not in counters:
            counters[key] = (
                DocumentNumberCounter.objects.filter(agency_id=plan.agency_id, year=p.year, code=p.code)
                .values_list("last_seq", flat=True)
                .first()
                or 0
            )
        counters[key] += 1
        out[p.document_type] = Number(
            p.code, p.year, counters[key], number_text(plan.agency, p.code, p.year, counters[key])
        )
    return out


def final_contexts(plan: Plan, numbers: dict[str, Number]) -> list[DocumentContext]:
    related = {**plan.related, **{t: n.text for t, n in numbers.items()}}
    finals: dict[str, DocumentContext] = {}
    for p in plan.docs:
        if p.document_type == "service_receipt":
            continue
        own = numbers[p.document_type].text if p.document_type in numbers else ""
        finals[p.document_type] = p.context.with_document(p.document_type, own, related_numbers=related)
    for p in plan.docs:
        if p.document_type == "service_receipt":
            triple = tuple(finals[t] for t in TRIPLE_TYPES if t in finals)
            finals[p.document_type] = receipt_context(p.context, triple, "")
    return [finals[p.document_type] for p in plan.docs]


def render_payload(plan: Plan, contexts: list[DocumentContext]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(p.id),
            "context": ctx.to_dict(),
            "reasoning_text": p.reasoning.text,
            "qr_url": verification_url(p.id),
        }
        for p, ctx in zip(plan.docs, contexts, strict=True)
    ]


# ---------------------------------------------------------------------------------------------------
# commit


def _counter(agency_id: int, year: int, code: str) -> DocumentNumberCounter:
    counter, _ = DocumentNumberCounter.objects.select_for_update().get_or_create(
        agency_id=agency_id, year=year, code=code
    )
    return counter


def commit_plan(
    *,
    actor,
    plan: Plan,
    numbers: dict[str, Number],
    payload: list[dict[str, Any]],
    rendered: list[dict[str, Any]],
    locked: bool = False,
    reason: str = "",
) -> list[Document]:
    """Write the issue: counters, bundle, documents, audit; files after commit. Raises
    :class:`StaleNumbers` (nothing written) when a predicted number was taken meanwhile, and
    ``documents.already_issued`` when a concurrent issue of the same document committed first."""
    try:
        return _commit(actor, plan, numbers, payload, rendered, locked, reason)
    except IntegrityError:
        raise ConflictError(
            "documents.already_issued", "该文书刚刚已由他人签发，请刷新后查看", "document_type"
        ) from None


def _commit(actor, plan, numbers, payload, rendered, locked, reason) -> list[Document]:
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("agency").get(pk=plan.case_id)
        if case.version != plan.case_version:
            raise ConflictError(
                "documents.case_changed", "生成文书期间案件已被修改（版本已变化），请重新签发", "version"
            )
        for n in numbers.values():
            counter = _counter(plan.agency_id, n.year, n.code)
            if not locked and counter.last_seq + 1 != n.seq:
                raise StaleNumbers(n.code)
            counter.last_seq = n.seq
            counter.save(update_fields=["last_seq"])
        voided = _void_rows(actor, plan.voids, reason, now) if plan.voids else []
        taken = Document.objects.filter(
            case=case,
            document_type__in=plan.types,
            record_seq__in={p.record_seq for p in plan.docs},
            status=DocumentStatus.ISSUED,
        )
        if taken.exists():
            raise DomainError(
                "documents.already_issued", "本案已签发该文书；如需更正，请作废后重新签发", "document_type"
            )
        bundle = None
        if plan.bundle:
            bundle = DocumentBundle.objects.create(case=case, agency_id=plan.agency_id, issued_at=now, issued_by=actor)
        docs: list[Document] = []
        files: list[tuple[str, bytes]] = []
        for p, item, out in zip(plan.docs, payload, rendered, strict=True):
            ctx = item["context"]
            n = numbers.get(p.document_type)
            doc = Document.objects.filter(pk=p.draft_id, status=DocumentStatus.DRAFT).first() if p.draft_id else None
            doc = doc or Document(id=p.id, created_by=actor)
            doc.case = case
            doc.agency_id = plan.agency_id
            doc.bundle = bundle
            doc.document_type = p.document_type
            doc.record_seq = p.record_seq
            doc.title = out["title"] or TYPE_TITLES[p.document_type]
            doc.number = n.text if n else case.number
            doc.number_code, doc.number_year, doc.number_seq = (n.code, n.year, n.seq) if n else ("", None, None)
            doc.status = DocumentStatus.ISSUED
            doc.issue_date = date.fromisoformat(ctx.get("issue_date") or ctx.get("decision_date"))
            doc.issued_at, doc.issued_by = now, actor
            doc.context = ctx
            doc.reasoning_text = p.reasoning.text
            doc.reasoning_source = p.reasoning.source
            doc.reasoning_fallback = p.reasoning.fallback
            doc.reasoning_detail = p.reasoning.detail
            doc.qr_url = item["qr_url"]
            doc.party_masked = plan.party_masked
            doc.case_version = plan.case_version
            for fmt in ("pdf", "docx"):
                content = out[fmt]["content"]
                path = relative_path(doc, fmt)
                setattr(doc, f"{fmt}_sha256", out[fmt]["sha256"])
                setattr(doc, f"{fmt}_size", len(content))
                setattr(doc, f"{fmt}_path", path)
                files.append((path, content))
            doc.save()
            docs.append(doc)
        for old in voided:
            same = next(
                (d for d in docs if (d.document_type, d.record_seq) == (old.document_type, old.record_seq)), None
            )
            if same is not None:
                Document.objects.filter(pk=old.pk).update(replaced_by=same)
        for doc in docs:
            audit_record(
                actor=actor,
                event_code="document.issued",
                obj=doc,
                agency=plan.agency_id,
                after={
                    "case": case.pk,
                    "type": doc.document_type,
                    "record_seq": doc.record_seq,
                    "number": doc.number,
                    "bundle": str(bundle.pk) if bundle else None,
                    "pdf_sha256": doc.pdf_sha256,
                    "docx_sha256": doc.docx_sha256,
                    "reasoning_source": doc.reasoning_source,
                    "reasoning_fallback": doc.reasoning_fallback,
                    "replaces": [str(v.pk) for v in voided if v.document_type == doc.document_type],
                },
                reason=reason,
            )
        audit_record(
            actor=actor,
            event_code="case.documents_issued",
            obj=case,
            after={
                "bundle": str(bundle.pk) if bundle else None,
                "documents": [
                    {"id": str(d.pk), "type": d.document_type, "record_seq": d.record_seq, "number": d.number}
                    for d in docs
                ],
            },
            reason=reason,
        )
        write_after_commit(files)
    return docs


def _void_rows(actor, ids: list[uuid.UUID], reason: str, now) -> list[Document]:
    rows = list(Document.objects.select_for_update().filter(pk__in=ids, status=DocumentStatus.ISSUED))
    for doc in rows:
        doc.status = DocumentStatus.VOIDED
        doc.voided_at, doc.voided_by, doc.void_reason = now, actor, reason
        doc.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
        audit_record(
            actor=actor,
            event_code="document.voided",
            obj=doc,
            agency=doc.agency_id,
            before={"status": "issued"},
            after={"status": "voided", "number": doc.number},
            reason=reason,
        )
    bundles = {d.bundle_id for d in rows if d.bundle_id}
    if bundles:
        DocumentBundle.objects.filter(pk__in=bundles).update(status=DocumentStatus.VOIDED)
    return rows


def issue_plan(*, actor, plan: Plan, reason: str = "") -> list[Document]:
    """Predict, render, commit; after lost races, number and render under the lock."""
    for _attempt in range(MAX_OPTIMISTIC_ATTEMPTS):
        numbers = predict_numbers(plan)
        payload = render_payload(plan, final_contexts(plan, numbers))
        rendered = render_items(payload)
        try:
            return commit_plan(
                actor=actor, plan=plan, numbers=numbers, payload=payload, rendered=rendered, reason=reason
            )
        except StaleNumbers:
            continue
    with transaction.atomic():
        numbers = {}
        for p in plan.docs:
            if p.code:
                counter = _counter(plan.agency_id, p.year, p.code)
                seq = counter.last_seq + 1
                numbers[p.document_type] = Number(p.code, p.year, seq, number_text(plan.agency, p.code, p.year, seq))
        payload = render_payload(plan, final_contexts(plan, numbers))
        rendered = render_items(payload)
        return commit_plan(
            actor=actor, plan=plan, numbers=numbers, payload=payload, rendered=rendered, locked=True, reason=reason
        )


# ---------------------------------------------------------------------------------------------------
# the services


def document_issue(*, actor, case, document_type: str, record: int | str | None = None) -> list[Document]:
    """Issue ``document_type`` for ``case``. A penalty decision issues 三书同达: the decision, the
    credit-repair notice and the risk-prevention notice with one 送达回证, in one transaction. Returns
    the issued documents (the decision first). For a record type (询问笔录, 现场笔录, 责令改正) ``record``
    is the record's ``seq`` (default: the first record without an issued document); each record gets
    its own document."""
    plan = plan_issue(actor=actor, case=case, document_type=document_type, record=record)
    return issue_plan(actor=actor, plan=plan)


@transaction.atomic
def document_prepare(*, actor, case, document_type: str, record: int | str | None = None) -> Document:
    """A draft (no number, no file): the context and the reasoning the officer will see before signing,
    including a model draft and why it was or was not used. Issuing uses the draft's reasoning while the
    case is unchanged."""
    obj = load_case(actor, case)
    require_issuer(actor, obj)
    if document_type not in ISSUABLE_TYPES:
        raise DomainError("documents.type_not_allowed", "该文书不单独签发", "document_type")
    seq = record_key(obj, document_type, record)
    ctx = _context(obj, document_type, issued_numbers(obj), seq)
    reasoning = choose_reasoning(ctx)
    draft = Document.objects.filter(
        case=obj, document_type=document_type, record_seq=seq, status=DocumentStatus.DRAFT
    ).first()
    draft = draft or Document(
        case=obj, agency_id=obj.agency_id, document_type=document_type, record_seq=seq, created_by=actor
    )
    draft.title = TYPE_TITLES[document_type]
    draft.context = ctx.to_dict()
    draft.issue_date = ctx.issue_date
    draft.reasoning_text = reasoning.text
    draft.reasoning_source = reasoning.source
    draft.reasoning_fallback = reasoning.fallback
    draft.reasoning_detail = reasoning.detail
    draft.party_masked = party_masked(obj)
    draft.case_version = obj.version
    draft.status = DocumentStatus.DRAFT
    draft.save()
    audit_record(
        actor=actor,
        event_code="document.drafted",
        obj=draft,
        agency=obj.agency_id,
        after={
            "case": obj.pk,
            "type": document_type,
            "record_seq": seq,
            "reasoning_source": reasoning.source,
            "fallback": reasoning.fallback,
        },
    )
    return draft


def document_void(*, actor, document, reason: str) -> list[Document]:
    """Void an issued document (with its whole 三书同达 bundle): the head, with a reason. The rows and
    files stay; the portal then says the document was voided."""
    from zhifa.documents.services.files import document_for_read

    doc = document_for_read(actor, document)
    _require_head(actor)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError("documents.reason_required", "作废文书须写明理由（至少4个字）", "reason")
    if not doc.is_issued:
        raise DomainError("documents.not_issued", "该文书不是已签发状态，不能作废", "document")
    ids = [doc.pk]
    if doc.bundle_id:
        ids = list(Document.objects.filter(bundle_id=doc.bundle_id).values_list("pk", flat=True))
    with transaction.atomic():
        rows = _void_rows(actor, ids, reason, timezone.now())
        audit_record(
            actor=actor,
            event_code="case.documents_voided",
            obj=doc.case,
            after={"documents": [{"id": str(d.pk), "number": d.number} for d in rows]},
            reason=reason,
        )
    return rows


def document_correct(*, actor, document, reason: str) -> list[Document]:
    """A correction: a new document (a new bundle for 三书同达) from the case as it is now, which voids the
    old one in the same transaction. The old rows point to their replacement."""
    from zhifa.documents.services.files import document_for_read

    doc = document_for_read(actor, document)
    _require_head(actor)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError("documents.reason_required", "更正文书须写明理由（至少4个字）", "reason")
    if not doc.is_issued:
        raise DomainError("documents.not_issued", "只能更正已签发的文书", "document")
    kind = "penalty_decision" if doc.bundle_id else doc.document_type
    plan = plan_issue(actor=actor, case=doc.case_id, document_type=kind, replacing=doc)
    return issue_plan(actor=actor, plan=plan, reason=reason)


def _require_head(actor) -> None:
    officer = officer_of(actor)
    if officer is None or not officer.has_role(Role.HEAD):
        raise PermissionDenied("documents.head_required", "作废或更正已签发的文书须由负责人批准")
