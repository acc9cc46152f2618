"""Off-site overload detection, vectorised in DuckDB (pure: no Django, no database).

``detect(input, out_dir)`` reads a CSV (UTF-8 or GBK) or Parquet file of weigh-in-motion
passages and writes ``events.csv``, ``dimension_events.csv``, ``passages.csv``,
``quarantine.csv``, ``duplicates.csv`` and ``summary.json``. The rules are the catalog's
(:mod:`zhifa.offsite.limits`); the grammar is :mod:`zhifa.offsite.schema`; the SQL is
:mod:`zhifa.offsite.sql`; the plain-Python twin is :mod:`zhifa.offsite.oracle`.

How it stays within memory on 10 million rows (docs/offsite.md, "Design"):

1. **One scan** of the file classifies every row (ok / over a limit / quarantined) and
   keeps about 35 bytes per row in an in-memory table: two 64-bit hashes of the record id
   (duplicates), a hash of the vehicle and the time (merging) and the class; the rows that
   matter (over a limit or quarantined, about 9 %) also keep their raw fields as a JSON
   array. DuckDB spills to disk beyond ``memory_limit``. (With ``accepted_path`` the table
   also holds the values of every accepted row and lives in a scratch database file.)
2. The rules are resolved per passage date before the scan for a window of dates around
   the file's first passage; rows outside the window are "pending" and, if any, the scan
   is repeated once with their dates resolved (rare: files spanning months).
3. The rows that matter are classified again from their raw fields by the same SQL,
   now keeping every value; duplicates, merging and events work on them only.
"""

# SQL is built here from the schema, the catalog's numbers and escaped literals (lit, sql_string);
# no user text is pasted into it unescaped.
# ruff: noqa: S608

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import threading
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb

from zhifa.offsite import schema, source
from zhifa.offsite.limits import KIND_CODES, RuleBook, RulesFor, catalog_rules_for, fine_grid
from zhifa.offsite.sql import (
    CLASS_OK,
    CLASS_PENDING,
    CLASS_QUARANTINE,
    CLASS_VIOLATION,
    OFFSET_US,
    OUTPUT,
    US_PER_DAY,
    SqlContext,
    classify_sql,
    fine_case_sql,
    lit,
    q,
    source_text_columns,
    typed_columns,
)

DATE_WINDOW_DAYS = 62
# values an over-limit row carries from the whole-file scan to the event stage
CARRIED = [c for c in OUTPUT if c not in ("reason", "field", "class")]
MAX_LINE_BYTES = 1 << 20
LOCAL = timezone(timedelta(hours=8))
REJECT_REASONS = {  # DuckDB reject error type -> reason, by priority
    "INVALID ENCODING": "invalid_encoding",
    "LINE SIZE OVER MAXIMUM": "csv_line_too_long",
    "MISSING COLUMNS": "csv_missing_fields",
    "TOO MANY COLUMNS": "csv_extra_fields",
}

EVENT_COLUMNS = [
    "event_id",
    "record_id",
    "plate",
    "plate_color",
    "passed_at",
    "station_id",
    "lane",
    "axles",
    "vehicle_kind",
    "single_drive_axle",
    "gross_weight_kg",
    "tolerance_kg",
    "limit_kg",
    "over_kg",
    "outcome",
    "fine_yuan",
    "over_length_mm",
    "over_width_mm",
    "over_height_mm",
    "passage_count",
    "passages",
    "stations",
    "first_passed_at",
    "last_passed_at",
    "rules_date",
    "catalog_version",
    "rule_version",
]

# values the accepted-passages file needs beyond OUTPUT
ACCEPTED_EXTRA = ["v_speed_kmh", "v_length_mm", "v_width_mm", "v_height_mm"]


class DetectError(RuntimeError):
    """The run cannot go on (exit code 1); never raised because of a bad row."""


@dataclass
class DetectOptions:
    region: str | None = None  # 6-digit 行政区划代码; None: national rules
    on_date: date | None = None  # apply the rules of this date to all passages
    window: timedelta = timedelta(hours=24)
    stations: frozenset[str] | None = None
    encoding: str | None = None  # None: detect (UTF-8, else GBK/GB18030)
    nev_letters: str = "DF"
    plausibility: schema.Plausibility = field(default_factory=schema.Plausibility)
    memory_limit: str = "640MB"
    threads: int | None = None
    temp_dir: Path | None = None
    # also write every accepted passage (not quarantined, not a duplicate) to this Parquet
    # file, for the database import; costs a second exact pass, so only when asked
    accepted_path: Path | None = None


@dataclass
class Summary:
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    events: int = 0
    warnings: int = 0
    fines: int = 0
    fine_yuan_total: int = 0
    no_penalty_events: int = 0
    dimension_events: int = 0
    violating_passages: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    input: dict[str, object] = field(default_factory=dict)
    rules: dict[str, object] = field(default_factory=dict)
    parameters: dict[str, object] = field(default_factory=dict)

    @property
    def reconciled(self) -> bool:
        return self.read == self.accepted + self.quarantined + self.duplicates

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["reconciled"] = self.reconciled
        return d

    def line(self) -> str:
        return (
            f"读取 {self.read} 行 = 接受 {self.accepted} + 隔离 {self.quarantined} + 重复 {self.duplicates}"
            f"（{'平衡' if self.reconciled else '不平衡'}）；超限事件 {self.events} 起"
            f"（警告 {self.warnings}，罚款 {self.fines}，罚款合计 {self.fine_yuan_total} 元），"
            f"超限不予处罚 {self.no_penalty_events} 起，仅超尺寸 {self.dimension_events} 起"
        )


