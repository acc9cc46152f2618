"""Import weigh-in-motion passages into the database: the pure detection, then the load.

``import_file(path, agency=…, actor=…)`` is the one pipeline behind the CLI (``zhifa offsite import``),
the web import page (a job) and the station push API (a batch written to a temporary CSV), so the
quarantine reasons and the rules are the same everywhere:

1. ``zhifa.offsite.detect.detect`` classifies the file (stations known to the database in the
   agency's jurisdiction; the region of those stations) and writes the accepted rows to Parquet;
2. in ONE transaction: overload events (new ones, or joined to an open event of the same vehicle
   that ended within the merge window; computed only from passages whose device had a valid
   calibration on the passage's local date), every accepted passage (COPY on PostgreSQL,
   ``INSERT … ON CONFLICT DO NOTHING`` batches on SQLite; a record id already in the database is a
   duplicate), quarantined rows, the daily station counts, the import run's counts and one audit row.

A failure leaves nothing of the load behind; the run is marked ``failed`` with the error.
"""

# SQL here is built from constant column lists, integers and an escaped temporary path; no user text.
# ruff: noqa: S608

from __future__ import annotations

import csv
import hashlib
import logging
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError
from zhifa.offsite.models import (
    Calibration,
    Device,
    EventOutcome,
    EventStatus,
    ImportRun,
    ImportSource,
    ImportStatus,
    OverloadEvent,
    Passage,
    QuarantinedRow,
    Station,
)

log = logging.getLogger(__name__)

LOCAL_OFFSET_US = 8 * 3600 * 1_000_000
ANALYZE_AFTER_ROWS = 50_000  # passages loaded by one import (PostgreSQL) before the table is analysed
US_PER_DAY = 86_400 * 1_000_000
OPEN_STATUSES = (EventStatus.PENDING_REVIEW, EventStatus.VEHICLE_UNKNOWN, EventStatus.UNUSABLE)
DETECT_SHARE = 700  # per mille of the progress bar given to the detection

UNUSABLE_REASONS = {
    "no_device": "该站点车道没有登记称重设备",
    "no_calibration": "称重设备没有检定证书",
    "calibration_invalid": "通行日期不在设备检定证书有效期内（河南条例第十条）",
}

PASSAGE_COLUMNS = [
    "record_id",
    "station_id",
    "device_id",
    "lane",
    "passed_at",
    "plate",
    "plate_color",
    "axles",
    "vehicle_kind",
    "single_drive_axle",
    "gross_kg",
    "speed_kmh",
    "length_mm",
    "width_mm",
    "height_mm",
    "limit_kg",
    "tolerance_kg",
    "over_kg",
    "evidence_usable",
    "unusable_reason",
    "import_run_id",
    "images",
    "event_id",
    "worst",
]


@dataclass
class ImportOutcome:
    run: ImportRun
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    events: int = 0
    events_joined: int = 0
    unusable: int = 0
    same_file_runs: list[int] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)  # first rows (for the push API)

    @property
    def reconciled(self) -> bool:
        return self.read == self.accepted + self.quarantined + self.duplicates

    def line(self) -> str:
        return (
            f"读取 {self.read} 行 = 入库 {self.accepted} + 隔离 {self.quarantined} + 重复 {self.duplicates}"
            f"（{'平衡' if self.reconciled else '不平衡'}）；新超限事件 {self.events} 起，"
            f"并入已有事件 {self.events_joined} 起；不能作为证据的通行记录 {self.unusable} 条"
        )


ProgressFn = Callable[[str, int], None]  # (stage label, per mille)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _jurisdiction_ids(agency) -> list[int]:
    from zhifa.agencies.models import Agency

    return list(Agency.objects.filter(path__startswith=agency.path).values_list("id", flat=True))


def import_stations(agency, only: Station | None = None) -> dict[str, Station]:
    """Active stations an import for ``agency`` accepts: its own and its sub-agencies' (or one)."""
    qs = Station.objects.filter(active=True)
    qs = qs.filter(pk=only.pk) if only is not None else qs.filter(agency_id__in=_jurisdiction_ids(agency))
    return {s.code: s for s in qs}


def region_for(agency, stations: dict[str, Station]) -> str:
    """The region whose rules apply: the stations' region when they share one, else the agency's."""
    regions = {s.region_code for s in stations.values() if s.region_code}
    return regions.pop() if len(regions) == 1 else agency.region_code


