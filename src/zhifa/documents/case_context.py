"""From a case in the database to the pure core's :class:`DocumentContext` (nothing is retyped).

Every value printed on a document comes from the case, its party, vehicle, driver, officers,
evidence, payments, the ``records`` of its procedure actions, its current discretion record (the
catalog engine's Decision as stored, with the amount the officer chose) and the agency's document
settings (:class:`~zhifa.documents.models.DocumentProfile`). A value a document type needs but the
case lacks makes the builder raise ``documents.missing_field`` instead of printing a blank.

The party's own documents carry the party's full identifiers (the 9号令 式样 print them); public
pages never read the context (they show ``Document.party_masked``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from zhifa.cases import workflow as wf
from zhifa.cases.choices import CaseSource, EvidenceKind
from zhifa.cases.choices_pure import PartyKind
from zhifa.cases.models import Case, DecisionRecord
from zhifa.core.errors import DomainError
from zhifa.core.validators import id_number_birth_date, mask_name
from zhifa.documents.reasoning.context import (
    AgencyInfo,
    Circumstances,
    ClosingInfo,
    CorrectionInfo,
    DocumentContext,
    EvidenceItem,
    FilingInfo,
    FineRange,
    HearingInfo,
    InquiryRecord,
    NoticeRights,
    Officer,
    PartyInfo,
    PaymentInfo,
    PersonInfo,
    Provision,
    QAPair,
    ServiceInfo,
    SiteRecord,
    Statement,
    TraceStep,
    VehicleInfo,
)

SH = ZoneInfo("Asia/Shanghai")

#: parties.Sector → the sector blocks of the risk points (reasoning/data/risk_points.yaml)
SECTOR_MAP = {
    "freight": "freight",
    "dangerous_goods": "freight",
    "freight_station": "freight",
    "passenger": "passenger",
    "ride_hailing": "ride_hailing",
    "taxi": "taxi",
    "cargo_source": "cargo_source",
}

#: cases.EvidenceKind → the nine evidence types of 行政处罚法 第46条 as the documents print them
EVIDENCE_KIND_LABELS = {k.value: k.label for k in EvidenceKind} | {"party_statement": "当事人陈述"}

#: cases.CaseSource → the six 案件来源 of the 立案登记表
FILING_SOURCE = {
    CaseSource.INSPECTION: "行政检查中发现",
    CaseSource.COMPLAINT: "举报经核实",
    CaseSource.TRANSFER: "有关部门移送",
    CaseSource.OFFSITE: "其他途径",
    CaseSource.OTHER: "其他途径",
}

#: documents whose date is the decision date
DECISION_TYPES = ("penalty_decision", "summary_penalty_decision", "no_penalty_decision")
PARTY_OUTCOMES_NO_PENALTY = ("no_penalty", "not_established")
#: trace steps that compute an amount (left out when the head decides not to penalise)
AMOUNT_STEPS = frozenset({"bracket", "tier", "adjust", "cap", "outcome"})


class ContextUnavailable(DomainError):
    """The case does not (yet) hold what this document type is made from."""


def _need(value: Any, code: str, message: str) -> None:
    if value in (None, "", (), []):
        raise ContextUnavailable(code, message, "document_type")


# ---------------------------------------------------------------------------------------------------
# agency, party, vehicle, people


def agency_info(agency) -> AgencyInfo:
    profile = getattr(agency, "document_profile", None)
    from zhifa.documents.models import DocumentProfile

    if profile is None:
        profile = DocumentProfile.objects.filter(agency=agency).first()
    if profile is None:
        raise ContextUnavailable(
            "documents.profile_missing",
            f"{agency.name}尚未设置文书信息（行政复议机关、管辖法院、缴款方式），请管理员在“文书设置”中填写",
            "agency",
        )
    return AgencyInfo(
        name=agency.name,
        seal_name=profile.seal_name,
        address=agency.address,
        phone=agency.phone,
        region_code=agency.region_code,
        region_name=profile.region_name,
        review_body=profile.review_body,
        court=profile.court,
        bank_name=profile.bank_name,
        bank_account=profile.bank_account,
        epay_hint=profile.epay_hint,
    )


def _gender_and_age(id_number: str, on: date | None) -> tuple[str, int | None]:
    if len(id_number or "") != 18:
        return "", None
    try:
        born = id_number_birth_date(id_number)
    except Exception:  # an identifier accepted with a recorded override: print it, derive nothing
        return "", None
    gender = "男" if int(id_number[16]) % 2 else "女"
    if on is None:
        return gender, None
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return gender, age


def party_info(case: Case) -> PartyInfo:
    if case.enterprise_id:
        e = case.enterprise
        return PartyInfo(
            kind="organisation",
            name=e.name,
            uscc=e.uscc,
            legal_representative=e.legal_representative,
            address=e.address,
            phone=e.phone,
            sector=SECTOR_MAP.get(e.sector, "general"),
        )
    p = case.person
    gender, age = _gender_and_age(p.id_number, case.violation_date)
    return PartyInfo(
        kind="person",
        name=p.name,
        id_number=p.id_number,
        address=p.address,
        phone=p.phone,
        gender=gender,
        age=age,
        sector="highway_user" if case.vehicle_id else "general",
    )


def party_masked(case: Case) -> str:
    """What public pages show: 张** for a person, an organisation's name as registered."""
    return case.party_name if case.enterprise_id else mask_name(case.party_name)


