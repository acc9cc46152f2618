"""The reasoning composer (说理): 事理、法理、情理、文理 from the case alone (pure).

``compose(ctx)`` returns a :class:`Reasoning` with the four parts, the formal document text and a
plain-language summary for the party. Every figure in the text (amount, weight, date, article,
plate, document number) is read from the :class:`DocumentContext`; the phrasebook supplies the
wording, never a number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .context import (
    LIST_LABELS,
    SEVERITY_LABELS,
    DocumentContext,
    HearingInfo,
    Provision,
    TraceStep,
)
from .credit import DEFAULT_CLASS_MAPPING, ClassMapping, CreditPublicity, credit_for_context
from .numbers import amount_capital, cn_date, cn_datetime
from .phrasebook import Phrasebook, load_phrasebook, placeholders

PART_TITLES = {"facts": "事理", "law": "法理", "equity": "情理", "wording": "文理"}

# Document types whose body carries the four-part reasoning.
REASONED_TYPES = (
    "penalty_decision",
    "summary_penalty_decision",
    "no_penalty_decision",
    "penalty_notice",
    "correction_order",
)

_STATEMENT_KINDS = {"statement": "陈述意见", "defence": "申辩意见", "hearing": "听证意见"}


@dataclass(frozen=True)
class ReasoningPart:
    key: str  # facts | law | equity | wording
    title: str  # 事理 …
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Reasoning:
    document_type: str
    scenario: str
    phrasebook_version: str
    facts: ReasoningPart
    law: ReasoningPart
    equity: ReasoningPart
    wording: ReasoningPart
    formal_paragraphs: tuple[str, ...]
    plain_paragraphs: tuple[str, ...]
    credit: CreditPublicity | None = None

    @property
    def parts(self) -> tuple[ReasoningPart, ...]:
        return (self.facts, self.law, self.equity, self.wording)

    @property
    def formal_text(self) -> str:
        return "\n".join(self.formal_paragraphs)

    @property
    def plain_summary(self) -> str:
        return "\n".join(self.plain_paragraphs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "document_type": self.document_type,
            "scenario": self.scenario,
            "phrasebook_version": self.phrasebook_version,
            "parts": {p.key: list(p.paragraphs) for p in self.parts},
            "formal_text": self.formal_text,
            "plain_summary": self.plain_summary,
            "credit": self.credit.as_dict() if self.credit else None,
        }


def _address(text: str, you: str) -> str:
    """The phrasebook writes 你（单位）; the document addresses a person as 你, a body as 你单位."""
    return text.replace("你（单位）", you)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in "。！？；：" else text + "。"


def _labels(provisions: tuple[Provision, ...]) -> str:
    return "、".join(p.label for p in provisions)


def _quote(p: Provision) -> str:
    return f"{p.label}规定：“{p.text.strip().rstrip('。')}。”" if p.text.strip() else ""


def _fact_value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _facts_in_words(facts: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    parts = [f"{labels.get(k, k)}为{_fact_value(v)}" for k, v in facts.items()]
    return "，".join(parts)


_CODE_IN_PARENS = re.compile(r"（[A-Za-z0-9_.@\-]+）|\([A-Za-z0-9_.@\-]+\)")
# catalog trace steps that the document words (item/facts/outcome are said elsewhere)
# "choice": the amount the officer chose inside the range, with the written reason (from the case)
_WORDED_KINDS = {"", "law_choice", "violation", "bracket", "tier", "adjust", "cap", "exception", "choice"}


def _clean(text: str) -> str:
    """Catalog sentences carry internal codes in brackets (overload.weight@2016); drop them."""
    return _CODE_IN_PARENS.sub("", text).strip()


def clean_codes(text: str) -> str:
    """A trace sentence without the catalog's internal codes, as documents print it."""
    return _clean(text)


def worded_steps(steps: tuple[TraceStep, ...]) -> list[TraceStep]:
    return [s for s in steps if s.applied is not False and s.kind in _WORDED_KINDS and (s.result or s.condition)]


