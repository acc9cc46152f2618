"""``DocumentContext``: everything a document needs, as it will come from a case (pure).

A document is produced from one frozen context and nothing else: the composer words it, the
renderer lays it out, the verifier checks drafts against it. No value is typed twice. The
case shell (``cases.services``) builds the context from the database; tests and the benchmark
build it from plain dicts with :meth:`DocumentContext.from_dict`.

Money is integer yuan, dates of legal effect are ``date``; times of day (evidence collected,
on-site records) are naive ``datetime`` in Asia/Shanghai wall time as printed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from zhifa.core.errors import DomainError

# 行政处罚法 第46条: the evidence types, in the order of the statute.
EVIDENCE_KINDS = (
    "书证",
    "物证",
    "视听资料",
    "电子数据",
    "证人证言",
    "当事人陈述",
    "鉴定意见",
    "勘验笔录",
    "现场笔录",
)

SCENARIOS = (
    "offsite_overload",
    "onsite_overload",
    "onsite_road_transport",
    "ride_hailing",
    "first_offence_no_penalty",
    "highway_admin",
)

DOCUMENT_TYPES = (
    "case_filing",
    "inquiry_record",
    "site_record",
    "evidence_register",
    "penalty_notice",
    "hearing_notice",
    "penalty_decision",
    "summary_penalty_decision",
    "no_penalty_decision",
    "correction_order",
    "service_receipt",
    "payment_reminder",
    "closing_report",
    "credit_repair_notice",
    "risk_prevention_notice",
)

# Outcomes a decision can have. ``penalty`` covers every sanction list (warning, fine …).
OUTCOMES = ("penalty", "no_penalty", "not_established", "transfer")

SANCTION_LABELS = {
    # codes of zhifa.catalog.schema.SANCTIONS, plus the 行政处罚法 第9条 kinds
    "confiscate_illegal_income": "没收违法所得",
    "confiscate_tolls": "没收通行费",
    "suspend": "责令停业整顿",
    "revoke": "吊销许可证件",
    "warning": "警告",
    "circulate_criticism": "通报批评",
    "fine": "罚款",
    "confiscate_income": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_licence": "暂扣许可证件",
    "downgrade_qualification": "降低资质等级",
    "revoke_licence": "吊销许可证件",
    "restrict_operation": "限制开展生产经营活动",
    "order_suspension": "责令停产停业",
    "order_closure": "责令关闭",
    "restrict_practice": "限制从业",
}

LIST_LABELS = {
    "no_penalty": "不予处罚清单",
    "mitigated": "减轻处罚清单",
    "lighter": "从轻处罚清单",
    "heavier": "从重处罚清单",
    "first_offence_waiver": "首违不罚",
}

SEVERITY_LABELS = {"minor": "轻微", "ordinary": "一般", "serious": "较重", "grave": "严重"}

PLATE_COLOUR_LABELS = {
    "blue": "蓝色",
    "yellow": "黄色",
    "green": "绿色",
    "yellow_green": "黄绿色",
    "white": "白色",
    "black": "黑色",
}

_YEAR_BRACKETS = re.compile(r"[\[【（(〔]\s*(\d{4})\s*[\]】）)〕]")


class ContextError(DomainError):
    pass


def normalise_doc_number(number: str) -> str:
    """Document numbers use the hexagonal brackets 〔〕 around the year (GB/T 9704-2012 7.2.4).

    ``南召交执罚[2026]0001号`` and ``南召交执罚（2026）0001号`` both become
    ``南召交执罚〔2026〕0001号``. A number without a bracketed year is returned unchanged.
    """
    return _YEAR_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", (number or "").strip())


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    seal_name: str = ""
    address: str = ""
    phone: str = ""
    region_code: str = ""
    region_name: str = ""
    # 复议机关 and 管辖法院 named in the remedies clause.
    review_body: str = ""
    court: str = ""
    bank_name: str = ""
    bank_account: str = ""
    epay_hint: str = ""

    @property
    def seal(self) -> str:
        return self.seal_name or self.name


@dataclass(frozen=True)
class PartyInfo:
    kind: str  # "person" | "organisation"
    name: str
    uscc: str = ""
    id_number: str = ""  # as it may be printed: full for the party's own copy, masked elsewhere
    legal_representative: str = ""
    address: str = ""
    phone: str = ""
    gender: str = ""
    age: int | None = None
    occupation: str = ""
    sector: str = ""  # freight | passenger | ride_hailing | taxi | highway_user | cargo_source …

    @property
    def is_person(self) -> bool:
        return self.kind == "person"

    @property
    def identifier_label(self) -> str:
        return "身份证件号码" if self.is_person else "统一社会信用代码"

    @property
    def identifier(self) -> str:
        return self.id_number if self.is_person else self.uscc


@dataclass(frozen=True)
class VehicleInfo:
    plate: str
    plate_colour: str = ""  # code from PLATE_COLOUR_LABELS or Chinese
    axles: int | None = None
    kind: str = ""  # 车型, e.g. 重型半挂牵引车
    transport_cert_no: str = ""
    owner: str = ""

    @property
    def colour_label(self) -> str:
        return PLATE_COLOUR_LABELS.get(self.plate_colour, self.plate_colour)


@dataclass(frozen=True)
class PersonInfo:
    name: str
    id_number: str = ""
    phone: str = ""
    qualification_no: str = ""  # 从业资格证号
    gender: str = ""
    age: int | None = None
    address: str = ""
    relation: str = ""  # relation to the party (驾驶员、委托代理人 …)


@dataclass(frozen=True)
class EvidenceItem:
    number: int
    kind: str  # one of EVIDENCE_KINDS
    description: str
    collected_at: datetime | date | None = None
    collected_by: str = ""
    location: str = ""
    quantity: str = ""
    sha256: str = ""
    preserved: bool = False  # 先行登记保存
    storage_place: str = ""


@dataclass(frozen=True)
class Provision:
    """A statute provision as the catalog stores it (title with 《》, article label, text)."""

    law_title: str
    article: str  # 第四十三条第一款第（二）项 / 第43条
    text: str = ""
    version: str = ""  # e.g. "2023-07-20" for the 道路运输条例 in force from that date

    @property
    def label(self) -> str:
        title = self.law_title if self.law_title.startswith("《") else f"《{self.law_title}》"
        return f"{title}{self.article}"


@dataclass(frozen=True)
class TraceStep:
    """One step of the discretion trace: provision, condition, facts used and the result."""

    condition: str
    result: str
    provision: Provision | None = None
    facts_used: Mapping[str, Any] = field(default_factory=dict)
    tier: str = ""
    provisions: tuple[Provision, ...] = ()  # further provisions of the step (catalog traces cite several)
    kind: str = ""  # catalog step kind: violation | bracket | tier | adjust | cap | exception | law_choice …
    applied: bool | None = None  # False: a step the engine checked but did not apply

    @property
    def cited(self) -> tuple[Provision, ...]:
        return ((self.provision,) if self.provision else ()) + self.provisions


@dataclass(frozen=True)
class FineRange:
    min: int | None = None
    max: int | None = None
    proposed: int | None = None


@dataclass(frozen=True)
class DecisionInfo:
    outcome: str  # one of OUTCOMES
    sanctions: tuple[str, ...] = ()
    fine_yuan: int | None = None  # the amount decided (also the proposed amount in a notice)
    fine_range: FineRange = field(default_factory=FineRange)
    severity: str = ""  # minor / ordinary / serious / grave
    lists: tuple[str, ...] = ()  # keys of LIST_LABELS
    list_details: tuple[str, ...] = ()  # the list entries applied, in words (catalog labels)
    trace: tuple[TraceStep, ...] = ()
    catalog_version: str = ""
    benchmark_title: str = ""  # 裁量基准 name as published
    item_code: str = ""
    item_name: str = ""
    procedure: str = "general"  # summary | general
    illegal_income_yuan: int | None = None
    other_orders: tuple[str, ...] = ()  # 责令改正 etc. in words

    @property
    def sanction_labels(self) -> tuple[str, ...]:
        return tuple(SANCTION_LABELS.get(s, s) for s in self.sanctions)

    @property
    def has_fine(self) -> bool:
        return self.fine_yuan is not None and self.fine_yuan > 0


@dataclass(frozen=True)
class Officer:
    name: str
    licence_no: str  # 执法证号


@dataclass(frozen=True)
class Statement:
    """A statement, defence or hearing request received, and how it was handled."""

    received_on: date
    kind: str  # statement | defence | hearing | waived
    summary: str = ""
    handling: str = ""  # adopted | partly_adopted | not_adopted
    reason: str = ""


@dataclass(frozen=True)
class Circumstances:
    """Circumstances weighed in 情理. ``None`` = not established, so nothing is said."""

    first_offence: bool | None = None
    corrected: bool | None = None
    correction_note: str = ""
    cooperative: bool | None = None
    harm: str = ""  # consequences in words; "" = none found
    other: tuple[str, ...] = ()


@dataclass(frozen=True)
class Remedies:
    review_days: int = 60
    review_basis: Provision = field(
        default_factory=lambda: Provision("《中华人民共和国行政复议法》", "第二十条", version="2023-09-01")
    )
    lawsuit_months: int = 6
    lawsuit_basis: Provision = field(
        default_factory=lambda: Provision("《中华人民共和国行政诉讼法》", "第四十六条", version="2017-06-27")
    )


@dataclass(frozen=True)
class PaymentInfo:
    days: int = 15
    late_fee_percent_per_day: int = 3
    basis: Provision = field(default_factory=lambda: Provision("《中华人民共和国行政处罚法》", "第六十七条"))
    late_basis: Provision = field(default_factory=lambda: Provision("《中华人民共和国行政处罚法》", "第七十二条"))
    bank_name: str = ""
    bank_account: str = ""
    epay: str = ""
    due_date: date | None = None
    paid_on: date | None = None
    paid_yuan: int | None = None
    late_fee_yuan: int | None = None


@dataclass(frozen=True)
class NoticeRights:
    """Rights told in a 违法行为通知书. The statement window of the 9号令 is UNCONFIRMED, so it is
    a parameter (None = no day count printed); the hearing window is 行政处罚法 第64条 (5 days)."""

    statement_days: int | None = None
    hearing_offered: bool = False
    hearing_days: int = 5
    basis: tuple[Provision, ...] = (
        Provision("《中华人民共和国行政处罚法》", "第四十四条"),
        Provision("《中华人民共和国行政处罚法》", "第四十五条"),
    )
    hearing_basis: Provision = field(default_factory=lambda: Provision("《中华人民共和国行政处罚法》", "第六十四条"))


@dataclass(frozen=True)
class QAPair:
    question: str
    answer: str


@dataclass(frozen=True)
class InquiryRecord:
    started_at: datetime
    ended_at: datetime
    place: str
    interviewee: PersonInfo
    inquirers: tuple[str, ...] = ()
    recorder: str = ""
    qa: tuple[QAPair, ...] = ()


@dataclass(frozen=True)
class SiteRecord:
    started_at: datetime
    ended_at: datetime
    place: str
    present: str = ""  # 当事人/见证人 present
    content: str = ""  # 现场情况


@dataclass(frozen=True)
class HearingInfo:
    """The hearing: the arrangement (听证通知书) and, once held, what the hearing record says the party
    argued and how the agency weighed it (the decision's 情理, 第六十五条)."""

    held_at: datetime
    place: str
    presiding: str = ""
    clerk: str = ""
    public: bool = True
    request_received_on: date | None = None
    held: bool = False
    arguments: str = ""  # 当事人的主要意见 (from the hearing record)
    weighing: str = ""  # 对当事人意见的审查：adopted or not, and why
    record_reference: str = ""


@dataclass(frozen=True)
class ServiceInfo:
    method: str = "直接送达"
    place: str = ""
    recipient: str = ""
    served_on: date | None = None
    documents: tuple[str, ...] = ()  # 文书名称及文号 served together
    note: str = ""


@dataclass(frozen=True)
class FilingInfo:
    source: str = "行政检查中发现"  # 立案登记表 案件来源
    summary: str = ""
    approver: str = ""
    approver_opinion: str = "同意立案"


@dataclass(frozen=True)
class ClosingInfo:
    closed_on: date | None = None
    execution: str = ""  # 执行情况 in words
    approver: str = ""


@dataclass(frozen=True)
class CorrectionInfo:
    """责令改正: what to correct and by when."""

    requirement: str
    deadline: date | None = None
    basis: Provision | None = None


#: the public body at the start of a place (南召县交通运输局三楼听证室 → 南召县交通运输局)
_BODY_RE = re.compile(r"^[\u4e00-\u9fa5]{2,30}?(?:局|人民政府|人民法院|执法大队|执法支队|中心)")


@dataclass(frozen=True)
class DocumentContext:
    agency: AgencyInfo
    case_number: str
    document_type: str
    party: PartyInfo
    document_number: str = ""
    scenario: str = "onsite_road_transport"
    filing_date: date | None = None
    violation_date: date | None = None
    violation_time: datetime | None = None
    violation_place: str = ""
    notice_date: date | None = None
    decision_date: date | None = None
    service_date: date | None = None
    issue_date: date | None = None  # 落款日期 of this document
    vehicle: VehicleInfo | None = None
    driver: PersonInfo | None = None
    facts_text: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[EvidenceItem, ...] = ()
    decision: DecisionInfo | None = None
    violated: tuple[Provision, ...] = ()
    penalty_provisions: tuple[Provision, ...] = ()
    other_provisions: tuple[Provision, ...] = ()  # further basis (local rules, definitions)
    officers: tuple[Officer, ...] = ()
    statements: tuple[Statement, ...] = ()
    circumstances: Circumstances = field(default_factory=Circumstances)
    remedies: Remedies = field(default_factory=Remedies)
    payment: PaymentInfo = field(default_factory=PaymentInfo)
    rights: NoticeRights = field(default_factory=NoticeRights)
    correction: CorrectionInfo | None = None
    inquiry: InquiryRecord | None = None
    site: SiteRecord | None = None
    hearing: HearingInfo | None = None
    service: ServiceInfo | None = None
    filing: FilingInfo = field(default_factory=FilingInfo)
    closing: ClosingInfo | None = None
    related_numbers: Mapping[str, str] = field(default_factory=dict)  # doc type → number
    credit_class: str = ""  # minor/ordinary/serious override; "" = derive (see credit.py)
    credit_sector: str = "general"  # general | special (特种设备/安全生产/消防)
    reminder_date: date | None = None  # 催告书 date
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.document_type not in DOCUMENT_TYPES:
            raise ContextError("documents.unknown_type", f"未知的文书种类：{self.document_type}", "document_type")
        if self.scenario not in SCENARIOS:
            raise ContextError("documents.unknown_scenario", f"未知的说理场景：{self.scenario}", "scenario")
        if self.party.kind not in ("person", "organisation"):
            raise ContextError("documents.party_kind", "当事人类型应为自然人或单位", "party.kind")
        for item in self.evidence:
            if item.kind not in EVIDENCE_KINDS:
                raise ContextError(
                    "documents.evidence_kind",
                    f"证据{item.number}的种类“{item.kind}”不是行政处罚法第四十六条规定的证据种类",
                    "evidence",
                )
        if self.decision is not None and self.decision.outcome not in OUTCOMES:
            raise ContextError("documents.outcome", f"未知的处理结果：{self.decision.outcome}", "decision.outcome")
        object.__setattr__(self, "case_number", normalise_doc_number(self.case_number))
        object.__setattr__(self, "document_number", normalise_doc_number(self.document_number))

    # ---- derived values -------------------------------------------------------------------
    @property
    def number(self) -> str:
        """The number printed on the document: its own number, else the case number."""
        return self.document_number or self.case_number

    @property
    def law_date(self) -> date | None:
        """Date whose law applies (行政处罚法 第37条: the act's date; lighter new law is the
        catalog engine's business, which records the version it used)."""
        return self.violation_date or self.decision_date

    @property
    def fine(self) -> int | None:
        return self.decision.fine_yuan if self.decision else None

    def with_document(self, document_type: str, document_number: str = "", **changes: Any) -> DocumentContext:
        """The same case facts for another document (used by 三书同达)."""
        return replace(self, document_type=document_type, document_number=document_number, **changes)

    def all_provisions(self) -> tuple[Provision, ...]:
        """Every provision this document may cite: the case's own and the procedural ones."""
        out: list[Provision] = [*self.violated, *self.penalty_provisions, *self.other_provisions]
        if self.decision:
            for step in self.decision.trace:
                if step.applied is not False:
                    out.extend(step.cited)
        out.extend([self.remedies.review_basis, self.remedies.lawsuit_basis, self.payment.basis])
        out.append(self.payment.late_basis)
        out.extend(self.rights.basis)
        if self.rights.hearing_offered:
            out.append(self.rights.hearing_basis)
        if self.correction and self.correction.basis:
            out.append(self.correction.basis)
        seen: set[str] = set()
        unique = []
        for p in out:
            if p.label not in seen:
                seen.add(p.label)
                unique.append(p)
        return tuple(unique)

    def people_names(self) -> tuple[str, ...]:
        names = [self.party.name, self.party.legal_representative]
        if self.driver:
            names.append(self.driver.name)
        names.extend(o.name for o in self.officers)
        names.extend(e.collected_by for e in self.evidence)
        if self.inquiry:
            names.append(self.inquiry.interviewee.name)
            names.extend(self.inquiry.inquirers)
            names.append(self.inquiry.recorder)
        if self.hearing:
            names.extend([self.hearing.presiding, self.hearing.clerk])
        if self.service:
            names.append(self.service.recipient)
        if self.filing:
            names.append(self.filing.approver)
        if self.closing:
            names.append(self.closing.approver)
        if self.vehicle:
            names.append(self.vehicle.owner)
        return tuple(n for n in dict.fromkeys(names) if n)

    def organisation_names(self) -> tuple[str, ...]:
        names = [
            self.agency.name,
            self.agency.seal_name,
            self.agency.review_body,
            self.agency.court,
            self.agency.bank_name,
            self.payment.bank_name,
        ]
        if not self.party.is_person:
            names.append(self.party.name)
        if self.vehicle:
            names.append(self.vehicle.owner)
        if self.hearing and self.hearing.place:  # a hearing room names its building's body (……交通运输局)
            names.append(self.hearing.place)
            body = _BODY_RE.match(self.hearing.place)
            if body:
                names.append(body.group(0))
        return tuple(n for n in dict.fromkeys(names) if n)

    def plates(self) -> tuple[str, ...]:
        return (self.vehicle.plate,) if self.vehicle and self.vehicle.plate else ()

    def document_numbers(self) -> tuple[str, ...]:
        nums = [self.case_number, self.document_number, *self.related_numbers.values()]
        return tuple(normalise_doc_number(n) for n in dict.fromkeys(nums) if n)

    def dates(self) -> tuple[date, ...]:
        """Every date the case knows (the verifier accepts no other)."""
        out: list[date] = []

        def add(value: date | datetime | None) -> None:
            if value is None:
                return
            out.append(value.date() if isinstance(value, datetime) else value)

        for v in (
            self.filing_date,
            self.violation_date,
            self.violation_time,
            self.notice_date,
            self.decision_date,
            self.service_date,
            self.issue_date,
            self.reminder_date,
            self.payment.due_date,
            self.payment.paid_on,
        ):
            add(v)
        for e in self.evidence:
            add(e.collected_at)
        for s in self.statements:
            add(s.received_on)
        if self.correction:
            add(self.correction.deadline)
        if self.inquiry:
            add(self.inquiry.started_at)
        if self.site:
            add(self.site.started_at)
        if self.hearing:
            add(self.hearing.held_at)
            add(self.hearing.request_received_on)
        if self.service:
            add(self.service.served_on)
        if self.closing:
            add(self.closing.closed_on)
        for v in self.facts.values():
            if isinstance(v, date):
                add(v)
        return tuple(dict.fromkeys(out))

    def texts(self) -> tuple[str, ...]:
        """All free text of the case (facts, evidence, provisions, statements …)."""
        out = [self.facts_text, self.violation_place, self.agency.address, self.party.address]
        out.extend(e.description for e in self.evidence)
        out.extend(e.location for e in self.evidence)
        out.extend(p.text for p in self.all_provisions())
        if self.decision:
            for step in self.decision.trace:
                out.extend([step.condition, step.result, step.tier])
            out.extend(self.decision.other_orders)
            out.append(self.decision.item_name)
        out.extend(s.summary for s in self.statements)
        out.extend(s.reason for s in self.statements)
        c = self.circumstances
        out.extend([c.correction_note, c.harm, *c.other])
        if self.correction:
            out.append(self.correction.requirement)
        if self.site:
            out.extend([self.site.place, self.site.content, self.site.present])
        if self.inquiry:
            out.append(self.inquiry.place)
            out.extend(q.question + q.answer for q in self.inquiry.qa)
        if self.hearing:
            out.append(self.hearing.place)
        if self.service:
            out.extend([self.service.place, self.service.note])
        if self.filing:
            out.append(self.filing.summary)
        if self.closing:
            out.append(self.closing.execution)
        for v in self.facts.values():
            if isinstance(v, str):
                out.append(v)
        return tuple(t for t in out if t)

    # ---- (de)serialisation ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return _to_plain(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentContext:
        return _from_plain(cls, data)

    @classmethod
    def from_decision(cls, decision: Any, **fields_: Any) -> DocumentContext:
        """Build a context from a catalog ``Decision`` (``zhifa.catalog.engine.decide``) plus
        the case fields. The decision is read by attribute (duck-typed), so this module does not
        import the catalog. A real catalog Decision (it has ``basis`` and ``fine``) also gives the
        violated and penalty provisions and the dates (see ``catalog_adapter``)."""
        if hasattr(decision, "basis") and hasattr(decision, "fine"):
            from .catalog_adapter import context_from_catalog

            return context_from_catalog(decision, **fields_)
        return cls(decision=decision_info_from(decision, **fields_.pop("decision_extra", {})), **fields_)


# ---- decision adapter ----------------------------------------------------------------------


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _provision_from(obj: Any) -> Provision | None:
    if obj is None:
        return None
    if isinstance(obj, Provision):
        return obj
    if isinstance(obj, str):
        m = re.match(r"^(《[^》]+》)(.*)$", obj.strip())
        if m:
            return Provision(m.group(1), m.group(2).strip())
        return Provision("", obj.strip())
    title = _get(obj, "law_title") or _get(obj, "law") or _get(obj, "title") or ""
    article = _get(obj, "article") or _get(obj, "article_label") or _get(obj, "label") or ""
    text = _get(obj, "text") or ""
    version = _get(obj, "version") or ""
    return Provision(str(title), str(article), str(text), str(version))


def decision_info_from(decision: Any, **extra: Any) -> DecisionInfo:
    """Adapt a catalog Decision (outcome, sanctions, fine_yuan{min,max,proposed}, severity,
    lists, trace, catalog_version) to :class:`DecisionInfo`. ``extra`` overrides fields."""
    fine = _get(decision, "fine_yuan")
    fine_range = FineRange()
    amount: int | None = None
    if isinstance(fine, int):
        amount = fine
    elif fine is not None:
        fine_range = FineRange(_get(fine, "min"), _get(fine, "max"), _get(fine, "proposed"))
        amount = fine_range.proposed
    trace = []
    for step in _get(decision, "trace", ()) or ():
        if isinstance(step, TraceStep):
            trace.append(step)
            continue
        if isinstance(step, str):
            trace.append(TraceStep(condition="", result=step))
            continue
        trace.append(
            TraceStep(
                condition=str(_get(step, "condition", "") or ""),
                result=str(_get(step, "result", "") or ""),
                provision=_provision_from(_get(step, "provision")),
                facts_used=dict(_get(step, "facts_used", {}) or _get(step, "facts", {}) or {}),
                tier=str(_get(step, "tier", "") or ""),
            )
        )
    lists = _get(decision, "lists", ()) or ()
    if isinstance(lists, Mapping):
        lists = [k for k, v in lists.items() if v]
    values: dict[str, Any] = {
        "outcome": str(_get(decision, "outcome", "penalty")),
        "sanctions": tuple(_get(decision, "sanctions", ()) or ()),
        "fine_yuan": amount,
        "fine_range": fine_range,
        "severity": str(_get(decision, "severity", "") or ""),
        "lists": tuple(lists),
        "trace": tuple(trace),
        "catalog_version": str(_get(decision, "catalog_version", "") or ""),
        "item_code": str(_get(decision, "item_code", "") or ""),
        "item_name": str(_get(decision, "item_name", "") or ""),
    }
    values.update(extra)
    return DecisionInfo(**values)


# ---- plain dict conversion -----------------------------------------------------------------


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _to_plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_to_plain(v) for v in value]
    return value


