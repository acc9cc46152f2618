"""The shape of the case pages' inputs: the new-case form, the facts of a catalog item, and the fields
of each procedure action. Forms check shape only; the services enforce the law."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from zhifa.cases.choices import (
    AmendmentKind,
    CaseProcedure,
    CaseSource,
    Outcome,
    PreservationResolution,
    SanctionKind,
    ServiceMethod,
    StatementHandling,
)
from zhifa.cases.services.records import RELATIONS
from zhifa.core.errors import DomainError


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text textarea date time datetime int bool select officer case_officer penalty instalments
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


REASON = Field("reason", "理由", "textarea", help="记入全过程记录")

#: the fields each action asks for on the case page (the API takes the same names as JSON)
ACTION_FIELDS: dict[str, tuple[Field, ...]] = {
    "request_filing": (),
    "file": (Field("filed_on", "立案日期", "date"),),
    "refuse_filing": (REASON,),
    "transfer": (Field("receiving_body", "受移送机关"), REASON),
    "start_investigation": (),
    "preserve_evidence": (
        Field("approved_by", "批准的负责人", help="先行登记保存须经负责人批准（第五十六条）"),
        Field("preserved_on", "登记保存日期", "date"),
        Field("items", "物品清单", "textarea", help="每行一项：名称、数量、特征"),
        Field("storage_place", "保存地点", required=False),
    ),
    "resolve_preservation": (
        Field("resolution", "处理决定", "select", choices=tuple(PreservationResolution.choices)),
        Field("note", "处理说明", required=False),
    ),
    "extend_deadline": (Field("days", "延长天数", "int"), REASON),
    "submit_for_review": (),
    "return_for_investigation": (REASON,),
    "record_legal_review": (
        Field("passed", "审核结论", "select", choices=(("true", "通过"), ("false", "不通过"))),
        Field("opinion", "审核意见", "textarea"),
    ),
    "record_collective_discussion": (
        Field("minutes_reference", "集体讨论记录编号"),
        Field("conclusion", "讨论结论", "textarea", required=False),
    ),
    "notify": (
        Field("notified_on", "告知书送达日期", "date"),
        Field("facts", "违法事实", "textarea"),
        Field("reasons", "理由", "textarea"),
        Field("basis", "依据", "textarea"),
    ),
    "record_statement": (
        Field("heard_on", "陈述申辩日期", "date"),
        Field("summary", "陈述申辩要点", "textarea", required=False),
        Field("handling", "复核意见", "select", required=False, choices=tuple(StatementHandling.choices)),
    ),
    "waive_rights": (Field("waiver_reference", "当事人书面放弃的材料编号"),),
    "request_hearing": (Field("requested_on", "听证申请日期", "date"),),
    "schedule_hearing": (
        Field("hearing_date", "听证日期", "date"),
        Field("hearing_time", "开始时间", "time"),
        Field("place", "听证地点"),
        Field("presiding_officer_id", "听证主持人", "officer", help="非本案调查人员（第六十四条第一款第（四）项）"),
        Field("clerk_officer_id", "书记员", "officer", required=False),
        Field("public", "是否公开", "select", choices=(("true", "公开举行"), ("false", "不公开举行"))),
        Field("not_public_reason", "不公开的理由", required=False, help="涉及国家秘密、商业秘密或者个人隐私"),
        Field("notice_on", "听证通知送达日期", "date", help="应在举行听证的七个工作日前"),
    ),
    "record_hearing": (
        Field(
            "result", "听证结果", "select", choices=(("held", "已举行"), ("absent", "当事人无正当理由缺席或中途退出"))
        ),
        Field("record_reference", "听证笔录编号", required=False),
        Field("participants", "参加人员", required=False),
        Field("party_arguments", "当事人的主要意见（已举行时填写）", "textarea", required=False),
        Field("weighing", "对当事人意见的审查（采纳与否及理由）", "textarea", required=False),
        Field("record_summary", "听证笔录摘要", "textarea", required=False),
    ),
    "decide": (
        Field("outcome", "处理决定", "select", choices=tuple(Outcome.choices)),
        Field("decided_on", "决定日期", "date"),
        Field("receiving_body", "受移送的司法机关（移送时填写）", required=False),
    ),
    "decide_on_the_spot": (
        Field("rights_informed", "已口头告知违法事实、理由、依据和陈述申辩权利，并听取陈述申辩", "bool"),
        Field("decided_on", "决定日期", "date"),
    ),
    "file_summary_copy": (Field("filed_on", "备案日期", "date"),),
    "serve": (
        Field("method", "送达方式", "select", choices=tuple(ServiceMethod.choices)),
        Field("served_on", "送达日期", "date"),
        Field("recipient", "签收人", required=False),
    ),
    "amend_decision": (
        Field("kind", "变更方式", "select", choices=tuple(AmendmentKind.choices)),
        Field("reference", "依据文书编号"),
        Field("penalty", "变更后的处罚（复议、诉讼变更时填写）", "penalty", required=False),
        REASON,
    ),
    "record_payment": (
        Field("amount_yuan", "缴款金额（元）", "int"),
        Field("paid_on", "缴款日期", "date"),
        Field("receipt_no", "票据号", required=False),
    ),
    "collect_on_the_spot": (
        Field("hard_to_enforce_later", "不当场收缴事后难以执行", "bool", required=False),
        Field("remote_area", "边远、水上、交通不便地区，当事人提出", "bool", required=False),
        Field("receipt_no", "票据号", required=False),
    ),
    "approve_deferral": (
        Field("until", "暂缓至", "date"),
        Field("application_reference", "当事人申请材料编号"),
    ),
    "approve_instalments": (
        Field("instalments", "分期计划", "instalments", help="每行“日期 金额”，如 2026-04-01 2000"),
        Field("application_reference", "当事人申请材料编号"),
    ),
    "start_enforcement": (),
    "enforcement_agreement": (
        Field("agreement_reference", "执行协议编号"),
        Field("surcharge_waived_yuan", "减免的加处罚款（元）", "int"),
        REASON,
    ),
    "send_demand": (Field("served_on", "催告书送达日期", "date"),),
    "apply_to_court": (Field("court", "受理法院", required=False),),
    "suspend": (REASON,),
    "resume": (),
    "dismiss": (REASON,),
    "close": (Field("termination_basis", "终结执行依据（有未缴罚款时填写）", required=False),),
    "reopen": (REASON,),
}

PENALTY_SANCTIONS = tuple(SanctionKind.choices)


def action_params(action: str, post) -> dict[str, Any]:
    """The raw parameters of ``action`` from a POSTed form (strings; ``cases.params`` converts them)."""
    out: dict[str, Any] = {}
    for f in ACTION_FIELDS.get(action, ()):
        if f.kind == "bool":
            out[f.name] = post.get(f.name) in ("on", "true", "1")
        elif f.kind == "penalty":
            sanctions = post.getlist(f"{f.name}.sanctions")
            if sanctions:
                out[f.name] = {
                    "sanctions": sanctions,
                    "fine_yuan": post.get(f"{f.name}.fine_yuan") or 0,
                    "confiscation_yuan": post.get(f"{f.name}.confiscation_yuan") or 0,
                }
        else:
            value = post.get(f.name, "")
            if value != "":
                out[f.name] = value
    return out


class CaseForm(forms.Form):
    procedure = forms.ChoiceField(
        label="程序", choices=CaseProcedure.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    party = forms.CharField(label="当事人", widget=forms.HiddenInput, required=False)
    item_code = forms.ChoiceField(label="处罚事项", choices=())
    violation_date = forms.DateField(label="违法行为发生日", widget=forms.DateInput(attrs={"type": "date"}))
    violation_place = forms.CharField(label="违法行为发生地", max_length=200)
    summary = forms.CharField(label="案情摘要", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    source = forms.ChoiceField(label="案件来源", choices=CaseSource.choices, initial=CaseSource.INSPECTION)
    officer2 = forms.TypedChoiceField(label="协办执法人员", coerce=int, choices=())

    def __init__(self, *args, items=(), officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = [("", "请选择处罚事项"), *items]
        self.fields["officer2"].choices = [(o.pk, f"{o.name}（{o.licence_no}）") for o in officers]
        for f in self.fields.values():
            if isinstance(f.widget, forms.RadioSelect | forms.HiddenInput):
                continue
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")


def facts_from_post(specs, post) -> dict[str, Any]:
    """Facts of a catalog item from ``fact_<name>`` inputs, typed by the item's fact specs."""
    facts: dict[str, Any] = {}
    for spec in specs:
        key = f"fact_{spec.name}"
        raw = post.get(key, "")
        if spec.type == "bool":
            if raw in ("true", "false"):
                facts[spec.name] = raw == "true"
            continue
        raw = raw.strip()
        if raw == "":
            continue
        if spec.type == "int":
            try:
                facts[spec.name] = int(raw)
            except ValueError:
                raise DomainError("case.invalid_facts", f"{spec.label}应为整数", key) from None
        elif spec.type == "decimal":
            try:
                facts[spec.name] = str(Decimal(raw))
            except InvalidOperation:
                raise DomainError("case.invalid_facts", f"{spec.label}应为数字", key) from None
        else:
            facts[spec.name] = raw
    return facts