def _trace_sentence(i: int, step: TraceStep, labels: Mapping[str, str]) -> str:
    head = f"（{i}）"
    if step.tier:
        head += f"【{step.tier}】"
    body = []
    if step.cited:
        body.append("依据" + "、".join(p.label for p in step.cited))
    if step.condition and not step.kind:
        body.append(f"适用条件为“{step.condition.strip().rstrip('。')}”")
    s = head + "，".join(body)
    if body:
        s += "；"
    worded = {k: v for k, v in step.facts_used.items() if k in labels and v is not None}
    if worded and not step.kind:
        s += f"本案{_facts_in_words(worded, labels)}"
        s += "，"
    s += f"{_clean(step.result).rstrip('。')}。" if step.result else ""
    return s


def _values(ctx: DocumentContext, credit: CreditPublicity | None) -> dict[str, Any]:
    d = ctx.decision
    v: dict[str, Any] = {
        "party_name": ctx.party.name,
        "plate": ctx.vehicle.plate if ctx.vehicle else "",
        "agency_name": ctx.agency.name,
        "agency_phone": ctx.agency.phone,
        "violated": _labels(ctx.violated),
        "penalty_basis": _labels(ctx.penalty_provisions),
        "item_name": d.item_name if d else "",
        "benchmark": (d.benchmark_title if d and d.benchmark_title else "本机关公布的行政处罚裁量基准"),
        "catalog_version": d.catalog_version if d else "",
        "correction_note": ctx.circumstances.correction_note,
        "harm": ctx.circumstances.harm,
        "review_days": ctx.remedies.review_days,
        "review_body": ctx.agency.review_body,
        "lawsuit_months": ctx.remedies.lawsuit_months,
        "court": ctx.agency.court,
        "payment_days": ctx.payment.days,
        "bank": ctx.payment.bank_name or ctx.agency.bank_name,
        "epay": ctx.payment.epay or ctx.agency.epay_hint,
        "late_basis": ctx.payment.late_basis.label,
        "late_percent": ctx.payment.late_fee_percent_per_day,
        "credit_rule": credit.regime.citation if credit else "",
        "earliest_repair": cn_date(credit.earliest_repair) if credit and credit.earliest_repair else "",
    }
    return {k: val for k, val in v.items() if val not in (None, "")}


