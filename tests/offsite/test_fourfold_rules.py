"""一超四罚 counting (pure): the rolling window, what counts, and each threshold edge judged by the catalog."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.offsite.fourfold import CatalogJudge, Counting, Offence, assess, window

REF = date(2025, 6, 10)
HENAN = "411321"
SHANDONG = "371300"


def off(n, on, *, vehicle=1, driver=None, enterprise=None, source=None, decided=True, plate=""):
    return Offence(n, f"案{n}", on, decided, vehicle, plate or f"豫R{vehicle:05d}", driver, enterprise, source)


def test_window_is_rolling_twelve_months_inclusive():
    assert window(REF, 12) == (date(2024, 6, 11), REF)
    assert window(date(2024, 2, 29), 12) == (date(2023, 3, 1), date(2024, 2, 29))


@pytest.mark.parametrize("count, crosses", [(3, False), (4, True)])
def test_vehicle_more_than_three(count, crosses):
    rep = assess([off(i, date(2025, 1, i)) for i in range(1, count + 1)], REF, judge=CatalogJudge(HENAN, REF))
    [t] = rep.vehicles
    assert t.count == count and t.crosses is crosses
    if crosses:
        assert t.proposal.item == "overload.repeat_vehicle"
        assert "吊销许可证件" in t.proposal.sanction_labels
        assert any("第六十六条" in b for b in t.proposal.basis)
        assert [c.case_id for c in t.cases] == [1, 2, 3, 4]


@pytest.mark.parametrize("count, crosses", [(3, False), (4, True)])
def test_driver_more_than_three(count, crosses):
    rows = [off(i, date(2025, 3, i), vehicle=i, driver=7) for i in range(1, count + 1)]
    rep = assess(rows, REF, judge=CatalogJudge(SHANDONG, REF))
    [t] = rep.drivers
    assert (t.subject_id, t.count, t.crosses) == (7, count, crosses)
    if crosses:
        assert t.proposal.item == "overload.repeat_driver"


def test_window_edge():
    first_day, _ = window(REF, 12)
    rows = [off(1, first_day), off(2, date(2025, 1, 1)), off(3, date(2025, 2, 1)), off(4, REF)]
    assert assess(rows, REF, judge=CatalogJudge(HENAN, REF)).vehicles[0].crosses
    # one day earlier, the first case falls out of the year: three left
    rows[0] = off(1, date(2024, 6, 10))
    [t] = assess(rows, REF, judge=CatalogJudge(HENAN, REF)).vehicles
    assert t.count == 3 and not t.crosses and [c.case_id for c in t.cases] == [2, 3, 4]
    # a case after the reference day is not counted either
    [t] = assess([*rows[1:], off(5, date(2025, 6, 11))], REF, judge=CatalogJudge(HENAN, REF)).vehicles
    assert t.count == 3


def test_undecided_cases_are_shown_not_counted_by_default():
    rows = [off(i, date(2025, 1, i)) for i in range(1, 4)] + [off(9, date(2025, 5, 1), decided=False)]
    [t] = assess(rows, REF, judge=CatalogJudge(HENAN, REF)).vehicles
    assert (t.count, t.pending, t.crosses) == (3, 1, False)
    assert 9 in [c.case_id for c in t.cases]
    [t] = assess(rows, REF, judge=CatalogJudge(HENAN, REF), counting=Counting(basis="confirmed")).vehicles
    assert (t.count, t.pending, t.crosses) == (4, 0, True)


@pytest.mark.parametrize(
    "offending, fleet, crosses",
    [(1, 10, False), (2, 20, False), (2, 19, True), (11, 100, True), (10, 100, False)],
)
def test_enterprise_share_over_ten_percent(offending, fleet, crosses):
    # each offending vehicle twice: the share counts vehicles, not offences
    rows = [
        off(100 * v + k, date(2025, 4, 1 + k), vehicle=v, enterprise=5)
        for v in range(1, offending + 1)
        for k in range(2)
    ]
    rep = assess(rows, REF, judge=CatalogJudge(SHANDONG, REF), fleet_sizes={5: fleet})
    [t] = rep.enterprises
    assert (t.count, t.fleet, t.crosses) == (offending, fleet, crosses)
    if crosses:
        assert t.proposal.item == "overload.repeat_enterprise" and "suspend" in t.proposal.sanctions


def test_henan_enterprise_over_thirty_percent_revokes():
    rows = [off(v, date(2025, 4, 1), vehicle=v, enterprise=5) for v in range(1, 5)]
    [t] = assess(rows, REF, judge=CatalogJudge(HENAN, REF), fleet_sizes={5: 10}).enterprises
    assert t.crosses and t.proposal.sanctions == ("revoke",) and t.proposal.severity == "grave"
    [t] = assess(rows[:3], REF, judge=CatalogJudge(HENAN, REF), fleet_sizes={5: 10}).enterprises
    assert t.crosses and t.proposal.sanctions == ("suspend",)


def test_enterprise_without_known_fleet_is_listed_not_judged():
    [t] = assess([off(1, date(2025, 4, 1), enterprise=5)], REF, judge=CatalogJudge(HENAN, REF)).enterprises
    assert t.count == 1 and t.fleet is None and not t.crosses


def test_cargo_source_every_loading_counts():
    rows = [off(1, date(2025, 4, 1), source=3)]
    [t] = assess(rows, REF, judge=CatalogJudge(HENAN, REF)).cargo_sources
    assert t.crosses and t.proposal.item == "overload.source_unit_loading"
    assert (t.proposal.fine_min, t.proposal.fine_max) == (10000, 30000)
    # a freight station: 道路运输条例 第七十条第二款 (narrowed in Henan)
    [t] = assess(rows, REF, judge=CatalogJudge(SHANDONG, REF), freight_stations=frozenset({3})).cargo_sources
    assert t.proposal.item == "overload.cargo_station_release" and t.proposal.fine_min == 3000
    # another loading site outside Henan: no item; listed, not proposed
    [t] = assess(rows, REF, judge=CatalogJudge(SHANDONG, REF)).cargo_sources
    assert t.count == 1 and not t.crosses


def test_crossing_first_in_lists():
    rows = [off(i, date(2025, 1, i), vehicle=1) for i in range(1, 5)] + [off(10, date(2025, 1, 1), vehicle=2)]
    rep = assess(rows, REF, judge=CatalogJudge(HENAN, REF))
    assert [t.subject_id for t in rep.vehicles] == [1, 2]
    assert [t.subject_id for t in rep.crossing()["vehicle"]] == [1]