class Progress:
    """Stage reporting; the CLI plugs a tqdm bar in. ``fraction`` in [0, 1]."""

    def stage(self, name: str) -> None:  # pragma: no cover - interface
        pass

    def fraction(self, value: float) -> None:  # pragma: no cover - interface
        pass


def day_number(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def day_date(n: int) -> date:
    return date(1970, 1, 1) + timedelta(days=n)


def iso_local(ts_us: int) -> str:
    return (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=ts_us)).astimezone(LOCAL).isoformat()


def _ts_sql(expr: str) -> str:
    """ISO 8601 local time (+08:00) of an epoch-microsecond column."""
    local = f"make_timestamp({expr} + {OFFSET_US})"
    return (
        f"(CASE WHEN {expr} % 1000000 = 0 THEN strftime({local}, '%Y-%m-%dT%H:%M:%S') "
        f"ELSE strftime({local}, '%Y-%m-%dT%H:%M:%S.%f') END || '+08:00')"
    )


class _Poller:
    """Feeds DuckDB's query progress into a Progress while a statement runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection, progress: Progress | None, lo: float, hi: float):
        self.con, self.progress, self.lo, self.hi = con, progress, lo, hi
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                p = self.con.query_progress()
            except Exception:
                return
            if p is not None and p >= 0 and self.progress:
                self.progress.fraction(self.lo + (self.hi - self.lo) * min(p, 100.0) / 100.0)

    def __enter__(self):
        if self.progress:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.progress:
            self._thread.join()
            self.progress.fraction(self.hi)


class Detector:
    def __init__(
        self,
        input_path: Path,
        out_dir: Path,
        rules_for: RulesFor | None = None,
        options: DetectOptions | None = None,
        progress: Progress | None = None,
    ):
        self.input = Path(input_path)
        self.out = Path(out_dir)
        self.opts = options or DetectOptions()
        self.rules_for = rules_for or catalog_rules_for()
        self.progress = progress
        self.book = RuleBook(self.rules_for, self.opts.region, self.opts.on_date)
        self.timings: dict[str, float] = {}  # wall seconds by step
        self.cpu_timings: dict[str, float] = {}  # CPU seconds (all threads of the process) by step
        # the per-row table of the whole-file scan: slim and in memory, unless the accepted
        # passages are wanted too (then it holds every value and lives in the scratch file)
        self.ctab = "c" if self.opts.accepted_path is None else "scratch.c"

    # --- setup ---------------------------------------------------------------------

    def _connect(self, tmp: Path) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(
            config={
                "threads": self.opts.threads or os.cpu_count() or 1,
                "memory_limit": self.opts.memory_limit,
                "temp_directory": str(tmp / "spill"),
                "preserve_insertion_order": True,
            }
        )
        # a passage time without a zone is +08:00; China has had no DST since 1991
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        # the per-row table of the whole-file scan lives in a scratch database file: stored
        # compressed, it stays small and leaves the memory to the query
        con.execute(f"ATTACH {lit(str(tmp / 'work.duckdb'))} AS scratch")
        return con

    def _x(self, sql: str, params=None, label: str | None = None):
        """Execute and record the time under ``label`` (the benchmark prints them)."""
        t, c = time.perf_counter(), time.process_time()
        res = self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        key = label or sql.split("(")[0].strip()[:40]
        self.timings[key] = self.timings.get(key, 0.0) + time.perf_counter() - t
        self.cpu_timings[key] = self.cpu_timings.get(key, 0.0) + time.process_time() - c
        return res

    def _stage(self, name: str) -> None:
        if self.progress:
            self.progress.stage(name)

    def _open_source(self, tmp: Path) -> None:
        self.is_parquet = source.is_parquet(self.input)
        if self.is_parquet:
            rel = f"read_parquet({lit(str(self.input))})"
            cols = self.con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
            mapped: list[tuple[str, str, str]] = []
            for name, typ, *_ in cols:
                canonical = schema.HEADER_ALIASES.get(name) or schema.HEADER_ALIASES.get(name.lower())
                if canonical and canonical not in {m[0] for m in mapped}:
                    mapped.append((canonical, name, typ))
            missing = [c for c in schema.REQUIRED if c not in {m[0] for m in mapped}]
            if missing:
                raise source.SourceError("输入文件缺少必填列：" + "、".join(missing))
            text = source_text_columns(mapped)
            # typed integer, boolean and double columns are used as they are (sql.typed_columns)
            self.typed = typed_columns(mapped)
            exprs = ", ".join(f"{q(o) if c in self.typed else text[c]} AS {q(c)}" for c, o, _ in mapped)
            self.relation = f"(SELECT {exprs} FROM {rel})"
            # the canonical text of a typed value, for quarantined rows' raw fields
            self.typed_text = source_text_columns([(c, f"t_{c}", t) for c, _, t in mapped if c in self.typed])
            self.present = {c for c, _, _ in mapped}
            self.encoding = None
            self.layout = None
            self.first_values = [
                r[0] for r in self.con.execute(f"SELECT {text['passed_at']} FROM {rel} LIMIT 200").fetchall()
            ]
            return
        self.typed, self.typed_text = {}, {}
        self._use_layout(source.csv_layout(self.input, self.opts.encoding, tmp))
        self.first_values = _first_column_values(self.layout, "passed_at", 200)

    def _use_layout(self, layout: source.CsvLayout) -> None:
        self.layout = layout
        self.encoding = layout.encoding
        self.present = layout.present
        colspec = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in layout.columns) + "}"
        self.relation = (
            f"read_csv({lit(str(layout.path))}, header = true, auto_detect = false, columns = {colspec}, "
            "delim = ',', quote = '', escape = '', new_line = '\\n', strict_mode = true, "
            "store_rejects = true, rejects_table = 'ofs_rejects', rejects_scan = 'ofs_scans', "
            f"max_line_size = {MAX_LINE_BYTES}, encoding = 'utf-8')"
        )
        self._scan_thread = None
        if layout.scan is None:
            # counted alongside DuckDB's scan (it holds no Python lock while it runs)
            self._scan_thread = threading.Thread(target=self._scan_lines, daemon=True)
            self._scan_thread.start()

    def _scan_lines(self) -> None:
        try:
            self._scan_result: source.LineScan | BaseException = source.scan_lines(self.layout.path)
        except BaseException as exc:
            self._scan_result = exc

    def _line_scan(self) -> source.LineScan:
        if self._scan_thread is not None:
            t = time.perf_counter()
            self._scan_thread.join()
            self.timings["line scan wait"] = time.perf_counter() - t
            self._scan_thread = None
            if isinstance(self._scan_result, BaseException):
                raise self._scan_result
            self.layout.scan = self._scan_result
        assert self.layout.scan is not None
        return self.layout.scan

    def _first_day(self) -> int | None:
        from zhifa.offsite.oracle import parse_timestamp

        for v in self.first_values:
            if v is None:
                continue
            text = v.strip('"') if isinstance(v, str) else v
            ts = parse_timestamp(text) if isinstance(text, str) else None
            if ts is not None:
                return (ts + OFFSET_US) // US_PER_DAY
        return None

    def _context(self, days: list[int]) -> SqlContext:
        ctx = SqlContext(
            present=set(self.present),
            rule_sets=self.book.sets,
            stations_table="ofs_stations" if self.opts.stations is not None else None,
            plaus=self.opts.plausibility,
            nev_letters=self.opts.nev_letters,
            check_replacement_char=bool(self.layout and self.layout.transcoded),
        )
        if self.opts.on_date is not None:
            ctx.use_fixed = True
            ctx.fixed_rs = self.book.id_for(self.opts.on_date)
            ctx.rule_sets = self.book.sets
            return ctx
        if days:
            lo, hi = min(days), max(days)
            known = set(days)
            by_day: list[int] = []
            for d in range(lo, hi + 1):
                if d not in known:
                    by_day.append(-2)  # not resolved: rows of that day are pending
                    continue
                rs = self.book.id_for(day_date(d))
                by_day.append(-1 if rs is None else rs)
            ctx.day_lo = lo
            ctx.rs_by_day = by_day
        ctx.rule_sets = self.book.sets
        return ctx

    # --- stage 1 -------------------------------------------------------------------

    def _stage1(self, ctx: SqlContext) -> None:
        con = self.con
        self._x(f"DROP TABLE IF EXISTS {self.ctab}")
        self._x("DROP TABLE IF EXISTS ofs_rejects")
        self._x("DROP TABLE IF EXISTS ofs_scans")
        present = [c for c in schema.COLUMN_NAMES if c in self.present]
        self.packed = present
        # every row that is not plainly accepted keeps its raw fields as a JSON array, to be
        # classified again exactly (NULL for the other rows: stored as a validity mask)
        raw = "CAST(to_json([" + ", ".join(self.typed_text.get(c, f"t_{c}") for c in present) + "]) AS VARCHAR)"
        # with accepted_path, accepted rows of the scan keep their typed values too (one scan
        # serves both); that table is large and goes to the scratch database file
        extra = ACCEPTED_EXTRA if self.opts.accepted_path is not None else []
        values = ""
        if extra:
            values = (
                f"(CASE WHEN class = {CLASS_OK} THEN struct_pack("
                + ", ".join(f"{c} := {c}" for c in [*CARRIED, *extra])
                + ") END) AS vals, "
            )
        scan_ctx = dataclasses.replace(ctx, empty_is_null=not self.is_parquet, typed=self.typed)
        inner = classify_sql(self.relation, scan_ctx, naive_quotes=True, extra=extra)
        sql = (
            f"CREATE {'' if extra else 'TEMP '}TABLE {self.ctab} AS SELECT "
            "(CASE WHEN u_record_id IS NOT NULL THEN hash(u_record_id) END) AS k1, "
            "(CASE WHEN u_record_id IS NOT NULL THEN hash(u_record_id || '\x1f') END) AS k2, "
            f"hash(plate_n, coalesce(color, '')) AS vh, ts_us, class, {values}"
            f"(CASE WHEN class <> {CLASS_OK} THEN {raw} END) AS raw "
            f"FROM ({inner})"
        )
        with _Poller(con, self.progress, 0.0, 0.75):
            self._x(sql, label="scan and classify")

    # --- the whole run ---------------------------------------------------------------

    def run(self) -> Summary:
        self.out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=self.opts.temp_dir) as tmpname:
            tmp = Path(tmpname)
            self.con = self._connect(tmp)
            try:
                self._stage("读取")
                self._open_source(tmp)
                if self.opts.stations is not None:
                    self._x("CREATE TEMP TABLE ofs_stations (station_id VARCHAR NOT NULL)")
                    if self.opts.stations:
                        self.con.executemany(
                            "INSERT INTO ofs_stations VALUES (?)", [(s,) for s in sorted(self.opts.stations)]
                        )
                first = self._first_day()
                days = [] if first is None else list(range(first - DATE_WINDOW_DAYS, first + DATE_WINDOW_DAYS + 1))
                self._stage("校验与判定")
                ctx = self._context(days)
                try:
                    self._stage1(ctx)
                    rewrite = self.layout is not None and self._line_scan().has_cr
                except duckdb.InvalidInputException:
                    # DuckDB's reader stops on a carriage return inside a line of an LF file
                    if self.layout is None or self.layout.transcoded:
                        raise
                    rewrite = True
                if rewrite:
                    self._line_scan()
                    self._use_layout(source.csv_layout(self.input, self.opts.encoding, tmp, force_rewrite=True))
                    ctx = self._context(days)
                    self._stage1(ctx)
                pending = [
                    r[0]
                    for r in self._x(
                        f"SELECT DISTINCT (ts_us + {OFFSET_US}) // {US_PER_DAY} FROM {self.ctab} "
                        f"WHERE class = {CLASS_PENDING}"
                    ).fetchall()
                ]
                if pending:
                    self._stage("补充日期后重新判定")
                    ctx = self._context(sorted(set(days) | set(pending)))
                    self._stage1(ctx)
                self.ctx = ctx
                self._verify_fines()
                self.timings["stage1"] = time.perf_counter() - t0
                self._stage("去重与合并")
                summary = self._stage2()
                self._stage("写出")
                self._write(summary)
                if self.opts.accepted_path is not None:
                    self._stage("写出接受的通行记录")
                    self._write_accepted(summary)
            finally:
                self.con.close()
        self.timings["total"] = time.perf_counter() - t0
        return summary

    def _verify_fines(self) -> None:
        """The vectorised fine must equal the catalog's ``fine_for`` on every edge of every
        schedule in use; checked before any output is written."""
        for i, rs in enumerate(self.book.sets):
            grid = fine_grid(rs)
            expected = [tuple(rs.fine_for(o, lim)) if rs.fine_for else rs.fine(o, lim) for lim, o in grid]
            outcome, fine = fine_case_sql(self.ctx, over="o", limit="l", rs=str(i))
            bad = self._x(
                f"SELECT count(*) FROM (SELECT unnest($l) AS l, unnest($o) AS o, unnest($eo) AS eo, "
                f"unnest($ef) AS ef) WHERE {outcome} <> eo OR {fine} <> ef",
                {
                    "l": [g[0] for g in grid],
                    "o": [g[1] for g in grid],
                    "eo": [e[0] for e in expected],
                    "ef": [int(e[1]) for e in expected],
                },
                label="verify fines",
            ).fetchone()[0]
            if bad:
                raise DetectError(
                    f"向量化罚款计算与法规目录 fine_for 不一致（规则 {rs.rule_version}，{bad} 处），已停止，未输出结果"
                )

    # --- stage 2 -------------------------------------------------------------------

    def _stage2(self) -> Summary:
        ctx = self.ctx
        if self.progress:
            self.progress.fraction(0.78)
        # The rows that matter, classified again from their raw fields with every value kept.
        # They are first copied into a dense table (a projection over the sparse output of a
        # filter pays its per-chunk cost thousands of times); the JSON array is parsed once
        # per row (a path per field would parse it per field).
        cols = ", ".join(f"f[{i + 1}] AS {q(c)}" for i, c in enumerate(self.packed))
        self._x(
            f"CREATE TEMP TABLE recheck AS SELECT rid, class1, vh, {cols} FROM ("
            f"SELECT rowid AS rid, class AS class1, vh, CAST(CAST(raw AS JSON) AS VARCHAR[]) AS f FROM {self.ctab} "
            "WHERE raw IS NOT NULL)",
            label="classify: unpack raw fields",
        )
        if self.ctab == "c":
            # columns no longer needed are dropped at once: that frees their memory (no copy)
            # for the sorts that follow
            self._x("ALTER TABLE c DROP COLUMN raw")
        # duplicates: the first row with a record id is the record, later ones are duplicates;
        # candidates are rows whose first hash equals a neighbour's in hash order (one sort of
        # (hash, row) pairs, cheaper than a 10-million-group aggregate), then exact groups on
        # both hashes among those few
        self._x(
            "CREATE TEMP TABLE dupc AS SELECT rid, k1 FROM ("
            "SELECT rowid AS rid, k1, lag(k1) OVER w AS p, lead(k1) OVER w AS n "
            f"FROM {self.ctab} WHERE k1 IS NOT NULL WINDOW w AS (ORDER BY k1)) WHERE k1 = p OR k1 = n",
            label="duplicates",
        )
        self._x(
            "CREATE TEMP TABLE dups AS SELECT rid, first_rid FROM "
            "(SELECT rid, min(rid) OVER (PARTITION BY k1, k2) AS first_rid FROM "
            f"(SELECT rowid AS rid, k1, k2 FROM {self.ctab} WHERE rowid IN (SELECT rid FROM dupc))) "
            "WHERE rid <> first_rid",
            label="duplicates",
        )
        if self.ctab == "c":
            self._x("ALTER TABLE c DROP COLUMN k1")
            self._x("ALTER TABLE c DROP COLUMN k2")
        if self.progress:
            self.progress.fraction(0.82)
        extra = ACCEPTED_EXTRA if self.opts.accepted_path is not None else []
        # rows over a limit in the scan had no quote and no bad value: the scan's reading of
        # them is exact and they need no quote handling; the others get the full treatment
        naive = classify_sql(
            f"(SELECT * FROM recheck WHERE class1 = {CLASS_VIOLATION})",
            ctx,
            keep=["rid", "class1", "vh"],
            naive_quotes=True,
            extra=extra,
        )
        full = classify_sql(
            f"(SELECT * FROM recheck WHERE class1 <> {CLASS_VIOLATION})", ctx, keep=["rid", "class1", "vh"], extra=extra
        )
        self._x(
            "CREATE TEMP TABLE det AS SELECT *, rid IN (SELECT rid FROM dups) AS is_dup, "
            f"hash(plate_n, coalesce(color, '')) AS vkey FROM ({naive} UNION ALL BY NAME {full})",
            label="classify rows that matter",
        )
        bad = self._x(
            f"SELECT count(*) FROM det WHERE class1 = {CLASS_VIOLATION} AND (class <> {CLASS_VIOLATION} OR vh <> vkey)"
        ).fetchone()[0]
        if bad:
            raise DetectError(f"内部错误：两次判定结果不一致（{bad} 行）")
        # free the memory of what is no longer needed
        self._x("DROP TABLE recheck")
        self._row_numbers()
        if self.progress:
            self.progress.fraction(0.86)
        self._merge()
        if self.progress:
            self.progress.fraction(0.92)
        return self._summary()

    def _row_numbers(self) -> None:
        """Data row numbers (1-based, header excluded) of quarantined and duplicate rows.
        ``rid`` counts the records DuckDB returned; rejected and blank lines lie in between."""
        needed = (
            f"SELECT rid FROM det WHERE class = {CLASS_QUARANTINE} AND NOT is_dup "
            "UNION SELECT rid FROM dups UNION SELECT first_rid FROM dups"
        )
        self.gaps: list[int] = []  # row of record rid = rid + 1 + bisect_right(gaps, rid)
        if self.is_parquet:
            self.reject_rows: list[tuple[int, str, str]] = []
            self._x(f"CREATE TEMP TABLE rowmap AS SELECT rid, rid + 1 AS row FROM ({needed})")
        else:
            rejects = self._x(
                "SELECT line, list(DISTINCT CAST(error_type AS VARCHAR)), any_value(csv_line) "
                "FROM ofs_rejects GROUP BY line"
            ).fetchall()
            self.reject_rows = []
            for line, types, text in rejects:
                reason = next((REJECT_REASONS[t] for t in REJECT_REASONS if t in types), "csv_unreadable")
                self.reject_rows.append((int(line) - 1, reason, (text or "")[:500]))
            self.reject_rows.sort()
            # every physical line is a record, a rejected line or a blank line: checked
            scan = self._line_scan()
            records = self._x(f"SELECT count(*) FROM {self.ctab}").fetchone()[0] + len(self.reject_rows)
            if scan.data_lines() != records:
                self.layout.blank_lines = source.blank_lines(self.layout.path)
                blanks = len([b for b in self.layout.blank_lines if b >= 2])
                if scan.data_lines() != records + blanks:
                    raise DetectError(
                        f"行数核对不一致：文件有 {scan.data_lines()} 行数据，读出 {records} 行、空行 {blanks} 行"
                    )
            # physical lines (>= 2) that are not returned records
            other = sorted({r[0] + 1 for r in self.reject_rows} | {b for b in self.layout.blank_lines if b >= 2})
            gaps = [x - 2 - j for j, x in enumerate(other)]
            self.gaps = gaps
            need = [r[0] for r in self._x(needed).fetchall()]
            self._x("CREATE TEMP TABLE rowmap (rid BIGINT, row BIGINT)")
            if need:
                self._x(
                    "INSERT INTO rowmap SELECT unnest($rids), unnest($rows)",
                    {"rids": need, "rows": [rid + 1 + bisect_right(gaps, rid) for rid in need]},
                )
        self._x(
            "CREATE TEMP TABLE duprows AS SELECT d.rid, a.row, b.row AS first_row FROM dups d "
            "JOIN rowmap a ON a.rid = d.rid JOIN rowmap b ON b.rid = d.first_rid"
        )

    def _merge(self) -> None:
        """Group the over-limit passages of a vehicle into events (docs/offsite.md, "Merging")."""
        window_us = int(self.opts.window.total_seconds() * 1_000_000)
        self._x(
            "CREATE TEMP TABLE viol AS SELECT rid, vkey, ts_us, rs, u_record_id, u_station_id, u_lane, plate_n, "
            "color, kind, sda, v_axles, v_gross_kg, tolerance_kg, limit_kg, over_kg, over_length_mm, "
            f"over_width_mm, over_height_mm FROM det WHERE class = {CLASS_VIOLATION} AND NOT is_dup",
            label="merge",
        )
        self._x("CREATE TEMP TABLE vv AS SELECT DISTINCT vkey FROM viol", label="merge")
        self._x(
            "CREATE TEMP TABLE brk AS "
            f"SELECT rowid AS rid, vh AS vkey, ts_us FROM {self.ctab} "
            f"WHERE class = {CLASS_OK} AND vh IN (SELECT vkey FROM vv) AND rowid NOT IN (SELECT rid FROM dups) "
            f"UNION ALL SELECT rid, vkey, ts_us FROM det WHERE class = {CLASS_OK} AND NOT is_dup "
            "AND vkey IN (SELECT vkey FROM vv)",
            label="merge",
        )
        self._x(
            f"""
            CREATE TEMP TABLE sess AS
            WITH p AS (
                SELECT vkey, ts_us, rid, 1 AS v FROM viol
                UNION ALL SELECT vkey, ts_us, rid, 0 AS v FROM brk
            ), s AS (
                SELECT *, sum(1 - v) OVER (PARTITION BY vkey ORDER BY ts_us, rid ROWS UNBOUNDED PRECEDING) AS seg
                FROM p
            ), g AS (
                SELECT vkey, seg, ts_us, rid,
                       lag(ts_us) OVER (PARTITION BY vkey, seg ORDER BY ts_us, rid) AS prev
                FROM s WHERE v = 1
            )
            SELECT vkey, seg, ts_us, rid,
                   sum(CASE WHEN prev IS NULL OR ts_us - prev > {window_us} THEN 1 ELSE 0 END)
                       OVER (PARTITION BY vkey, seg ORDER BY ts_us, rid ROWS UNBOUNDED PRECEDING) AS gs
            FROM g
            """,
            label="merge",
        )
        # a run longer than the window is split, anchored at each event's first passage
        long_rows = self._x(
            "SELECT vkey, seg, gs, ts_us, rid FROM sess WHERE (vkey, seg, gs) IN "
            f"(SELECT vkey, seg, gs FROM sess GROUP BY ALL HAVING max(ts_us) - min(ts_us) > {window_us}) "
            "ORDER BY vkey, seg, gs, ts_us, rid",
            label="merge",
        ).fetchall()
        subs: list[tuple[int, int]] = []
        key = None
        start = sub = 0
        for vkey, seg, gs, ts, rid in long_rows:
            if (vkey, seg, gs) != key:
                key, start, sub = (vkey, seg, gs), ts, 0
            elif ts - start > window_us:
                start, sub = ts, sub + 1
            subs.append((rid, sub))
        self._x("CREATE TEMP TABLE subs (rid BIGINT, sub INTEGER)")
        if subs:
            self._x(
                "INSERT INTO subs SELECT unnest($r), unnest($s)",
                {"r": [r for r, _ in subs], "s": [s for _, s in subs]},
            )
        # event of each passage = its first passage; the worst passage gives weight and fine
        self._x(
            """
            CREATE TEMP TABLE grp AS
            SELECT s.rid,
                   first_value(s.rid) OVER (PARTITION BY s.vkey, s.seg, s.gs, coalesce(b.sub, 0)
                                            ORDER BY s.ts_us, s.rid) AS first_rid
            FROM sess s LEFT JOIN subs b USING (rid)
            """,
            label="merge",
        )
        for name in ("brk", "sess", "subs", "vv"):
            self._x(f"DROP TABLE {name}")
        outcome, fine = fine_case_sql(ctx=self.ctx, over="w.over_kg", limit="w.limit_kg", rs="w.rs")
        versions = "[" + ", ".join(lit(r.catalog_version) for r in self.book.sets) + "]"
        rule_versions = "[" + ", ".join(lit(r.rule_version) for r in self.book.sets) + "]"
        kinds = " ".join(f"WHEN {code} THEN '{name}'" for name, code in KIND_CODES.items())
        self._x(
            f"""
            CREATE TEMP TABLE ev AS
            WITH m AS (
                SELECT v.*, g.first_rid FROM viol v JOIN grp g USING (rid)
            ), agg AS (
                -- lists sorted afterwards: ordered aggregates are slow for many small groups
                SELECT first_rid,
                       arg_max(rid, struct_pack(o := over_kg, t := -ts_us, r := -rid)) AS worst_rid,
                       count(*) AS passage_count,
                       array_to_string(list_transform(
                           list_sort(list(struct_pack(t := ts_us, r := rid, id := u_record_id))),
                           lambda x: x.id), ';') AS passages,
                       array_to_string(list_sort(list_distinct(list(u_station_id))), ';') AS stations,
                       min(ts_us) AS first_ts, max(ts_us) AS last_ts,
                       max(over_length_mm) AS over_length_mm, max(over_width_mm) AS over_width_mm,
                       max(over_height_mm) AS over_height_mm
                FROM m GROUP BY first_rid
            )
            SELECT a.first_rid, a.worst_rid, f.u_record_id AS event_id, w.u_record_id AS record_id, w.plate_n AS plate,
                   w.color AS plate_color, w.ts_us, w.u_station_id AS station_id, w.u_lane AS lane,
                   w.v_axles AS axles, CASE w.kind {kinds} END AS vehicle_kind,
                   CASE w.sda WHEN 2 THEN 'true' WHEN 1 THEN 'false' END AS single_drive_axle,
                   w.v_gross_kg AS gross_weight_kg, w.tolerance_kg, w.limit_kg, w.over_kg,
                   {outcome} AS outcome, {fine} AS fine_yuan,
                   a.over_length_mm, a.over_width_mm, a.over_height_mm,
                   a.passage_count, a.passages, a.stations, a.first_ts, a.last_ts,
                   (w.ts_us + {OFFSET_US}) // {US_PER_DAY} AS rules_day,
                   {versions}[w.rs + 1] AS catalog_version,
                   {rule_versions}[w.rs + 1] AS rule_version
            FROM agg a JOIN viol w ON w.rid = a.worst_rid JOIN viol f ON f.rid = a.first_rid
            """,
            label="events",
        )

    def _summary(self) -> Summary:
        s = Summary()
        n_good = self._x(f"SELECT count(*) FROM {self.ctab}").fetchone()[0]
        n_dups = self._x("SELECT count(*) FROM dups").fetchone()[0]
        by_reason: dict[str, int] = {}
        q_good = 0
        for reason, n in self._x(
            f"SELECT reason, count(*) FROM det WHERE class = {CLASS_QUARANTINE} AND NOT is_dup GROUP BY reason"
        ).fetchall():
            by_reason[reason] = n
            q_good += n
        for _, reason, _ in self.reject_rows:
            by_reason[reason] = by_reason.get(reason, 0) + 1
        s.read = n_good + len(self.reject_rows)
        s.duplicates = n_dups
        s.quarantined = len(self.reject_rows) + q_good
        s.accepted = n_good - n_dups - q_good
        s.by_reason = {k: by_reason[k] for k in schema.REASON_CODES if k in by_reason}
        row = self._x(
            "SELECT count(*) FILTER (WHERE outcome IN ('warning', 'fine')), "
            "count(*) FILTER (WHERE outcome = 'warning'), "
            "count(*) FILTER (WHERE outcome = 'fine'), coalesce(sum(fine_yuan), 0), "
            "count(*) FILTER (WHERE over_kg > 0 AND outcome = 'none'), "
            "count(*) FILTER (WHERE NOT over_kg > 0) FROM ev"
        ).fetchone()
        (s.events, s.warnings, s.fines, s.fine_yuan_total, s.no_penalty_events, s.dimension_events) = (
            int(x) for x in row
        )
        s.violating_passages = self._x("SELECT count(*) FROM viol").fetchone()[0]
        s.input = {
            "path": str(self.input),
            "format": "parquet" if self.is_parquet else "csv",
            "encoding": None if self.is_parquet else ("utf-8" if self.encoding == "utf-8" else "gbk"),
            "bytes": self.input.stat().st_size,
        }
        s.rules = {
            "region": self.opts.region,
            "date": self.opts.on_date.isoformat() if self.opts.on_date else "per-passage",
            "catalog_versions": sorted({r.catalog_version for r in self.book.sets}),
            "provisions": {r.rule_version: list(r.provisions) for r in self.book.sets},
            "dates_without_rules": sorted(d.isoformat() for d in self.book.errors),
        }
        s.parameters = {
            "window_minutes": int(self.opts.window.total_seconds() // 60),
            "stations_checked": self.opts.stations is not None,
            "nev_letters": self.opts.nev_letters,
            "plausibility": asdict(self.opts.plausibility),
        }
        return s

    # --- output ----------------------------------------------------------------------

    def _write(self, s: Summary) -> None:
        out = self.out

        def copy(sql: str, name: str) -> None:
            self._x(f"COPY ({sql}) TO {lit(str(out / name))} (FORMAT csv, HEADER true)", label=f"write {name}")

        special = {
            "passed_at": f"{_ts_sql('ts_us')} AS passed_at",
            "first_passed_at": f"{_ts_sql('first_ts')} AS first_passed_at",
            "last_passed_at": f"{_ts_sql('last_ts')} AS last_passed_at",
            "rules_date": "CAST(DATE '1970-01-01' + CAST(rules_day AS INTEGER) AS VARCHAR) AS rules_date",
        }
        ev_cols = ", ".join(special.get(c, c) for c in EVENT_COLUMNS)
        dim_cols = ", ".join(special.get(c, c) for c in EVENT_COLUMNS if c not in ("outcome", "fine_yuan"))
        # one sort of the events by (first passage time, plate, colour, id) gives ord
        self._x(
            "CREATE TEMP TABLE evord AS SELECT first_rid, "
            "row_number() OVER (ORDER BY first_ts, plate, plate_color NULLS FIRST, event_id) AS ord FROM ev",
            label="order events",
        )
        order = "ORDER BY ord"
        ev_from = "ev JOIN evord USING (first_rid)"
        copy(f"SELECT {ev_cols} FROM {ev_from} WHERE outcome IN ('warning', 'fine') {order}", "events.csv")
        copy(f"SELECT {ev_cols} FROM {ev_from} WHERE over_kg > 0 AND outcome = 'none' {order}", "no_penalty_events.csv")
        copy(f"SELECT {dim_cols} FROM {ev_from} WHERE NOT over_kg > 0 {order}", "dimension_events.csv")
        copy(
            f"""SELECT e.event_id, v.u_record_id AS record_id, v.u_station_id AS station_id,
                       v.u_lane AS lane, {_ts_sql("v.ts_us")} AS passed_at, v.v_axles AS axles,
                       v.v_gross_kg AS gross_kg, v.tolerance_kg, v.limit_kg, v.over_kg,
                       v.over_length_mm, v.over_width_mm, v.over_height_mm,
                       v.u_record_id = e.record_id AS worst
                FROM viol v JOIN grp g USING (rid) JOIN ev e ON e.first_rid = g.first_rid
                JOIN evord o ON o.first_rid = g.first_rid
                ORDER BY o.ord, v.ts_us, v.rid""",
            "passages.csv",
        )
        # quarantine: rejected lines and quarantined records, by row
        self._x("CREATE TEMP TABLE qrej (row BIGINT, reason VARCHAR, field VARCHAR, record_id VARCHAR, value VARCHAR)")
        if self.reject_rows:
            self._x(
                "INSERT INTO qrej SELECT unnest($r), unnest($why), NULL, NULL, unnest($v)",
                {
                    "r": [r for r, _, _ in self.reject_rows],
                    "why": [w for _, w, _ in self.reject_rows],
                    "v": [v for _, _, v in self.reject_rows],
                },
            )
        value_case = "CASE d.field " + " ".join(f"WHEN '{c}' THEN d.t_{c}" for c in schema.COLUMN_NAMES) + " END"
        reasons = "CASE reason " + " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in schema.REASONS.items()) + " END"
        copy(
            f"""SELECT row, reason, field, record_id, left(value, 500) AS value, {reasons} AS message FROM (
                  SELECT row, reason, field, record_id, value FROM qrej
                  UNION ALL
                  SELECT m.row, d.reason, d.field, d.u_record_id, {value_case}
                  FROM det d JOIN rowmap m USING (rid)
                  WHERE d.class = {CLASS_QUARANTINE} AND NOT d.is_dup
                ) ORDER BY row""",
            "quarantine.csv",
        )
        copy(
            "SELECT r.row, coalesce(d.u_record_id, f.u_record_id) AS record_id, r.first_row FROM duprows r "
            "JOIN dups x USING (rid) LEFT JOIN det d ON d.rid = r.rid LEFT JOIN det f ON f.rid = x.first_rid "
            "ORDER BY r.row",
            "duplicates.csv",
        )
        (out / "summary.json").write_text(
            json.dumps(s.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def _write_accepted(self, s: Summary) -> None:
        """Every accepted passage to ``accepted_path`` (Parquet, zstd), in file order: the
        scan's accepted rows (their values were kept, only with this option) and the rows
        classified again exactly, joined with row numbers, duplicates and events."""
        kinds = " ".join(f"WHEN {code} THEN '{name}'" for name, code in KIND_CODES.items())
        cols = [
            "u_record_id",
            "u_station_id",
            "u_lane",
            "ts_us",
            "plate_n",
            "color",
            "kind",
            "sda",
            "v_axles",
            "v_gross_kg",
            *ACCEPTED_EXTRA,
            "limit_kg",
            "tolerance_kg",
            "over_kg",
        ]
        # in the scratch database (compressed on disk), not in memory: 10 M rows of values.
        # Rows of class OK in the scan are final and not in det; every other row that can be
        # accepted (over a limit, or classified again) is in det with its final class.
        self._x(
            "CREATE TABLE scratch.acc AS "
            f"SELECT rowid AS rid, {', '.join(f'vals.{c} AS {c}' for c in cols)} FROM scratch.c "
            f"WHERE class = {CLASS_OK} "
            f"UNION ALL BY NAME SELECT rid, {', '.join(cols)} FROM det WHERE class IN ({CLASS_OK}, {CLASS_VIOLATION})",
            label="accepted: collect",
        )
        n = self._x("SELECT count(*) FROM scratch.acc WHERE rid NOT IN (SELECT rid FROM dups)").fetchone()[0]
        if n != s.accepted:
            raise DetectError(f"内部错误：接受记录数不一致（{n} ≠ {s.accepted}）")
        self._x("CREATE TEMP TABLE gapt (gap BIGINT, n BIGINT)")
        if self.gaps:
            self._x(
                "INSERT INTO gapt SELECT gap, max(n) FROM (SELECT unnest($g) AS gap, unnest($n) AS n) GROUP BY gap",
                {"g": self.gaps, "n": list(range(1, len(self.gaps) + 1))},
            )
        path = Path(self.opts.accepted_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._x(
            f"""COPY (
                SELECT a.rid + 1 + coalesce(gp.n, 0) AS row_number, a.u_record_id AS record_id,
                       a.u_station_id AS station_id, a.u_lane AS lane, make_timestamptz(a.ts_us) AS passed_at,
                       a.plate_n AS plate, a.color AS plate_color, a.v_axles AS axles,
                       CASE a.kind {kinds} END AS vehicle_kind,
                       CASE a.sda WHEN 2 THEN true WHEN 1 THEN false END AS single_drive_axle,
                       a.v_gross_kg::BIGINT AS gross_kg, a.v_speed_kmh AS speed_kmh, a.v_length_mm AS length_mm,
                       a.v_width_mm AS width_mm, a.v_height_mm AS height_mm, a.limit_kg::BIGINT AS limit_kg,
                       a.tolerance_kg::BIGINT AS tolerance_kg,
                       (CASE WHEN a.over_kg > 0 THEN a.over_kg END)::BIGINT AS over_kg,
                       e.event_id, coalesce(a.rid = e.worst_rid, false) AS worst
                FROM scratch.acc a ASOF LEFT JOIN gapt gp ON a.rid >= gp.gap
                LEFT JOIN grp g ON g.rid = a.rid LEFT JOIN ev e ON e.first_rid = g.first_rid
                WHERE a.rid NOT IN (SELECT rid FROM dups)
                ORDER BY a.rid
            ) TO {lit(str(path))} (FORMAT parquet, COMPRESSION zstd)""",
            label="write accepted",
        )


def _first_column_values(layout: source.CsvLayout, name: str, n: int) -> list[str | None]:
    """The first ``n`` values of one column, read with plain Python (for the date window)."""
    if name not in layout.columns:
        return []
    idx = layout.columns.index(name)
    out: list[str | None] = []
    with open(layout.path, encoding="utf-8", errors="replace", newline="") as f:
        f.readline()
        for _ in range(n):
            line = f.readline()
            if not line:
                break
            parts = line.rstrip("\r\n").split(",")
            out.append(parts[idx] if idx < len(parts) else None)
    return out


def detect(
    input_path: Path | str,
    out_dir: Path | str,
    rules_for: RulesFor | None = None,
    options: DetectOptions | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Run the detection; see the module docstring and docs/offsite.md."""
    det = Detector(Path(input_path), Path(out_dir), rules_for, options, progress)
    return det.run()


__all__ = ["Callable", "DetectError", "DetectOptions", "Progress", "Summary", "detect"]
