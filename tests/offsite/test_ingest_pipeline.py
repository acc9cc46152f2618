"""The database import: counts reconcile, passages and quarantined rows are stored, the evidence check
by calibration date, events with their statuses, cross-file merging, re-import idempotence, GBK and
Parquet, and a failure leaves nothing half-written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.offsite.conftest import passage, write_csv
from zhifa.core.errors import DomainError
from zhifa.core.models import AuditEvent
from zhifa.offsite.models import (
    Calibration,
    Device,
    EventStatus,
    ImportRun,
    ImportStatus,
    OverloadEvent,
    Passage,
    QuarantinedRow,
    Station,
    StationDay,
)
from zhifa.offsite.services.ingest import import_file

HEADER = list(passage().keys())
S1, S2 = "S411321001", "S411321002"


@pytest.fixture
def sites(world):
    return make_sites(world)


def make_sites(world):
    """Two Nanzhao stations: S1 with an all-lane device calibrated for 2024, S2 with a lane-1 device whose
    certificate expired in 2023."""
    s1 = Station.objects.create(
        agency=world.nanzhao, code=S1, name="G207南召北", road="G207", region_code="411321", lanes=2
    )
    s2 = Station.objects.create(
        agency=world.nanzhao, code=S2, name="S231皇后", road="S231", region_code="411321", lanes=2
    )
    d1 = Device.objects.create(station=s1, serial="WIM-1", lanes=[])
    Calibration.objects.create(
        device=d1, certificate_no="C-1", issuer="河南省计量院", valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31)
    )
    d2 = Device.objects.create(station=s2, serial="WIM-2", lanes=["1"])
    Calibration.objects.create(
        device=d2, certificate_no="C-2", issuer="河南省计量院", valid_from=date(2023, 1, 1), valid_to=date(2023, 12, 31)
    )
    return s1, s2, d1, d2


def rows(*specs):
    return [passage(n, **kw) for n, kw in specs]


def csv_file(tmp_path: Path, data, name="in.csv", encoding="utf-8") -> Path:
    return write_csv(tmp_path / name, data, header=HEADER, encoding=encoding)


OVER = {"gross_kg": "52000"}  # six-axle combination, limit 49 t: 3 t over → fine


def test_counts_reconcile_and_rows_are_stored(world, sites, tmp_path):
    s1, s2, d1, d2 = sites
    data = rows(
        (1, {"station_id": S1}),
        (2, {"station_id": S1, "plate": "豫R12345", **OVER}),
        (3, {"station_id": S1, "plate": ""}),  # missing plate
        (4, {"station_id": "S999"}),  # unknown station
        (5, {"station_id": S1, "passed_at": "2024/05/01 08:15"}),  # bad timestamp
        (6, {"station_id": S1, "gross_kg": "999999999"}),  # impossible weight
        (7, {"station_id": S2, "lane": "1"}),
    )
    data.append(dict(data[0]))  # a duplicate record id in the file
    out = import_file(csv_file(tmp_path, data), agency=world.nanzhao, actor=world.nz_admin.user)
    assert out.reconciled
    assert (out.read, out.accepted, out.quarantined, out.duplicates) == (8, 3, 4, 1)
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE and run.progress == 1000
    assert (run.read, run.accepted, run.quarantined, run.duplicates) == (8, 3, 4, 1)
    assert set(Passage.objects.values_list("record_id", flat=True)) == {"R000001", "R000002", "R000007"}
    reasons = dict(QuarantinedRow.objects.values_list("raw__record_id", "reason"))
    assert reasons["R000003"] == "missing_field"
    assert reasons["R000004"] == "unknown_station"
    assert reasons["R000005"] == "bad_timestamp"
    assert reasons["R000006"] == "impossible_weight"
    assert QuarantinedRow.objects.exclude(detail="").count() == 4
    p2 = Passage.objects.get(record_id="R000002")
    assert p2.over_kg == 3000 and p2.limit_kg == 49000 and p2.evidence_usable and p2.device == d1
    assert p2.worst and p2.event is not None
    assert Passage.objects.get(record_id="R000001").over_kg is None
    # lane 1 of S2: the device's calibration expired in 2023 → kept but not evidence
    p7 = Passage.objects.get(record_id="R000007")
    assert not p7.evidence_usable and p7.unusable_reason == "calibration_invalid" and p7.device == d2
    day = StationDay.objects.get(station=s1, day=date(2024, 5, 1))
    assert (day.passages, day.over_limit, day.unusable) == (2, 1, 0)
    assert StationDay.objects.get(station=s2).unusable == 1
    assert AuditEvent.objects.filter(event_code="offsite.import_done").count() == 1


def test_event_statuses_vehicle_known_unknown_unusable(world, sites, tmp_path):
    data = rows(
        (1, {"station_id": S1, "plate": world.nz_vehicle.plate, **OVER}),
        (2, {"station_id": S1, "plate": "豫R99999", **OVER}),
        (3, {"station_id": S2, "lane": "1", "plate": "豫R88888", **OVER}),
        (4, {"station_id": S2, "lane": "2", "plate": "豫R77777", **OVER}),  # no device for lane 2
    )
    import_file(csv_file(tmp_path, data), agency=world.nanzhao)
    by_plate = {e.plate: e for e in OverloadEvent.objects.all()}
    known = by_plate[world.nz_vehicle.plate]
    assert known.status == EventStatus.PENDING_REVIEW and known.vehicle == world.nz_vehicle
    assert known.outcome == "fine" and known.fine_yuan > 0 and known.over_kg == 3000
    assert known.event_key == "R000001" and known.passage_count == 1
    assert by_plate["豫R99999"].status == EventStatus.VEHICLE_UNKNOWN
    assert by_plate["豫R88888"].status == EventStatus.UNUSABLE and by_plate["豫R88888"].fine_yuan == 0
    assert by_plate["豫R77777"].status == EventStatus.UNUSABLE
    assert Passage.objects.get(record_id="R000004").unusable_reason == "no_device"


def test_worst_passage_unusable_recomputed_from_usable(world, sites, tmp_path):
    plate = world.nz_vehicle.plate
    data = rows(
        (1, {"station_id": S1, "plate": plate, "gross_kg": "51000"}),  # usable, 2 t over
        (2, {"station_id": S2, "lane": "1", "plate": plate, "gross_kg": "60000"}),  # worst, not usable
    )
    import_file(csv_file(tmp_path, data), agency=world.nanzhao)
    e = OverloadEvent.objects.get()
    assert e.passage_count == 2 and e.status == EventStatus.PENDING_REVIEW
    assert e.gross_kg == 51000 and e.over_kg == 2000 and e.station.code == S1
    assert Passage.objects.get(record_id="R000001").worst
    assert not Passage.objects.get(record_id="R000002").worst
    assert e.outcome in ("warning", "fine")


def test_reimport_adds_nothing(world, sites, tmp_path):
    data = rows((1, {"station_id": S1}), (2, {"station_id": S1, **OVER}), (3, {"station_id": S1, "plate": ""}))
    f = csv_file(tmp_path, data)
    import_file(f, agency=world.nanzhao)
    again = import_file(f, agency=world.nanzhao)
    assert (again.read, again.accepted, again.quarantined, again.duplicates, again.events) == (3, 0, 1, 2, 0)
    assert again.reconciled
    assert Passage.objects.count() == 2 and OverloadEvent.objects.count() == 1
    assert again.run.summary["same_file_as_runs"] == [ImportRun.objects.earliest("id").pk]
    assert StationDay.objects.get().passages == 2
    # an overlapping file: one old record, one new
    more = rows((2, {"station_id": S1, **OVER}), (9, {"station_id": S1}))
    o = import_file(csv_file(tmp_path, more, "more.csv"), agency=world.nanzhao)
    assert (o.accepted, o.duplicates, o.events) == (1, 1, 0)


def test_cross_file_events_merge_within_window(world, sites, tmp_path):
    plate = world.nz_vehicle.plate
    import_file(
        csv_file(tmp_path, rows((1, {"station_id": S1, "plate": plate, **OVER})), "a.csv"), agency=world.nanzhao
    )
    later = rows((2, {"station_id": S1, "plate": plate, "gross_kg": "55000", "passed_at": "2024-05-01T20:00:00"}))
    out = import_file(csv_file(tmp_path, later, "b.csv"), agency=world.nanzhao)
    assert out.events == 0 and out.events_joined == 1
    e = OverloadEvent.objects.get()
    assert e.passage_count == 2 and e.gross_kg == 55000 and e.version == 2
    assert list(Passage.objects.filter(worst=True).values_list("record_id", flat=True)) == ["R000002"]
    # a passage two days later starts a new event
    far = rows((3, {"station_id": S1, "plate": plate, **OVER, "passed_at": "2024-05-03T20:00:00"}))
    assert import_file(csv_file(tmp_path, far, "c.csv"), agency=world.nanzhao).events == 1


def test_gbk_and_parquet(world, sites, tmp_path):
    data = rows(
        (1, {"station_id": S1, "plate_color": "黄色", **OVER}), (2, {"station_id": S1, "vehicle_kind": "汽车列车"})
    )
    out = import_file(csv_file(tmp_path, data, encoding="gbk"), agency=world.nanzhao, encoding="gbk")
    assert (out.accepted, out.events) == (2, 1)
    assert Passage.objects.get(record_id="R000001").plate_color == "yellow"
    pq_rows = rows((11, {"station_id": S1, "plate": "豫A54321", **OVER}), (12, {"station_id": S1}))
    src = csv_file(tmp_path, pq_rows, "p.csv")
    pq = tmp_path / "p.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{src}', all_varchar=true)) TO '{pq}' (FORMAT parquet)")
    out = import_file(pq, agency=world.nanzhao)
    assert (out.read, out.accepted, out.events) == (2, 2, 1)


def test_other_jurisdiction_stations_are_unknown(world, sites, tmp_path):
    Station.objects.create(agency=world.linyi, code="S371300001", name="临沂站", region_code="371300")
    data = rows((1, {"station_id": "S371300001"}), (2, {"station_id": S1}))
    out = import_file(csv_file(tmp_path, data), agency=world.nanzhao)
    assert (out.accepted, out.quarantined) == (1, 1)
    assert QuarantinedRow.objects.get().reason == "unknown_station"


def test_failure_leaves_nothing(world, sites, tmp_path, monkeypatch):
    import zhifa.offsite.services.ingest as ingest

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest, "_station_days", boom)
    data = rows((1, {"station_id": S1}), (2, {"station_id": S1, **OVER}))
    with pytest.raises(RuntimeError):
        import_file(csv_file(tmp_path, data), agency=world.nanzhao)
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and "disk full" in run.error
    assert Passage.objects.count() == 0 and OverloadEvent.objects.count() == 0


def test_bad_input_is_a_domain_error(world, sites, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(DomainError) as exc:
        import_file(bad, agency=world.nanzhao)
    assert exc.value.code == "offsite.import_bad_input"
    assert ImportRun.objects.get().status == ImportStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_large_import_refreshes_the_passage_statistics(world, sites, tmp_path, monkeypatch):
    """On PostgreSQL an import that loads many passages analyses the table (autovacuum may be off or late)."""
    from django.db import connection

    from zhifa.offsite.services import ingest

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL statistics")
    monkeypatch.setattr(ingest, "ANALYZE_AFTER_ROWS", 2)
    out = import_file(csv_file(tmp_path, rows((1, {"station_id": S1}), (2, {"station_id": S1}))), agency=world.nanzhao)
    assert out.accepted == 2
    with connection.cursor() as c:
        c.execute("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'offsite_passage'")
        assert c.fetchone()[0]