def compose(
    ctx: DocumentContext,
    phrasebook: Phrasebook | None = None,
    *,
    credit_mapping: ClassMapping = DEFAULT_CLASS_MAPPING,
) -> Reasoning:
    book = phrasebook or load_phrasebook()
    sc = ctx.scenario
    credit = credit_for_context(ctx, credit_mapping)
    values = _values(ctx, credit)
    labels = book.fact_labels
    d = ctx.decision
    dtype = ctx.document_type
    is_notice = dtype == "penalty_notice"
    is_decision = dtype in ("penalty_decision", "summary_penalty_decision", "no_penalty_decision")
    you = "你" if ctx.party.is_person else "你单位"

    def P(key: str) -> str:
        return _address(book.fill(sc, key, values), you)

    def opt(key: str) -> str:
        return P(key) if book.has(sc, key) else ""

    # ---- 事理 -------------------------------------------------------------------------------
    facts: list[str] = []
    intro = P("facts_intro")
    facts.append(intro + _sentence(ctx.facts_text) if ctx.facts_text else intro.rstrip("：") + "。")
    f = ctx.facts
    if "gross_weight_kg" in f and "limit_kg" in f:
        s = f"经检测，车货总质量为{_fact_value(f['gross_weight_kg'])}千克，"
        if ctx.vehicle and ctx.vehicle.axles:
            s += f"该车为{ctx.vehicle.axles}轴车辆，"
        s += f"限定标准为{_fact_value(f['limit_kg'])}千克"
        if "over_kg" in f:
            s += f"，超限{_fact_value(f['over_kg'])}千克"
        if "over_percent" in f:
            s += f"，超限比例为{_fact_value(f['over_percent'])}%"
        facts.append(s + "。")
    if ctx.evidence:
        facts.append(P("evidence_intro"))
        for e in ctx.evidence:
            line = f"证据{e.number}：{e.kind}，{e.description.strip().rstrip('。；')}"
            who = []
            if e.collected_at:
                who.append(cn_datetime(e.collected_at))
            if e.collected_by:
                who.append(f"由{e.collected_by}收集")
            if who:
                line += "（" + "".join(who) + "）"
            facts.append(line + "；")
        facts[-1] = facts[-1].rstrip("；") + "。"
        facts.append(P("evidence_close"))

    # ---- 法理 -------------------------------------------------------------------------------
    law: list[str] = []
    if ctx.violated and d and d.item_name:
        law.append(P("violation"))
    elif ctx.violated:
        law.append(f"{you}的上述行为违反了{_labels(ctx.violated)}的规定。")
    law.extend(q for q in (_quote(p) for p in ctx.violated) if q)
    if ctx.penalty_provisions:
        law.append(P("penalty_basis"))
        quoted = {p.label for p in ctx.violated}
        law.extend(q for q in (_quote(p) for p in ctx.penalty_provisions if p.label not in quoted) if q)
    if ctx.other_provisions:
        law.append(f"本案同时适用{_labels(ctx.other_provisions)}的规定。")
    if d:
        if d.fine_range.min is not None and d.fine_range.max is not None and d.has_fine:
            span = (
                f"{d.fine_range.max}元以下" if not d.fine_range.min else f"{d.fine_range.min}元至{d.fine_range.max}元"
            )
            law.append(f"该违法行为的法定罚款幅度为{span}，本案罚款数额在该幅度之内。")
        steps = worded_steps(d.trace)
        if steps:
            law.append(P("discretion_intro") if d.catalog_version else "关于处理结果，本机关逐项适用如下：")
            law.extend(_trace_sentence(i, step, labels) for i, step in enumerate(steps, 1))
            if book.has(sc, "discretion_close"):
                law.append(P("discretion_close"))
        for detail in d.list_details:
            law.append(f"本案适用：{_clean(detail).rstrip('。')}。")
        for key in () if d.list_details else d.lists:
            label = LIST_LABELS.get(key, key)
            law.append(
                f"本案符合{label}规定的情形，依法适用。"
                if key != "first_offence_waiver"
                else "本案符合首违不罚的条件：初次违法、危害后果轻微并及时改正。"
            )
        if d.severity:
            law.append(f"本案违法情节认定为{SEVERITY_LABELS.get(d.severity, d.severity)}。")
        law.append(_outcome_sentence(ctx, you, is_notice))

    # ---- 情理 -------------------------------------------------------------------------------
    equity: list[str] = [P("purpose")]
    c = ctx.circumstances
    if c.first_offence is True:
        equity.append(P("first_offence_true"))
    elif c.first_offence is False:
        equity.append(P("first_offence_false"))
    if c.corrected is True and c.correction_note:
        equity.append(P("corrected_true"))
    elif c.corrected is False:
        equity.append(P("corrected_false"))
    if c.cooperative is True:
        equity.append(P("cooperative_true"))
    equity.append(P("harm_some") if c.harm else P("harm_none"))
    equity.extend(_sentence(o) for o in c.other)
    held = ctx.hearing if ctx.hearing is not None and ctx.hearing.held and is_decision else None
    if (is_decision and dtype != "summary_penalty_decision") or ctx.statements:
        if held is None or ctx.statements:
            equity.extend(_statement_paragraphs(ctx, book, values, you))
    if held is not None:
        equity.extend(_hearing_paragraphs(held, book, sc, values, you, heard_before=bool(ctx.statements)))
    if is_notice:
        equity.append(_notice_rights(ctx, you))
    if is_decision:
        equity.append(P("remedies"))
        if d and d.outcome == "penalty":
            equity.append(P("remedies_no_stay"))
        if d and d.has_fine:
            equity.append(_payment_sentence(ctx, book, values))
            equity.append(P("late_fee"))
        if credit is not None:
            equity.append(P("credit_minor") if not credit.published else P("credit_path"))
        if d and d.outcome == "no_penalty":
            equity.append(P("education"))
    equity.append(P("closing"))

    # ---- 文理 -------------------------------------------------------------------------------
    wording = (
        P("opening"),
        P("facts_title"),
        P("law_title"),
        P("equity_title"),
        f"本文书按照{book.title}（{book.version}）“{P('name')}”场景的用语制作。",
    )
    formal: list[str] = [wording[0], wording[1], *facts, wording[2], *law, wording[3], *equity]

    plain = _plain(ctx, book, values, credit, is_notice)

    return Reasoning(
        document_type=dtype,
        scenario=sc,
        phrasebook_version=book.version,
        facts=ReasoningPart("facts", PART_TITLES["facts"], tuple(facts)),
        law=ReasoningPart("law", PART_TITLES["law"], tuple(law)),
        equity=ReasoningPart("equity", PART_TITLES["equity"], tuple(equity)),
        wording=ReasoningPart("wording", PART_TITLES["wording"], wording),
        formal_paragraphs=tuple(p for p in formal if p),
        plain_paragraphs=tuple(p for p in plain if p),
        credit=credit,
    )