def vehicle_info(case: Case) -> VehicleInfo | None:
    v = case.vehicle
    if v is None:
        return None
    owner = v.owner_enterprise or v.owner_person
    return VehicleInfo(
        plate=v.plate,
        plate_colour=v.plate_colour,
        axles=v.axles,
        kind=v.get_kind_display(),
        transport_cert_no=v.transport_cert_no,
        owner=owner.name if owner else "",
    )


def driver_info(case: Case) -> PersonInfo | None:
    d = case.driver
    if d is None:
        return None
    p = d.person
    gender, age = _gender_and_age(p.id_number, case.violation_date)
    return PersonInfo(
        name=p.name,
        id_number=p.id_number,
        phone=p.phone,
        qualification_no=d.qualification_no,
        gender=gender,
        age=age,
        address=p.address,
        relation="驾驶员",
    )


def _wall(dt: datetime) -> datetime:
    """Aware → naive Asia/Shanghai wall time, as the documents print it."""
    return timezone.localtime(dt, SH).replace(tzinfo=None, second=0, microsecond=0)


def evidence_items(case: Case) -> tuple[EvidenceItem, ...]:
    out = []
    for ev in case.evidence.all():
        description = ev.title.strip()
        if ev.description.strip():
            description += "，" + ev.description.strip().rstrip("。")
        out.append(
            EvidenceItem(
                number=ev.seq,
                kind=EVIDENCE_KIND_LABELS.get(ev.kind, ev.kind),
                description=description,
                collected_at=_wall(ev.collected_at),
                collected_by=ev.collected_by.name if ev.collected_by_id else "",
                location=ev.collected_place,
                sha256=ev.sha256,
            )
        )
    return tuple(out)


def officers_of(case: Case) -> tuple[Officer, ...]:
    return tuple(Officer(link.officer.name, link.officer.licence_no) for link in case.case_officers.all())


# ---------------------------------------------------------------------------------------------------
# the discretion record as a catalog Decision


def _provision(p: dict[str, Any], provisions: dict[str, Any]) -> SimpleNamespace:
    """A stored provision (id, citation, text) with its effective date and lead from the catalog."""
    real = provisions.get(p.get("id") or "")
    return SimpleNamespace(
        id=p.get("id", ""),
        citation=p.get("citation") or (real.citation if real else ""),
        law=real.law if real else p.get("law", ""),
        text=p.get("text") if p.get("text") is not None else None,
        lead=p.get("lead") or (real.lead if real else None),
        effective_from=real.effective_from if real else None,
    )


def decision_from_record(record: DecisionRecord) -> SimpleNamespace:
    """The catalog Decision the record stored (``Decision.as_dict()``), read back as an object with the
    attributes ``documents.reasoning.catalog_adapter`` reads. The stored texts are used as they were
    decided; only each provision's effective date comes from the loaded catalog."""
    from zhifa.catalog.yamlload import catalog

    provisions = catalog().provisions
    data = record.decision or {}
    fine = data.get("fine_yuan")
    trace = [
        SimpleNamespace(
            step=s.get("step", ""),
            result=s.get("result", ""),
            provisions=tuple(_provision(p, provisions) for p in s.get("provisions") or ()),
            condition=s.get("condition"),
            facts=s.get("facts"),
            applied=s.get("applied"),
        )
        for s in data.get("trace") or ()
    ]
    return SimpleNamespace(
        item=data.get("item", record.item_code),
        item_name=data.get("item_name", ""),
        outcome=data.get("outcome", record.engine_outcome),
        severity=data.get("severity"),
        fine=SimpleNamespace(**fine) if isinstance(fine, dict) else None,
        sanctions=list(data.get("sanctions") or ()),
        lists=list(data.get("lists") or ()),
        basis=[_provision(p, provisions) for p in data.get("basis") or ()],
        trace=trace,
        catalog_version=data.get("catalog_version", record.catalog_version),
        benchmark=data.get("benchmark"),
        tier=data.get("tier"),
        violation_date=record.violation_date,
        decision_date=record.decision_date,
    )


