"""行政相对人: enterprises, persons, vehicles, drivers and cargo sources.

Every record belongs to the agency that registered it (its jurisdiction); identifiers are
unique within an agency. Persons' ID numbers and phones are shown masked outside the case team.
"""

from django.conf import settings
from django.db import models

from zhifa.core.validators import mask_id_number, mask_phone
from zhifa.parties.choices import PlateColour, Sector, VehicleKind


class PartyBase(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="登记机构")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Enterprise(PartyBase):
    name = models.CharField("名称", max_length=200, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    sector = models.CharField("行业", max_length=20, choices=Sector.choices)
    business_licence_no = models.CharField("经营许可证号", max_length=50, blank=True)
    uscc_override_reason = models.TextField("校验例外理由", blank=True)
    uscc_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "uscc"], name="enterprise_uscc_unique")]
        indexes = [models.Index(fields=["uscc"])]

    def __str__(self):
        return self.name


class Person(PartyBase):
    name = models.CharField("姓名", max_length=50, db_index=True)
    id_number = models.CharField("身份证号码", max_length=18)
    phone = models.CharField("电话", max_length=30, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)

    class Meta:
        verbose_name = "自然人"
        verbose_name_plural = "自然人"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "id_number"], name="person_id_unique")]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Vehicle(PartyBase):
    plate = models.CharField("号牌号码", max_length=10)
    plate_colour = models.CharField("号牌颜色", max_length=15, choices=PlateColour.choices)
    kind = models.CharField("车辆类型", max_length=15, choices=VehicleKind.choices)
    axles = models.PositiveSmallIntegerField("轴数", null=True, blank=True)
    single_drive_axle = models.BooleanField("牵引车为单驱动轴", null=True, blank=True)
    transport_cert_no = models.CharField("道路运输证号", max_length=40, blank=True)
    owner_enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vehicles",
        verbose_name="所有人（企业）",
    )
    owner_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="vehicles", verbose_name="所有人（个人）"
    )

    class Meta:
        verbose_name = "车辆"
        verbose_name_plural = "车辆"
        ordering = ["plate"]
        constraints = [models.UniqueConstraint(fields=["agency", "plate", "plate_colour"], name="vehicle_plate_unique")]
        indexes = [models.Index(fields=["plate"])]

    def __str__(self):
        return f"{self.plate}（{self.get_plate_colour_display()}）"

    @property
    def owner(self):
        return self.owner_enterprise or self.owner_person


class Driver(PartyBase):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="driver_records", verbose_name="人员")
    qualification_no = models.CharField("从业资格证号", max_length=40, blank=True)
    employer = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="drivers", verbose_name="所属企业"
    )

    class Meta:
        verbose_name = "驾驶员"
        verbose_name_plural = "驾驶员"
        ordering = ["person__name"]
        constraints = [models.UniqueConstraint(fields=["agency", "person"], name="driver_person_unique")]

    def __str__(self):
        return f"{self.person.name}（{self.qualification_no or '无从业资格证'}）"


class CargoSource(PartyBase):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="cargo_sites", verbose_name="经营企业"
    )
    site_name = models.CharField("场站名称", max_length=200)
    address = models.CharField("地址", max_length=200, blank=True)
    cargo_types = models.CharField("主要货物", max_length=100, blank=True, help_text="如：砂石、煤炭、水泥、钢材")
    has_weighing_equipment = models.BooleanField("已安装称重设备", default=False)

    class Meta:
        verbose_name = "货运源头单位"
        verbose_name_plural = "货运源头单位"
        ordering = ["site_name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "enterprise", "site_name"], name="cargo_source_unique")
        ]

    def __str__(self):
        return self.site_name