def _parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _parse_datetime(value: Any) -> datetime | date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    text = str(value)
    if "T" in text or " " in text:
        return datetime.fromisoformat(text)
    return date.fromisoformat(text)


def _from_plain(cls: type, data: Any) -> Any:
    if data is None or isinstance(data, cls):
        return data
    if not isinstance(data, Mapping):
        raise ContextError("documents.bad_context", f"{cls.__name__} 应为对象", cls.__name__)
    hints = _HINTS[cls]
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name not in hints:
            raise ContextError("documents.bad_context", f"未知字段 {cls.__name__}.{name}", name)
        kwargs[name] = _convert(hints[name], value)
    return cls(**kwargs)


def _convert(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date":
        return _parse_date(value)
    if kind == "datetime":
        return _parse_datetime(value)
    if kind.startswith("tuple:"):
        inner = kind[6:]
        return tuple(_convert(inner, v) for v in (value or ()))
    if kind in _CLASSES:
        return _from_plain(_CLASSES[kind], value)
    if kind == "tuple":
        return tuple(value)
    if kind == "mapping":
        return dict(value)
    return value


_CLASSES: dict[str, type] = {
    c.__name__: c
    for c in (
        AgencyInfo,
        PartyInfo,
        VehicleInfo,
        PersonInfo,
        EvidenceItem,
        Provision,
        TraceStep,
        FineRange,
        DecisionInfo,
        Officer,
        Statement,
        Circumstances,
        Remedies,
        PaymentInfo,
        NoticeRights,
        QAPair,
        InquiryRecord,
        SiteRecord,
        HearingInfo,
        ServiceInfo,
        FilingInfo,
        ClosingInfo,
        CorrectionInfo,
        DocumentContext,
    )
}


def _hint_kind(annotation: str) -> str:
    a = annotation.replace(" ", "").replace("|None", "")
    m = re.fullmatch(r"tuple\[(\w+),\.\.\.\]", a)
    if m:
        inner = m.group(1)
        return "tuple:" + ("datetime" if inner == "datetime" else "date" if inner == "date" else inner)
    if a in ("date",):
        return "date"
    if a in ("datetime|date", "datetime"):
        return "datetime"
    if a.startswith("Mapping"):
        return "mapping"
    if a in _CLASSES:
        return a
    return "plain"


_HINTS: dict[type, dict[str, str]] = {
    cls: {f.name: _hint_kind(str(f.type)) for f in fields(cls)} for cls in _CLASSES.values()
}


def iter_strings(value: Any) -> Iterable[str]:
    """Every string inside a nested value (used to collect the case's known text)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from iter_strings(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from iter_strings(k)
            yield from iter_strings(v)
    elif isinstance(value, tuple | list):
        for v in value:
            yield from iter_strings(v)
