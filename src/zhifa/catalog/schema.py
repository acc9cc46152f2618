"""Typed schema of the legal catalog (权责清单 + 裁量基准). Pure: no Django.

The YAML files under ``data/`` are validated into these pydantic models by
:mod:`zhifa.catalog.yamlload`. Money is whole yuan (``int``), dates of legal effect are
``datetime.date``. Conditions (``when``) are small expressions over named facts, compiled
once at load time by :mod:`zhifa.catalog.conditions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# --- vocabularies -------------------------------------------------------------------------

LEVELS = ("法律", "行政法规", "部门规章", "地方性法规", "规范性文件")
Level = Literal["法律", "行政法规", "部门规章", "地方性法规", "规范性文件"]
Status = Literal["confirmed", "unconfirmed"]
Quality = Literal["repo", "gov", "3p", "code"]

SEVERITIES: dict[str, str] = {"minor": "轻微", "ordinary": "一般", "serious": "较重", "grave": "严重"}
Severity = Literal["minor", "ordinary", "serious", "grave"]

LISTS: dict[str, str] = {
    "no_penalty": "不予处罚",
    "mitigated": "减轻处罚",
    "lighter": "从轻处罚",
    "heavier": "从重处罚",
}
ListKind = Literal["no_penalty", "mitigated", "lighter", "heavier"]

OUTCOMES: dict[str, str] = {
    "no_violation": "不构成违法",
    "no_penalty": "不予处罚",
    "warning": "警告",
    "fine": "罚款",
    "other": "其他处理",
}

SANCTIONS: dict[str, str] = {
    "warning": "警告",
    "fine": "罚款",
    "confiscate_illegal_income": "没收违法所得",
    "confiscate_property": "没收非法财物/收缴证件",
    "confiscate_tolls": "没收通行费",
    "suspend": "责令停业整顿/停止从事营业性运输",
    "revoke": "吊销许可证件",
    "order_correction": "责令改正",
    "order_stop": "责令停止违法行为/停止经营",
    "order_removal": "责令限期拆除/恢复原状",
    "order_insurance": "责令限期投保",
    "education": "批评教育",
    "detain_vehicle": "扣留车辆（行政强制措施）",
    "tow_away": "强制拖离（行政强制措施）",
}
# Order used when comparing two versions of the law: a heavier non-fine sanction weighs more.
SANCTION_WEIGHT: dict[str, int] = {
    "education": 0,
    "order_correction": 0,
    "order_stop": 0,
    "order_removal": 0,
    "order_insurance": 0,
    "detain_vehicle": 0,
    "tow_away": 0,
    "warning": 1,
    "fine": 2,
    "confiscate_illegal_income": 2,
    "confiscate_property": 2,
    "confiscate_tolls": 2,
    "suspend": 3,
    "revoke": 4,
}

FactType = Literal["int", "bool", "enum", "decimal", "str"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- provisions --------------------------------------------------------------------------


class ProvisionSpec(_Model):
    id: str
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    excerpt_key: str | None = None
    status: Status | None = None
    source_url: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    text_missing_reason: str | None = None
    note: str | None = None


class LawSpec(_Model):
    key: str
    title: str
    short: str
    level: Level
    file: str | None = None
    effective_from: date
    effective_to: date | None = None
    source_url: str
    status: Status
    quality: Quality
    note: str | None = None
    provisions: list[ProvisionSpec]


@dataclass(frozen=True, slots=True)
class Provision:
    """One citable unit of law with its text cut from the statute file."""

    id: str
    law: str  # full title
    short: str
    level: str
    article: int | None
    paragraph: int | None
    item: int | None
    text: str | None
    lead: str | None  # the paragraph's opening words when an item is cited
    file: str | None
    effective_from: date
    effective_to: date | None
    source_url: str
    status: str
    quality: str
    text_missing_reason: str | None
    note: str | None
    citation: str  # 《公路安全保护条例》第六十七条第一款第（二）项

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def as_dict(self, with_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "citation": self.citation,
            "law": self.law,
            "level": self.level,
            "article": self.article,
            "paragraph": self.paragraph,
            "item": self.item,
            "status": self.status,
            "source_url": self.source_url,
        }
        if with_text:
            d["text"] = self.text
            if self.lead:
                d["lead"] = self.lead
            if self.text is None:
                d["text_missing_reason"] = self.text_missing_reason
        return d


# --- parameters --------------------------------------------------------------------------


class ParameterSpec(_Model):
    name: str
    type: Literal["int", "decimal", "enum", "bool", "list"]
    default: Any
    values: list[str] | None = None
    min: int | None = None
    label: str
    why: str
    # unconfirmed: a legal fact not found in an official text; confirmed: law;
    # policy: a platform default that is not law at all
    status: Literal["confirmed", "unconfirmed", "policy"] = "unconfirmed"
    source: str | None = None


# --- facts, fines, brackets ----------------------------------------------------------------


class FactSpec(_Model):
    name: str
    type: FactType
    label: str
    values: list[str] | None = None
    value_labels: dict[str, str] | None = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    # True: the base penalty needs it; False: it only opens an exception or a tier;
    # a condition string: required only when the condition holds (e.g. 6+ axles).
    required: bool | str = False
    # Value used when an optional fact is not given, only where that value closes the
    # exception it would open (e.g. refrigerated → false). The trace still lists it as
    # not given.
    absent_as: bool | int | str | None = None
    help: str | None = None

    @model_validator(mode="after")
    def _enum_values(self) -> FactSpec:
        if self.type == "enum" and not self.values:
            raise ValueError(f"enum fact {self.name} needs values")
        return self


Amount = int | str  # an int, or "$parameter_name"


class FineSpec(_Model):
    min: Amount | None = None
    max: Amount | None = None
    multiple_of: str | None = None  # a fact, e.g. illegal_income_yuan
    min_multiple: int | None = None
    max_multiple: int | None = None
    per_violation_of: str | None = None  # a count fact: the range is per violation

    @model_validator(mode="after")
    def _shape(self) -> FineSpec:
        if self.multiple_of:
            if self.min_multiple is None or self.max_multiple is None:
                raise ValueError("multiple_of needs min_multiple and max_multiple")
            if self.min_multiple > self.max_multiple:
                raise ValueError("min_multiple > max_multiple")
        elif self.min is None or self.max is None:
            raise ValueError("a fine needs min and max (or multiple_of)")
        if isinstance(self.min, int) and isinstance(self.max, int) and self.min > self.max:
            raise ValueError(f"fine min {self.min} > max {self.max}")
        return self


class ConditionalSanction(_Model):
    when: str
    sanctions: list[str]
    label: str


class BracketSpec(_Model):
    """One statutory branch of a penalty provision (e.g. '违法所得超过1万元的')."""

    id: str
    when: str | None = None
    label: str
    fine: FineSpec | None = None
    # none: no warning; with: 警告并处罚款; alternative: 警告或者罚款; only: 警告 only
    warning: Literal["none", "with", "alternative", "only"] = "none"
    sanctions: list[str] = Field(default_factory=list)
    conditional_sanctions: list[ConditionalSanction] = Field(default_factory=list)
    severity: Severity | None = None
    outcome: Literal["no_penalty"] | None = None  # a branch that imposes nothing (e.g. 批评教育)


class BandSpec(_Model):
    from_pct: int
    to_pct: int | None = None
    yuan_per_unit: int


class OverloadScheduleSpec(_Model):
    scheme: Literal["per_unit", "bands"]
    unit_kg: int = 1000
    cap_yuan: int
    warning_max_over_kg: int | None = None  # per_unit: over ≤ this → 警告
    yuan_per_unit: int | None = None  # per_unit
    no_penalty_max_pct: int | None = None  # bands: over ≤ this % of the limit → 批评教育
    bands: list[BandSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape(self) -> OverloadScheduleSpec:
        if self.scheme == "per_unit" and (self.yuan_per_unit is None or self.warning_max_over_kg is None):
            raise ValueError("per_unit schedule needs yuan_per_unit and warning_max_over_kg")
        if self.scheme == "bands" and (not self.bands or self.no_penalty_max_pct is None):
            raise ValueError("bands schedule needs bands and no_penalty_max_pct")
        return self


class LimitRowSpec(_Model):
    axles: int  # 6 stands for "6 and more"
    vehicle_kind: Literal["truck", "combination"]
    single_drive_axle: bool | None = None  # None: any
    limit_kg: int


class LimitAdjustmentsSpec(_Model):
    """Adjustments of the gross limit (超限规定 第三条第二款; 2016《公路货运车辆超限超载认定标准》备注)."""

    single_tyre_deduction_kg: int  # per non-drive axle with single tyres each side
    air_suspension_bonus_kg: int  # drive axle dual tyres + air suspension, trucks of these axle counts
    air_suspension_axles: list[int]
    articulated4_air_limit_kg: int  # 4-axle articulated, air suspension, semitrailer axle spacing ≥ …
    articulated4_min_spacing_mm: int
    provisions: list[str]
    source: str


class OverloadSpec(_Model):
    limits: list[LimitRowSpec]
    max_axles_class: int = 6
    dimensions_mm: dict[str, int]
    adjustments: LimitAdjustmentsSpec | None = None
    schedule: OverloadScheduleSpec
    schedule_provisions: list[str]


class PenaltySpec(_Model):
    kind: Literal["brackets", "overload_weight", "none"] = "brackets"
    brackets: list[BracketSpec] = Field(default_factory=list)
    overload: OverloadSpec | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> PenaltySpec:
        if self.kind == "brackets" and not self.brackets:
            raise ValueError("a brackets penalty needs at least one bracket")
        if self.kind == "overload_weight" and self.overload is None:
            raise ValueError("overload_weight penalty needs overload")
        ids = [b.id for b in self.brackets]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate bracket ids {ids}")
        return self


# --- exceptions (the four lists), tiers, benchmarks -------------------------------------


class ExceptionSpec(_Model):
    id: str
    list: ListKind
    label: str
    when: str
    priority: int = 0
    mandatory: bool = True  # 应当/不予 vs 可以
    enabled_by: str | None = None  # a bool jurisdiction parameter that switches it on
    provisions: list[str] = Field(default_factory=list)
    source_url: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    sanctions: list[str] = Field(default_factory=list)
    region: str | None = None
    note: str | None = None


class TierSpec(_Model):
    id: str
    label: str  # the published words: 轻微 / 一般 / 较重 …
    severity: Severity | None = None
    when: str | None = None
    catch_all: bool = False
    no_penalty: bool = False
    range: tuple[int, int] | None = None
    multiple: tuple[int, int] | None = None
    proposed: int | None = None
    proposed_multiple: int | None = None
    sanctions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape(self) -> TierSpec:
        if self.catch_all == (self.when is not None):
            raise ValueError(f"tier {self.id}: give exactly one of when / catch_all")
        for pair in (self.range, self.multiple):
            if pair is not None and (pair[0] > pair[1] or pair[0] < 0):
                raise ValueError(f"tier {self.id}: bad range {pair}")
        if self.proposed is not None and self.range and not (self.range[0] <= self.proposed <= self.range[1]):
            raise ValueError(f"tier {self.id}: proposed {self.proposed} outside {self.range}")
        return self


class BenchmarkSpec(_Model):
    id: str
    title: str
    source_url: str
    quality: Quality
    region: str | None  # 6-digit code; None: issuing region unknown (applies only if adopted)
    region_name: str
    published: date | None = None
    effective_from: date
    effective_to: date | None = None
    applies_to_versions: list[str]
    superseded: bool = False
    note: str | None = None
    tiers: list[TierSpec]


# --- items and versions --------------------------------------------------------------------


class VersionSpec(_Model):
    id: str
    effective_from: date
    effective_to: date | None = None
    violated: list[str]
    penalty_provisions: list[str]
    violation_when: str | None = None
    violation_label: str | None = None
    penalty: PenaltySpec
    exceptions: list[ExceptionSpec] = Field(default_factory=list)
    note: str | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class ItemSpec(_Model):
    code: str
    name: str
    category: str
    subject: str
    keywords: list[str] = Field(default_factory=list)
    regions: list[str] | None = None  # None: national item; else only there
    status: Status = "confirmed"
    facts: list[FactSpec]
    versions: list[VersionSpec]
    benchmarks: list[BenchmarkSpec] = Field(default_factory=list)
    general_exceptions: bool = True
    note: str | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if "." not in v or v != v.lower():
            raise ValueError(f"item code {v!r} must be lower-case 'category.name'")
        return v

    def fact(self, name: str) -> FactSpec | None:
        for f in self.facts:
            if f.name == name:
                return f
        return None


# --- overlays, caps, the whole catalog -------------------------------------------------------


class Bounds(_Model):
    min: int
    max: int

    @model_validator(mode="after")
    def _order(self) -> Bounds:
        if self.min < 0 or self.min > self.max:
            raise ValueError(f"bad bounds {self.min}..{self.max}")
        return self


class OverlayEntrySpec(_Model):
    id: str
    effective_from: date
    effective_to: date | None = None
    provisions: list[str] = Field(default_factory=list)  # additional legal basis cited
    bounds: Bounds | None = None  # narrowing of the fine range
    replace_penalty: PenaltySpec | None = None  # only with local_provision (own local law)
    local_provision: str | None = None
    exceptions: list[ExceptionSpec] = Field(default_factory=list)
    note: str | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class OverlaySpec(_Model):
    region: str
    name: str
    level: Literal["省", "市", "县"]
    source: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    items: dict[str, list[OverlayEntrySpec]] = Field(default_factory=dict)

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if len(v) != 6 or not v.isdigit():
            raise ValueError(f"region {v!r} must be a 6-digit 行政区划代码")
        return v


class CapSpec(_Model):
    id: str
    label: str
    items: list[str]
    max_yuan: int
    provisions: list[str]


class CatalogMeta(_Model):
    name: str
    release: date
    description: str | None = None


def region_stem(code: str) -> str:
    """``410000`` → ``41``, ``411300`` → ``4113``, ``411321`` → ``411321``."""
    stem = code
    while len(stem) > 2 and stem.endswith("00"):
        stem = stem[:-2]
    return stem


def region_matches(overlay_region: str, region: str | None) -> bool:
    return region is not None and region.startswith(region_stem(overlay_region))
