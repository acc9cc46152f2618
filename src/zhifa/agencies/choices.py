from django.db import models


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class AgencyKind(models.TextChoices):
    ENFORCEMENT = "enforcement", "执法机构"
    DEPARTMENT = "department", "主管部门"
    SUPERVISION = "supervision", "执法监督机构（司法局）"


class Domain(models.TextChoices):
    """执法门类 handled by a comprehensive transport enforcement unit."""

    ROAD_TRANSPORT = "road_transport", "道路运政"
    HIGHWAY = "highway", "公路路政"
    OVERLOAD = "overload", "治超"
    WATERWAY = "waterway", "水路运政"
    MARITIME = "maritime", "地方海事"
    ENGINEERING = "engineering", "工程质量监督"
    TAXI = "taxi", "出租汽车（含网约车）"


class Role(models.TextChoices):
    OFFICER = "officer", "执法人员"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核人员"
    HEAD = "head", "负责人"
    SUPERVISOR = "supervisor", "监督人员"
    ADMIN = "admin", "系统管理员"
    AUDITOR = "auditor", "审计管理员"


ENFORCEMENT_ROLES = {Role.OFFICER, Role.LEGAL_REVIEWER, Role.HEAD}