def create_run(
    *, agency, actor, path: Path, source: str = ImportSource.FILE, station=None, filename: str = "", encoding: str = ""
) -> ImportRun:
    return ImportRun.objects.create(
        agency=agency,
        source=source,
        station=station,
        filename=(filename or path.name)[:255],
        sha256=sha256_of(path),
        encoding=encoding,
        size_bytes=path.stat().st_size,
        status=ImportStatus.QUEUED,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


class _DetectProgress:
    def __init__(self, run: ImportRun, report: ProgressFn | None):
        self.run, self.report, self.label, self.last = run, report, "检测", -1

    def stage(self, name: str) -> None:
        self.label = name
        self._push(self.last if self.last >= 0 else 0)

    def fraction(self, value: float) -> None:
        self._push(int(max(0.0, min(1.0, value)) * DETECT_SHARE))

    def _push(self, permille: int) -> None:
        if permille == self.last and self.report is None:
            return
        self.last = permille
        ImportRun.objects.filter(pk=self.run.pk).update(stage=self.label[:50], progress=permille)
        if self.report:
            self.report(self.label, permille)


def run_import(
    run: ImportRun,
    path: Path,
    *,
    actor=None,
    encoding: str | None = None,
    window: timedelta | None = None,
    progress: ProgressFn | None = None,
    images: dict[str, list] | None = None,
    keep_quarantine: int = 0,
) -> ImportOutcome:
    """Run the import of ``path`` for ``run`` (status queued). Raises on failure after marking the run failed."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now(), stage="检测")
    run.refresh_from_db()
    work = Path(tempfile.mkdtemp(prefix="zhifa-offsite-import-", dir=getattr(settings, "OFFSITE_IMPORT_TMP", None)))
    try:
        outcome = _run(run, Path(path), work, actor, encoding, window, progress, images or {}, keep_quarantine)
    except Exception as exc:
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED, error=message[:4000], finished_at=timezone.now(), stage="失败"
        )
        run.refresh_from_db()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return outcome


def import_file(path: Path | str, *, agency, actor=None, encoding: str | None = None, **kw) -> ImportOutcome:
    path = Path(path)
    run = create_run(agency=agency, actor=actor, path=path, encoding=encoding or "")
    return run_import(run, path, actor=actor, encoding=encoding, **kw)


# --- the pipeline ------------------------------------------------------------------------------


def _run(run, path, work, actor, encoding, window, progress, images, keep_quarantine) -> ImportOutcome:
    import duckdb

    from zhifa.offsite.detect import DetectError, DetectOptions, detect
    from zhifa.offsite.limits import RuleBook, catalog_rules_for
    from zhifa.offsite.source import SourceError

    agency = run.agency
    stations = import_stations(agency, only=run.station)
    region = region_for(agency, stations)
    options = DetectOptions(
        accepted_path=work / "accepted.parquet",
        region=region,
        stations=frozenset(stations),
        encoding=encoding or None,
        window=window or timedelta(hours=24),
        memory_limit=getattr(settings, "OFFSITE_DUCKDB_MEMORY", "640MB"),
    )
    accepted_path = options.accepted_path
    out = work / "out"
    rules_for = catalog_rules_for()
    try:
        t0 = time.perf_counter()
        summary = detect(path, out, rules_for, options, _DetectProgress(run, progress))
    except (SourceError, ValueError) as exc:
        raise DomainError("offsite.import_bad_input", f"输入文件无法读取：{exc}", "file") from exc
    except (DetectError, duckdb.Error) as exc:
        raise DomainError("offsite.import_detect_failed", f"超限检测失败：{exc}") from exc

    def step(label: str, permille: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(stage=label[:50], progress=permille)
        if progress:
            progress(label, permille)

    timings = {"detect": time.perf_counter() - t0}
    step("写入数据库", DETECT_SHARE + 20)
    book = RuleBook(rules_for, region)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute("SET memory_limit = '256MB'")
        t1 = time.perf_counter()
        _stage_tables(con, accepted_path, stations)
        timings["stage"] = time.perf_counter() - t1
        same = list(
            ImportRun.objects.filter(sha256=run.sha256, status=ImportStatus.DONE)
            .exclude(pk=run.pk)
            .values_list("pk", flat=True)
        )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as c:  # one import at a time: event merging reads what the last wrote
                    c.execute("SELECT pg_advisory_xact_lock(%s)", [0x0FF5173])
            t1 = time.perf_counter()
            events_new, events_joined, evmap = _events(con, run, out, stations, book, options.window)
            step("写入通行记录", DETECT_SHARE + 80)
            timings["events"] = time.perf_counter() - t1
            t1 = time.perf_counter()
            inserted = _load_passages(con, run, work, evmap, timings)
            timings["passages"] = time.perf_counter() - t1
            t1 = time.perf_counter()
            if images:
                _attach_images(run, images)
            step("统计与隔离记录", 940)
            unusable = Passage.objects.filter(import_run=run, evidence_usable=False).count()
            _station_days(run)
            qrows = _quarantine(run, out / "quarantine.csv", keep_quarantine)
            timings["counts_quarantine"] = time.perf_counter() - t1
            duplicates = summary.duplicates + (summary.accepted - inserted)
            counts = {
                "read": summary.read,
                "accepted": inserted,
                "quarantined": summary.quarantined,
                "duplicates": duplicates,
                "events": events_new,
                "unusable": unusable,
            }
            detail = {
                "by_reason": summary.by_reason,
                "duplicates_in_file": summary.duplicates,
                "duplicates_in_database": summary.accepted - inserted,
                "events_joined": events_joined,
                "detect": {k: summary.to_dict()[k] for k in ("events", "warnings", "fines", "fine_yuan_total")},
                "rules": summary.rules,
                "input": summary.input,
                "same_file_as_runs": same,
                "reconciled": summary.read == inserted + summary.quarantined + duplicates,
                "timings_s": {k: round(v, 3) for k, v in timings.items()},
            }
            ImportRun.objects.filter(pk=run.pk).update(
                **counts,
                summary=detail,
                encoding=(summary.input or {}).get("encoding") or ("parquet" if path.suffix == ".parquet" else ""),
                status=ImportStatus.DONE,
                stage="完成",
                progress=1000,
                finished_at=timezone.now(),
            )
            run.refresh_from_db()
            audit_record(
                actor=actor,
                event_code="offsite.import_done",
                obj=run,
                agency=agency,
                after={**counts, "events_joined": events_joined, "sha256": run.sha256, "source": run.source},
            )
            t1 = time.perf_counter()
        # the commit checks the passages' foreign keys (deferred constraints, one check per row and key:
        # seconds for a million rows); recorded for the benchmark
        detail["timings_s"]["commit"] = round(time.perf_counter() - t1, 3)
        ImportRun.objects.filter(pk=run.pk).update(summary=detail)
        run.summary = detail
    finally:
        con.close()
    if progress:
        progress("完成", 1000)
    return ImportOutcome(
        run=run,
        read=summary.read,
        accepted=inserted,
        quarantined=summary.quarantined,
        duplicates=duplicates,
        events=events_new,
        events_joined=events_joined,
        unusable=unusable,
        same_file_runs=same,
        quarantine=qrows,
    )


def _stage_tables(con, accepted_path: Path, stations: dict[str, Station]) -> None:
    """DuckDB tables: the accepted rows with the database ids of station and device and the
    evidence check (device by station and lane; a calibration covering the local date)."""
    st_rows = [(code, s.pk) for code, s in stations.items()]
    devices = list(
        Device.objects.filter(station__in=[s.pk for s in stations.values()], active=True)
        .order_by("id")
        .values_list("id", "station__code", "lanes")
    )
    dev_rows: dict[tuple[str, str | None], int] = {}
    for dev_id, code, lanes in devices:
        for lane in [str(x) for x in lanes] if lanes else [None]:
            dev_rows.setdefault((code, lane), dev_id)
    cal_rows = list(
        Calibration.objects.active()
        .filter(device_id__in=[d for d, _, _ in devices])
        .values_list("device_id", "valid_from", "valid_to")
    )
    con.execute("CREATE TABLE st (code VARCHAR, pk BIGINT)")
    con.execute("CREATE TABLE dev (code VARCHAR, lane VARCHAR, device_id BIGINT)")
    con.execute("CREATE TABLE cal (device_id BIGINT, valid_from DATE, valid_to DATE)")
    if st_rows:
        con.executemany("INSERT INTO st VALUES (?, ?)", st_rows)
    if dev_rows:
        con.executemany("INSERT INTO dev VALUES (?, ?, ?)", [(c, ln, d) for (c, ln), d in dev_rows.items()])
    if cal_rows:
        con.executemany("INSERT INTO cal VALUES (?, ?, ?)", cal_rows)
    src = str(accepted_path).replace("'", "''")
    con.execute(
        f"""
        CREATE TABLE acc AS
        SELECT a.*, st.pk AS station_pk, epoch_us(a.passed_at) AS ts_us,
               CAST((epoch_us(a.passed_at) + {LOCAL_OFFSET_US}) // {US_PER_DAY} AS INTEGER) AS day_n,
               coalesce(d1.device_id, d0.device_id) AS device_pk
        FROM read_parquet('{src}') a
        JOIN st ON st.code = a.station_id
        LEFT JOIN dev d1 ON d1.code = a.station_id AND d1.lane = a.lane
        LEFT JOIN dev d0 ON d0.code = a.station_id AND d0.lane IS NULL
        """
    )
    con.execute(
        """
        CREATE TABLE accx AS
        SELECT acc.*,
               CASE WHEN device_pk IS NULL THEN 'no_device'
                    WHEN NOT EXISTS (SELECT 1 FROM cal c WHERE c.device_id = acc.device_pk) THEN 'no_calibration'
                    WHEN NOT EXISTS (
                        SELECT 1 FROM cal c WHERE c.device_id = acc.device_pk
                          AND DATE '1970-01-01' + acc.day_n BETWEEN c.valid_from AND c.valid_to
                    ) THEN 'calibration_invalid'
                    ELSE '' END AS unusable_reason
        FROM acc
        """
    )


@dataclass
class _P:  # a violating passage of the file, new to the database
    record_id: str
    station_code: str
    ts_us: int
    day: date
    gross_kg: int
    limit_kg: int | None
    over_kg: int | None
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    usable: bool
    worst: bool


def _dt(ts_us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=dt_timezone.utc) + timedelta(microseconds=ts_us)


def _read_events(out: Path) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for name in ("events.csv", "no_penalty_events.csv", "dimension_events.csv"):
        p = out / name
        if not p.exists():
            continue
        with open(p, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                rows[r["event_id"]] = r
    return rows


def _int(v) -> int | None:
    if v is None or v == "":
        return None
    return int(float(v))


def _fine(book, day: date, over_kg: int | None, limit_kg: int | None) -> tuple[str, int, str]:
    """(outcome, fine_yuan, catalog_version) by the catalog engine for an event recomputed from usable passages."""
    if not over_kg or over_kg <= 0 or not limit_kg:
        return EventOutcome.NONE, 0, ""
    rid = book.id_for(day)
    if rid is None:
        return EventOutcome.NONE, 0, ""
    rs = book.sets[rid]
    outcome, fine = rs.fine_for(over_kg, limit_kg) if rs.fine_for is not None else rs.fine(over_kg, limit_kg)
    return outcome, int(fine), rs.catalog_version


def _over_dims(book, day: date, p: _P) -> tuple[int | None, int | None, int | None]:
    rid = book.id_for(day)
    if rid is None:
        return None, None, None
    rs = book.sets[rid]

    def over(v, lim):
        return v - lim if v is not None and lim is not None and v > lim else None

    return over(p.length_mm, rs.max_length_mm), over(p.width_mm, rs.max_width_mm), over(p.height_mm, rs.max_height_mm)


def _vehicles(plates: set[tuple[str, str]], agency_ids: set[int]) -> dict[tuple[str, str], Any]:
    from zhifa.parties.models import Vehicle

    found: dict[tuple[str, str], Any] = {}
    plate_list = sorted({p for p, _ in plates})
    for i in range(0, len(plate_list), 500):
        for v in Vehicle.objects.filter(plate__in=plate_list[i : i + 500]).order_by("id"):
            key = (v.plate, v.plate_colour)
            if key not in plates:
                continue
            cur = found.get(key)
            if cur is None or (cur.agency_id not in agency_ids and v.agency_id in agency_ids):
                found[key] = v
    return found


def _events(con, run, out: Path, stations: dict[str, Station], book, window: timedelta):
    """Create or join overload events from the file's violating passages that are new to the database.

    Returns (new events, joined events, {record_id: (event pk, worst)})."""
    rows = con.execute(
        """SELECT event_id, record_id, station_id, ts_us, day_n, gross_kg, limit_kg, over_kg,
                  length_mm, width_mm, height_mm, unusable_reason = '' AS usable, coalesce(worst, false)
           FROM accx WHERE event_id IS NOT NULL ORDER BY event_id, ts_us, record_id"""
    ).fetchall()
    if not rows:
        return 0, 0, {}
    existing: set[str] = set()
    rids = [r[1] for r in rows]
    for i in range(0, len(rids), 1000):
        existing.update(Passage.objects.filter(record_id__in=rids[i : i + 1000]).values_list("record_id", flat=True))
    groups: dict[str, list[_P]] = defaultdict(list)
    for ev, rid, code, ts, day_n, gross, lim, over, ln, wd, ht, usable, worst in rows:
        if rid in existing:
            continue
        groups[str(ev)].append(
            _P(rid, code, ts, date(1970, 1, 1) + timedelta(days=day_n), gross, lim, over, ln, wd, ht, usable, worst)
        )
    if not groups:
        return 0, 0, {}
    ev_rows = _read_events(out)
    plates = {(ev_rows[e]["plate"], ev_rows[e].get("plate_color") or "") for e in groups if e in ev_rows}
    agency_ids = set(_jurisdiction_ids(run.agency))
    vehicles = _vehicles(plates, agency_ids)

    # open events of the same vehicles that may absorb the new ones (merge window)
    first_ts = min(p.ts_us for g in groups.values() for p in g)
    open_events: dict[tuple[str, str], list[OverloadEvent]] = defaultdict(list)
    plate_list = sorted({p for p, _ in plates})
    for i in range(0, len(plate_list), 500):
        for e in OverloadEvent.objects.filter(
            plate__in=plate_list[i : i + 500],
            status__in=OPEN_STATUSES,
            last_passed_at__gte=_dt(first_ts) - window,
        ):
            open_events[(e.plate, e.plate_color)].append(e)

    evmap: dict[str, tuple[int, bool]] = {}
    to_create: list[tuple[OverloadEvent, list[_P], _P]] = []
    joined = 0
    for ev_id, ps in groups.items():
        er = ev_rows.get(ev_id)
        if er is None:  # an event id without its row cannot happen; keep the passages unlinked
            log.warning("event %s of import %s has no event row", ev_id, run.pk)
            continue
        key = (er["plate"], er.get("plate_color") or "")
        usable = [p for p in ps if p.usable]
        pool = usable or ps
        worst = next((p for p in pool if p.worst), None)
        recompute = worst is None
        if worst is None:
            worst = max(pool, key=lambda p: ((p.over_kg or 0), p.gross_kg, -p.ts_us))
        first, last = min(p.ts_us for p in ps), max(p.ts_us for p in ps)
        target = None
        for e in open_events.get(key, []):
            if e.last_passed_at >= _dt(first) - window and e.first_passed_at <= _dt(last) + window:
                target = e
                break
        if recompute:
            outcome, fine, cat_version = _fine(book, worst.day, worst.over_kg, worst.limit_kg)
            dims = _over_dims(book, worst.day, worst)
        else:
            outcome, fine, cat_version = (
                er.get("outcome") or EventOutcome.NONE,
                _int(er.get("fine_yuan")) or 0,
                er.get("catalog_version", ""),
            )
            dims = (_int(er.get("over_length_mm")), _int(er.get("over_width_mm")), _int(er.get("over_height_mm")))
        values = {
            "station": stations[worst.station_code],
            "axles": _int(er.get("axles")) or 0,
            "gross_kg": worst.gross_kg,
            "limit_kg": worst.limit_kg,
            "over_kg": worst.over_kg if worst.over_kg and worst.over_kg > 0 else None,
            "outcome": outcome if usable else EventOutcome.NONE,
            "fine_yuan": fine if usable else 0,
            "rules_date": worst.day,
            "catalog_version": (cat_version or er.get("catalog_version", ""))[:40],
            "over_length_mm": dims[0],
            "over_width_mm": dims[1],
            "over_height_mm": dims[2],
        }
        if target is not None:
            joined += 1
            better = bool(usable) and (
                target.status == EventStatus.UNUSABLE or (worst.over_kg or 0) > (target.over_kg or 0)
            )
            target.first_passed_at = min(target.first_passed_at, _dt(first))
            target.last_passed_at = max(target.last_passed_at, _dt(last))
            target.passage_count += len(ps)
            if better:
                Passage.objects.filter(event=target, worst=True).update(worst=False)
                for k, v in values.items():
                    setattr(target, k, v)
                if target.status == EventStatus.UNUSABLE:
                    target.status = EventStatus.PENDING_REVIEW if target.vehicle_id else EventStatus.VEHICLE_UNKNOWN
            target.version += 1
            target.save()
            for p in ps:
                evmap[p.record_id] = (target.pk, better and p is worst)
            continue
        v = vehicles.get(key)
        status = (
            EventStatus.UNUSABLE
            if not usable
            else (EventStatus.PENDING_REVIEW if v is not None else EventStatus.VEHICLE_UNKNOWN)
        )
        e = OverloadEvent(
            agency_id=stations[worst.station_code].agency_id,
            event_key=min(ps, key=lambda p: (p.ts_us, p.record_id)).record_id,
            plate=key[0],
            plate_color=key[1],
            vehicle=v,
            owner_enterprise_id=getattr(v, "owner_enterprise_id", None),
            owner_person_id=getattr(v, "owner_person_id", None),
            first_passed_at=_dt(first),
            last_passed_at=_dt(last),
            passage_count=len(ps),
            status=status,
            import_run=run,
            **values,
        )
        to_create.append((e, ps, worst))
    # an event key already taken (a re-import whose first passage was loaded before) gets its own key
    keys = [e.event_key for e, _, _ in to_create]
    taken: set[str] = set()
    for i in range(0, len(keys), 1000):
        taken.update(OverloadEvent.objects.filter(event_key__in=keys[i : i + 1000]).values_list("event_key", flat=True))
    for e, _, _ in to_create:
        if e.event_key in taken:
            e.event_key = f"{e.event_key}#{run.pk}"[:64]
    created = OverloadEvent.objects.bulk_create([e for e, _, _ in to_create], batch_size=1000)
    for e, (_, ps, worst) in zip(created, to_create, strict=True):
        for p in ps:
            evmap[p.record_id] = (e.pk, p is worst)
    return len(created), joined, evmap


def _load_passages(con, run, work: Path, evmap: dict[str, tuple[int, bool]], timings: dict | None = None) -> int:
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    con.execute("CREATE TABLE evmap (record_id VARCHAR, event_pk BIGINT, worst BOOLEAN)")
    if evmap:
        # one statement with lists (executemany runs one statement per row: a minute for 80,000 rows)
        con.execute(
            "INSERT INTO evmap SELECT unnest($r), unnest($e), unnest($w)",
            {"r": list(evmap), "e": [v[0] for v in evmap.values()], "w": [v[1] for v in evmap.values()]},
        )
    pg = connection.vendor == "postgresql"
    ts = (
        "CASE WHEN ts_us % 1000000 = 0 THEN strftime(make_timestamp(ts_us), '%Y-%m-%d %H:%M:%S') "
        "ELSE strftime(make_timestamp(ts_us), '%Y-%m-%d %H:%M:%S.%f') END"
    ) + (" || '+00'" if pg else "")
    select = f"""
        SELECT a.record_id, a.station_pk, a.device_pk, coalesce(a.lane, ''), {ts}, a.plate,
               coalesce(a.plate_color, ''), a.axles, coalesce(a.vehicle_kind, ''), a.single_drive_axle,
               a.gross_kg, a.speed_kmh, a.length_mm, a.width_mm, a.height_mm, a.limit_kg, a.tolerance_kg,
               CASE WHEN a.over_kg > 0 THEN a.over_kg END, a.unusable_reason = '', a.unusable_reason,
               {int(run.pk)}, '[]', m.event_pk, coalesce(m.worst, false)
        FROM accx a LEFT JOIN evmap m USING (record_id)
        ORDER BY a.station_pk, a.ts_us
    """
    cols = ", ".join(PASSAGE_COLUMNS)
    if pg:
        csv_path = work / "passages.csv"
        con.execute(f"COPY ({select}) TO '{csv_path}' (FORMAT csv, HEADER false)")
        timings["passages_csv"] = time.perf_counter() - t0
        with connection.cursor() as c:
            c.execute(
                f"CREATE TEMP TABLE offsite_passage_stage ON COMMIT DROP AS "
                f"SELECT {cols} FROM offsite_passage WITH NO DATA"
            )
            raw = c.cursor
            with (
                raw.copy(f"COPY offsite_passage_stage ({cols}) FROM STDIN (FORMAT csv)") as cp,
                open(csv_path, "rb") as f,
            ):
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    cp.write(chunk)
            timings["passages_copy"] = time.perf_counter() - t0 - timings["passages_csv"]
            # imports hold an advisory lock, so no other writer adds passages meanwhile: an anti-join
            # is enough (ON CONFLICT's speculative insertion costs about half as much again)
            c.execute("ANALYZE offsite_passage_stage")
            c.execute(
                f"INSERT INTO offsite_passage ({cols}) SELECT {cols} FROM offsite_passage_stage s "
                f"WHERE NOT EXISTS (SELECT 1 FROM offsite_passage p WHERE p.record_id = s.record_id)"
            )
            inserted = c.rowcount
            timings["passages_insert"] = time.perf_counter() - t0 - timings["passages_csv"] - timings["passages_copy"]
            c.execute("DROP TABLE offsite_passage_stage")
            if inserted >= ANALYZE_AFTER_ROWS:
                # a large load changes the table's statistics at once; autovacuum may be off or late
                # (it was off on the project's machines), and the review and 一超四罚 queries plan on them
                t1 = time.perf_counter()
                c.execute("ANALYZE offsite_passage")
                timings["passages_analyze"] = time.perf_counter() - t1
        return inserted
    placeholders = ", ".join(["%s"] * len(PASSAGE_COLUMNS))
    sql = f"INSERT INTO offsite_passage ({cols}) VALUES ({placeholders}) ON CONFLICT (record_id) DO NOTHING"
    res = con.execute(select)
    with connection.cursor() as c:
        while True:
            batch = res.fetchmany(5000)
            if not batch:
                break
            c.executemany(sql, [_sqlite_row(r) for r in batch])
    return Passage.objects.filter(import_run=run).count()


def _sqlite_row(r: tuple) -> tuple:
    r = list(r)
    if r[11] is not None:  # speed (Decimal from DuckDB) as text for the decimal column
        r[11] = str(r[11])
    return tuple(r)


def _attach_images(run, images: dict[str, list]) -> None:
    rows = list(Passage.objects.filter(import_run=run, record_id__in=list(images)).only("id", "record_id"))
    for p in rows:
        p.images = images[p.record_id]
    Passage.objects.bulk_update(rows, ["images"], batch_size=500)


def _station_days(run) -> None:
    """Add this run's passages to the daily station counts (local date, +08:00)."""
    if connection.vendor == "postgresql":
        day = "(p.passed_at AT TIME ZONE 'Asia/Shanghai')::date"
    else:
        day = "date(p.passed_at, '+8 hours')"
    with connection.cursor() as c:
        c.execute(
            f"""INSERT INTO offsite_stationday (station_id, day, passages, over_limit, unusable)
                SELECT p.station_id, {day}, count(*),
                       sum(CASE WHEN p.over_kg IS NOT NULL THEN 1 ELSE 0 END),
                       sum(CASE WHEN p.evidence_usable THEN 0 ELSE 1 END)
                FROM offsite_passage p WHERE p.import_run_id = %s
                GROUP BY p.station_id, {day}
                ON CONFLICT (station_id, day) DO UPDATE SET
                  passages = offsite_stationday.passages + excluded.passages,
                  over_limit = offsite_stationday.over_limit + excluded.over_limit,
                  unusable = offsite_stationday.unusable + excluded.unusable""",
            [run.pk],
        )


def _quarantine(run, path: Path, keep: int) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    first: list[dict[str, Any]] = []
    batch: list[QuarantinedRow] = []
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            row_number = int(r["row"])
            if len(first) < keep:
                first.append({"row": row_number, "reason": r["reason"], "field": r.get("field") or None})
            batch.append(
                QuarantinedRow(
                    import_run=run,
                    row_number=row_number,
                    reason=r["reason"][:40],
                    detail=r.get("message") or "",
                    raw={"field": r.get("field") or "", "record_id": r.get("record_id") or "", "value": r.get("value")},
                )
            )
            if len(batch) >= 5000:
                QuarantinedRow.objects.bulk_create(batch)
                batch = []
    if batch:
        QuarantinedRow.objects.bulk_create(batch)
    return first