def _outcome_sentence(ctx: DocumentContext, you: str, is_notice: bool) -> str:
    d = ctx.decision
    assert d is not None
    verb = "拟" if is_notice else "决定"
    if d.outcome == "no_penalty":
        return f"综上，本机关{verb}对{you}不予行政处罚。"
    if d.outcome == "not_established":
        return "综上，违法事实不能成立，本机关不予行政处罚。"
    if d.outcome == "transfer":
        return "综上，本案涉嫌犯罪，本机关依法移送司法机关。"
    others = [lab for s, lab in zip(d.sanctions, d.sanction_labels, strict=True) if s != "fine"]
    parts = []
    if others:
        parts.append("、".join(others))
    if d.has_fine:
        assert d.fine_yuan is not None
        parts.append(f"罚款人民币{d.fine_yuan}元（大写：{amount_capital(d.fine_yuan)}）")
    s = f"综上，本机关{verb}对{you}作出如下行政处罚：{'，'.join(parts) if parts else '警告'}。"
    if d.other_orders:
        s += "同时" + "；".join(o.rstrip("。") for o in d.other_orders) + "。"
    return s


def _statement_paragraphs(ctx: DocumentContext, book: Phrasebook, values: dict[str, Any], you: str) -> list[str]:
    sc = ctx.scenario
    if not ctx.statements:
        return [_address(book.fill(sc, "statements_none", values), you)]
    out = []
    for s in ctx.statements:
        if s.kind == "waived":
            out.append(_address(book.fill(sc, "statements_waived", values), you))
            continue
        kind = _STATEMENT_KINDS.get(s.kind, "意见")
        text = f"{you}于{cn_date(s.received_on)}提出{kind}"
        if s.summary:
            text += f"，称：{s.summary.strip().rstrip('。')}。"
        else:
            text += "。"
        if s.handling:
            text += _address(book.fill(sc, f"statement_{s.handling}", values), you)
        if s.reason:
            text += "理由是：" + _sentence(s.reason)
        out.append(text)
    if any(s.kind != "waived" for s in ctx.statements):
        out.append(_address(book.fill(sc, "no_heavier", values), you))
    return out


def _hearing_paragraphs(
    h: HearingInfo, book: Phrasebook, sc: str, values: dict[str, Any], you: str, *, heard_before: bool
) -> list[str]:
    """A held hearing in the decision (第六十五条: the decision rests on the hearing record): when and
    where, who presided, what the party argued and how the agency weighed it."""
    s = f"{you}于{cn_date(h.request_received_on)}要求举行听证，" if h.request_received_on else ""
    s += f"本机关于{cn_datetime(h.held_at)}在{h.place}{'公开' if h.public else '不公开'}举行了听证"
    s += f"，由{h.presiding}主持。" if h.presiding else "。"
    if h.arguments:
        s += f"听证中，{you}提出的主要意见是：{h.arguments.strip().rstrip('。')}。"
    out = [s]
    if h.weighing:
        ref = f"（{h.record_reference}）" if h.record_reference else ""
        out.append(f"本机关根据听证笔录{ref}对上述意见进行了复核，认为：{h.weighing.strip().rstrip('。')}。")
    if not heard_before:
        out.append(_address(book.fill(sc, "no_heavier", values), you))
    return out


