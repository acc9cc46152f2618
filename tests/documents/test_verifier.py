"""Verifier table: each tampering of a correct draft must be caught with its stable code."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.citations import CitableProvisions, parse_citations
from zhifa.documents.reasoning.composer import compose
from zhifa.documents.reasoning.numbers import amount_capital
from zhifa.documents.reasoning.verifier import PROBLEM_CODES, verify_draft

from .conftest import citable_for


@pytest.fixture(scope="module")
def base():
    ctx = samples.offsite_overload()
    return ctx, compose(ctx).formal_text


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


TAMPERINGS = [
    # (name, edit(text) -> text, expected code)
    ("changed fine", lambda t: _edit(t, "罚款人民币3000元", "罚款人民币5000元"), "amount_mismatch"),
    ("changed capital amount", lambda t: _edit(t, "叁仟元整", "伍仟元整"), "amount_mismatch"),
    ("fine in 万元", lambda t: _edit(t, "罚款人民币3000元", "罚款人民币0.5万元"), "amount_mismatch"),
    (
        "fine dropped",
        lambda t: t.replace("罚款人民币3000元（大写：叁仟元整）", "罚款").replace("罚款3000元", "罚款"),
        "amount_missing",
    ),
    ("changed date", lambda t: _edit(t, "2026年2月26日", "2026年2月27日"), "date_mismatch"),
    ("date in ISO form", lambda t: t + "\n本决定于2026-03-21作出。", "date_mismatch"),
    ("changed weight", lambda t: _edit(t, "55000千克", "58000千克"), "weight_mismatch"),
    ("weight in tonnes", lambda t: t + "\n车货总质量达60吨。", "weight_mismatch"),
    ("changed plate", lambda t: _edit(t, "豫R12345号", "豫R54321号"), "plate_mismatch"),
    ("new person", lambda t: t + "\n驾驶员王小二对违法事实无异议。", "name_mismatch"),
    ("new company", lambda t: t + "\n货物由南阳宏发砂石有限公司装载。", "name_mismatch"),
    ("other court", lambda t: _edit(t, "南召县人民法院", "南阳市中级人民法院"), "name_mismatch"),
    ("other document number", lambda t: t + "\n本决定书文号为南召交执罚决〔2026〕0099号。", "number_mismatch"),
    ("invented article", lambda t: t + "\n依据《公路安全保护条例》第九十九条的规定。", "unknown_article"),
    ("law outside the catalog", lambda t: t + "\n依据《山东省公路路政条例》第十条。", "unknown_article"),
    (
        "existing article not in the case",
        lambda t: t + "\n同时依据《中华人民共和国公路法》第七十六条。",
        "article_not_in_case",
    ),
    ("repealed procedure rule", lambda t: t + "\n依据《交通行政处罚程序规定》第二十五条。", "repealed_law"),
    ("repealed credit rule", lambda t: t + "\n依据《失信行为纠正后的信用信息修复管理办法（试行）》第十条。", None),
    (
        "old version of a law",
        lambda t: t + "\n依据《中华人民共和国道路运输条例》（2022年修订）第六十八条。",
        "wrong_version",
    ),
    ("old benchmark version", lambda t: _edit(t, "版本HN-2026.1", "版本HN-2024.2"), "wrong_version"),
    ("forbidden phrase", lambda t: t + "\n不服你去告吧。", "forbidden_phrase"),
    ("invented accident", lambda t: t + "\n该车超限运输导致交通事故。", "invented_fact"),
    ("invented repeat offence", lambda t: t + "\n当事人一年内已多次违法超限运输。", "invented_fact"),
    (
        "invented place",
        lambda t: _edit(t, "南召县治超检测点，车货", "南召县治超检测点后驶入洛阳市，车货"),
        "invented_fact",
    ),
    ("invented road", lambda t: _edit(t, "G207线K1120+300", "G312线K1120+300"), "invented_fact"),
    ("invented count", lambda t: t + "\n该车本月已通行17次。", "invented_fact"),
    ("invented count in characters", lambda t: t + "\n该车本月已通行十七次。", "invented_fact"),
    ("misquoted provision", lambda t: _edit(t, "可以处3万元以下的罚款", "可以处5万元以下的罚款"), "invented_fact"),
]


@pytest.mark.parametrize(("name", "edit", "code"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_tampering_is_caught(base, overload_citable, name, edit, code):
    ctx, text = base
    result = verify_draft(edit(text), ctx, overload_citable)
    assert not result.accepted
    if code is not None:
        assert code in result.codes, result.as_dict()
    assert all(p.code in PROBLEM_CODES for p in result.problems)


def test_repealed_credit_rule_is_repealed_after_the_switch():
    ctx = samples.onsite_road_transport()  # decided 2026-04-20, violation 2026-04-01
    text = compose(ctx).formal_text + "\n依据《失信行为纠正后的信用信息修复管理办法（试行）》第十条。"
    result = verify_draft(text, ctx, citable_for(ctx))
    assert "repealed_law" in result.codes


def test_the_correct_draft_is_accepted_and_so_is_a_rewording(base, overload_citable):
    ctx, text = base
    assert verify_draft(text, ctx, overload_citable).accepted
    reworded = (
        text.replace("本机关予以肯定", "本机关对此予以认可")
        .replace("希望你单位加强车辆装载管理", "请你单位今后加强装载管理")
        .replace("本案未发现造成其他危害后果。", "本案未造成交通事故，也未发现其他危害后果。")
    )
    result = verify_draft(reworded, ctx, overload_citable)
    assert result.accepted, result.as_dict()


def test_a_short_plain_draft_with_correct_figures_is_accepted(overload_ctx, overload_citable):
    draft = (
        "南召县顺达物流有限公司，您好：您的车辆豫R12345于2026年2月26日在G207线K1120+300处"
        "经检测车货总质量55000千克，超过限定标准49000千克。依据《公路安全保护条例》第六十四条，"
        "我们决定罚款3000元，请在15日内缴纳。不服的，可以在60日内向南召县人民政府申请行政复议，"
        "或者在6个月内向南召县人民法院起诉。"
    )
    result = verify_draft(draft, overload_ctx, overload_citable)
    assert result.accepted, result.as_dict()


def test_empty_draft():
    ctx = samples.offsite_overload()
    assert verify_draft("  ", ctx).codes == ("empty_draft",)


def test_result_shape_is_the_cli_contract(base, overload_citable):
    ctx, text = base
    d = verify_draft(text + "罚了再说", ctx, overload_citable).as_dict()
    assert set(d) == {"accepted", "problems"}
    assert d["accepted"] is False
    assert set(d["problems"][0]) == {"code", "detail"}


def test_without_a_catalog_the_case_provisions_are_the_citable_set(base):
    ctx, text = base
    assert verify_draft(text, ctx).accepted
    assert "unknown_article" in verify_draft(text + "依据《中华人民共和国公路法》第七十六条。", ctx).codes


def test_citation_parser_attaches_bare_articles_to_the_last_title():
    cs = parse_citations("依据《公路安全保护条例》第三十三条、第六十四条；另见第五条。")
    assert [(c.law, c.article) for c in cs] == [("公路安全保护条例", 33), ("公路安全保护条例", 64), ("", 5)]
    c = parse_citations("《中华人民共和国道路运输条例》（2022年修订）第六十八条第一款第（二）项")[0]
    assert (c.law, c.article, c.paragraph, c.item, c.version_hint) == ("道路运输条例", 68, 1, 2, "2022")


def test_citable_set_from_records():
    cit = CitableProvisions.from_records(
        [{"law_title": "《公路安全保护条例》", "article": "第六十四条"}],
        [{"title": "公路安全保护条例", "effective_from": "2011-07-01"}],
    )
    assert cit.knows_law("公路安全保护条例")
    assert cit.entries_for("公路安全保护条例")[0].article == 64


@pytest.mark.parametrize("scenario", list(samples.SAMPLES))
def test_plain_summaries_with_a_wrong_amount_are_rejected(scenario):
    ctx = samples.sample(scenario)
    if not (ctx.decision and ctx.decision.has_fine):
        pytest.skip("no fine")
    plain = compose(ctx).plain_summary
    bad = plain.replace(f"罚款{ctx.decision.fine_yuan}元", f"罚款{ctx.decision.fine_yuan + 100}元")
    assert "amount_mismatch" in verify_draft(bad, ctx, citable_for(ctx)).codes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.integers(min_value=1, max_value=99_999).filter(lambda a: a != 3000),
    capital=st.booleans(),
)
def test_any_other_fine_amount_is_caught(base, overload_citable, amount, capital):
    ctx, text = base
    written = amount_capital(amount) if capital else f"{amount}元"
    bad = text.replace("罚款人民币3000元（大写：叁仟元整）", f"罚款人民币{written}")
    result = verify_draft(bad, ctx, overload_citable)
    assert {"amount_mismatch", "amount_missing"} & set(result.codes), (written, result.as_dict())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_any_date_the_case_does_not_hold_is_caught(base, overload_citable, day):
    ctx, text = base
    assume(day not in ctx.dates() and day not in (date(2026, 6, 20),))
    bad = text + f"\n本决定于{day.year}年{day.month}月{day.day}日送达。"
    assert "date_mismatch" in verify_draft(bad, ctx, overload_citable).codes
