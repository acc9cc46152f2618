"""Credit-repair publicity periods (信用修复), from dated rule data (pure).

The periods live in ``data/credit_rules.yaml`` with their effective dates and sources; this
module only selects the rule in force on the decision date and does date arithmetic.

* Before 2026-04-01: 国家发展改革委令第58号 (2023): 行政处罚信息 3 months–3 years; 特种设备、安全
  生产、消防 1 year minimum. Its classes are sectors (``general`` / ``special``).
* From 2026-04-01: 《信用修复管理办法》 (发改委令第36号): 轻微 not published (≤3 months if the
  sector authority decides), 一般 3 months–1 year, 严重 1–3 years.

Which penalty is 轻微/一般/严重 under the 2026 rule is UNCONFIRMED in its final wording, so the
mapping is a parameter (:class:`ClassMapping`) with a documented default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from zhifa.core.errors import DomainError
from zhifa.core.workcal import add_months

from .context import DecisionInfo, DocumentContext

RULES_PATH = Path(__file__).with_name("data") / "credit_rules.yaml"


class CreditRuleError(DomainError):
    pass


@dataclass(frozen=True)
class CreditClass:
    code: str
    label: str
    published: bool
    min_months: int
    max_months: int
    repair_on_performance: bool = False


@dataclass(frozen=True)
class CreditRegime:
    code: str
    title: str
    instrument: str
    effective_from: date
    effective_to: date | None
    classes: Mapping[str, CreditClass]
    repair_conditions: tuple[str, ...]
    how_to_apply: str
    articles: str = "UNCONFIRMED"
    sources: tuple[str, ...] = ()

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def citation(self) -> str:
        return f"{self.title}（{self.instrument}）"


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> tuple[CreditRegime, ...]:
    data = yaml.safe_load(Path(path or RULES_PATH).read_text(encoding="utf-8"))
    regimes = []
    for r in data["regimes"]:
        classes = {
            code: CreditClass(
                code=code,
                label=str(c["label"]),
                published=bool(c["published"]),
                min_months=int(c["min_months"]),
                max_months=int(c["max_months"]),
                repair_on_performance=bool(c.get("repair_on_performance", False)),
            )
            for code, c in r["classes"].items()
        }
        regimes.append(
            CreditRegime(
                code=r["code"],
                title=r["title"],
                instrument=r["instrument"],
                effective_from=r["effective_from"],
                effective_to=r.get("effective_to"),
                classes=classes,
                repair_conditions=tuple(r.get("repair_conditions") or ()),
                how_to_apply=r.get("how_to_apply", ""),
                articles=str(r.get("articles", "UNCONFIRMED")),
                sources=tuple(r.get("sources") or ()),
            )
        )
    return tuple(sorted(regimes, key=lambda x: x.effective_from))


def regime_for(day: date, rules: tuple[CreditRegime, ...] | None = None) -> CreditRegime:
    for regime in rules or load_rules():
        if regime.in_force(day):
            return regime
    raise CreditRuleError(
        "credit.no_rule_in_force", f"没有{day.isoformat()}施行的信用修复规定数据，不能计算公示期", "decision_date"
    )


@dataclass(frozen=True)
class ClassMapping:
    """Which decision is 轻微/一般/严重 under the 2026 rule (a parameter; wording UNCONFIRMED).

    Default: summary-procedure penalties and warning-only (or 通报批评) decisions → ``minor``;
    revocation, 责令停产停业/关闭, 限制从业 or a fine of at least ``serious_fine_yuan`` →
    ``serious``; every other penalty → ``ordinary``.
    """

    minor_sanctions: frozenset[str] = frozenset({"warning", "circulate_criticism"})
    serious_sanctions: frozenset[str] = frozenset(
        # documents' codes and the catalog's (revoke, suspend)
        {"revoke_licence", "revoke", "order_suspension", "suspend", "order_closure", "restrict_practice"}
    )
    serious_fine_yuan: int | None = 100_000
    summary_is_minor: bool = True


DEFAULT_CLASS_MAPPING = ClassMapping()


def classify(decision: DecisionInfo, mapping: ClassMapping = DEFAULT_CLASS_MAPPING) -> str:
    sanctions = set(decision.sanctions)
    if sanctions & mapping.serious_sanctions:
        return "serious"
    if mapping.serious_fine_yuan is not None and (decision.fine_yuan or 0) >= mapping.serious_fine_yuan:
        return "serious"
    if mapping.summary_is_minor and decision.procedure == "summary":
        return "minor"
    if sanctions and sanctions <= mapping.minor_sanctions:
        return "minor"
    return "ordinary"


@dataclass(frozen=True)
class CreditPublicity:
    regime: CreditRegime
    credit_class: CreditClass
    start: date
    earliest_repair: date | None  # None: repair may be requested once duties are performed
    publicity_ends: date | None  # end of the maximum period (None if not published)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def published(self) -> bool:
        return self.credit_class.published

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.regime.code,
            "rule_title": self.regime.citation,
            "class": self.credit_class.code,
            "class_label": self.credit_class.label,
            "published": self.published,
            "start": self.start.isoformat(),
            "min_months": self.credit_class.min_months,
            "max_months": self.credit_class.max_months,
            "earliest_repair": self.earliest_repair.isoformat() if self.earliest_repair else None,
            "publicity_ends": self.publicity_ends.isoformat() if self.publicity_ends else None,
            "articles": self.regime.articles,
        }


def credit_publicity(
    decision_date: date,
    credit_class: str,
    *,
    sector: str = "general",
    rules: tuple[CreditRegime, ...] | None = None,
) -> CreditPublicity:
    """Publicity period and earliest repair date for a penalty decided on ``decision_date``.

    ``credit_class`` is minor/ordinary/serious (2026 rule); under the 2023 rule the class is the
    ``sector`` (general/special) and ``credit_class`` is ignored.
    """
    regime = regime_for(decision_date, rules)
    code = credit_class if credit_class in regime.classes else sector
    if code not in regime.classes:
        raise CreditRuleError(
            "credit.unknown_class", f"{regime.citation}中没有“{credit_class or sector}”类别", "credit_class"
        )
    cls = regime.classes[code]
    notes: list[str] = []
    if cls.published:
        earliest: date | None = add_months(decision_date, cls.min_months)
        ends: date | None = add_months(decision_date, cls.max_months)
    else:
        earliest = None
        ends = None
        notes.append("原则上不予公示；行业主管部门认为确有必要公示的，公示期最长不超过3个月。")
    return CreditPublicity(regime, cls, decision_date, earliest, ends, tuple(notes))


def credit_for_context(ctx: DocumentContext, mapping: ClassMapping = DEFAULT_CLASS_MAPPING) -> CreditPublicity | None:
    """The case's credit publicity, or None when there is no penalty to publish."""
    d = ctx.decision
    if d is None or d.outcome != "penalty" or ctx.decision_date is None:
        return None
    cls = ctx.credit_class or classify(d, mapping)
    return credit_publicity(ctx.decision_date, cls, sector=ctx.credit_sector)
