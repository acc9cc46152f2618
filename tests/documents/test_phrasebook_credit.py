from __future__ import annotations

from datetime import date

import pytest

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.context import DecisionInfo
from zhifa.documents.reasoning.credit import (
    ClassMapping,
    CreditRuleError,
    classify,
    credit_for_context,
    credit_publicity,
    load_rules,
)
from zhifa.documents.reasoning.phrasebook import (
    PhrasebookError,
    check_phrasebook,
    load_phrasebook,
    parse_phrasebook,
)
from zhifa.documents.reasoning.prevention import risk_notice_for

# ---- phrasebook -----------------------------------------------------------------------------


def test_default_phrasebook_has_every_scenario_and_no_problems():
    book = load_phrasebook()
    assert check_phrasebook(book) == []
    assert {"offsite_overload", "ride_hailing", "highway_admin"} <= set(book.scenarios)
    assert len(book.forbidden) >= 15


@pytest.mark.parametrize("text", ["罚了再说", "罚 了 再 说", "你去告吧！", "这事我说了算。"])
def test_forbidden_phrases_are_found_through_spaces_and_punctuation(text):
    assert load_phrasebook().find_forbidden(text)


def test_check_reports_what_an_editor_must_fix():
    book = parse_phrasebook(
        """
version: x
common:
  opening: 你好{nickname}
  closing: 罚了再说
  facts_intro: 罚款3000元
scenarios:
  offsite_overload: {name: 超限}
forbidden: [罚了再说]
"""
    )
    codes = {p.code for p in check_phrasebook(book)}
    assert {
        "unknown_placeholder",
        "forbidden_in_phrase",
        "number_in_phrase",
        "missing_scenario",
        "missing_phrase",
    } <= codes


def test_a_phrase_needing_a_value_the_case_lacks_is_an_error_not_a_blank():
    book = load_phrasebook()
    with pytest.raises(PhrasebookError) as e:
        book.fill("offsite_overload", "remedies", {"review_days": 60})
    assert e.value.code == "phrasebook.missing_value"


# ---- credit repair --------------------------------------------------------------------------


def test_rules_are_dated_data():
    rules = load_rules()
    assert [r.code for r in rules] == ["ndrc_2023_58", "ndrc_2025_36"]
    assert rules[0].articles == "UNCONFIRMED"


@pytest.mark.parametrize(
    ("day", "cls", "rule", "min_m", "max_m", "earliest"),
    [
        (date(2026, 3, 31), "ordinary", "ndrc_2023_58", 3, 36, date(2026, 6, 30)),
        (date(2026, 4, 1), "ordinary", "ndrc_2025_36", 3, 12, date(2026, 7, 1)),
        (date(2026, 4, 1), "serious", "ndrc_2025_36", 12, 36, date(2027, 4, 1)),
        (date(2024, 8, 31), "serious", "ndrc_2023_58", 3, 36, date(2024, 11, 30)),
    ],
)
def test_periods_switch_on_2026_04_01(day, cls, rule, min_m, max_m, earliest):
    p = credit_publicity(day, cls)
    assert p.regime.code == rule
    assert (p.credit_class.min_months, p.credit_class.max_months) == (min_m, max_m)
    assert p.earliest_repair == earliest


def test_minor_failings_are_not_published_under_the_2026_rule():
    p = credit_publicity(date(2026, 5, 1), "minor")
    assert not p.published and p.earliest_repair is None


def test_special_sectors_had_a_one_year_minimum_under_the_2023_rule():
    p = credit_publicity(date(2025, 1, 10), "ordinary", sector="special")
    assert p.credit_class.min_months == 12
    assert p.earliest_repair == date(2026, 1, 10)


def test_a_date_before_the_data_fails_loudly():
    with pytest.raises(CreditRuleError) as e:
        credit_publicity(date(2022, 1, 1), "ordinary")
    assert e.value.code == "credit.no_rule_in_force"


def test_class_mapping_is_a_parameter_with_a_documented_default():
    summary = DecisionInfo("penalty", ("fine",), 200, procedure="summary")
    warning = DecisionInfo("penalty", ("warning",))
    fine = DecisionInfo("penalty", ("fine",), 3000)
    revoke = DecisionInfo("penalty", ("fine", "revoke_licence"), 3000)
    big = DecisionInfo("penalty", ("fine",), 150_000)
    assert [classify(d) for d in (summary, warning, fine, revoke, big)] == [
        "minor",
        "minor",
        "ordinary",
        "serious",
        "serious",
    ]
    strict = ClassMapping(summary_is_minor=False, serious_fine_yuan=None)
    assert classify(summary, strict) == "ordinary"
    assert classify(big, strict) == "ordinary"


def test_no_penalty_has_no_publicity():
    assert credit_for_context(samples.first_offence_no_penalty()) is None


# ---- risk points ----------------------------------------------------------------------------


def test_risk_notice_uses_item_prefix_then_scenario():
    n = risk_notice_for(samples.offsite_overload())
    assert n.violation is not None and n.violation.key == "overload."
    assert n.sector.key == "freight"
    h = risk_notice_for(samples.highway_admin())
    assert h.violation is not None and h.violation.key == "highway.excavation"
    assert h.sector.key == "highway_user"
