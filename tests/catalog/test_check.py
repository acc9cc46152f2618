"""zhifa catalog check: the shipped catalog is clean, and each kind of defect is reported."""

from __future__ import annotations

import pytest

from tests.catalog.conftest import edit
from zhifa.catalog.check import run_check
from zhifa.catalog.yamlload import CatalogError, load_catalog


def test_shipped_catalog_is_clean():
    report = run_check()
    assert report.problems == []
    assert report.stats["事项"] >= 30
    # provisions without text are listed as notes with their reason
    assert any("CXGD-3-1" in n and "无原文" in n for n in report.notes)


def test_overlapping_tiers_are_reported(data_copy):
    d = data_copy()
    # let 安顺 "严重" start at a loss above 15000 yuan: 15001–20000 then matches 较重 and 严重
    edit(d / "items/highway.yaml", "(20000 < road_asset_loss_yuan or", "(15000 < road_asset_loss_yuan or")
    report = run_check(d)
    assert any("anshun-excavation-2023" in p and "重叠" in p for p in report.problems), report.problems


def test_missing_tiers_are_reported(data_copy):
    d = data_copy()
    edit(
        d / "items/highway.yaml",
        "          - {id: other, label: 基准未列明的其他情形, catch_all: true}\n\n  - code: highway.spillage",
        "\n  - code: highway.spillage",
    )
    report = run_check(d)
    assert any("anshun-excavation-2023" in p and "档次缺失" in p for p in report.problems), report.problems


def test_bracket_gap_is_reported(data_copy):
    d = data_copy()
    # 2023 普货: make the "serious" branch start above 1万, leaving income == 10000 + serious uncovered
    edit(
        d / "items/road_transport.yaml",
        "when: illegal_income_yuan <= 10000 and serious",
        "when: illegal_income_yuan < 10000 and serious",
    )
    report = run_check(d)
    assert any("unlicensed_freight@2023" in p and "没有任何法定档" in p for p in report.problems), report.problems


def test_tier_outside_statutory_range_is_reported(data_copy):
    d = data_copy()
    edit(
        d / "items/highway.yaml",
        "range: [30000, 30000]\n            proposed: 30000",
        "range: [30000, 40000]\n            proposed: 30000",
    )
    report = run_check(d)
    assert any("very-serious" in p and "超出" in p for p in report.problems), report.problems


def test_gap_in_effective_dates_is_reported(data_copy):
    d = data_copy()
    edit(
        d / "items/road_transport.yaml",
        "      - id: road_transport.vehicle_modification@2023\n        effective_from: 2023-07-20",
        "      - id: road_transport.vehicle_modification@2023\n        effective_from: 2023-08-01",
    )
    report = run_check(d)
    assert any("vehicle_modification" in p and "空档" in p for p in report.problems), report.problems


def test_widening_overlay_is_refused_by_loader_and_reported(data_copy):
    d = data_copy()
    edit(
        d / "overlays/410000-henan.yaml",
        "bounds: {min: 10000, max: 30000}\n  overload.evasion",
        "bounds: {min: 10000, max: 50000}\n  overload.evasion",
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(d)
    assert info.value.code == "catalog.overlay_widens"
    assert "50000" in info.value.message and "30000" in info.value.message
    report = run_check(d)
    assert report.problems and "放宽" in report.problems[0]


def test_overlay_changing_weight_limit_is_refused(data_copy):
    d = data_copy()
    edit(
        d / "overlays/330000-zhejiang.yaml",
        "{axles: 2, vehicle_kind: truck, limit_kg: 18000}",
        "{axles: 2, vehicle_kind: truck, limit_kg: 20000}",
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(d)
    assert info.value.code == "catalog.overlay_widens"


def test_provision_without_text_or_reason_is_refused(data_copy):
    d = data_copy()
    edit(d / "provisions.yaml", "      - {id: GLF-78, article: 78}", "      - {id: GLF-78, article: 978}")
    with pytest.raises(CatalogError) as info:
        load_catalog(d)
    assert info.value.code == "catalog.provision_text_missing"
    assert "GLF-78" in info.value.message


def test_bad_condition_is_refused(data_copy):
    d = data_copy()
    edit(
        d / "items/highway.yaml",
        'harm in ("none", "minor") and cleaned_in_time',
        'harm in ("none", "minr") and cleaned_in_time',
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(d)
    assert info.value.code == "catalog.bad_condition"


CITY = """region: "411300"
name: 南阳市
level: 市
source: 测试用市级裁量规定
items:
  overload.checkpoint_disruption:
    - id: nanyang.checkpoint
      effective_from: 2020-01-01
      provisions: [HNCX-27]
      bounds: {min: %s, max: %s}
"""


def test_city_overlay_narrows_the_province_further(data_copy):
    from zhifa.catalog.engine import decide

    d = data_copy()
    (d / "overlays/411300-nanyang.yaml").write_text(CITY % (15000, 25000), encoding="utf-8")
    cat = load_catalog(d)
    county = decide("overload.checkpoint_disruption", {}, "2025-03-01", None, "411321", cat=cat)
    assert (county.fine.min, county.fine.max) == (15000, 25000)
    other_city = decide("overload.checkpoint_disruption", {}, "2025-03-01", None, "410100", cat=cat)
    assert (other_city.fine.min, other_city.fine.max) == (10000, 30000)
    assert run_check(d).problems == []


def test_city_overlay_may_not_widen_the_province(data_copy):
    d = data_copy()
    # within the national ≤30000 but below Henan's 1万 floor (河南条例第二十七条)
    (d / "overlays/411300-nanyang.yaml").write_text(CITY % (5000, 30000), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(d)
    assert info.value.code == "catalog.overlay_widens" and "河南省" in info.value.message
