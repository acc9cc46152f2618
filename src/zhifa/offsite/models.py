"""非现场执法: WIM stations, devices and their calibration certificates, import runs, accepted
passages, quarantined rows, overload events, daily station counts and 第44条 report tasks.

Written only by ``zhifa.offsite.services``. The pure detection (``zhifa.offsite.detect``) decides
which rows are accepted and which passages form an event; the ingest service loads its output.

- A passage is evidence only if its device had a calibration covering the passage's local date
  (河南省治理货物运输车辆超限超载条例 第10条); otherwise it is kept with ``evidence_usable=False``.
- A station must have its location published (超限运输车辆行驶公路管理规定 第41条) before use:
  ``published_on`` / ``publication_ref``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportSource(models.TextChoices):
    FILE = "file", "文件导入"
    PUSH = "push", "站点推送"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class EventStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "待审核"
    VEHICLE_UNKNOWN = "vehicle_unknown", "车辆未登记"
    UNUSABLE = "unusable", "不能作为证据"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已驳回"


class EventOutcome(models.TextChoices):
    WARNING = "warning", "警告"
    FINE = "fine", "罚款"
    NONE = "none", "不予处罚"


class ReportStatus(models.TextChoices):
    DUE = "due", "待抄告"
    SENT = "sent", "已抄告"


class Station(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="offsite_stations", verbose_name="管辖机构"
    )
    code = models.CharField("站点编号", max_length=64, unique=True, help_text="与称重数据中的 station_id 一致")
    name = models.CharField("站点名称", max_length=100)
    road = models.CharField("路线编号", max_length=20, blank=True, help_text="如 G207")
    stake = models.CharField("桩号", max_length=30, blank=True, help_text="如 K1234+500")
    direction = models.CharField("方向", max_length=50, blank=True)
    lanes = models.PositiveSmallIntegerField("车道数", default=2)
    region_code = models.CharField("行政区划代码", max_length=6, help_text="适用其超限规则的6位行政区划代码")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    published_on = models.DateField("向社会公布日期", null=True, blank=True)
    publication_ref = models.CharField("公布文件/网址", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    push_token_hash = models.CharField("推送令牌摘要", max_length=64, blank=True, default="", editable=False)
    push_token_issued_at = models.DateTimeField("推送令牌签发时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "检测站点"
        verbose_name_plural = "检测站点"
        ordering = ["code"]
        indexes = [models.Index(fields=["agency", "code"]), models.Index(fields=["push_token_hash"])]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def is_published(self) -> bool:
        return self.published_on is not None and bool(self.publication_ref)


class Device(models.Model):
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="devices", verbose_name="站点")
    serial = models.CharField("设备编号", max_length=64)
    manufacturer = models.CharField("生产厂家", max_length=100, blank=True)
    model = models.CharField("型号", max_length=100, blank=True)
    lanes = models.JSONField("覆盖车道", default=list, blank=True, help_text="车道编号列表；为空表示覆盖全部车道")
    installed_on = models.DateField("安装日期", null=True, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "称重设备"
        verbose_name_plural = "称重设备"
        ordering = ["station", "serial"]
        constraints = [models.UniqueConstraint(fields=["station", "serial"], name="offsite_device_serial_unique")]

    def __str__(self):
        return f"{self.serial}（{self.station.code}）"


class CalibrationQuerySet(models.QuerySet):
    def active(self):
        """Certificates in force for the evidence check (not revoked)."""
        return self.filter(revoked_at__isnull=True)


class Calibration(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="calibrations", verbose_name="设备")
    certificate_no = models.CharField("检定证书编号", max_length=64)
    issuer = models.CharField("检定机构", max_length=100)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")
    accuracy_class = models.CharField("准确度等级", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # a certificate entered by mistake is revoked, never deleted: the passages it made evidence go
    # back (services/evidence.py) and the record stays for the audit
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="撤销人",
    )
    revoked_reason = models.CharField("撤销原因", max_length=300, blank=True)

    objects = CalibrationQuerySet.as_manager()

    class Meta:
        verbose_name = "检定证书"
        verbose_name_plural = "检定证书"
        ordering = ["device", "-valid_to"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "certificate_no"],
                condition=models.Q(revoked_at__isnull=True),
                name="offsite_calibration_cert_unique",
            ),
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")), name="offsite_cal_range"),
        ]

    def __str__(self):
        return f"{self.certificate_no}（{self.valid_from}～{self.valid_to}）"

    def covers(self, day) -> bool:
        return self.valid_from <= day <= self.valid_to


class ImportRun(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="机构")
    source = models.CharField("来源", max_length=10, choices=ImportSource.choices, default=ImportSource.FILE)
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="推送站点"
    )
    filename = models.CharField("文件名", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    size_bytes = models.BigIntegerField("大小(字节)", default=0)
    status = models.CharField("状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    stage = models.CharField("阶段", max_length=50, blank=True)
    progress = models.PositiveIntegerField("进度(‰)", default=0)
    read = models.BigIntegerField("读取行数", default=0)
    accepted = models.BigIntegerField("接收", default=0)
    quarantined = models.BigIntegerField("隔离", default=0)
    duplicates = models.BigIntegerField("重复", default=0)
    events = models.BigIntegerField("超限事件", default=0)
    unusable = models.BigIntegerField("不可作证据", default=0)
    summary = models.JSONField("摘要", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    job_id = models.CharField("任务编号", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "-created_at"])]

    def __str__(self):
        return f"导入#{self.pk} {self.filename}"


class Passage(models.Model):
    # unique by the constraint in Meta: a field's unique=True would add a second, LIKE-pattern index on
    # PostgreSQL that no query uses and every import pays for
    record_id = models.CharField("记录编号", max_length=64)
    # (station, passed_at) below serves the station lookups; no separate FK index on a table of millions
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="passages", verbose_name="站点", db_index=False
    )
    device = models.ForeignKey(
        Device,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passages",
        verbose_name="设备",
        db_index=False,
    )
    lane = models.CharField("车道", max_length=64, blank=True)
    passed_at = models.DateTimeField("通行时间")
    plate = models.CharField("车牌号码", max_length=16)
    plate_color = models.CharField("车牌颜色", max_length=15, blank=True)
    axles = models.PositiveSmallIntegerField("轴数")
    vehicle_kind = models.CharField("车辆类型", max_length=20, blank=True)
    single_drive_axle = models.BooleanField("单驱动轴", null=True, blank=True)
    gross_kg = models.IntegerField("车货总质量(kg)")
    speed_kmh = models.DecimalField("车速(km/h)", max_digits=9, decimal_places=3, null=True, blank=True)
    length_mm = models.IntegerField("车货总长(mm)", null=True, blank=True)
    width_mm = models.IntegerField("车货总宽(mm)", null=True, blank=True)
    height_mm = models.IntegerField("车货总高(mm)", null=True, blank=True)
    limit_kg = models.IntegerField("限值(kg)", null=True, blank=True)
    tolerance_kg = models.IntegerField("允许误差(kg)", null=True, blank=True)
    over_kg = models.IntegerField("超限(kg)", null=True, blank=True)
    evidence_usable = models.BooleanField("可作为证据", default=True)
    unusable_reason = models.CharField("不可作证据原因", max_length=40, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="passages", verbose_name="导入批次"
    )
    images = models.JSONField("图像", default=list, blank=True)
    event = models.ForeignKey(
        "OverloadEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="passages",
        verbose_name="超限事件",
    )
    worst = models.BooleanField("事件最重通行", default=False)

    class Meta:
        verbose_name = "通行记录"
        verbose_name_plural = "通行记录"
        # only the indexes that queries use: each costs every import (1 M rows: about 1 s for a sequential
        # index, 4-5 s for one inserted in random order, such as plate; bench/offsite/README.md). Events are
        # looked up by plate (OverloadEvent's index), passages by event, station and day, run and record id.
        indexes = [models.Index(fields=["station", "passed_at"], name="offsite_passage_station_at")]
        constraints = [models.UniqueConstraint(fields=["record_id"], name="offsite_passage_record_id_uniq")]

    def __str__(self):
        return f"{self.record_id} {self.plate}"


class QuarantinedRow(models.Model):
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="quarantined_rows", verbose_name="导入批次"
    )
    row_number = models.BigIntegerField("行号")
    reason = models.CharField("原因", max_length=40)
    detail = models.TextField("说明", blank=True)
    raw = models.JSONField("原始字段", default=dict, blank=True)

    class Meta:
        verbose_name = "隔离记录"
        verbose_name_plural = "隔离记录"
        ordering = ["import_run", "row_number"]
        indexes = [models.Index(fields=["import_run", "row_number"], name="offsite_quarantine_run_row")]

    def __str__(self):
        return f"第{self.row_number}行 {self.reason}"


class OverloadEvent(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="offsite_events", verbose_name="管辖机构"
    )
    event_key = models.CharField("事件编号", max_length=64, unique=True, help_text="首次通行记录编号")
    plate = models.CharField("车牌号码", max_length=16)
    plate_color = models.CharField("车牌颜色", max_length=15, blank=True)
    vehicle = models.ForeignKey(
        "parties.Vehicle",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offsite_events",
        verbose_name="车辆",
    )
    owner_enterprise = models.ForeignKey(
        "parties.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offsite_events",
        verbose_name="所有人（企业）",
    )
    owner_person = models.ForeignKey(
        "parties.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offsite_events",
        verbose_name="所有人（个人）",
    )
    driver = models.ForeignKey(
        "parties.Driver",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offsite_events",
        verbose_name="驾驶员",
    )
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="events", verbose_name="站点")
    first_passed_at = models.DateTimeField("首次通行")
    last_passed_at = models.DateTimeField("末次通行")
    passage_count = models.PositiveIntegerField("通行次数", default=1)
    axles = models.PositiveSmallIntegerField("轴数")
    gross_kg = models.IntegerField("车货总质量(kg)")
    limit_kg = models.IntegerField("限值(kg)", null=True, blank=True)
    over_kg = models.IntegerField("超限(kg)", null=True, blank=True)
    outcome = models.CharField("处理", max_length=10, choices=EventOutcome.choices, default=EventOutcome.NONE)
    fine_yuan = models.IntegerField("罚款(元)", default=0)
    rules_date = models.DateField("规则日期", null=True, blank=True)
    catalog_version = models.CharField("法规目录版本", max_length=40, blank=True)
    over_length_mm = models.IntegerField("超长(mm)", null=True, blank=True)
    over_width_mm = models.IntegerField("超宽(mm)", null=True, blank=True)
    over_height_mm = models.IntegerField("超高(mm)", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=EventStatus.choices, default=EventStatus.PENDING_REVIEW, db_index=True
    )
    reviewed_by = models.ForeignKey(
        "agencies.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审核人"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offsite_event",
        verbose_name="案件",
    )
    # recorded at review when known (offsite-cases, migration 0002): 一超四罚 and the 第44条 report
    cargo_source = models.ForeignKey(
        "parties.CargoSource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offsite_events",
        verbose_name="货运源头单位",
    )
    loading_bill = models.CharField("货物装载单信息", max_length=500, blank=True, default="")
    import_run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="overload_events",
        verbose_name="导入批次",
    )
    # a certificate or device recorded or revoked after the review changed which of the event's passages
    # are evidence: the review stands, the event's and its case's pages say so (services/evidence.py)
    evidence_changed_at = models.DateTimeField("审核后证据变更时间", null=True, blank=True)
    evidence_changes = models.TextField("审核后证据变更", blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "超限事件"
        verbose_name_plural = "超限事件"
        ordering = ["-last_passed_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "-last_passed_at"], name="offsite_event_queue"),
            models.Index(fields=["plate", "plate_color", "last_passed_at"], name="offsite_event_plate"),
        ]

    def __str__(self):
        return f"{self.plate} {self.first_passed_at:%Y-%m-%d %H:%M}"


class StationDay(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="days", verbose_name="站点")
    day = models.DateField("日期")
    passages = models.BigIntegerField("通行数", default=0)
    over_limit = models.BigIntegerField("超限数", default=0)
    unusable = models.BigIntegerField("不可作证据数", default=0)

    class Meta:
        verbose_name = "站点日统计"
        verbose_name_plural = "站点日统计"
        ordering = ["station", "day"]
        constraints = [models.UniqueConstraint(fields=["station", "day"], name="offsite_station_day_unique")]

    def __str__(self):
        return f"{self.station_id} {self.day}"


class ReportTask(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="offsite_reports", verbose_name="案件"
    )
    event = models.ForeignKey(
        OverloadEvent, on_delete=models.PROTECT, related_name="report_tasks", verbose_name="超限事件"
    )
    recipient = models.CharField("抄告机关", max_length=200)
    due_on = models.DateField("抄告期限")
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE)
    sent_on = models.DateField("抄告日期", null=True, blank=True)
    sent_by = models.ForeignKey(
        "agencies.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="抄告人"
    )
    reference = models.CharField("抄告文号", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # offsite-cases, migration 0002: the closing day that started the 7 working days, and the lock
    closed_on = models.DateField("结案日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "抄告任务"
        verbose_name_plural = "抄告任务"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="offsite_report_due")]
        constraints = [models.UniqueConstraint(fields=["event"], name="offsite_report_one_per_event")]

    def __str__(self):
        return f"{self.recipient} {self.due_on}"