#: the record forms of the case page (询问笔录、现场笔录、责令改正); the API takes the same names
RECORD_FIELDS: dict[str, tuple[Field, ...]] = {
    "inquiry": (
        Field("started_at", "询问开始时间", "datetime"),
        Field("ended_at", "询问结束时间", "datetime"),
        Field("place", "询问地点"),
        Field("relation", "被询问人与本案关系", "select", choices=tuple((r, r) for r in RELATIONS)),
        Field("interviewee_name", "被询问人姓名", required=False, help="当事人或驾驶员不填，自动取案件登记信息"),
        Field("interviewee_id_number", "身份证件号码", required=False),
        Field("interviewee_phone", "联系电话", required=False),
        Field("interviewee_address", "住址", required=False),
        Field("inquirer", "询问人", "case_officer"),
        Field("recorder", "记录人", "case_officer"),
        Field("qa", "问答", "textarea", help="每问一行“问：……”，回答一行“答：……”"),
        Field("confirmation", "被询问人核对意见", required=False, help="默认：以上笔录我已看过，与我所说的一致"),
        Field("signed", "被询问人已签名", "select", choices=(("true", "已签名"), ("false", "拒绝签名"))),
        Field("refusal_note", "拒绝签名情况", required=False),
    ),
    "site": (
        Field("started_at", "检查开始时间", "datetime"),
        Field("ended_at", "检查结束时间", "datetime"),
        Field("place", "检查地点"),
        Field("officer1", "执法人员", "case_officer"),
        Field("officer2", "另一名执法人员", "case_officer"),
        Field("present", "在场人员"),
        Field("findings", "现场情况", "textarea"),
        Field("measures", "采取的措施", "textarea", required=False),
        Field("party_signed", "当事人签名", "select", choices=(("true", "已签名"), ("false", "拒绝签名"))),
        Field("refusal_note", "拒绝签名情况", required=False),
    ),
    "correction": (
        Field("issued_on", "责令日期", "date"),
        Field("requirement", "改正要求", "textarea"),
        Field("deadline", "改正期限", "date", required=False, help="不填为立即改正"),
        Field("basis", "依据", required=False, help="默认：《中华人民共和国行政处罚法》第二十八条第一款"),
    ),
}
RECORD_TITLES = {"inquiry": "询问笔录", "site": "现场笔录", "correction": "责令改正"}


def record_params(kind: str, post) -> dict[str, Any]:
    """The raw values of a record form (strings; the record services check and convert them)."""
    out: dict[str, Any] = {}
    for f in RECORD_FIELDS.get(kind, ()):
        value = post.get(f.name, "")
        if value != "":
            out[f.name] = value
    return out