def _harm_label(value: Any) -> str:
    if value in (None, "", "none"):
        return ""
    from zhifa.catalog.yamlload import catalog

    for f in catalog().general_facts:
        if f.name == "harm" and f.value_labels:
            return f.value_labels.get(value, "")
    return ""


def circumstances(facts: dict[str, Any]) -> Circumstances:
    return Circumstances(
        first_offence=facts.get("first_offence") if isinstance(facts.get("first_offence"), bool) else None,
        corrected=True if facts.get("corrected_in_time") is True else None,
        harm=_harm_label(facts.get("harm")),
    )


def scenario_for(case: Case, outcome: str = "", lists: tuple[str, ...] = ()) -> str:
    code = case.item_code or ""
    if outcome == "no_penalty" and "first_offence_waiver" in lists:
        return "first_offence_no_penalty"
    if code.startswith("overload."):
        return "offsite_overload" if case.source == CaseSource.OFFSITE else "onsite_overload"
    if code.startswith("highway."):
        return "highway_admin"
    if code.startswith("ride_hailing."):
        return "ride_hailing"
    return "onsite_road_transport"


def _measured(record: DecisionRecord | None, facts: dict[str, Any]) -> dict[str, Any]:
    """The case's facts plus the figures the engine derived from them (limit, excess) for the 事理."""
    out = dict(facts)
    if record is None:
        return out
    for step in (record.decision or {}).get("trace") or ():
        if step.get("applied") is False:
            continue
        for key in ("limit_kg", "over_kg", "over_percent"):
            value = (step.get("facts") or {}).get(key)
            if value is not None and key not in out:
                out[key] = value
    return out


def _day(records: dict[str, Any], action: str, key: str = "on") -> date | None:
    value = (records.get(action) or {}).get(key)
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def statements_of(case: Case) -> tuple[Statement, ...]:
    out = []
    rec = case.records or {}
    st = rec.get("record_statement")
    if st:
        out.append(
            Statement(
                received_on=_day(rec, "record_statement", "heard_on") or _day(rec, "record_statement"),
                kind="statement",
                summary=str(st.get("summary") or ""),
                handling=str(st.get("handling") or ""),
            )
        )
    if rec.get("waive_rights") and not case.statement_made:
        out.append(Statement(received_on=_day(rec, "waive_rights"), kind="waived"))
    return tuple(s for s in out if s.received_on)


# ---------------------------------------------------------------------------------------------------
# the context


def current_record(case: Case) -> DecisionRecord | None:
    records = getattr(case, "current_records", None)
    if records is not None:
        return records[0] if records else None
    return DecisionRecord.objects.filter(case=case, current=True).first()


