"""Navigation for every module. Modules not built yet say so honestly instead of hiding."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    title: str
    url_name: str | None  # None: not built yet
    issue: str = ""
    description: str = ""
    public: bool = False
    group: str = ""  # "admin": listed under 系统管理 in the top bar (it would not fit at 1280 px otherwise)


MODULES: list[NavItem] = [
    NavItem("home", "工作台", "home"),
    NavItem("parties", "行政相对人", "parties:index", description="企业、人员、车辆、驾驶员、货运源头"),
    NavItem("catalog", "权责清单与裁量", "catalog:calculator", "issue 3", "权责清单、裁量基准、四张清单、裁量计算"),
    NavItem("cases", "案件办理", "cases:list", "issue 4", "立案→调查取证→法制审核→告知→决定→送达→执行→结案"),
    NavItem("documents", "执法文书", "documents:list", "issue 5", "说理式文书、三书同达、二维码核验"),
    NavItem("offsite", "非现场执法", "offsite:index", "issue 6", "动态称重、超限检测、一超四罚"),
    NavItem("risk", "合规画像与预警", None, "后续 issue", "企业合规画像、一二三类预警、承诺期观察"),
    NavItem("inspections", "双随机检查", None, "后续 issue", "双随机、一公开，检查码"),
    NavItem("service", "服务闭环", None, "后续 issue", "12328 诉求、一案三访、信用修复"),
    NavItem("supervision", "执法监督", None, "后续 issue", "监督预警、案卷评查、指标分析"),
    NavItem("agencies", "机构与人员", "agencies:list", description="执法机构、执法人员与执法证", group="admin"),
    NavItem("audit", "审计记录", "audit", description="执法全过程记录（哈希链）", group="admin"),
    NavItem("calendar", "工作日日历", "calendar", description="法定节假日与调休；管理员录入新年度安排", group="admin"),
]


def resolved_modules() -> list[dict]:
    out = []
    for item in MODULES:
        url = None
        if item.url_name:
            app = item.url_name.split(":")[0] if ":" in item.url_name else None
            if app is None or find_spec(f"zhifa.{app}.urls") is not None:
                try:
                    url = reverse(item.url_name)
                except NoReverseMatch:
                    url = None
        out.append(
            {
                "key": item.key,
                "title": item.title,
                "url": url,
                "issue": item.issue,
                "description": item.description,
                "built": url is not None,
                "group": item.group,
            }
        )
    return out
