from __future__ import annotations

import pytest

from zhifa.catalog.conditions import ConditionError, compile_condition
from zhifa.catalog.search import search
from zhifa.catalog.texts import cn_to_int, cut, int_to_cn, parse_law
from zhifa.catalog.yamlload import catalog


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("六轴货车超载", "overload.weight"),
        ("黑车拉货", "road_transport.unlicensed_freight"),
        ("网约车没有运输证", "ride_hailing.no_vehicle_permit"),
        ("车辆遗洒污染路面", "highway.spillage"),
        ("危险品无证运输", "road_transport.unlicensed_dangerous_goods"),
        ("擅自挖路", "highway.excavation"),
        ("短途驳载", "overload.evasion"),
    ],
)
def test_search_finds_the_right_item(query, first):
    hits = search(query, kinds={"item"})
    assert hits and hits[0].id == first


def test_search_finds_provisions_too():
    hits = search("第三十七条 从旧兼从轻 处罚较轻", kinds={"provision"})
    assert hits and hits[0].id == "XZCFF-37"


def test_search_empty_query():
    assert search("，。") == []


def test_chinese_numerals_round_trip():
    for n in range(1, 1000):
        assert cn_to_int(int_to_cn(n)) == n
    assert int_to_cn(103) == "一百零三" and int_to_cn(10) == "十" and int_to_cn(63) == "六十三"


def test_cut_paragraphs_and_items():
    law = parse_law(
        "# 某法\n<!-- INFO END -->\n第一条 总则。\n\n"
        "第二条 有下列情形之一的，处罚：\n（一）甲；\n（二）乙。\n前款规定以外的，不罚。\n"
    )
    assert cut(law, 2, 1, 2) == ("（二）乙。", "有下列情形之一的，处罚：")
    assert cut(law, 2, 2) == ("前款规定以外的，不罚。", None)
    assert "（一）甲；" in cut(law, 2)[0]


def test_provision_texts_are_cut_from_the_statute_files():
    cat = catalog()
    p = cat.provisions["DLYS23-63-1-1"]
    assert p.text.startswith("（一）未取得道路运输经营许可，擅自从事道路普通货物运输经营")
    assert "1倍以上5倍以下" in p.text
    assert p.citation == "《道路运输条例（2023）》第六十三条第一款第（一）项"
    assert cat.provisions["DLYS22-63"].text.count("2倍以上10倍以下") == 1
    assert "每超1000千克罚款500元" in cat.provisions["CXGD-43-1-2"].text
    assert cat.provisions["CXGD-3-1"].text is None and cat.provisions["CXGD-3-1"].text_missing_reason


def test_conditions_three_valued():
    c = compile_condition('first_offence and harm in ("none", "minor")')
    assert c({"first_offence": True, "harm": "none"}) is True
    assert c({"first_offence": False}) is False  # false regardless of the missing fact
    assert c({"first_offence": True}) is None
    assert c.missing({"first_offence": True}) == ["harm"]
    assert compile_condition("not serious")({}) is None
    assert compile_condition("a or b")({"b": True}) is True
    assert compile_condition("10000 <= x <= 20000")({"x": 20000}) is True
    with pytest.raises(ConditionError):
        compile_condition("__import__('os')")
    with pytest.raises(ConditionError):
        compile_condition("x.y > 1")