def case_context(
    case: Case,
    document_type: str,
    *,
    related_numbers: dict[str, str] | None = None,
    today: date | None = None,
    record: int | None = None,
) -> DocumentContext:
    """The context of ``document_type`` for ``case`` (no document number yet: the issuing service adds
    it). Raises :class:`ContextUnavailable` when the case does not hold what the type is made of.

    ``record`` picks one of several records (询问笔录, 现场笔录, 责令改正) by its ``seq``; by default the
    first one no issued document was made from yet."""
    pick = record
    rec = case.records or {}
    record = current_record(case)
    agency = agency_info(case.agency)
    common: dict[str, Any] = {
        "agency": agency,
        "case_number": case.number,
        "document_type": document_type,
        "party": party_info(case),
        "vehicle": vehicle_info(case),
        "driver": driver_info(case),
        "filing_date": case.filed_on,
        "violation_date": case.violation_date,
        "violation_place": case.violation_place,
        "notice_date": _day(rec, "notify"),
        "decision_date": case.decided_on,
        "service_date": case.served_on,
        "facts_text": case.summary,
        "facts": _measured(record, case.facts or {}),
        "evidence": evidence_items(case),
        "officers": officers_of(case),
        "statements": statements_of(case),
        "circumstances": circumstances((record.facts if record else None) or case.facts or {}),
        "payment": PaymentInfo(bank_name=agency.bank_name, bank_account=agency.bank_account, epay=agency.epay_hint),
        "related_numbers": dict(related_numbers or {}),
        "filing": FilingInfo(
            source=FILING_SOURCE.get(case.source, "其他途径"),
            summary=case.summary,
            approver=str((rec.get("file") or {}).get("by") or ""),
        ),
    }
    _need(case.number, "documents.case_not_numbered", "案件尚未编号（立案或当场决定后才有案号），不能制作文书")
    if record is not None:
        decision = decision_from_record(record)
        fine = None
        penalty = case.decided_penalty or case.notified_penalty
        if penalty:
            fine = penalty.get("fine_yuan")
        elif record.chosen_fine_yuan is not None:
            fine = record.chosen_fine_yuan
        lists = tuple(str(x.get("list", "")) for x in decision.lists if isinstance(x, dict))
        ctx = DocumentContext.from_decision(
            decision,
            fine_yuan=fine,
            procedure=case.procedure,
            scenario=scenario_for(case, case.outcome or "", lists),
            **common,
        )
        ctx = _with_officer_choice(ctx, record)
    else:
        ctx = DocumentContext(scenario=scenario_for(case), **common)
    # the head's decision prevails over the engine's proposal (第57条: the outcome is the head's)
    # (the engine's amount steps are then not part of the reasoning: no amount was decided)
    if ctx.decision is not None and case.outcome in PARTY_OUTCOMES_NO_PENALTY:
        d = ctx.decision
        trace = d.trace
        if d.outcome != case.outcome:
            trace = tuple(replace(s, applied=False) if s.kind in AMOUNT_STEPS else s for s in d.trace)
        ctx = replace(
            ctx,
            decision=replace(
                d,
                outcome=case.outcome,
                sanctions=(),
                fine_yuan=None,
                fine_range=FineRange(),
                other_orders=(),
                trace=trace,
            ),
            scenario=scenario_for(case, case.outcome, d.lists),
        )
    if document_type in DECISION_TYPES:
        h = _hearing_row(case)
        if h is not None and h.held:
            ctx = replace(ctx, hearing=hearing_info(h))
    ctx = _for_type(case, ctx, document_type, record, rec, today or timezone.localdate(), pick=pick)
    return _as_of(ctx)


def _as_of(ctx: DocumentContext) -> DocumentContext:
    """A document tells only what had happened by its date: statements, defences and waivers received
    later (a notice is answered after it is served) are not part of it."""
    day = ctx.issue_date
    if day is None or not ctx.statements:
        return ctx
    return replace(ctx, statements=tuple(s for s in ctx.statements if s.received_on <= day))


def _with_officer_choice(ctx: DocumentContext, record: DecisionRecord) -> DocumentContext:
    """When the officer chose another amount inside the range than the engine proposed, the reasoning
    says so, with the written reason the discretion record holds (第五条: 过罚相当, and the reason is
    what makes the choice reviewable)."""
    d = ctx.decision
    if d is None or not d.has_fine or record.chosen_fine_yuan is None:
        return ctx
    if record.proposed_fine_yuan is None or record.chosen_fine_yuan == record.proposed_fine_yuan:
        return ctx
    reason = (record.deviation_reason or "").strip().rstrip("。")
    if not reason:
        return ctx
    step = TraceStep(
        condition="",
        result=f"本机关在法定幅度内确定罚款{record.chosen_fine_yuan}元，理由是：{reason}",
        kind="choice",
        applied=True,
    )
    return replace(ctx, decision=replace(d, trace=(*d.trace, step)))


