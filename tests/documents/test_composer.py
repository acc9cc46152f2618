from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.composer import compose
from zhifa.documents.reasoning.phrasebook import load_phrasebook
from zhifa.documents.reasoning.verifier import verify_draft

from .conftest import citable_for

SCENARIOS = list(samples.SAMPLES)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_four_parts_and_two_registers(scenario):
    r = compose(samples.sample(scenario))
    assert [p.key for p in r.parts] == ["facts", "law", "equity", "wording"]
    assert [p.title for p in r.parts] == ["事理", "法理", "情理", "文理"]
    assert all(p.paragraphs for p in r.parts)
    assert r.formal_text and r.plain_summary
    assert "您好" in r.plain_summary


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_composed_text_passes_its_own_verifier(scenario):
    ctx = samples.sample(scenario)
    r = compose(ctx)
    for text in (r.formal_text, r.plain_summary):
        result = verify_draft(text, ctx, citable_for(ctx), reference=r)
        assert result.accepted, result.as_dict()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_forbidden_phrase_in_either_register(scenario):
    r = compose(samples.sample(scenario))
    book = load_phrasebook()
    assert not book.find_forbidden(r.formal_text)
    assert not book.find_forbidden(r.plain_summary)


def test_facts_cite_evidence_by_number_and_figures_from_the_case():
    ctx = samples.offsite_overload()
    r = compose(ctx)
    facts = r.facts.text
    for e in ctx.evidence:
        assert f"证据{e.number}：{e.kind}" in facts
    assert "55000千克" in facts and "49000千克" in facts and "超限6000千克" in facts
    assert "豫R12345" in facts


def test_law_part_quotes_provisions_and_puts_the_trace_in_words():
    r = compose(samples.offsite_overload())
    law = r.law.text
    assert "违反了《公路安全保护条例》第三十三条的规定" in law
    assert "可以处3万元以下的罚款" in law  # quoted text of 第六十四条
    assert "《河南省交通运输行政处罚裁量基准》（版本HN-2026.1）" in law
    assert "【超限1000千克以上】" in law and "超限重量（千克）为6000" in law
    assert "罚款人民币3000元（大写：叁仟元整）" in law


def test_lists_and_severity_are_explained():
    law = compose(samples.onsite_road_transport()).law.text
    assert "从轻处罚清单" in law
    assert "本案违法情节认定为轻微" in law
    nop = compose(samples.first_offence_no_penalty())
    assert "首违不罚" in nop.law.text
    assert "不予行政处罚" in nop.law.text


def test_equity_weighs_circumstances_statements_and_remedies():
    ctx = samples.offsite_overload()
    eq = compose(ctx).equity.text
    assert "初次实施该违法行为" in eq
    assert "自行卸载超限部分货物" in eq
    assert "2026年3月8日提出申辩意见" in eq and "不予采纳" in eq
    assert "没有因你单位的陈述、申辩而加重处罚" in eq
    assert "60日内向南召县人民政府申请行政复议" in eq
    assert "6个月内依法向南召县人民法院提起行政诉讼" in eq
    assert "15日内" in eq and "3%加处罚款" in eq


def test_credit_path_follows_the_rule_in_force_on_the_decision_date():
    before = compose(samples.offsite_overload())  # decided 2026-03-20
    assert "国家发展改革委令第58号" in before.equity.text
    assert "2026年6月20日起" in before.equity.text
    after = compose(samples.onsite_road_transport())  # decided 2026-04-20
    assert "《信用修复管理办法》" in after.equity.text
    assert "2026年7月20日起" in after.equity.text


def test_the_party_is_addressed_as_person_or_body():
    person = compose(samples.onsite_road_transport()).formal_text
    body = compose(samples.offsite_overload()).formal_text
    assert "你（单位）" not in person and "你（单位）" not in body
    assert "对你作出如下行政处罚" in person
    assert "对你单位作出如下行政处罚" in body


def test_notice_speaks_of_an_intended_penalty_and_rights():
    ctx = samples.full_case().with_document("penalty_notice", "南召交执通〔2026〕0002号", statements=())
    r = compose(ctx)
    assert "本机关拟对你作出如下行政处罚" in r.law.text
    assert "5日内提出" in r.equity.text
    assert "申请行政复议" not in r.formal_text


def test_phrasebook_edits_change_the_wording_only():
    book = load_phrasebook()
    edited = replace(
        book,
        scenarios={
            **book.scenarios,
            "offsite_overload": {**book.scenarios["offsite_overload"], "closing": "请依法装载。"},
        },
    )
    r = compose(samples.offsite_overload(), edited)
    assert r.formal_paragraphs[-1] == "请依法装载。"


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fine=st.integers(min_value=1, max_value=30000), over=st.integers(min_value=1001, max_value=80000))
def test_every_number_comes_from_the_context(fine, over):
    base = samples.offsite_overload()
    d = replace(base.decision, fine_yuan=fine, trace=())
    ctx = replace(base, decision=d, facts={**base.facts, "over_kg": over})
    r = compose(ctx)
    assert f"罚款人民币{fine}元" in r.formal_text
    assert f"超限{over}千克" in r.formal_text
    # no number appears that the context (or the date arithmetic on it) does not hold
    known = _numbers(" ".join(str(v) for v in ctx.to_dict().values())) | _numbers(str(ctx.to_dict()))
    credit = r.credit
    assert credit is not None
    # figures of the credit rule data (order number) and the date arithmetic on the case
    known |= _numbers(credit.regime.citation) | _numbers(credit.earliest_repair.isoformat())
    known |= {"1", "2", "3"}  # enumeration of the trace steps
    stray = {n.lstrip("0") or "0" for n in _numbers(r.formal_text)} - {n.lstrip("0") or "0" for n in known}
    assert not stray, stray
    assert verify_draft(r.formal_text, ctx, citable_for(ctx), reference=r).accepted
