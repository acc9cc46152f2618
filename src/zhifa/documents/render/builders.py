"""One builder per document type: ``DocumentContext`` → ``DocumentModel``.

Field lists follow the 交通运输行政执法文书式样 as listed in FACTS.md §H (each form carries the
案号; the party block holds 姓名、性别、年龄、住址、身份证件号、电话 for a person or 名称、法定代表人、
地址、电话、统一社会信用代码 for a body; 立案登记表 offers the six 案件来源). Every value is read
from the context; a value the type needs but the case lacks raises ``documents.missing_field``
instead of printing a blank. Unused optional fields print "／" (struck through), and only
signatures are left for handwriting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from zhifa.core.errors import DomainError

from ..reasoning.composer import Reasoning, clean_codes, compose, worded_steps
from ..reasoning.context import (
    EVIDENCE_KINDS,
    SEVERITY_LABELS,
    DocumentContext,
    PartyInfo,
)
from ..reasoning.credit import credit_for_context
from ..reasoning.fees import days_overdue, late_fee
from ..reasoning.numbers import amount_capital, cn_date, cn_datetime
from ..reasoning.prevention import risk_notice_for
from .model import (
    Block,
    Cell,
    DocumentModel,
    L,
    V,
    addressee,
    heading,
    note,
    para,
    qa,
    sign,
    table,
)

FILING_SOURCES = ("行政检查中发现", "举报经核实", "上级机关交办", "下级机关报请查处", "有关部门移送", "其他途径")


class DocumentBuildError(DomainError):
    pass


def _need(value: object, what: str, field: str) -> None:
    if value in (None, "", ()):
        raise DocumentBuildError("documents.missing_field", f"生成该文书需要{what}，但案件中没有记载", field)


def _blank(colspan: int = 1, lines: int = 2) -> Cell:
    return Cell("", colspan=colspan, min_lines=lines)


def _you(ctx: DocumentContext) -> str:
    return "你" if ctx.party.is_person else "你单位"


def _issue(ctx: DocumentContext, fallback: date | None = None) -> date:
    d = ctx.issue_date or fallback or ctx.decision_date
    _need(d, "文书日期", "issue_date")
    assert d is not None
    return d


def _officers(ctx: DocumentContext) -> str:
    return "、".join(f"{o.name}（执法证号：{o.licence_no}）" for o in ctx.officers)


def _party_rows(p: PartyInfo) -> list[list[Cell]]:
    if p.is_person:
        return [
            [L("姓名"), V(p.name), L("性别"), V(p.gender), L("年龄"), V(str(p.age) if p.age else "")],
            [L("身份证件号码"), V(p.id_number, 2), L("联系电话"), V(p.phone, 2)],
            [L("住址"), V(p.address, 5)],
        ]
    return [
        [L("名称"), V(p.name, 5)],
        [L("统一社会信用代码"), V(p.uscc, 2), L("法定代表人"), V(p.legal_representative, 2)],
        [L("地址"), V(p.address, 2), L("联系电话"), V(p.phone, 2)],
    ]


SIX = (17, 19, 15, 19, 12, 18)


def _party_paras(ctx: DocumentContext) -> list[Block]:
    p = ctx.party
    out = [para(f"当事人：{p.name}")]
    if p.is_person:
        extra = "，".join(x for x in (p.gender, f"{p.age}岁" if p.age else "") if x)
        if extra:
            out[0] = para(f"当事人：{p.name}，{extra}")
        if p.id_number:
            out.append(para(f"身份证件号码：{p.id_number}"))
    else:
        if p.uscc:
            out.append(para(f"统一社会信用代码：{p.uscc}"))
        if p.legal_representative:
            out.append(para(f"法定代表人：{p.legal_representative}"))
    if p.address:
        out.append(para(f"地址：{p.address}"))
    if ctx.vehicle:
        v = ctx.vehicle
        desc = f"车辆：{v.plate}"
        extra = "，".join(
            x
            for x in (
                f"{v.colour_label}号牌" if v.plate_colour else "",
                v.kind,
                f"{v.axles}轴" if v.axles else "",
            )
            if x
        )
        out.append(para(desc + (f"（{extra}）" if extra else "")))
    return out


def _reasoning_blocks(r: Reasoning, book_titles: tuple[str, ...]) -> list[Block]:
    """Formal reasoning paragraphs; the three part titles become layer-1 headings."""
    out: list[Block] = []
    for p in r.formal_paragraphs:
        out.append(heading(p) if p in book_titles else para(p))
    return out


def _titles(r: Reasoning) -> tuple[str, ...]:
    return r.wording.paragraphs[1:4]


def _sign(ctx: DocumentContext, day: date) -> Block:
    return sign(ctx.agency.seal, "（印章）", cn_date(day))


def _model(
    ctx: DocumentContext, title: str, blocks: list[Block], day: date | None, number: str | None = None
) -> DocumentModel:
    return DocumentModel(
        doc_type=ctx.document_type,
        title=title,
        agency_line=ctx.agency.seal,
        number=ctx.number if number is None else number,
        case_number=ctx.case_number,
        blocks=tuple(blocks),
        issue_date=cn_date(day) if day else "",
        meta={"party": ctx.party.name, "agency": ctx.agency.name},
    )


# ---- forms ---------------------------------------------------------------------------------


def build_case_filing(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    _need(ctx.filing_date, "立案日期", "filing_date")
    f = ctx.filing
    source = f.source if f.source in FILING_SOURCES else "其他途径"
    sources = "　".join(("☑" if s == source else "□") + s for s in FILING_SOURCES)
    d = ctx.decision
    cause = f"涉嫌{d.item_name}" if d and d.item_name else f.summary
    _need(cause, "案由", "decision.item_name")
    rows: list[list[Cell]] = [
        [L("案件来源"), V(sources, 5)],
        [
            L("受案时间"),
            V(cn_date(ctx.filing_date), 2),
            L("违法时间"),
            V(cn_datetime(ctx.violation_time or ctx.violation_date), 2),
        ],
        [L("案由"), V(cause, 5)],
        [L("当事人"), V("个人" if ctx.party.is_person else "单位", 5)],
        *_party_rows(ctx.party),
    ]
    if ctx.vehicle:
        v = ctx.vehicle
        rows.append([L("车牌号码"), V(v.plate), L("车辆类型"), V(v.kind), L("轴数"), V(str(v.axles or ""))])
    rows += [
        [L("违法地点"), V(ctx.violation_place, 5)],
        [L("简要案情"), V(f.summary or ctx.facts_text, 5, min_lines=4)],
        [L("涉嫌违反的规定"), V("、".join(p.label for p in ctx.violated), 5)],
        [L("承办人员"), V(_officers(ctx), 5)],
        [L("承办人意见"), V("建议立案调查", 5)],
        [
            L("负责人审批意见"),
            V(
                f"{f.approver_opinion}　　负责人：{f.approver}　　{cn_date(ctx.filing_date)}" if f.approver else "",
                5,
                min_lines=2,
            ),
        ],
    ]
    blocks = [addressee(f"案号：{ctx.case_number}"), table(rows, SIX)]
    return _model(ctx, "立案登记表", blocks, ctx.filing_date, number="")


def build_inquiry_record(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    q = ctx.inquiry
    _need(q, "询问笔录内容", "inquiry")
    assert q is not None
    i = q.interviewee
    rows: list[list[Cell]] = [
        [L("询问时间"), V(f"{cn_datetime(q.started_at)}至{cn_datetime(q.ended_at)}", 5)],
        [L("询问地点"), V(q.place, 5)],
        [L("询问人"), V("、".join(q.inquirers), 2), L("记录人"), V(q.recorder, 2)],
        [L("被询问人"), V(i.name), L("性别"), V(i.gender), L("年龄"), V(str(i.age) if i.age else "")],
        [L("身份证件号码"), V(i.id_number, 2), L("联系电话"), V(i.phone, 2)],
        [L("住址"), V(i.address, 5)],
        [L("与本案关系"), V(i.relation or ("当事人" if i.name == ctx.party.name else ""), 5)],
    ]
    blocks: list[Block] = [addressee(f"案号：{ctx.case_number}"), table(rows, SIX)]
    for pair in q.qa:
        blocks.extend(qa(pair.question, pair.answer))
    blocks.append(note("被询问人签名：　　　　　　　　　　　年　　月　　日"))
    blocks.append(note("询问人签名：　　　　　　　　　　　　年　　月　　日"))
    return _model(ctx, "询问笔录", blocks, q.started_at.date(), number="")


def build_site_record(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    s = ctx.site
    _need(s, "现场笔录内容", "site")
    assert s is not None
    rows: list[list[Cell]] = [
        [L("检查时间"), V(f"{cn_datetime(s.started_at)}至{cn_datetime(s.ended_at)}", 5)],
        [L("检查地点"), V(s.place, 5)],
        [L("执法人员"), V(_officers(ctx), 5)],
        *_party_rows(ctx.party),
    ]
    if ctx.vehicle:
        v = ctx.vehicle
        rows.append([L("车牌号码"), V(v.plate), L("车辆类型"), V(v.kind), L("轴数"), V(str(v.axles or ""))])
    rows += [
        [L("在场人员"), V(s.present, 5)],
        [L("现场情况"), V(s.content, 5, min_lines=6)],
        [L("当事人意见"), _blank(5, 2)],
        [L("当事人签名"), _blank(2, 1), L("执法人员签名"), _blank(2, 1)],
    ]
    blocks = [addressee(f"案号：{ctx.case_number}"), table(rows, SIX)]
    return _model(ctx, "现场笔录", blocks, s.started_at.date(), number="")


def build_evidence_register(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    _need(ctx.evidence, "证据", "evidence")
    items = [e for e in ctx.evidence if e.preserved] or list(ctx.evidence)
    header = [L("序号"), L("证据名称"), L("种类"), L("数量"), L("收集时间"), L("收集人"), L("保存地点")]
    rows = [header]
    for e in items:
        rows.append(
            [
                V(str(e.number), align="center"),
                V(e.description),
                V(e.kind),
                V(e.quantity or "1"),
                V(cn_datetime(e.collected_at)),
                V(e.collected_by),
                V(e.storage_place or ctx.agency.name),
            ]
        )
    blocks: list[Block] = [
        addressee(f"案号：{ctx.case_number}"),
        addressee(f"当事人：{ctx.party.name}"),
        # 序号, 收集人 and a three-character name fit on one line at 小四
        table(rows, (8, 22, 10, 8, 22, 12, 18)),
        note("证据种类依照《中华人民共和国行政处罚法》第四十六条：" + "、".join(EVIDENCE_KINDS) + "。"),
        note("当事人签名：　　　　　　　　　　　执法人员签名："),
    ]
    dates = [e.collected_at for e in items if e.collected_at]
    day = max((d.date() if hasattr(d, "date") else d for d in dates), default=None)
    return _model(ctx, "证据登记保存清单", blocks, day, number="")


# ---- reasoned documents ----------------------------------------------------------------------


def build_penalty_notice(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    _need(ctx.decision, "拟作出的处理决定", "decision")
    r = r or compose(ctx)
    day = ctx.issue_date or ctx.notice_date
    _need(day, "告知日期", "notice_date")
    blocks: list[Block] = [addressee(f"{ctx.party.name}：")]
    blocks += _reasoning_blocks(r, _titles(r))
    blocks.append(para(f"联系地址：{ctx.agency.address}　联系电话：{ctx.agency.phone}"))
    assert day is not None
    blocks.append(_sign(ctx, day))
    return _model(ctx, "违法行为通知书", blocks, day)


def build_hearing_notice(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    h = ctx.hearing
    _need(h, "听证安排", "hearing")
    assert h is not None
    d = ctx.decision
    you = _you(ctx)
    cause = d.item_name if d and d.item_name else ""
    _need(cause, "案由", "decision.item_name")
    req = f"根据{you}于{cn_date(h.request_received_on)}提出的听证申请，" if h.request_received_on else ""
    blocks: list[Block] = [
        addressee(f"{ctx.party.name}："),
        para(
            f"{req}本机关定于{cn_datetime(h.held_at)}在{h.place}就{ctx.case_number}{cause}一案举行听证，"
            f"听证{'公开' if h.public else '不公开'}进行。"
        ),
        para(f"听证主持人：{h.presiding or '／'}；书记员：{h.clerk or '／'}。"),
        para(
            f"{you}可以亲自参加听证，也可以委托一至二人代理。委托代理人参加听证的，应当提交授权委托书。"
            f"{you}认为主持人与本案有直接利害关系的，有权申请回避。"
        ),
        para(f"{you}无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关将终止听证。"),
        para(f"联系地址：{ctx.agency.address}　联系电话：{ctx.agency.phone}"),
    ]
    day = _issue(ctx, ctx.notice_date)
    blocks.append(_sign(ctx, day))
    return _model(ctx, "听证通知书", blocks, day)


def build_penalty_decision(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    d = ctx.decision
    _need(d, "处罚决定", "decision")
    _need(ctx.decision_date, "决定日期", "decision_date")
    r = r or compose(ctx)
    blocks: list[Block] = [*_party_paras(ctx), *_reasoning_blocks(r, _titles(r))]
    assert ctx.decision_date is not None
    blocks.append(_sign(ctx, ctx.decision_date))
    title = "不予行政处罚决定书" if ctx.document_type == "no_penalty_decision" else "行政处罚决定书"
    return _model(ctx, title, blocks, ctx.decision_date)


def build_summary_penalty_decision(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    d = ctx.decision
    _need(d, "处罚决定", "decision")
    assert d is not None
    r = r or compose(ctx)
    day = _issue(ctx, ctx.decision_date)
    sanction = "、".join(x for x in d.sanction_labels if x != "罚款")
    if d.has_fine:
        assert d.fine_yuan is not None
        sanction = (
            sanction + "，" if sanction else ""
        ) + f"罚款人民币{d.fine_yuan}元（大写：{amount_capital(d.fine_yuan)}）"
    why = "；".join(clean_codes(s.result).rstrip("。") for s in worded_steps(d.trace) if s.result)
    remedies = next((p for p in r.equity.paragraphs if "行政复议" in p), "")
    payment = next((p for p in r.equity.paragraphs if "缴纳罚款" in p), "")
    rows: list[list[Cell]] = [
        *_party_rows(ctx.party),
        [
            L("违法时间"),
            V(cn_datetime(ctx.violation_time or ctx.violation_date), 2),
            L("违法地点"),
            V(ctx.violation_place, 2),
        ],
        [L("违法事实"), V(ctx.facts_text, 5, min_lines=3)],
        [L("违反的规定"), V("、".join(p.label for p in ctx.violated), 5)],
        [L("处罚依据"), V("、".join(p.label for p in ctx.penalty_provisions), 5)],
        [L("裁量理由"), V(why, 5)],
        [L("处罚决定"), V(sanction, 5)],
        [L("缴纳方式"), V(payment, 5)],
        [L("救济途径"), V(remedies, 5)],
        [L("执法人员"), V(_officers(ctx), 5)],
        [L("当事人签名"), _blank(2, 1), L("执法人员签名"), _blank(2, 1)],
    ]
    blocks: list[Block] = [table(rows, SIX), _sign(ctx, day)]
    return _model(ctx, "当场行政处罚决定书", blocks, day)


def build_correction_order(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    c = ctx.correction
    _need(c, "责令改正的内容", "correction")
    assert c is not None
    you = _you(ctx)
    day = _issue(ctx, ctx.filing_date)
    blocks: list[Block] = [addressee(f"{ctx.party.name}："), para("经查，" + ctx.facts_text.rstrip("。") + "。")]
    if ctx.violated:
        blocks.append(para(f"{you}的上述行为违反了{'、'.join(p.label for p in ctx.violated)}的规定。"))
    basis = f"依据{c.basis.label}的规定，" if c.basis else ""
    deadline = f"于{cn_date(c.deadline)}前" if c.deadline else "立即"
    blocks.append(para(f"{basis}本机关责令{you}{deadline}改正违法行为：{c.requirement.rstrip('。')}。"))
    blocks.append(para("逾期不改正的，本机关将依法处理。"))
    rem = ctx.remedies
    review = ctx.agency.review_body
    court = ctx.agency.court
    if review and court:
        blocks.append(
            para(
                f"如不服本通知，{you}可以在收到本通知书之日起{rem.review_days}日内向{review}申请行政复议，"
                f"或者在{rem.lawsuit_months}个月内依法向{court}提起行政诉讼。"
            )
        )
    blocks.append(_sign(ctx, day))
    number = ctx.document_number or ctx.related_numbers.get("correction_order", "")
    return _model(ctx, "责令改正违法行为通知书", blocks, day, number=number)


def build_service_receipt(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    s = ctx.service
    _need(s, "送达信息", "service")
    assert s is not None
    docs = s.documents or tuple(f"{t} {n}" for t, n in ((_TITLE.get(k, k), v) for k, v in ctx.related_numbers.items()))
    _need(docs, "送达的文书", "service.documents")
    header = [L("序号"), L("送达文书名称及文号", 3), L("收件人签名", 2)]
    rows: list[list[Cell]] = [
        [L("受送达人"), V(ctx.party.name, 5)],
        [L("送达地点"), V(s.place, 5)],
        [L("送达方式"), V(s.method, 2), L("送达日期"), V(cn_date(s.served_on or ctx.service_date), 2)],
        header,
    ]
    for i, d in enumerate(docs, 1):
        rows.append([V(str(i), align="center"), V(d, 3), _blank(2, 1)])
    rows += [
        [L("送达人"), V(_officers(ctx), 5)],
        [L("代收人及代收理由"), _blank(5, 1)],
        [L("备注"), V(s.note, 5)],
    ]
    day = s.served_on or ctx.service_date
    blocks: list[Block] = [addressee(f"案号：{ctx.case_number}"), table(rows, SIX)]
    return _model(ctx, "送达回证", blocks, day, number="")


def build_payment_reminder(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    d = ctx.decision
    _need(d, "处罚决定", "decision")
    assert d is not None
    _need(d.fine_yuan, "罚款数额", "decision.fine_yuan")
    _need(ctx.reminder_date, "催告日期", "reminder_date")
    _need(ctx.payment.due_date, "缴款期限", "payment.due_date")
    assert d.fine_yuan is not None and ctx.reminder_date and ctx.payment.due_date
    you = _you(ctx)
    pct = ctx.payment.late_fee_percent_per_day
    overdue = days_overdue(ctx.payment.due_date, ctx.reminder_date)
    fee = late_fee(d.fine_yuan, ctx.payment.due_date, ctx.reminder_date, pct)
    decision_no = ctx.related_numbers.get("penalty_decision", "")
    _need(decision_no, "行政处罚决定书文号", "related_numbers.penalty_decision")
    blocks: list[Block] = [
        addressee(f"{ctx.party.name}："),
        para(
            f"本机关于{cn_date(ctx.decision_date)}作出{decision_no}《行政处罚决定书》，对{you}处以罚款人民币"
            f"{d.fine_yuan}元，该决定书已于{cn_date(ctx.service_date)}送达{you}。缴款期限已于"
            f"{cn_date(ctx.payment.due_date)}届满，{you}至今未履行缴纳罚款的义务。"
        ),
        para(
            f"依据{ctx.payment.late_basis.label}的规定，自缴款期限届满次日起每日按罚款数额的{pct}%加处罚款，"
            f"截至{cn_date(ctx.reminder_date)}已逾期{overdue}日，加处罚款{fee}元；加处罚款的数额不超过罚款数额。"
        ),
        para(
            f"依据《中华人民共和国行政强制法》第三十五条、第五十四条的规定，现催告{you}自收到本催告书之日起"
            f"十日内缴纳罚款及加处罚款。{you}有权进行陈述和申辩。逾期仍不履行的，本机关将依法申请人民法院强制执行。"
        ),
        para(f"联系地址：{ctx.agency.address}　联系电话：{ctx.agency.phone}"),
        _sign(ctx, ctx.reminder_date),
    ]
    return _model(ctx, "催告书", blocks, ctx.reminder_date)


def build_closing_report(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    c = ctx.closing
    _need(c, "结案信息", "closing")
    assert c is not None
    d = ctx.decision
    decision = ""
    if d:
        labels = "、".join(d.sanction_labels)
        if d.has_fine:
            labels = labels.replace("罚款", f"罚款{d.fine_yuan}元")
        number = ctx.related_numbers.get("penalty_decision") or ctx.document_number
        decision = f"{cn_date(ctx.decision_date)}作出{number}决定：{labels or '不予行政处罚'}"
    rows: list[list[Cell]] = [
        [L("案由"), V(d.item_name if d else "", 5)],
        [L("当事人"), V(ctx.party.name, 5)],
        [L("立案日期"), V(cn_date(ctx.filing_date), 2), L("结案日期"), V(cn_date(c.closed_on), 2)],
        [L("处理决定"), V(decision, 5)],
        [L("违法情节"), V(SEVERITY_LABELS.get(d.severity, d.severity) if d else "", 5)],
        [L("执行情况"), V(c.execution, 5, min_lines=2)],
        [L("承办人员"), V(_officers(ctx), 5)],
        [L("承办人意见"), V("案件已执行完毕，建议结案", 5)],
        [
            L("负责人审批意见"),
            V(f"同意结案　　负责人：{c.approver}　　{cn_date(c.closed_on)}" if c.approver else "", 5, min_lines=2),
        ],
    ]
    blocks = [addressee(f"案号：{ctx.case_number}"), table(rows, SIX)]
    return _model(ctx, "结案报告", blocks, c.closed_on, number="")


# ---- 三书同达: the two notices -------------------------------------------------------------


def build_credit_repair_notice(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    credit = credit_for_context(ctx)
    _need(credit, "可公示的行政处罚决定", "decision")
    assert credit is not None and ctx.decision and ctx.decision_date
    you = _you(ctx)
    d = ctx.decision
    decision_no = ctx.related_numbers.get("penalty_decision", "")
    _need(decision_no, "行政处罚决定书文号", "related_numbers.penalty_decision")
    what = "、".join(d.sanction_labels)
    if d.has_fine:
        what = what.replace("罚款", f"罚款{d.fine_yuan}元")
    cls = credit.credit_class
    blocks: list[Block] = [
        addressee(f"{ctx.party.name}："),
        para(
            f"本机关于{cn_date(ctx.decision_date)}对{you}作出{decision_no}《行政处罚决定书》（{what}）。"
            f"为帮助{you}及时修复信用，依照{credit.regime.citation}，现将有关事项告知如下："
        ),
        heading("一、公示期限"),
    ]
    if credit.published:
        assert credit.earliest_repair and credit.publicity_ends
        blocks.append(
            para(
                f"该行政处罚信息属于{cls.label}，公示期自{cn_date(credit.start)}起计算，最短{_months(cls.min_months)}，"
                f"最长{_months(cls.max_months)}。最短公示期届满后，即{cn_date(credit.earliest_repair)}起，{you}可以申请信用修复；"
                f"最长公示期届满（{cn_date(credit.publicity_ends)}）后，公示自动停止。"
            )
        )
    else:
        blocks.append(
            para(
                f"该行政处罚信息属于{cls.label}，原则上不予公示；行业主管部门认为确有必要公示的，"
                f"公示期最长不超过{_months(cls.max_months)}。{you}履行完毕行政处罚决定规定的义务后即可申请信用修复。"
            )
        )
    blocks.append(heading("二、修复条件"))
    blocks.extend(para(f"{i}.{c}。") for i, c in enumerate(credit.regime.repair_conditions, 1))
    blocks.append(heading("三、申请方式"))
    blocks.append(para(credit.regime.how_to_apply))
    blocks.append(
        para(
            f"本机关可以为{you}提供信用修复指导，并在最短公示期届满前提醒{you}。"
            f"联系地址：{ctx.agency.address}　联系电话：{ctx.agency.phone}"
        )
    )
    day = _issue(ctx)
    blocks.append(_sign(ctx, day))
    return _model(ctx, "信用修复告知书", blocks, day)


def _months(n: int) -> str:
    if n and n % 12 == 0:
        return f"{n // 12}年"
    return f"{n}个月"


def build_risk_prevention_notice(ctx: DocumentContext, r: Reasoning | None = None) -> DocumentModel:
    notice = risk_notice_for(ctx)
    you = _you(ctx)
    d = ctx.decision
    item = d.item_name if d and d.item_name else (notice.violation.name if notice.violation else "")
    blocks: list[Block] = [
        addressee(f"{ctx.party.name}："),
        para(
            f"本机关在办理{ctx.case_number}{item}一案中，结合{you}所在行业（{notice.sector.name}）的特点，"
            f"梳理了以下违法风险点和防控措施，请{you}对照检查、认真整改："
        ),
        heading("一、本次违法行为的风险点"),
    ]
    if notice.violation:
        blocks.extend(para(f"{i}.{p}") for i, p in enumerate(notice.violation.points, 1))
    else:
        blocks.append(para(f"{item}。"))
    blocks.append(heading(f"二、{notice.sector.name}常见风险点"))
    blocks.extend(para(f"{i}.{p}") for i, p in enumerate(notice.sector.points, 1))
    blocks.append(heading("三、防控措施"))
    measures = [*(notice.violation.measures if notice.violation else ()), *notice.sector.measures]
    blocks.extend(para(f"{i}.{m}") for i, m in enumerate(dict.fromkeys(measures), 1))
    blocks.append(heading("四、回访"))
    blocks.append(para(notice.follow_up.replace("你（单位）", you)))
    blocks.append(para(f"联系地址：{ctx.agency.address}　联系电话：{ctx.agency.phone}"))
    day = _issue(ctx)
    blocks.append(_sign(ctx, day))
    return _model(ctx, "违法风险防控告知书", blocks, day)


@dataclass(frozen=True)
class DocSpec:
    code: str
    title: str
    builder: Callable[[DocumentContext, Reasoning | None], DocumentModel]
    reasoned: bool
    fields: str  # the fields drawn from the context (documentation)


SPECS: dict[str, DocSpec] = {
    s.code: s
    for s in (
        DocSpec(
            "case_filing",
            "立案登记表",
            build_case_filing,
            False,
            "案号、案件来源（六选一）、受案时间、违法时间、案由、当事人（个人/单位字段）、车辆、违法地点、简要案情、涉嫌违反的规定、承办人员及执法证号、负责人审批意见",
        ),
        DocSpec(
            "inquiry_record",
            "询问笔录",
            build_inquiry_record,
            False,
            "案号、询问起止时间、地点、询问人、记录人、被询问人（姓名、性别、年龄、身份证件号码、电话、住址）、与本案关系、问答",
        ),
        DocSpec(
            "site_record",
            "现场笔录",
            build_site_record,
            False,
            "案号、检查起止时间、地点、执法人员及执法证号、当事人、车辆、在场人员、现场情况",
        ),
        DocSpec(
            "evidence_register",
            "证据登记保存清单",
            build_evidence_register,
            False,
            "案号、当事人、证据序号、名称、种类（行政处罚法第46条）、数量、收集时间、收集人、保存地点",
        ),
        DocSpec(
            "penalty_notice",
            "违法行为通知书",
            build_penalty_notice,
            True,
            "文号、当事人、事理、法理（拟作出的处罚）、情理、陈述申辩与听证权利、联系方式、落款",
        ),
        DocSpec(
            "hearing_notice",
            "听证通知书",
            build_hearing_notice,
            False,
            "文号、当事人、申请日期、听证时间地点、案号案由、公开与否、主持人、书记员、代理与回避权利、落款",
        ),
        DocSpec(
            "penalty_decision",
            "行政处罚决定书",
            build_penalty_decision,
            True,
            "文号、当事人信息、车辆、事理（事实与证据）、法理（违反及处罚条款、裁量说明）、情理（情节、陈述申辩及采纳、救济途径、缴款、加处罚款、信用修复）、落款",
        ),
        DocSpec(
            "summary_penalty_decision",
            "当场行政处罚决定书",
            build_summary_penalty_decision,
            True,
            "文号、当事人、违法时间地点、违法事实、违反的规定、处罚依据、裁量理由、处罚决定、缴纳方式、救济途径、执法人员",
        ),
        DocSpec(
            "no_penalty_decision",
            "不予行政处罚决定书",
            build_penalty_decision,
            True,
            "文号、当事人信息、事理、法理（不予处罚的依据和条件）、情理（教育、救济途径）、落款",
        ),
        DocSpec(
            "correction_order",
            "责令改正违法行为通知书",
            build_correction_order,
            False,
            "文号、当事人、违法事实、违反的规定、改正依据、改正期限和要求、救济途径、落款",
        ),
        DocSpec(
            "service_receipt",
            "送达回证",
            build_service_receipt,
            False,
            "案号、受送达人、送达地点、送达方式、送达日期、送达文书名称及文号、送达人、代收人、备注",
        ),
        DocSpec(
            "payment_reminder",
            "催告书",
            build_payment_reminder,
            False,
            "文号、当事人、决定日期与文号、罚款数额、送达日期、缴款期限、逾期天数、加处罚款、催告期限、落款",
        ),
        DocSpec(
            "closing_report",
            "结案报告",
            build_closing_report,
            False,
            "案号、案由、当事人、立案日期、结案日期、处理决定、违法情节、执行情况、承办人员、负责人审批意见",
        ),
        DocSpec(
            "credit_repair_notice",
            "信用修复告知书",
            build_credit_repair_notice,
            False,
            "文号、当事人、处罚决定（日期、文号、内容）、适用的信用修复规定、信息类别、公示起算日、最短和最长公示期、最早修复日期、修复条件、申请方式",
        ),
        DocSpec(
            "risk_prevention_notice",
            "违法风险防控告知书",
            build_risk_prevention_notice,
            False,
            "文号、当事人、案号案由、行业、本次违法风险点、行业风险点、防控措施、回访",
        ),
    )
}

_TITLE = {code: spec.title for code, spec in SPECS.items()}


def build(ctx: DocumentContext, reasoning: Reasoning | None = None) -> DocumentModel:
    spec = SPECS[ctx.document_type]
    if spec.reasoned and reasoning is None:
        reasoning = compose(ctx)
    return spec.builder(ctx, reasoning)
