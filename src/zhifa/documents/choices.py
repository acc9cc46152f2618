"""Choices of the documents shell: document types (from the renderer's SPECS), statuses, the
reasoning source and the 代字 each type's own number carries.

The fifteen types and their Chinese titles live once in ``render.builders.SPECS``; this module
turns them into ``TextChoices`` for the model, the forms and the API.
"""

from __future__ import annotations

from django.db import models

from zhifa.documents.render.builders import SPECS

DocumentType = models.TextChoices("DocumentType", [(code.upper(), (code, spec.title)) for code, spec in SPECS.items()])

TYPE_TITLES: dict[str, str] = {code: spec.title for code, spec in SPECS.items()}

#: the 代字 of a type that carries its own 文号 (``南召交执罚决〔2026〕0001号``); forms, the 送达回证 and the
#: 结案报告 print the case number instead and have no counter.
NUMBER_CODES: dict[str, str] = {
    "penalty_notice": "罚告",
    "hearing_notice": "听告",
    "penalty_decision": "罚决",
    "summary_penalty_decision": "简决",
    "no_penalty_decision": "不罚",
    "correction_order": "责改",
    "payment_reminder": "催告",
    "credit_repair_notice": "信修",
    "risk_prevention_notice": "风防",
}

#: 三书同达: issuing a penalty decision issues these together, with one 送达回证
TRIPLE_TYPES = ("penalty_decision", "credit_repair_notice", "risk_prevention_notice")
BUNDLE_TYPES = (*TRIPLE_TYPES, "service_receipt")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已签发"
    VOIDED = "voided", "已作废"


STATUS_BADGE = {"draft": "secondary", "issued": "success", "voided": "danger"}


class ReasoningSource(models.TextChoices):
    NONE = "", "（无说理部分）"
    COMPOSER = "composer", "说理模板"
    LLM = "llm", "大模型草稿（已通过校验）"


class BundleKind(models.TextChoices):
    TRIPLE = "triple", "三书同达"


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
