"""Passages of one vehicle merge into one event within the window, anchored at the event's
first passage; a compliant passage in between ends the event; the worst passage decides."""

from __future__ import annotations

from datetime import timedelta

from .conftest import oracle, passage


def at(n: int, minutes: int, **kw: object) -> dict[str, object]:
    h, m = divmod(minutes, 60)
    d, h = divmod(h, 24)
    return passage(n, passed_at=f"2024-05-{1 + d:02d}T{h:02d}:{m:02d}:00+08:00", **kw)


def test_passages_at_several_stations_merge_and_the_worst_decides(run, csv_file):
    rows = [
        at(1, 60, station_id="S1", gross_kg=51000),
        at(2, 120, station_id="S2", gross_kg=53500),
        at(3, 180, station_id="S3", gross_kg=52000),
    ]
    r = run(csv_file(rows))
    (e,) = r.events
    assert e["event_id"] == "R000001"
    assert (e["record_id"], e["station_id"], e["gross_weight_kg"], e["over_kg"]) == ("R000002", "S2", "53500", "4500")
    assert (e["outcome"], e["fine_yuan"]) == ("fine", "2000")
    assert e["passages"] == "R000001;R000002;R000003"
    assert e["stations"] == "S1;S2;S3"
    assert e["passage_count"] == "3"
    assert e["first_passed_at"] == "2024-05-01T01:00:00+08:00"
    assert e["last_passed_at"] == "2024-05-01T03:00:00+08:00"
    ps = r.rows("passages.csv")
    assert [(p["event_id"], p["record_id"], p["worst"]) for p in ps] == [
        ("R000001", "R000001", "false"),
        ("R000001", "R000002", "true"),
        ("R000001", "R000003", "false"),
    ]


def test_worst_tie_goes_to_the_earliest_passage(run, csv_file):
    rows = [at(2, 120, gross_kg=52000), at(1, 60, gross_kg=52000)]
    (e,) = run(csv_file(rows)).events
    assert (e["event_id"], e["record_id"]) == ("R000001", "R000001")


def test_window_is_anchored_at_the_first_passage(run, csv_file):
    # every gap is 10 h, within a 24 h window, but the fourth is 30 h after the first
    rows = [at(i + 1, 600 * i, gross_kg=50000 + i) for i in range(5)]
    r = run(csv_file(rows))
    assert [e["passages"] for e in r.events] == ["R000001;R000002;R000003", "R000004;R000005"]
    r = run(csv_file(rows), window=timedelta(hours=2))
    assert len(r.events) == 5


def test_a_compliant_passage_ends_the_event(run, csv_file):
    rows = [at(1, 60, gross_kg=51000), at(2, 90, gross_kg=30000), at(3, 120, gross_kg=51000)]
    r = run(csv_file(rows))
    assert [e["passages"] for e in r.events] == ["R000001", "R000003"]


def test_vehicles_are_plate_and_colour(run, csv_file):
    rows = [
        at(1, 60, gross_kg=51000, plate_color="yellow"),
        at(2, 70, gross_kg=51000, plate_color="blue"),
        at(3, 80, gross_kg=51000, plate="豫a12345", plate_color="黄色"),  # the same as 1
    ]
    r = run(csv_file(rows))
    assert sorted(e["passages"] for e in r.events) == ["R000001;R000003", "R000002"]


def test_quarantined_and_duplicate_passages_are_not_evidence(run, csv_file):
    rows = [
        at(1, 60, gross_kg=51000),
        at(2, 70, gross_kg=30000, speed_kmh="-5"),  # quarantined: does not end the event
        at(1, 75, gross_kg=30000),  # duplicate record id: ignored
        at(3, 80, gross_kg=51500),
    ]
    r = run(csv_file(rows))
    assert [e["passages"] for e in r.events] == ["R000001;R000003"]


def test_over_dimension_only_events_are_listed_apart(run, csv_file):
    rows = [at(1, 60, height_mm=4200), at(2, 70, height_mm=4300), at(3, 80, plate="豫B22222", gross_kg=50000)]
    r = run(csv_file(rows))
    dims = r.rows("dimension_events.csv")
    assert [(e["passages"], e["over_height_mm"], e["over_kg"]) for e in dims] == [("R000001;R000002", "300", "-9000")]
    assert [e["record_id"] for e in r.events] == ["R000003"]
    assert r.summary["dimension_events"] == 1 and r.summary["events"] == 1


def test_weight_and_dimension_in_one_event(run, csv_file):
    rows = [at(1, 60, gross_kg=52000), at(2, 70, width_mm=2700, gross_kg=40000)]
    (e,) = run(csv_file(rows)).events
    assert (e["over_kg"], e["over_width_mm"], e["passages"]) == ("3000", "150", "R000001;R000002")


def test_merging_agrees_with_the_oracle(run, csv_file):
    rows = []
    n = 0
    for v, plate in enumerate(["豫A11111", "豫A22222", "豫A33333"]):
        for k in range(12):
            n += 1
            gross = 52000 if (k * 7 + v) % 5 else 30000
            rows.append(at(n, 37 * k * (v + 1), plate=plate, gross_kg=gross))
    path = csv_file(rows)
    for hours in (1, 3, 24):
        r = run(path, window=timedelta(hours=hours))
        o = oracle(path, window=timedelta(hours=hours))
        assert [e["passages"] for e in r.events] == [e["passages"] for e in o.events]