def _for_type(
    case, ctx: DocumentContext, t: str, record, rec: dict[str, Any], today: date, *, pick: int | None = None
) -> DocumentContext:
    if t == "case_filing":
        _need(case.filed_on, "documents.not_filed", "案件尚未立案，不能制作立案登记表")
        return replace(ctx, issue_date=case.filed_on)
    if t == "evidence_register":
        _need(ctx.evidence, "documents.no_evidence", "案件还没有登记证据，不能制作证据登记保存清单")
        last = max(e.collected_at for e in ctx.evidence if e.collected_at)
        day = last.date() if isinstance(last, datetime) else last
        return replace(ctx, issue_date=day)
    if t == "penalty_notice":
        _need(ctx.notice_date, "documents.not_notified", "案件尚未告知拟作出的行政处罚")
        _need(record, "documents.no_assessment", "案件没有裁量记录，不能制作违法行为通知书")
        penalty = wf_penalty(case.notified_penalty)
        offered = bool(
            penalty
            and wf.hearing_applicable(
                penalty, PartyKind(case.party_kind), _policy(case), business_activity=case.business_activity
            )
        )
        return replace(ctx, issue_date=ctx.notice_date, rights=NoticeRights(hearing_offered=offered))
    if t in DECISION_TYPES:
        _need(case.decided_on, "documents.not_decided", "案件尚未作出决定")
        _need(record, "documents.no_assessment", "案件没有裁量记录，不能制作决定书")
        if t == "no_penalty_decision" and case.outcome not in PARTY_OUTCOMES_NO_PENALTY:
            raise ContextUnavailable("documents.type_not_allowed", "本案决定给予行政处罚，不能制作不予行政处罚决定书")
        if t != "no_penalty_decision" and case.outcome != "penalty":
            raise ContextUnavailable("documents.type_not_allowed", "本案决定不予行政处罚，应制作不予行政处罚决定书")
        if t == "summary_penalty_decision" and case.procedure != "summary":
            raise ContextUnavailable(
                "documents.type_not_allowed", "普通程序案件制作行政处罚决定书，不适用当场处罚决定书"
            )
        if t == "penalty_decision" and case.procedure == "summary":
            raise ContextUnavailable("documents.type_not_allowed", "简易程序案件制作当场行政处罚决定书")
        return replace(ctx, issue_date=case.decided_on)
    if t in ("credit_repair_notice", "risk_prevention_notice", "service_receipt"):
        _need(case.decided_on, "documents.not_decided", "案件尚未作出决定")
        if case.outcome != "penalty":
            raise ContextUnavailable("documents.type_not_allowed", "本案未给予行政处罚，不制作三书同达文书")
        service = ServiceInfo(
            method=str((rec.get("serve") or {}).get("method") or "直接送达"),
            place=ctx.party.address,
            recipient=ctx.party.name,
            served_on=case.served_on,
        )
        return replace(ctx, issue_date=case.decided_on, service=service)
    if t == "payment_reminder":
        _need(case.demand_served_on or _day(rec, "send_demand"), "documents.no_demand", "案件尚未进入催告程序")
        _need(case.served_on, "documents.not_served", "决定书尚未送达")
        reminder = _day(rec, "send_demand") or case.demand_served_on
        due = case.served_on + timedelta(days=ctx.payment.days)
        return replace(
            ctx,
            reminder_date=reminder,
            issue_date=reminder,
            payment=replace(ctx.payment, due_date=due),
        )
    if t == "closing_report":
        _need(case.state == "closed" or None, "documents.not_closed", "案件尚未结案")
        closed_on = _day(rec, "close") or today
        paid = sum(p.amount_yuan for p in case.payments.all())
        if paid:
            last = max(p.paid_on for p in case.payments.all())
            execution = f"当事人已于{last.year}年{last.month}月{last.day}日缴纳罚款{paid}元，处罚决定已执行完毕"
        elif case.outcome in PARTY_OUTCOMES_NO_PENALTY:
            execution = "本案决定不予行政处罚，已对当事人进行教育"
        else:
            execution = "处罚决定已执行完毕"
        closing = ClosingInfo(
            closed_on=closed_on, execution=execution, approver=str((rec.get("close") or {}).get("by") or "")
        )
        return replace(ctx, closing=closing, issue_date=closed_on)
    if t == "hearing_notice":
        h = _hearing_row(case)
        _need(h, "documents.missing_field", "案件尚未安排听证（时间、地点、主持人），不能制作听证通知书")
        return replace(ctx, hearing=hearing_info(h), issue_date=h.notice_on)
    if t == "inquiry_record":
        row = _pick(case, t, list(case.inquiries.select_related("inquirer", "recorder")), pick)
        return replace(
            ctx, inquiry=inquiry_info(case, row), issue_date=_wall(row.started_at).date(), extra=_seq(ctx, row)
        )
    if t == "site_record":
        row = _pick(case, t, list(case.site_records.select_related("officer1", "officer2")), pick)
        officers = (Officer(row.officer1.name, row.officer1_licence), Officer(row.officer2.name, row.officer2_licence))
        return replace(ctx, site=site_info(row), officers=officers, issue_date=_wall(row.started_at).date())
    if t == "correction_order":
        row = _pick(case, t, list(case.correction_orders.all()), pick)
        return replace(ctx, correction=correction_info(row), issue_date=row.issued_on, extra=_seq(ctx, row))
    raise ContextUnavailable("documents.unknown_type", f"未知的文书种类：{t}", "document_type")


