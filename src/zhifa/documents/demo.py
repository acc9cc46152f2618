"""Demo documents: the two units' document settings, and documents issued through the services for
the demo cases that are past their decision (served, executing, closed; both procedures), so the lists,
the case pages and the public verification page have something to show. The cases in state ``decided``
are left for the batch-issuing page and for ``zhifa documents compose|check-draft``. The demo cases
that hold records also get one 询问笔录, 现场笔录 and 责令改正违法行为通知书 per record and their 听证通知书.
Safe to run twice: a document (or a record's document) that exists is skipped.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from zhifa.cases.models import Case
from zhifa.core.errors import DomainError
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import Document, DocumentProfile

PROFILES = {
    "nanzhao": {
        "region_name": "河南省南阳市南召县",
        "review_body": "南召县人民政府",
        "court": "南召县人民法院",
        "bank_name": "中国农业银行南召县支行",
        "bank_account": "16-0000000000000001（演示账号）",
        "epay_hint": "河南省非税收入电子缴款系统",
    },
    "linyi": {
        "region_name": "山东省临沂市",
        "review_body": "临沂市人民政府",
        "court": "临沂市兰山区人民法院",
        "bank_name": "中国建设银行临沂分行",
        "bank_account": "3700-0000000000000002（演示账号）",
        "epay_hint": "山东省非税收入电子缴款系统",
    },
}

#: demo case keys (cases.demo plans) → documents issued for them, in order
ISSUE = {
    "notified": ["penalty_notice"],
    "served": ["case_filing", "evidence_register", "penalty_notice", "penalty_decision"],
    "executing": ["penalty_decision", "payment_reminder"],
    "closed": ["penalty_decision", "closing_report"],
    "summary_served": ["summary_penalty_decision"],
    "summary_closed": ["summary_penalty_decision", "closing_report"],
}


def load(ctx) -> None:
    User = get_user_model()
    made = 0
    for unit in ctx.units:
        profile = PROFILES.get(unit.key)
        if profile is not None:
            DocumentProfile.objects.get_or_create(agency=unit.agency, defaults=profile)
        k = "nz" if unit.key == "nanzhao" else "ly"
        officer = User.objects.filter(username=f"{k}_officer1").first()
        if officer is None:
            continue
        for key, types in ISSUE.items():
            case = Case.objects.filter(agency=unit.agency, external_ref=f"demo:{unit.key}:{key}").first()
            if case is None:
                continue
            for t in types:
                made += _issue(officer, case, t)
        made += _issue_records(unit, officer)
        ctx.log(f"  {unit.place}：演示文书就绪")
    ctx.summary["documents"] = {"issued": made}


#: the types made from the records of a case (one document per record; 听证通知书 one per case)
RECORD_TYPES = ("inquiry_record", "site_record", "correction_order", "hearing_notice")


def _issue_records(unit, officer) -> int:
    """Every record of the unit's demo cases gets its document (the ones already issued are skipped)."""
    from zhifa.cases.models import Hearing
    from zhifa.documents.services.issue import record_seqs

    made = 0
    cases = Case.objects.filter(agency=unit.agency, external_ref__startswith=f"demo:{unit.key}:").order_by("pk")
    with_hearing = set(Hearing.objects.filter(case__in=cases).values_list("case_id", flat=True))
    for case in cases:
        if not case.number:  # a document prints the case number: records of unfiled cases wait for filing
            continue
        issued = set(
            Document.objects.filter(
                case=case, document_type__in=RECORD_TYPES, status=DocumentStatus.ISSUED
            ).values_list("document_type", "record_seq")
        )
        for t in RECORD_TYPES:
            seqs = [0] if t == "hearing_notice" and case.pk in with_hearing else record_seqs(case, t)
            for seq in seqs:
                if (t, seq) not in issued:
                    made += _issue(officer, case, t, record=seq or None)
    return made


def _issue(actor, case: Case, document_type: str, record: int | None = None) -> int:
    from zhifa.documents.services import document_issue

    if record is None and (
        Document.objects.filter(case=case, document_type=document_type, status=DocumentStatus.ISSUED).exists()
    ):
        return 0
    try:
        with transaction.atomic():
            return len(document_issue(actor=actor, case=case.pk, document_type=document_type, record=record))
    except DomainError as exc:  # pragma: no cover - a demo case that no longer fits: say so, go on
        print(f"  演示文书 {case.number} {document_type} 未生成：{exc.message}")
        return 0
