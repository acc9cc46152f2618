"""The shape of action inputs: JSON or form values → the Python values the procedure core reads.

The API and the pages both send strings and numbers; :func:`coerce_params` turns dates into
``date``, amounts into ``int``, a penalty into :class:`~zhifa.cases.workflow.Penalty` and an
instalment plan into :class:`~zhifa.cases.workflow.Instalment` values. It checks the shape only;
whether a value is allowed is the services' (and the workflow's) business.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from zhifa.cases.choices_pure import SanctionKind
from zhifa.cases.workflow import Instalment, Penalty
from zhifa.core.errors import DomainError

DATE_PARAMS = frozenset(
    {
        "filed_on",
        "preserved_on",
        "notified_on",
        "heard_on",
        "requested_on",
        "hearing_date",
        "notice_on",
        "decided_on",
        "served_on",
        "paid_on",
        "until",
    }
)
INT_PARAMS = frozenset({"days", "amount_yuan", "surcharge_waived_yuan", "version"})
BOOL_PARAMS = frozenset({"passed", "rights_informed", "hard_to_enforce_later", "remote_area", "public"})
_TRUE = {"1", "true", "yes", "on", "是", "通过"}
_FALSE = {"0", "false", "no", "off", "否", "不通过", ""}


def parse_date(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError("case.invalid_date", f"日期格式应为 YYYY-MM-DD：{value}", name) from None


def parse_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise DomainError("case.invalid_amount", "应为整数", name)
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(",", "").replace("，", "")
    if not re.fullmatch(r"-?\d+", text):
        raise DomainError("case.invalid_amount", f"应为整数（元）：{value}", name)
    return int(text)


def parse_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise DomainError("case.param_required", f"应为是或否：{value}", name)


def parse_penalty(value: Any, name: str = "penalty") -> Penalty:
    """``{"sanctions": ["fine"], "fine_yuan": 2000, "confiscation_yuan": 0}``."""
    if isinstance(value, Penalty):
        return value
    if not isinstance(value, dict):
        raise DomainError("case.penalty_required", "请填写行政处罚的种类和金额", name)
    sanctions = value.get("sanctions") or []
    if isinstance(sanctions, str):
        sanctions = [s for s in re.split(r"[,，\s]+", sanctions) if s]
    if any(s not in SanctionKind._value2member_map_ for s in sanctions):
        raise DomainError("case.invalid_penalty", "处罚种类无效", name)
    fine = parse_int(value.get("fine_yuan") or 0, "fine_yuan")
    confiscation = parse_int(value.get("confiscation_yuan") or 0, "confiscation_yuan")
    return Penalty(frozenset(sanctions), fine_yuan=fine, confiscation_yuan=confiscation)


def parse_instalments(value: Any, name: str = "instalments") -> list[Instalment]:
    """A list of ``{"due": "YYYY-MM-DD", "amount_yuan": n}`` or text lines ``YYYY-MM-DD 金额``."""
    rows: list[tuple[Any, Any]] = []
    if isinstance(value, str):
        for line in value.splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise DomainError("case.instalments_invalid", f"每行填写“日期 金额”：{line}", name)
            rows.append((parts[0], parts[1]))
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, Instalment):
                rows.append((item.due, item.amount_yuan))
            elif isinstance(item, dict):
                rows.append((item.get("due"), item.get("amount_yuan")))
            else:
                raise DomainError("case.instalments_invalid", "分期缴纳每期须有日期和金额", name)
    else:
        raise DomainError("case.instalments_invalid", "分期缴纳至少分两期，每期须有日期和金额", name)
    return [Instalment(parse_date(d, name), parse_int(a, name)) for d, a in rows]


def coerce_params(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Convert the known parameters; empty strings are dropped (the core's defaults apply)."""
    out: dict[str, Any] = {}
    for name, value in (raw or {}).items():
        if value is None or (isinstance(value, str) and value.strip() == "" and name not in BOOL_PARAMS):
            continue
        if name in DATE_PARAMS:
            out[name] = parse_date(value, name)
        elif name in INT_PARAMS:
            out[name] = parse_int(value, name)
        elif name in BOOL_PARAMS:
            out[name] = parse_bool(value, name)
        elif name == "penalty":
            out[name] = parse_penalty(value)
        elif name == "instalments":
            out[name] = parse_instalments(value)
        elif isinstance(value, str):
            out[name] = value.strip()
        else:
            out[name] = value
    return out
