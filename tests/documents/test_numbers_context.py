from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.context import (
    ContextError,
    DocumentContext,
    decision_info_from,
    normalise_doc_number,
)
from zhifa.documents.reasoning.numbers import amount_capital, cn_date, cn_datetime, int_to_cn, parse_cn_int


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十五", 15),
        ("六十", 60),
        ("三十三", 33),
        ("叁仟伍佰", 3500),
        ("二〇二六", 2026),
        ("叁万零伍佰", 30500),
        ("壹拾万", 100000),
    ],
)
def test_parse_cn_int(text, value):
    assert parse_cn_int(text) == value


@pytest.mark.parametrize(
    ("yuan", "text"),
    [(3000, "叁仟元整"), (30500, "叁万零伍佰元整"), (1001, "壹仟零壹元整"), (100000, "壹拾万元整"), (200, "贰佰元整")],
)
def test_amount_capital(yuan, text):
    assert amount_capital(yuan) == text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_capital_amount_reads_back(n):
    assert parse_cn_int(amount_capital(n).removesuffix("元整")) == n


@given(st.integers(min_value=0, max_value=9999))
def test_article_numerals_read_back(n):
    assert parse_cn_int(int_to_cn(n)) == n


def test_dates_print_without_leading_zeros():
    assert cn_date(date(2026, 3, 5)) == "2026年3月5日"
    assert cn_datetime(datetime(2026, 3, 5, 9, 7)) == "2026年3月5日9时07分"


@pytest.mark.parametrize(
    "raw", ["南召交执罚[2026]0001号", "南召交执罚（2026）0001号", "南召交执罚(2026)0001号", "南召交执罚【2026】0001号"]
)
def test_document_numbers_use_hexagonal_brackets(raw):
    assert normalise_doc_number(raw) == "南召交执罚〔2026〕0001号"


def test_context_normalises_numbers_and_validates():
    ctx = samples.sample("offsite_overload", case_number="南召交执罚[2026]0001号")
    assert ctx.case_number == "南召交执罚〔2026〕0001号"
    with pytest.raises(ContextError) as e:
        samples.sample("offsite_overload", document_type="memo")
    assert e.value.code == "documents.unknown_type"
    bad = samples.offsite_overload().evidence[0].__class__(9, "照片", "x")
    with pytest.raises(ContextError) as e:
        samples.sample("offsite_overload", evidence=(bad,))
    assert e.value.code == "documents.evidence_kind"


@pytest.mark.parametrize("scenario", list(samples.SAMPLES))
def test_context_round_trips_through_plain_dicts(scenario):
    ctx = samples.sample(scenario)
    again = DocumentContext.from_dict(ctx.to_dict())
    assert again == ctx


def test_from_dict_rejects_unknown_fields():
    data = samples.offsite_overload().to_dict()
    data["party"]["nickname"] = "x"
    with pytest.raises(ContextError):
        DocumentContext.from_dict(data)


def test_from_decision_reads_a_catalog_decision_by_attribute():
    decision = SimpleNamespace(
        outcome="penalty",
        sanctions=["fine"],
        fine_yuan=SimpleNamespace(min=0, max=30000, proposed=2500),
        severity="ordinary",
        lists=["lighter"],
        trace=[
            {
                "provision": {"law_title": "《公路安全保护条例》", "article": "第六十四条", "text": "…"},
                "condition": "超限5000千克",
                "facts_used": {"over_kg": 5000},
                "result": "罚款2500元",
            }
        ],
        catalog_version="HN-2026.1",
    )
    info = decision_info_from(decision, item_name="车辆违法超限运输")
    assert info.fine_yuan == 2500
    assert (info.fine_range.min, info.fine_range.max) == (0, 30000)
    assert info.trace[0].provision.label == "《公路安全保护条例》第六十四条"
    assert info.lists == ("lighter",)
    base = samples.offsite_overload()
    ctx = DocumentContext.from_decision(
        {"outcome": "penalty", "sanctions": ["fine"], "fine_yuan": 2500, "trace": [], "catalog_version": "v1"},
        agency=base.agency,
        case_number=base.case_number,
        document_type="penalty_decision",
        party=base.party,
    )
    assert ctx.fine == 2500


def test_all_provisions_include_remedies_and_payment():
    labels = [p.label for p in samples.offsite_overload().all_provisions()]
    assert "《中华人民共和国行政复议法》第二十条" in labels
    assert "《中华人民共和国行政诉讼法》第四十六条" in labels
    assert "《中华人民共和国行政处罚法》第七十二条" in labels
