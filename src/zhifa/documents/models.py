"""文书: issued documents, 三书同达 bundles, their numbers, the agency's document settings and the
public's ratings.

Written only by ``zhifa.documents.services``. An issued document is immutable: the services refuse
every change, and :meth:`Document.save` refuses to change the content fields of a row that was
issued (only voiding is possible, and a correction is a new document). Files live under
``MEDIA_ROOT/documents/`` (outside the web root) and are served only by permission-checked views.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhifa.documents.choices import BundleKind, DocumentStatus, DocumentType, ReasoningSource


class DocumentProfile(models.Model):
    """What an agency prints on its documents that the agency record does not hold: the seal, the
    复议机关 and 管辖法院 named in the remedies, and where fines are paid."""

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.PROTECT, related_name="document_profile", verbose_name="机构"
    )
    seal_name = models.CharField("印章名称", max_length=100, blank=True, help_text="空：使用机构名称")
    region_name = models.CharField("所在行政区", max_length=100, blank=True)
    review_body = models.CharField("行政复议机关", max_length=100)
    court = models.CharField("管辖人民法院", max_length=100)
    bank_name = models.CharField("罚款代收银行", max_length=100, blank=True)
    bank_account = models.CharField("代收账号", max_length=60, blank=True)
    epay_hint = models.CharField("电子缴款渠道", max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "文书设置"
        verbose_name_plural = "文书设置"

    def __str__(self):
        return f"{self.agency}的文书设置"


class DocumentNumberCounter(models.Model):
    """The last 文号 issued per agency, year and 代字 (``choices.NUMBER_CODES``). Locked inside the
    issuing transaction, so numbers are unique and gap-free: an issue that rolls back takes its
    counter update with it."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=8)
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "文号计数器"
        verbose_name_plural = "文号计数器"
        constraints = [models.UniqueConstraint(fields=["agency", "year", "code"], name="doc_counter_unique")]

    def __str__(self):
        return f"{self.agency_id}/{self.year}/{self.code}: {self.last_seq}"