# ---------------------------------------------------------------------------------------------------
# the records of the case (询问笔录、现场笔录、听证、责令改正)

#: what a record is called in the messages
RECORD_NAMES = {"inquiry_record": "询问笔录", "site_record": "现场笔录", "correction_order": "责令改正"}


def _pick(case: Case, t: str, rows: list, seq: int | None):
    """The record a document is made from: the one numbered ``seq``, by default the first one (a case
    issues one document of each type: the later records are on the case page and in the file)."""
    name = RECORD_NAMES[t]
    if not rows:
        raise ContextUnavailable(
            "documents.missing_field", f"案件中还没有{name}的记录，不能制作该文书", "document_type"
        )
    if seq is None:
        return rows[0]
    row = next((r for r in rows if r.seq == int(seq)), None)
    if row is None:
        raise ContextUnavailable("documents.record_not_found", f"本案没有第{seq}份{name}", "record")
    return row


def _seq(ctx: DocumentContext, row) -> dict[str, Any]:
    """The record a document was made from, kept in its context snapshot (``extra.record_seq``)."""
    return {**ctx.extra, "record_seq": row.seq}


def _hearing_row(case: Case):
    from zhifa.cases.models import Hearing

    return Hearing.objects.filter(case=case).select_related("host", "clerk").first()


def _licensed(name: str, licence: str) -> str:
    return f"{name}（执法证号：{licence}）" if licence else name


def inquiry_info(case: Case, row) -> InquiryRecord:
    gender, age = _gender_and_age(row.interviewee_id_number, case.violation_date)
    qa = [QAPair(p.get("q", ""), p.get("a", "")) for p in row.qa or ()]
    answer = row.confirmation.strip()
    if not row.signed:
        answer += f"（被询问人拒绝签名：{row.refusal_note.strip().rstrip('。')}）"
    qa.append(QAPair("以上笔录你看过（已向你宣读），与你所说的是否一致？", answer))
    return InquiryRecord(
        started_at=_wall(row.started_at),
        ended_at=_wall(row.ended_at),
        place=row.place,
        interviewee=PersonInfo(
            name=row.interviewee_name,
            id_number=row.interviewee_id_number,
            phone=row.interviewee_phone,
            gender=gender,
            age=age,
            address=row.interviewee_address,
            relation=row.relation,
        ),
        inquirers=(_licensed(row.inquirer.name, row.inquirer_licence),),
        recorder=_licensed(row.recorder.name, row.recorder_licence),
        qa=tuple(qa),
    )


def site_info(row) -> SiteRecord:
    content = row.findings.strip()
    if row.measures.strip():
        content += f"\n采取的措施：{row.measures.strip()}"
    if not row.party_signed:
        content += f"\n当事人拒绝签名：{row.refusal_note.strip()}"
    return SiteRecord(
        started_at=_wall(row.started_at),
        ended_at=_wall(row.ended_at),
        place=row.place,
        present=row.present,
        content=content,
    )


def hearing_info(h) -> HearingInfo:
    return HearingInfo(
        held_at=_wall(h.hearing_at),
        place=h.place,
        presiding=h.host.name,
        clerk=h.clerk.name if h.clerk_id else "",
        public=h.public,
        request_received_on=h.requested_on,
        held=h.held,
        arguments=h.party_arguments,
        weighing=h.weighing,
        record_reference=h.record_reference,
    )


def provision_of(label: str) -> Provision | None:
    """``《中华人民共和国行政处罚法》第二十八条第一款`` → Provision(law title, article)."""
    label = (label or "").strip()
    if not label:
        return None
    if label.startswith("《") and "》" in label:
        title, _, article = label.partition("》")
        return Provision(title + "》", article.strip())
    return Provision("", label)


def correction_info(row) -> CorrectionInfo:
    return CorrectionInfo(requirement=row.requirement, deadline=row.deadline, basis=provision_of(row.basis))


def wf_penalty(data: dict[str, Any] | None):
    from zhifa.cases.services.snapshot import penalty_from_json

    return penalty_from_json(data)


def _policy(case: Case):
    from zhifa.cases.services.snapshot import policy_for

    return policy_for(case.agency)
