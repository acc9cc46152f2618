"""案件: cases, their officers, numbers, evidence, 先行登记保存, deadlines and discretion records.

The procedure's state and every field the guards read (:class:`~zhifa.cases.workflow.CaseSnapshot`)
are columns of :class:`Case` (penalties, suspensions and instalments as JSON), written only by
``zhifa.cases.services``. ``version`` is the optimistic lock: every write is
``UPDATE … WHERE version = expected``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhifa.cases.choices import (
    CaseProcedure,
    CaseSource,
    CaseState,
    CustodyEvent,
    EvidenceKind,
    NumberType,
    OfficerRoleInCase,
    Outcome,
    PartyKind,
    PreservationResolution,
)


class Case(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="cases", verbose_name="办案机构"
    )
    # 案号: assigned when the case is filed (general) or decided on the spot (summary); "" before
    number = models.CharField("案号", max_length=80, blank=True, default="")
    number_type = models.CharField("案号类型", max_length=4, choices=NumberType.choices, blank=True, default="")
    number_year = models.PositiveSmallIntegerField("案号年度", null=True, blank=True)
    number_seq = models.PositiveIntegerField("案号序号", null=True, blank=True)
    procedure = models.CharField("程序", max_length=10, choices=CaseProcedure.choices)
    state = models.CharField("状态", max_length=20, choices=CaseState.choices, default=CaseState.DRAFT)
    source = models.CharField("案件来源", max_length=20, choices=CaseSource.choices, default=CaseSource.INSPECTION)
    # the record this case came from (an off-site passage, a complaint, a demo key): one case per reference
    external_ref = models.CharField("来源编号", max_length=100, blank=True, default="")

    # the violation (from the catalog)
    item_code = models.CharField("处罚事项代码", max_length=80, blank=True)
    item_name = models.CharField("处罚事项", max_length=200, blank=True)
    violation_date = models.DateField("违法行为发生日", null=True, blank=True)
    violation_place = models.CharField("违法行为发生地", max_length=200, blank=True)
    summary = models.TextField("案情摘要", blank=True)
    facts = models.JSONField("裁量事实", default=dict, blank=True)
    business_activity = models.BooleanField("经营活动中的违法行为", default=False)

    # the party (当事人): an enterprise or a person; vehicle and driver when there are any
    party_kind = models.CharField("当事人类型", max_length=15, choices=PartyKind.choices)
    enterprise = models.ForeignKey(
        "parties.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="企业"
    )
    person = models.ForeignKey(
        "parties.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="自然人"
    )
    vehicle = models.ForeignKey(
        "parties.Vehicle", null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="车辆"
    )
    driver = models.ForeignKey(
        "parties.Driver", null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="驾驶员"
    )
    # as identified when the case was registered (lists and exports read these, not the party rows)
    party_name = models.CharField("当事人", max_length=200)
    plate = models.CharField("号牌", max_length=12, blank=True)

    officers = models.ManyToManyField(
        "agencies.Officer", through="CaseOfficer", related_name="cases", verbose_name="承办人员"
    )
    version = models.PositiveIntegerField("版本", default=0)

    # --- the CaseSnapshot fields ------------------------------------------------------------
    filed_on = models.DateField("立案日期", null=True, blank=True)
    extension_days = models.PositiveIntegerField("延长办案期限（日）", default=0)
    suspensions = models.JSONField("中止期间", default=list, blank=True)  # [[start, end|null], …]
    transferred_to = models.CharField("受移送机关", max_length=200, blank=True, default="")
    legal_review_flagged = models.BooleanField("须法制审核（第五十八条）", default=False)
    legal_review_passed = models.BooleanField("法制审核通过", null=True, blank=True)
    reviewed_penalty = models.JSONField("法制审核的处罚", null=True, blank=True)
    complex_or_major = models.BooleanField("情节复杂或重大违法", default=False)
    collective_discussion_done = models.BooleanField("已集体讨论", default=False)
    notified_penalty = models.JSONField("告知的处罚", null=True, blank=True)
    notified_on = models.DateField("告知书送达日期", null=True, blank=True)
    statement_made = models.BooleanField("已陈述申辩", default=False)
    rights_waived = models.BooleanField("书面放弃权利", default=False)
    hearing_requested_on = models.DateField("听证申请日期", null=True, blank=True)
    hearing_date = models.DateField("听证日期", null=True, blank=True)
    hearing_notice_on = models.DateField("听证通知日期", null=True, blank=True)
    hearing_held = models.BooleanField("已举行听证", default=False)
    hearing_waived = models.BooleanField("放弃听证", default=False)
    outcome = models.CharField("处理决定", max_length=20, choices=Outcome.choices, blank=True, default="")
    decided_penalty = models.JSONField("决定的处罚", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    decision_revoked = models.BooleanField("决定已撤销", default=False)
    summary_copy_filed_on = models.DateField("当场处罚备案日期", null=True, blank=True)
    deferral_until = models.DateField("暂缓缴纳至", null=True, blank=True)
    instalments = models.JSONField("分期缴纳", default=list, blank=True)  # [[due, yuan], …]
    surcharge_waived_yuan = models.PositiveIntegerField("减免加处罚款（元）", default=0)
    demand_served_on = models.DateField("催告书送达日期", null=True, blank=True)
    court_applied_on = models.DateField("申请法院强制执行日期", null=True, blank=True)
    suspended_from = models.CharField("中止前状态", max_length=20, choices=CaseState.choices, blank=True, default="")
    closed_from = models.CharField("结案前状态", max_length=20, choices=CaseState.choices, blank=True, default="")

    # --- derived, stored for lists and dashboards --------------------------------------------
    fine_yuan = models.PositiveIntegerField("罚款（元）", null=True, blank=True)  # decided fine
    next_due = models.DateField("最近期限", null=True, blank=True)  # earliest running deadline
    next_due_rule = models.CharField("最近期限规则", max_length=40, blank=True, default="")
    # the latest inputs of each action (notice text, service method …) for documents and the page
    records = models.JSONField("办案记录", default=dict, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="case_number_unique"),
            models.UniqueConstraint(
                fields=["agency", "number_year", "number_type", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="case_number_seq_unique",
            ),
            models.UniqueConstraint(
                fields=["agency", "external_ref"], condition=~Q(external_ref=""), name="case_external_ref_unique"
            ),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=True) | Q(person__isnull=True), name="case_one_party"
            ),
        ]
        # measured on a million cases (bench/cases/README.md): the work list, its filters and the
        # dashboard read the open cases (about a tenth) through partial indexes, index-only
        indexes = [
            models.Index(fields=["agency", "state", "-id"], name="case_agency_state"),
            models.Index(fields=["agency", "next_due"], condition=Q(next_due__isnull=False), name="case_agency_due"),
            models.Index(fields=["agency", "item_code", "-id"], name="case_agency_item"),
            models.Index(fields=["agency", "-id"], name="case_agency_recent"),
            models.Index(fields=["plate"], name="case_plate"),
            # + on PostgreSQL, the open work list in its order (next deadline first, NULLS LAST), overall,
            # by state and by item: migration 0003 (SQLite cannot index NULLS LAST)
        ]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        return self.number or f"（未编号 #{self.pk}）"

    @property
    def party(self):
        return self.enterprise or self.person


class CaseOfficer(models.Model):
    """An officer assigned to a case (承办人员), with the role in the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_officers")
    officer = models.ForeignKey("agencies.Officer", on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField("分工", max_length=10, choices=OfficerRoleInCase.choices, default=OfficerRoleInCase.ASSIST)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "承办人员"
        verbose_name_plural = "承办人员"
        ordering = ["-role", "id"]  # lead first
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="case_officer_unique")]
        indexes = [models.Index(fields=["officer", "case"], name="case_officer_by_officer")]

    def __str__(self):
        return f"{self.officer.name}（{self.get_role_display()}）"


