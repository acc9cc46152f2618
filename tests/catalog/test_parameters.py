"""Jurisdiction parameters set by an overlay: adopted benchmarks and the general first-offence waiver."""

from __future__ import annotations

from zhifa.catalog.engine import decide
from zhifa.catalog.yamlload import load_catalog

OVERLAY = """region: "150000"
name: 测试自治区
level: 省
source: 测试用裁量办法
parameters:
  adopted_benchmarks: [kleyou-obstruction, dybbs8-maintenance]
  general_first_offence_waiver: true
"""


def _cat(data_copy):
    d = data_copy()
    (d / "overlays/150000-test.yaml").write_text(OVERLAY, encoding="utf-8")
    return load_catalog(d)


def test_adopted_benchmark_applies_only_where_adopted(data_copy):
    cat = _cat(data_copy)
    facts = {"activity": "storage", "dangerous_section": True, "accident": False}
    here = decide("highway.obstruction", facts, "2024-05-01", None, "150100", cat=cat)
    assert (here.benchmark, here.tier) == ("kleyou-obstruction", "storage-serious")
    assert (here.fine.min, here.fine.max, here.fine.proposed) == (500, 1000, 750)
    elsewhere = decide("highway.obstruction", facts, "2024-05-01", None, "410100", cat=cat)
    assert elsewhere.benchmark is None and (elsewhere.fine.min, elsewhere.fine.max) == (0, 5000)


def test_adopted_benchmark_no_penalty_tier(data_copy):
    cat = _cat(data_copy)
    facts = {
        "activity": "stall",
        "temporary": True,
        "congestion": False,
        "first_offence": True,
        "corrected_in_time": True,
        "dangerous_section": False,
        "accident": False,
    }
    d = decide("highway.obstruction", facts, "2024-05-01", None, "150100", cat=cat)
    assert d.outcome == "no_penalty" and d.tier == "stall-slight" and d.sanctions == ["order_stop"]


def test_maintenance_benchmark_fixed_amounts(data_copy):
    cat = _cat(data_copy)
    slight = decide(
        "road_transport.vehicle_maintenance",
        {"prior_offences_in_year": 0, "missed_intervals": 1},
        "2024-05-01",
        None,
        "150100",
        cat=cat,
    )
    assert (slight.fine.min, slight.fine.max, slight.severity) == (1000, 1000, "minor")
    serious = decide(
        "road_transport.vehicle_maintenance",
        {"prior_offences_in_year": 2, "missed_intervals": 0},
        "2024-05-01",
        None,
        "150100",
        cat=cat,
    )
    assert (serious.fine.proposed, serious.severity) == (5000, "grave")
    other = decide(
        "road_transport.vehicle_maintenance",
        {"prior_offences_in_year": 1, "missed_intervals": 1},
        "2024-05-01",
        None,
        "150100",
        cat=cat,
    )
    assert other.tier == "other" and (other.fine.min, other.fine.max) == (1000, 5000)


def test_general_first_offence_waiver_switched_on(data_copy):
    cat = _cat(data_copy)
    facts = {"first_offence": True, "harm": "minor", "corrected_in_time": True}
    on = decide("road_transport.unqualified_driver", facts, "2024-05-01", None, "150100", cat=cat)
    assert on.outcome == "no_penalty"
    assert on.lists[0]["id"] == "xzcff-33-1-first" and on.lists[0]["mandatory"] is False
    off = decide("road_transport.unqualified_driver", facts, "2024-05-01", None, "410100", cat=cat)
    assert off.outcome == "fine"
