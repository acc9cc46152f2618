"""Enumerations of the case procedure (pure: no Django).

``workflow.py`` and ``deadlines.py`` use these; the Django ``choices.py`` of the cases app builds its
``TextChoices`` from them (value, Chinese label and badge colour), so there is one list of states and
actions in the project. Names follow /work/shared/GLOSSARY.md.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"  # 登记中: a lead or an on-the-spot case being written up
    PENDING_FILING = "pending_filing"  # 待立案审批: 《立案登记表》 submitted to the head
    FILED = "filed"  # 已立案
    INVESTIGATING = "investigating"  # 调查取证
    UNDER_REVIEW = "under_review"  # 审核（法制审核、集体讨论、负责人审查）
    NOTIFIED = "notified"  # 已告知（陈述申辩、听证）
    DECIDED = "decided"  # 已决定
    SERVED = "served"  # 已送达（履行期）
    EXECUTING = "executing"  # 执行中（逾期：加处罚款、催告、申请法院强制执行）
    SUSPENDED = "suspended"  # 已中止
    TRANSFERRED = "transferred"  # 已移送（移送管辖或移送司法机关）
    CLOSED = "closed"  # 已结案
    DISMISSED = "dismissed"  # 已终止（不予立案、撤销立案）


STATE_LABELS: dict[State, str] = {
    State.DRAFT: "登记中",
    State.PENDING_FILING: "待立案审批",
    State.FILED: "已立案",
    State.INVESTIGATING: "调查取证",
    State.UNDER_REVIEW: "审核中",
    State.NOTIFIED: "已告知",
    State.DECIDED: "已决定",
    State.SERVED: "已送达",
    State.EXECUTING: "执行中",
    State.SUSPENDED: "已中止",
    State.TRANSFERRED: "已移送",
    State.CLOSED: "已结案",
    State.DISMISSED: "不予立案/已撤案",
}

# Bootstrap badge colours for lists and the case page.
STATE_BADGES: dict[State, str] = {
    State.DRAFT: "secondary",
    State.PENDING_FILING: "info",
    State.FILED: "primary",
    State.INVESTIGATING: "primary",
    State.UNDER_REVIEW: "warning",
    State.NOTIFIED: "warning",
    State.DECIDED: "info",
    State.SERVED: "info",
    State.EXECUTING: "danger",
    State.SUSPENDED: "secondary",
    State.TRANSFERRED: "dark",
    State.CLOSED: "success",
    State.DISMISSED: "dark",
}

# States in which nothing may change except through ``reopen``.
LOCKED_STATES = frozenset({State.CLOSED, State.DISMISSED})


class Procedure(StrEnum):
    SUMMARY = "summary"  # 简易程序（当场处罚）
    GENERAL = "general"  # 普通程序


PROCEDURE_LABELS: dict[Procedure, str] = {Procedure.SUMMARY: "简易程序", Procedure.GENERAL: "普通程序"}


class PartyKind(StrEnum):
    PERSON = "person"  # 公民
    ORGANISATION = "organisation"  # 法人或者其他组织


PARTY_KIND_LABELS: dict[PartyKind, str] = {
    PartyKind.PERSON: "公民",
    PartyKind.ORGANISATION: "法人或者其他组织",
}


class SanctionKind(StrEnum):
    """Kinds of administrative penalty (行政处罚法 第9条) that transport agencies impose."""

    WARNING = "warning"  # 警告
    PUBLIC_CRITICISM = "public_criticism"  # 通报批评
    FINE = "fine"  # 罚款
    CONFISCATE_INCOME = "confiscate_income"  # 没收违法所得
    CONFISCATE_PROPERTY = "confiscate_property"  # 没收非法财物
    SUSPEND_LICENCE = "suspend_licence"  # 暂扣许可证件
    DOWNGRADE_QUALIFICATION = "downgrade_qualification"  # 降低资质等级
    REVOKE_LICENCE = "revoke_licence"  # 吊销许可证件
    RESTRICT_ACTIVITY = "restrict_activity"  # 限制开展生产经营活动
    SUSPEND_BUSINESS = "suspend_business"  # 责令停产停业
    ORDER_CLOSURE = "order_closure"  # 责令关闭
    RESTRICT_PRACTICE = "restrict_practice"  # 限制从业


SANCTION_LABELS: dict[SanctionKind, str] = {
    SanctionKind.WARNING: "警告",
    SanctionKind.PUBLIC_CRITICISM: "通报批评",
    SanctionKind.FINE: "罚款",
    SanctionKind.CONFISCATE_INCOME: "没收违法所得",
    SanctionKind.CONFISCATE_PROPERTY: "没收非法财物",
    SanctionKind.SUSPEND_LICENCE: "暂扣许可证件",
    SanctionKind.DOWNGRADE_QUALIFICATION: "降低资质等级",
    SanctionKind.REVOKE_LICENCE: "吊销许可证件",
    SanctionKind.RESTRICT_ACTIVITY: "限制开展生产经营活动",
    SanctionKind.SUSPEND_BUSINESS: "责令停产停业",
    SanctionKind.ORDER_CLOSURE: "责令关闭",
    SanctionKind.RESTRICT_PRACTICE: "限制从业",
}

# Order of severity, used to decide whether a new penalty is heavier than an earlier one when it
# adds a kind of sanction (第45条). Reputation < money < licences < business.
SANCTION_RANK: dict[SanctionKind, int] = {
    SanctionKind.WARNING: 1,
    SanctionKind.PUBLIC_CRITICISM: 2,
    SanctionKind.FINE: 3,
    SanctionKind.CONFISCATE_INCOME: 4,
    SanctionKind.CONFISCATE_PROPERTY: 4,
    SanctionKind.SUSPEND_LICENCE: 5,
    SanctionKind.DOWNGRADE_QUALIFICATION: 6,
    SanctionKind.RESTRICT_ACTIVITY: 6,
    SanctionKind.RESTRICT_PRACTICE: 7,
    SanctionKind.SUSPEND_BUSINESS: 7,
    SanctionKind.REVOKE_LICENCE: 8,
    SanctionKind.ORDER_CLOSURE: 9,
}


class Outcome(StrEnum):
    """What the head decides after the investigation (第57条第1款)."""

    PENALTY = "penalty"  # (一) 给予行政处罚
    NO_PENALTY = "no_penalty"  # (二) 违法行为轻微，依法不予行政处罚
    NOT_ESTABLISHED = "not_established"  # (三) 违法事实不能成立，不予行政处罚
    TRANSFER_JUDICIAL = "transfer_judicial"  # (四) 涉嫌犯罪，移送司法机关


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.PENALTY: "给予行政处罚",
    Outcome.NO_PENALTY: "不予行政处罚（违法行为轻微）",
    Outcome.NOT_ESTABLISHED: "不予行政处罚（违法事实不能成立）",
    Outcome.TRANSFER_JUDICIAL: "移送司法机关",
}


class AmendmentKind(StrEnum):
    """The documented ways a decision may change after it has been made."""

    CLERICAL = "clerical"  # 文字错误更正（不改变处罚内容）
    CHANGED_ON_REVIEW = "changed_on_review"  # 复议或诉讼变更
    REVOKED_ON_REVIEW = "revoked_on_review"  # 复议或诉讼撤销、确认违法或无效
    REDO_ON_REVIEW = "redo_on_review"  # 撤销并责令重新作出
    SELF_CORRECTED = "self_corrected"  # 行政机关自行纠错撤销（第75条）


AMENDMENT_LABELS: dict[AmendmentKind, str] = {
    AmendmentKind.CLERICAL: "更正文字错误",
    AmendmentKind.CHANGED_ON_REVIEW: "依复议决定或判决变更",
    AmendmentKind.REVOKED_ON_REVIEW: "依复议决定或判决撤销",
    AmendmentKind.REDO_ON_REVIEW: "依复议决定或判决重新作出",
    AmendmentKind.SELF_CORRECTED: "自行纠错撤销",
}


class Role(StrEnum):
    OFFICER = "officer"  # 执法人员（持执法证）
    HEAD = "head"  # 负责人
    LEGAL_REVIEWER = "legal_reviewer"  # 法制审核人员
    SUPERVISOR = "supervisor"  # 监督人员（只读）


ROLE_LABELS: dict[Role, str] = {
    Role.OFFICER: "执法人员",
    Role.HEAD: "负责人",
    Role.LEGAL_REVIEWER: "法制审核人员",
    Role.SUPERVISOR: "监督人员",
}


class Action(StrEnum):
    REQUEST_FILING = "request_filing"
    FILE = "file"
    REFUSE_FILING = "refuse_filing"
    TRANSFER = "transfer"
    START_INVESTIGATION = "start_investigation"
    PRESERVE_EVIDENCE = "preserve_evidence"
    RESOLVE_PRESERVATION = "resolve_preservation"
    EXTEND_DEADLINE = "extend_deadline"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    RETURN_FOR_INVESTIGATION = "return_for_investigation"
    RECORD_LEGAL_REVIEW = "record_legal_review"
    RECORD_COLLECTIVE_DISCUSSION = "record_collective_discussion"
    NOTIFY = "notify"
    RECORD_STATEMENT = "record_statement"
    WAIVE_RIGHTS = "waive_rights"
    REQUEST_HEARING = "request_hearing"
    SCHEDULE_HEARING = "schedule_hearing"
    RECORD_HEARING = "record_hearing"
    DECIDE = "decide"
    DECIDE_ON_THE_SPOT = "decide_on_the_spot"
    FILE_SUMMARY_COPY = "file_summary_copy"
    SERVE = "serve"
    AMEND_DECISION = "amend_decision"
    RECORD_PAYMENT = "record_payment"
    COLLECT_ON_THE_SPOT = "collect_on_the_spot"
    APPROVE_DEFERRAL = "approve_deferral"
    APPROVE_INSTALMENTS = "approve_instalments"
    START_ENFORCEMENT = "start_enforcement"
    ENFORCEMENT_AGREEMENT = "enforcement_agreement"
    SEND_DEMAND = "send_demand"
    APPLY_TO_COURT = "apply_to_court"
    SUSPEND = "suspend"
    RESUME = "resume"
    DISMISS = "dismiss"
    CLOSE = "close"
    REOPEN = "reopen"


ACTION_LABELS: dict[Action, str] = {
    Action.REQUEST_FILING: "提请立案",
    Action.FILE: "批准立案",
    Action.REFUSE_FILING: "不予立案",
    Action.TRANSFER: "移送",
    Action.START_INVESTIGATION: "开始调查取证",
    Action.PRESERVE_EVIDENCE: "先行登记保存证据",
    Action.RESOLVE_PRESERVATION: "对登记保存证据作出处理决定",
    Action.EXTEND_DEADLINE: "延长办案期限",
    Action.SUBMIT_FOR_REVIEW: "调查终结，提交审核",
    Action.RETURN_FOR_INVESTIGATION: "退回补充调查",
    Action.RECORD_LEGAL_REVIEW: "法制审核",
    Action.RECORD_COLLECTIVE_DISCUSSION: "集体讨论",
    Action.NOTIFY: "告知拟作出的行政处罚",
    Action.RECORD_STATEMENT: "记录陈述申辩",
    Action.WAIVE_RIGHTS: "当事人放弃陈述申辩和听证权利",
    Action.REQUEST_HEARING: "登记听证申请",
    Action.SCHEDULE_HEARING: "通知听证",
    Action.RECORD_HEARING: "记录听证",
    Action.DECIDE: "作出决定",
    Action.DECIDE_ON_THE_SPOT: "当场作出行政处罚决定",
    Action.FILE_SUMMARY_COPY: "当场处罚决定书备案",
    Action.SERVE: "送达决定书",
    Action.AMEND_DECISION: "变更决定（更正、复议诉讼结果、自行纠错）",
    Action.RECORD_PAYMENT: "登记缴款",
    Action.COLLECT_ON_THE_SPOT: "当场收缴罚款",
    Action.APPROVE_DEFERRAL: "批准暂缓缴纳",
    Action.APPROVE_INSTALMENTS: "批准分期缴纳",
    Action.START_ENFORCEMENT: "转入强制执行",
    Action.ENFORCEMENT_AGREEMENT: "达成执行协议（减免加处罚款）",
    Action.SEND_DEMAND: "催告",
    Action.APPLY_TO_COURT: "申请人民法院强制执行",
    Action.SUSPEND: "中止",
    Action.RESUME: "恢复",
    Action.DISMISS: "撤销立案",
    Action.CLOSE: "结案",
    Action.REOPEN: "重新开启",
}