def _notice_rights(ctx: DocumentContext, you: str) -> str:
    r = ctx.rights
    basis = "、".join(p.label for p in r.basis)
    s = f"根据{basis}的规定，{you}有权进行陈述和申辩"
    if r.statement_days:
        s += f"，请在收到本通知书之日起{r.statement_days}日内提出"
    s += "。"
    if r.hearing_offered:
        s += f"依据{r.hearing_basis.label}的规定，{you}可以在收到本通知书之日起{r.hearing_days}日内要求听证。"
    return s + "逾期未提出的，视为放弃上述权利。"


def _payment_sentence(ctx: DocumentContext, book: Phrasebook, values: dict[str, Any]) -> str:
    if "bank" in values and "epay" in values:
        return _address(book.fill(ctx.scenario, "payment", values), "你" if ctx.party.is_person else "你单位")
    where = values.get("bank") or values.get("epay") or "指定银行或者电子支付系统"
    return f"请在收到本决定书之日起{ctx.payment.days}日内，到{where}缴纳罚款。"


def _plain(
    ctx: DocumentContext,
    book: Phrasebook,
    values: dict[str, Any],
    credit: CreditPublicity | None,
    is_notice: bool,
) -> list[str]:
    sc = ctx.scenario
    d = ctx.decision
    out = [book.fill(sc, "plain_greeting", values)]
    if book.has(sc, "plain_fact") and all(n in values for n in placeholders(book.phrase(sc, "plain_fact"))):
        out.append(book.fill(sc, "plain_fact", values))
    if ctx.facts_text:
        out.append("我们查明的情况：" + _sentence(ctx.facts_text))
    if d:
        if d.outcome == "penalty":
            what = []
            others = [lab for s, lab in zip(d.sanctions, d.sanction_labels, strict=True) if s != "fine"]
            what.extend(others)
            if d.has_fine:
                what.append(f"罚款{d.fine_yuan}元")
            verb = "我们准备作出的处理" if is_notice else "我们的决定"
            out.append(f"{verb}：{'、'.join(what) or '警告'}。")
        elif d.outcome == "no_penalty":
            out.append("我们的决定：这次不予处罚，但请您一定改正，以后不要再犯。")
        reason = next((s for s in reversed(worded_steps(d.trace)) if s.result), None)
        if reason is not None:
            tier = f"属于“{reason.tier}”的情形，" if reason.tier else ""
            out.append(f"为什么这样处理：按照公布的裁量基准，本案{tier}{_clean(reason.result).rstrip('。')}。")
    if is_notice:
        out.append("在我们作出决定之前，您可以向我们说明情况、提出申辩，我们会认真核实。")
    elif d and d.outcome == "penalty":
        if d.has_fine:
            out.append(
                f"怎么缴纳：请在收到决定书之日起{ctx.payment.days}日内缴纳罚款；"
                f"逾期每天加收罚款数额{ctx.payment.late_fee_percent_per_day}%的加处罚款。"
            )
        if "review_body" in values and "court" in values:
            out.append(
                f"如果您不同意：可以在{ctx.remedies.review_days}日内向{values['review_body']}申请行政复议，"
                f"也可以在{ctx.remedies.lawsuit_months}个月内向{values['court']}起诉。"
            )
        if credit is not None:
            if credit.published and credit.earliest_repair:
                out.append(
                    f"信用修复：这次处罚信息会公示，改正并缴清罚款后，从{cn_date(credit.earliest_repair)}起"
                    f"可以在“信用中国”网站申请信用修复。"
                )
            else:
                out.append("信用修复：这次处罚信息原则上不公示，履行完处罚决定后即可申请信用修复。")
    if "agency_phone" in values:
        out.append(book.fill(sc, "plain_closing", values))
    return out