class CaseNumberCounter(models.Model):
    """The last case number issued per agency, year and type. Locked (SELECT … FOR UPDATE) inside
    the filing transaction, so numbers are unique and gap-free; a filing that rolls back takes its
    counter update with it and the number is issued to the next filing."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number_type = models.CharField(max_length=4, choices=NumberType.choices)
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "案号计数器"
        verbose_name_plural = "案号计数器"
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number_type"], name="case_counter_unique"),
        ]

    def __str__(self):
        return f"{self.agency_id}/{self.year}/{self.number_type}: {self.last_seq}"


class CasePayment(models.Model):
    """A payment of the fine (and 加处罚款): the ``payments`` of the snapshot, one row each."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField("缴款日期")
    amount_yuan = models.PositiveIntegerField("金额（元）")
    on_the_spot = models.BooleanField("当场收缴", default=False)
    receipt_no = models.CharField("票据号", max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "缴款"
        verbose_name_plural = "缴款"
        ordering = ["paid_on", "id"]

    def __str__(self):
        return f"{self.paid_on} {self.amount_yuan}元"


def evidence_path(sha256: str) -> str:
    """Relative path of a stored file under MEDIA_ROOT (content-addressed, outside the web root)."""
    return f"evidence/{sha256[:2]}/{sha256}"


class Evidence(models.Model):
    """One piece of evidence (证据): a file stored by its SHA-256, with who, when and where."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    seq = models.PositiveIntegerField("证据编号")
    kind = models.CharField("证据种类（第四十六条）", max_length=20, choices=EvidenceKind.choices)
    title = models.CharField("证据名称", max_length=200)
    description = models.TextField("证明内容", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
    original_name = models.CharField("原文件名", max_length=255)
    collected_at = models.DateTimeField("收集时间")
    collected_place = models.CharField("收集地点", max_length=200)
    collected_by = models.ForeignKey(
        "agencies.Officer", on_delete=models.PROTECT, related_name="+", verbose_name="收集人"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("入库时间", auto_now_add=True)
    frozen_at = models.DateTimeField("封存时间", null=True, blank=True)
    integrity_ok = models.BooleanField("完整性", null=True, blank=True)  # None: not checked since upload
    integrity_checked_at = models.DateTimeField("最近校验时间", null=True, blank=True)

    class Meta:
        verbose_name = "证据"
        verbose_name_plural = "证据"
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="evidence_seq_unique")]

    def __str__(self):
        return f"证据{self.seq}：{self.title}"

    @property
    def path(self) -> str:
        return evidence_path(self.sha256)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def tampered(self) -> bool:
        return self.integrity_ok is False


class EvidenceCustody(models.Model):
    """Chain of custody: every hand the evidence passed through, and every read of the file."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody")
    event = models.CharField("事项", max_length=20, choices=CustodyEvent.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField("经手人", max_length=150)
    at = models.DateTimeField("时间", auto_now_add=True)
    place = models.CharField("地点", max_length=200, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "证据保管记录"
        verbose_name_plural = "证据保管记录"
        ordering = ["evidence", "id"]

    def __str__(self):
        return f"{self.get_event_display()} {self.actor_label}"


class EvidencePreservation(models.Model):
    """先行登记保存 (第五十六条): what was preserved, with the head's approval; decided within seven
    working days. The open rows are the snapshot's ``open_preservations``."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="preservations")
    preserved_on = models.DateField("登记保存日期")
    approved_by = models.CharField("批准负责人", max_length=100)
    items = models.TextField("登记保存物品清单")
    storage_place = models.CharField("保存地点", max_length=200, blank=True)
    due = models.DateField("处理期限")
    resolved_on = models.DateField("处理日期", null=True, blank=True)
    resolution = models.CharField(
        "处理决定", max_length=20, choices=PreservationResolution.choices, blank=True, default=""
    )
    resolution_note = models.CharField("处理说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "先行登记保存"
        verbose_name_plural = "先行登记保存"
        ordering = ["case", "preserved_on", "id"]

    def __str__(self):
        return f"先行登记保存 {self.preserved_on}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Deadline(models.Model):
    """A statutory deadline of a case as computed by ``deadlines.py``; ``closed_at`` is set once the
    deadline no longer runs (met, or the case moved on). ``tracked`` rows count for "overdue";
    the others (hearing notice, withdrawal of publication, cash hand-over) are shown for the record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.CharField("规则", max_length=40)
    label = models.CharField("期限", max_length=60)
    start = models.DateField("起算日")
    due = models.DateField("届满日")
    counting = models.CharField("计算方式", max_length=20)
    direction = models.CharField("类型", max_length=20)
    basis = models.CharField("依据", max_length=200)
    tracked = models.BooleanField(default=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "期限"
        verbose_name_plural = "期限"
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["case", "closed_at"], name="deadline_case_open"),
        ]

    def __str__(self):
        return f"{self.label} {self.due}"


class DecisionRecord(models.Model):
    """The discretion engine's Decision for a case (with trace and catalog version), and the amount
    the officer chose: another amount inside the tier needs a written reason, which supervisors see."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decision_records")
    current = models.BooleanField("当前采用", default=True)
    item_code = models.CharField("处罚事项代码", max_length=80)
    catalog_version = models.CharField("目录版本", max_length=60)
    engine_outcome = models.CharField("裁量结论", max_length=20)
    severity = models.CharField("情节", max_length=20, blank=True)
    fine_min_yuan = models.PositiveIntegerField("幅度下限", null=True, blank=True)
    fine_max_yuan = models.PositiveIntegerField("幅度上限", null=True, blank=True)
    proposed_fine_yuan = models.PositiveIntegerField("建议罚款", null=True, blank=True)
    chosen_fine_yuan = models.PositiveIntegerField("采用罚款", null=True, blank=True)
    deviation_reason = models.TextField("偏离建议金额的理由", blank=True)
    sanctions = models.JSONField("处罚种类（案件）", default=list)  # SanctionKind values
    facts = models.JSONField("事实", default=dict)
    decision = models.JSONField("裁量结果（含说明）")  # Decision.as_dict()
    violation_date = models.DateField()
    decision_date = models.DateField()
    jurisdiction = models.CharField(max_length=6, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "裁量记录"
        verbose_name_plural = "裁量记录"
        ordering = ["case", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(current=True), name="decision_record_one_current"),
        ]

    def __str__(self):
        return f"{self.item_code} {self.chosen_fine_yuan}"

    @property
    def deviates(self) -> bool:
        return self.chosen_fine_yuan != self.proposed_fine_yuan


# ---------------------------------------------------------------------------------------------------
# the records of the investigation and the hearing (询问笔录、现场笔录、听证、责令改正)
#
# Written by ``zhifa.cases.services.records`` (inquiry and site records, correction orders) and by the
# schedule_hearing / record_hearing actions (the hearing). Each write bumps the case's ``version``.
# ``frozen_at`` is set when the decision is made: from then on a record is part of the file as it
# stood (like evidence) and no longer changes.


class InquiryRecord(models.Model):
    """询问笔录 (行政处罚法 第五十五条): who was asked, by which two officers, when, where, the questions
    and answers and the person's confirmation (or refusal to sign)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="inquiries")
    seq = models.PositiveIntegerField("笔录编号")
    started_at = models.DateTimeField("询问开始时间")
    ended_at = models.DateTimeField("询问结束时间")
    place = models.CharField("询问地点", max_length=200)
    interviewee_name = models.CharField("被询问人", max_length=100)
    interviewee_id_number = models.CharField("身份证件号码", max_length=30, blank=True)
    interviewee_phone = models.CharField("联系电话", max_length=30, blank=True)
    interviewee_address = models.CharField("住址", max_length=200, blank=True)
    relation = models.CharField("与本案关系", max_length=30)
    inquirer = models.ForeignKey("agencies.Officer", on_delete=models.PROTECT, related_name="+", verbose_name="询问人")
    inquirer_licence = models.CharField("询问人执法证号", max_length=40)
    recorder = models.ForeignKey("agencies.Officer", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorder_licence = models.CharField("记录人执法证号", max_length=40)
    qa = models.JSONField("问答", default=list)  # [{"q": …, "a": …}, …]
    confirmation = models.TextField("被询问人核对意见")
    signed = models.BooleanField("被询问人已签名", default=True)
    refusal_note = models.CharField("拒绝签名情况", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField("封存时间", null=True, blank=True)

    class Meta:
        verbose_name = "询问笔录"
        verbose_name_plural = "询问笔录"
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="inquiry_seq_unique")]

    def __str__(self):
        return f"询问笔录{self.seq}：{self.interviewee_name}"


class SiteRecord(models.Model):
    """现场笔录 (第五十五条): time, place, the two officers, who was present, what was found, the measures
    taken and the party's signature or refusal."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="site_records")
    seq = models.PositiveIntegerField("笔录编号")
    started_at = models.DateTimeField("检查开始时间")
    ended_at = models.DateTimeField("检查结束时间")
    place = models.CharField("检查地点", max_length=200)
    officer1 = models.ForeignKey(
        "agencies.Officer", on_delete=models.PROTECT, related_name="+", verbose_name="执法人员"
    )
    officer1_licence = models.CharField("执法证号", max_length=40)
    officer2 = models.ForeignKey(
        "agencies.Officer", on_delete=models.PROTECT, related_name="+", verbose_name="执法人员（二）"
    )
    officer2_licence = models.CharField("执法证号（二）", max_length=40)
    present = models.CharField("在场人员", max_length=300)
    findings = models.TextField("现场情况")
    measures = models.TextField("采取的措施", blank=True)
    party_signed = models.BooleanField("当事人已签名", default=True)
    refusal_note = models.CharField("拒绝签名情况", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField("封存时间", null=True, blank=True)

    class Meta:
        verbose_name = "现场笔录"
        verbose_name_plural = "现场笔录"
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="site_record_seq_unique")]

    def __str__(self):
        return f"现场笔录{self.seq}：{self.place}"


class Hearing(models.Model):
    """The hearing of a case (第六十三至六十五条): the arrangement the notice tells (time, place, host who
    did not investigate the case, public or not) and, once held, the summary of the hearing record the
    decision rests on."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hearing")
    requested_on = models.DateField("听证申请日期")
    hearing_at = models.DateTimeField("听证时间")
    place = models.CharField("听证地点", max_length=200)
    host = models.ForeignKey("agencies.Officer", on_delete=models.PROTECT, related_name="+", verbose_name="主持人")
    clerk = models.ForeignKey(
        "agencies.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="书记员"
    )
    public = models.BooleanField("公开举行", default=True)
    not_public_reason = models.CharField("不公开的理由", max_length=200, blank=True)
    notice_on = models.DateField("听证通知送达日期")
    # the record (听证笔录), once held
    held = models.BooleanField("已举行", default=False)
    absent = models.BooleanField("当事人缺席或中途退出", default=False)
    record_reference = models.CharField("听证笔录编号", max_length=100, blank=True)
    participants = models.CharField("参加人员", max_length=300, blank=True)
    party_arguments = models.TextField("当事人的主要意见", blank=True)
    weighing = models.TextField("对当事人意见的审查", blank=True)
    record_summary = models.TextField("听证笔录摘要", blank=True)
    recorded_on = models.DateField("听证记录日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    frozen_at = models.DateTimeField("封存时间", null=True, blank=True)

    class Meta:
        verbose_name = "听证"
        verbose_name_plural = "听证"

    def __str__(self):
        return f"听证 {self.hearing_at:%Y-%m-%d %H:%M} {self.place}"


class CorrectionOrder(models.Model):
    """责令改正 (行政处罚法 第二十八条): what must be corrected, by when, on which basis."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="correction_orders")
    seq = models.PositiveIntegerField("编号")
    issued_on = models.DateField("责令日期")
    requirement = models.TextField("改正要求")
    deadline = models.DateField("改正期限", null=True, blank=True)  # None: 立即改正
    basis = models.CharField("依据", max_length=200)
    officer = models.ForeignKey("agencies.Officer", on_delete=models.PROTECT, related_name="+", verbose_name="执法人员")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField("封存时间", null=True, blank=True)

    class Meta:
        verbose_name = "责令改正"
        verbose_name_plural = "责令改正"
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="correction_seq_unique")]

    def __str__(self):
        return f"责令改正{self.seq}：{self.requirement[:20]}"
