from datetime import date

from django.conf import settings
from django.db import models

from zhifa.agencies.choices import AgencyKind, AgencyLevel, Role


class Agency(models.Model):
    """执法机构 / 主管部门 / 司法局. A tree 省→市→县 kept as a materialised path for subtree reads."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称（用于文号）", max_length=20)
    kind = models.CharField("类型", max_length=20, choices=AgencyKind.choices, default=AgencyKind.ENFORCEMENT)
    level = models.CharField("层级", max_length=10, choices=AgencyLevel.choices)
    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    domains = models.JSONField("执法门类", default=list, blank=True)
    supervises = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="supervised_by", verbose_name="监督的机构"
    )
    case_number_pattern = models.CharField(
        "案号格式",
        max_length=80,
        default="{short}交执罚〔{year}〕{seq:04d}号",
        help_text="可用占位符：{short} 简称，{year} 年份，{seq} 序号，{type} 案件类型代字",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["name"], name="agency_name_unique")]

    def __str__(self):
        return self.name

    @property
    def province_code(self) -> str:
        return self.region_code[:2] + "0000"


class Officer(models.Model):
    """执法人员: a user with an agency, roles and (for enforcement roles) a 执法证."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    name = models.CharField("姓名", max_length=50)
    licence_no = models.CharField("执法证号", max_length=40, blank=True)
    licence_valid_from = models.DateField("执法证有效期起", null=True, blank=True)
    licence_valid_to = models.DateField("执法证有效期止", null=True, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    totp_secret = models.CharField("动态口令密钥", max_length=64, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField("动态口令启用时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["agency__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_no"], condition=~models.Q(licence_no=""), name="officer_licence_unique"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.licence_no or '无执法证'}）"

    @property
    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = {r.role for r in self.role_links.all()}
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    def licence_valid_on(self, day: date) -> bool:
        return bool(
            self.licence_no
            and self.licence_valid_from
            and self.licence_valid_to
            and self.licence_valid_from <= day <= self.licence_valid_to
        )


class OfficerRole(models.Model):
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="role_links")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [models.UniqueConstraint(fields=["officer", "role"], name="officer_role_unique")]

    def __str__(self):
        return self.get_role_display()