class DocumentBundle(models.Model):
    """三书同达: a penalty decision, the credit-repair notice and the risk-prevention notice issued
    together, with one 送达回证 listing the three."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="document_bundles")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=BundleKind.choices, default=BundleKind.TRIPLE)
    status = models.CharField("状态", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED)
    issued_at = models.DateTimeField("签发时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "三书同达"
        verbose_name_plural = "三书同达"
        ordering = ["-issued_at"]

    def __str__(self):
        return f"三书同达 {self.case}"


#: fields of an issued document that never change (voiding sets only the void_* fields and status)
IMMUTABLE_FIELDS = (
    "case_id",
    "agency_id",
    "bundle_id",
    "document_type",
    "record_seq",
    "title",
    "number",
    "number_code",
    "number_year",
    "number_seq",
    "issue_date",
    "issued_at",
    "issued_by_id",
    "pdf_sha256",
    "docx_sha256",
    "pdf_path",
    "docx_path",
    "pdf_size",
    "docx_size",
    "context",
    "reasoning_text",
    "reasoning_source",
    "reasoning_fallback",
    "reasoning_detail",
    "qr_url",
    "party_masked",
    "case_version",
)


class ImmutableDocumentError(Exception):
    pass


class Document(models.Model):
    """One document issued from a case. ``context`` is the DocumentContext snapshot it was rendered
    from (``DocumentContext.from_dict`` reproduces it); ``reasoning_text`` the reasoning printed, with
    its source and, when the composer was used although a model was configured, why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    bundle = models.ForeignKey(
        DocumentBundle, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    document_type = models.CharField("文书种类", max_length=40, choices=DocumentType.choices)
    # the record a 询问笔录 / 现场笔录 / 责令改正 document is made from (its ``seq`` on the case); 0 for the
    # types made from the case as a whole. Part of the one-issued / one-draft keys, never NULL (NULLs
    # would be distinct in the unique constraints).
    record_seq = models.PositiveIntegerField("所依据记录的序号", default=0)
    title = models.CharField("标题", max_length=60)
    # 文号 (own number with 〔〕) or, for forms, the case number they print
    number = models.CharField("文号", max_length=80, blank=True)
    number_code = models.CharField("代字", max_length=8, blank=True)
    number_year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    number_seq = models.PositiveIntegerField("序号", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    issue_date = models.DateField("文书日期（落款）", null=True, blank=True)
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    docx_sha256 = models.CharField("DOCX SHA-256", max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField("PDF 大小（字节）", default=0)
    docx_size = models.PositiveIntegerField("DOCX 大小（字节）", default=0)
    pdf_path = models.CharField("PDF 存储路径", max_length=200, blank=True)  # relative to MEDIA_ROOT
    docx_path = models.CharField("DOCX 存储路径", max_length=200, blank=True)
    context = models.JSONField("生成依据（文书上下文快照）")
    reasoning_text = models.TextField("说理文本", blank=True)
    reasoning_source = models.CharField(
        "说理来源", max_length=10, choices=ReasoningSource.choices, blank=True, default=""
    )
    reasoning_fallback = models.CharField("未采用大模型的原因", max_length=40, blank=True)
    reasoning_detail = models.TextField("校验说明", blank=True)
    qr_url = models.CharField("二维码地址", max_length=300, blank=True)
    party_masked = models.CharField("当事人（公开显示）", max_length=200)
    case_version = models.PositiveIntegerField("依据的案件版本")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField("作废理由", blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces", verbose_name="更正后的文书"
    )

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "document_type", "record_seq"],
                condition=Q(status="issued"),
                name="document_one_issued_per_type",
            ),
            models.UniqueConstraint(
                fields=["case", "document_type", "record_seq"],
                condition=Q(status="draft"),
                name="document_one_draft_per_type",
            ),
            models.UniqueConstraint(
                fields=["agency", "number_year", "number_code", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="document_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-issued_at"], name="document_agency_recent"),
            models.Index(fields=["case", "document_type"], name="document_case_type"),
        ]

    def __str__(self):
        return f"{self.title} {self.number}"

    # --- immutability -------------------------------------------------------------------------
    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if loaded and getattr(self, "_loaded_status", None) in (DocumentStatus.ISSUED, DocumentStatus.VOIDED):
            changed = [name for name, value in loaded.items() if getattr(self, name) != value]
            if changed:
                raise ImmutableDocumentError(f"已签发的文书不能修改：{', '.join(changed)}")
            if self._loaded_status == DocumentStatus.VOIDED and self.status != DocumentStatus.VOIDED:
                raise ImmutableDocumentError("已作废的文书不能恢复")
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._loaded = {name: getattr(obj, name) for name in IMMUTABLE_FIELDS if name in obj.__dict__}
        obj._loaded_status = obj.__dict__.get("status")
        return obj

    # --- display ------------------------------------------------------------------------------
    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED

    @property
    def is_voided(self) -> bool:
        return self.status == DocumentStatus.VOIDED

    def path_for(self, fmt: str) -> str:
        return self.pdf_path if fmt == "pdf" else self.docx_path

    def sha256_for(self, fmt: str) -> str:
        return self.pdf_sha256 if fmt == "pdf" else self.docx_sha256


class Rating(models.Model):
    """A rating of the enforcement left on the public verification page (supervision reads these).
    The client address is kept only as a keyed hash (HMAC with the secret key), enough to limit
    repeats and never enough to recover the address."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="ratings")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField("评分（1-5）")
    comment = models.TextField("意见", blank=True, max_length=500)
    client_hash = models.CharField("来源（散列）", max_length=64)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "执法评价"
        verbose_name_plural = "执法评价"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_range"),
        ]
        indexes = [models.Index(fields=["agency", "-created_at"], name="rating_agency_recent")]

    def __str__(self):
        return f"{self.document} {self.score}分"
