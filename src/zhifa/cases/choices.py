"""Choices of the cases app as Django ``TextChoices``, built from the pure enumerations.

The values, Chinese labels and badge colours live once in :mod:`zhifa.cases.choices_pure`; this
module turns them into ``TextChoices`` for model fields, forms, filters and the API, and adds the
choices that only the shell needs (evidence types, officer roles in a case, custody events …).
"""

from __future__ import annotations

from django.db import models

from zhifa.cases.choices_pure import (
    ACTION_LABELS,
    AMENDMENT_LABELS,
    OUTCOME_LABELS,
    PARTY_KIND_LABELS,
    PROCEDURE_LABELS,
    SANCTION_LABELS,
    STATE_BADGES,
    STATE_LABELS,
)


def _choices(name: str, labels: dict) -> type[models.TextChoices]:
    return models.TextChoices(name, [(member.name, (member.value, label)) for member, label in labels.items()])


CaseState = _choices("CaseState", STATE_LABELS)
CaseProcedure = _choices("CaseProcedure", PROCEDURE_LABELS)
PartyKind = _choices("PartyKind", PARTY_KIND_LABELS)
SanctionKind = _choices("SanctionKind", SANCTION_LABELS)
Outcome = _choices("Outcome", OUTCOME_LABELS)
AmendmentKind = _choices("AmendmentKind", AMENDMENT_LABELS)
CaseAction = _choices("CaseAction", ACTION_LABELS)

#: Bootstrap badge colour per state value (templates: ``STATE_BADGE[case.state]``).
STATE_BADGE: dict[str, str] = {state.value: colour for state, colour in STATE_BADGES.items()}


class CaseSource(models.TextChoices):
    """案件来源 (立案登记表)."""

    INSPECTION = "inspection", "行政检查中发现"
    OFFSITE = "offsite", "非现场执法监测"
    COMPLAINT = "complaint", "投诉举报"
    TRANSFER = "transfer", "上级交办或其他机关移送"
    OTHER = "other", "其他"


class OfficerRoleInCase(models.TextChoices):
    LEAD = "lead", "主办"
    ASSIST = "assist", "协办"


class NumberType(models.TextChoices):
    """The ``{type}`` of an agency's case number pattern: 罚 for a general case, 简 for on-the-spot."""

    GENERAL = "罚", "普通程序"
    SUMMARY = "简", "简易程序"


class EvidenceKind(models.TextChoices):
    """行政处罚法 第四十六条: the kinds of evidence, in the order of the statute."""

    DOCUMENTARY = "documentary", "书证"
    PHYSICAL = "physical", "物证"
    AUDIOVISUAL = "audiovisual", "视听资料"
    ELECTRONIC = "electronic", "电子数据"
    WITNESS = "witness", "证人证言"
    PARTY_STATEMENT = "party_statement", "当事人的陈述"
    EXPERT_OPINION = "expert_opinion", "鉴定意见"
    INSPECTION_RECORD = "inspection_record", "勘验笔录"
    SITE_RECORD = "site_record", "现场笔录"


class CustodyEvent(models.TextChoices):
    """Chain of custody of one piece of evidence."""

    COLLECTED = "collected", "收集"
    UPLOADED = "uploaded", "上传入库"
    VIEWED = "viewed", "查看"
    DOWNLOADED = "downloaded", "下载"
    HANDED_OVER = "handed_over", "移交"
    FROZEN = "frozen", "决定作出后封存"
    VERIFIED = "verified", "完整性校验通过"
    INTEGRITY_FAILED = "integrity_failed", "完整性校验失败"


class PreservationResolution(models.TextChoices):
    """How 先行登记保存 evidence is dealt with within seven working days (第五十六条)."""

    RELEASED = "released", "解除登记保存，退还当事人"
    CONFISCATED = "confiscated", "依法予以没收"
    TRANSFERRED = "transferred", "移送有关机关处理"
    TESTED = "tested", "送交检验、检测、鉴定"
    OTHER = "other", "其他处理"


class ServiceMethod(models.TextChoices):
    """送达方式 (民事诉讼法 as applied by 行政处罚法 第六十一条)."""

    DIRECT = "直接送达", "直接送达"
    LEFT = "留置送达", "留置送达"
    ENTRUSTED = "委托送达", "委托送达"
    POST = "邮寄送达", "邮寄送达"
    ELECTRONIC = "电子送达", "电子送达（当事人同意）"
    PUBLIC = "公告送达", "公告送达"


class StatementHandling(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY_ADOPTED = "partly_adopted", "部分采纳"
    NOT_ADOPTED = "not_adopted", "不予采纳"
