"""The detection rules in plain Python, row by row: the test oracle (pure: no Django).

It reads the same files as :mod:`zhifa.offsite.detect` and must reach the same counts,
quarantine reasons and events; it is about ten times slower and meant for small files.
Plates are checked with :func:`zhifa.core.validators.parse_plate` itself, outcomes and
fines come from the catalog's scalar ``fine_for``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from zhifa.core.validators import ValidationProblem, parse_plate
from zhifa.offsite import schema, source
from zhifa.offsite.limits import KIND_CODES, LICENSED_KINDS, MAX_AXLES, RuleBook, RuleSet, RulesFor

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
LOCAL = timezone(timedelta(hours=8))
_TS = re.compile(schema.TIMESTAMP_RE)
_INT = re.compile(schema.INT_RE)
_DEC = re.compile(schema.DECIMAL_RE)
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
MAX_LINE_BYTES = 1 << 20


def parse_timestamp(text: str) -> int | None:
    """Epoch microseconds of an ISO 8601 passage time (no zone: +08:00), or None."""
    m = _TS.fullmatch(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    frac, zone = m.group(7), m.group(8)
    us = int(frac[1:].ljust(6, "0")) if frac else 0
    if zone is None:
        tz = LOCAL
    elif zone == "Z":
        tz = timezone.utc
    else:
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tz = timezone(offset if zone[0] == "+" else -offset)
    try:
        dt = datetime(y, mo, d, h, mi, s, us, tzinfo=tz)
    except ValueError:
        return None
    return (dt - EPOCH) // timedelta(microseconds=1)


@dataclass
class Passage:
    row: int
    order: int  # position among the records the reader returned (ties in time)
    raw: dict[str, str | None]
    reason: str | None = None
    bad_field: str | None = None
    record_id: str | None = None
    station_id: str | None = None
    lane: str | None = None
    plate: str | None = None
    color: str = ""
    kind: int | None = None
    sda: int = 0
    axles: int | None = None
    gross_kg: int | None = None
    ts_us: int | None = None
    rs: int | None = None
    limit_kg: int | None = None
    tolerance_kg: int | None = None
    over_kg: int | None = None
    over_dims: dict[str, int] = field(default_factory=dict)
    violation: bool = False
    values: dict[str, object] = field(default_factory=dict)  # the numeric fields, typed
    event_id: str | None = None
    worst: bool = False


@dataclass
class OracleResult:
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    quarantine: list[tuple[int, str, str | None]] = field(default_factory=list)  # (row, reason, field)
    duplicate_rows: list[tuple[int, int]] = field(default_factory=list)  # (row, first_row)
    events: list[dict[str, object]] = field(default_factory=list)
    no_penalty_events: list[dict[str, object]] = field(default_factory=list)
    dimension_events: list[dict[str, object]] = field(default_factory=list)
    accepted_rows: list[Passage] = field(default_factory=list)  # in file order

    @property
    def warnings(self) -> int:
        return sum(1 for e in self.events if e["outcome"] == "warning")

    @property
    def fines(self) -> int:
        return sum(1 for e in self.events if e["outcome"] == "fine")


def _quote_state(value: str | None) -> int:
    if value is None or '"' not in value:
        return 0
    return 1 if _QUOTED.fullmatch(value) else 2


def _unquote(value: str | None, state: int) -> str | None:
    if state == 2 or value is None:
        return None
    if state == 1:
        value = value[1:-1].replace('""', '"')
    return value or None


def _vocab(value: str | None, mapping: dict[str, object], unknown: object) -> object:
    if value is None:
        return None
    return mapping.get(schema.ascii_lower(value), unknown)


def _least(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


class Oracle:
    def __init__(
        self,
        rules_for: RulesFor,
        region: str | None = None,
        on_date: date | None = None,
        window: timedelta = timedelta(hours=24),
        stations: frozenset[str] | None = None,
        nev_letters: str = "DF",
        plausibility: schema.Plausibility | None = None,
        encoding: str | None = None,
    ):
        self.book = RuleBook(rules_for, region, on_date)
        self.window_us = int(window.total_seconds() * 1_000_000)
        self.stations = stations
        self.nev_letters = nev_letters
        self.pl = plausibility or schema.Plausibility()
        self.encoding = encoding

    # --- reading ---------------------------------------------------------------------

    def records(self, path: Path) -> tuple[list[Passage], list[tuple[int, str]], set[str], bool]:
        """(records, rejected (row, reason), present columns, check U+FFFD)."""
        if source.is_parquet(path):
            return self._parquet(path)
        enc, _newline, header, _ = source.read_header(path, self.encoding)
        columns, present = source.map_header(header)
        data = path.read_bytes()
        rewritten = enc != "utf-8" or b"\r" in data
        if enc != "utf-8":
            data = data.decode(enc, errors="replace").encode("utf-8")
        if rewritten:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", "\ufffd".encode())
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        records: list[Passage] = []
        rejected: list[tuple[int, str]] = []
        for i, bline in enumerate(lines[1:], start=2):
            if bline == b"":
                continue
            row = i - 1
            try:
                text = bline.decode("utf-8")
            except UnicodeDecodeError:
                rejected.append((row, "invalid_encoding"))
                continue
            if len(bline) > MAX_LINE_BYTES:
                rejected.append((row, "csv_line_too_long"))
                continue
            fields = text.split(",")
            if len(fields) < len(columns):
                rejected.append((row, "csv_missing_fields"))
                continue
            if len(fields) > len(columns):
                rejected.append((row, "csv_extra_fields"))
                continue
            raw = {c: (f if f != "" else None) for c, f in zip(columns, fields, strict=True) if not c.startswith("_")}
            records.append(Passage(row=row, order=len(records), raw=raw))
        return records, rejected, present, rewritten

    def _parquet(self, path: Path) -> tuple[list[Passage], list[tuple[int, str]], set[str], bool]:
        import duckdb  # only to read the file; every rule below is plain Python

        con = duckdb.connect()
        rel = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        names = [d[0] for d in rel.description]
        mapping: dict[int, str] = {}
        for i, n in enumerate(names):
            c = schema.HEADER_ALIASES.get(n) or schema.HEADER_ALIASES.get(n.lower())
            if c and c not in mapping.values():
                mapping[i] = c
        present = set(mapping.values())
        missing = [c for c in schema.REQUIRED if c not in present]
        if missing:
            raise source.SourceError("输入文件缺少必填列：" + "、".join(missing))
        records = []
        for k, values in enumerate(rel.fetchall()):
            raw = {c: _text(values[i], schema.BY_NAME[c].kind) for i, c in mapping.items()}
            records.append(Passage(row=k + 1, order=k, raw=raw))
        con.close()
        return records, [], present, False

    # --- one record ------------------------------------------------------------------

    def classify(self, p: Passage, present: set[str], check_fffd: bool) -> None:
        raw = p.raw
        cols = [c for c in schema.COLUMN_NAMES if c in present]
        states = {c: _quote_state(raw.get(c)) for c in cols}
        u = {c: _unquote(raw.get(c), states.get(c, 0)) for c in schema.COLUMN_NAMES}
        p.record_id, p.station_id, p.lane = u["record_id"], u["station_id"], u["lane"]

        def fail(reason: str, fld: str | None) -> None:
            p.reason, p.bad_field = reason, fld

        if check_fffd and any("\ufffd" in (raw.get(c) or "") for c in cols):
            return fail("invalid_encoding", None)
        bad_q = next((c for c in cols if states[c] == 2), None)
        if bad_q:
            return fail("csv_bad_quoting", bad_q)
        for c in schema.REQUIRED:
            if u[c] is None:
                return fail("missing_field", c)
        try:
            p.plate = parse_plate(u["plate"], nev_letters=self.nev_letters).plate
            plate_problem = None
        except ValidationProblem as exc:
            plate_problem = exc.code
        if plate_problem == "plate.required":
            return fail("missing_field", "plate")
        for c in ("record_id", "station_id", "lane"):
            if u[c] is not None and len(u[c]) > schema.MAX_TEXT:
                return fail("value_too_long", c)
        p.ts_us = parse_timestamp(u["passed_at"])
        if p.ts_us is None:
            return fail("bad_timestamp", "passed_at")
        v: dict[str, object] = {}
        p.values = v
        for c in schema.COLUMN_NAMES:
            kind = schema.BY_NAME[c].kind
            if kind not in ("int", "decimal") or c not in present or u[c] is None:
                v[c] = None
                continue
            if not (_INT if kind == "int" else _DEC).fullmatch(u[c]):
                return fail("bad_number", c)
            v[c] = int(u[c]) if kind == "int" else Decimal(u[c])
        if plate_problem:
            return fail("invalid_plate", "plate")
        color = _vocab(u["plate_color"], schema.PLATE_COLOR_VALUES, "?")
        if color == "?":
            return fail("invalid_plate_color", "plate_color")
        p.color = color or ""
        kinds = {k: KIND_CODES[name] for k, name in schema.VEHICLE_KIND_VALUES.items()}
        kind = _vocab(u["vehicle_kind"], kinds, -1)
        if kind == -1:
            return fail("invalid_vehicle_kind", "vehicle_kind")
        p.kind = kind
        flags = {k: (2 if b else 1) for k, b in schema.FLAG_VALUES.items()}
        sda = _vocab(u["single_drive_axle"], flags, -1) or 0
        if sda == -1:
            return fail("invalid_flag", "single_drive_axle")
        air = _vocab(u["air_suspension"], flags, -1) or 0
        if air == -1:
            return fail("invalid_flag", "air_suspension")
        p.sda = sda
        axles, gross = v["axles"], v["gross_kg"]
        p.axles, p.gross_kg = axles, gross
        if not 2 <= axles <= MAX_AXLES:
            return fail("impossible_axles", "axles")
        sta = v["single_tyre_axles"]
        if sta is not None and (sta < 0 or sta > axles):
            return fail("impossible_axles", "single_tyre_axles")
        pl = self.pl
        for c, mx in (("length_mm", pl.max_length_mm), ("width_mm", pl.max_width_mm), ("height_mm", pl.max_height_mm)):
            if v[c] is not None and (v[c] < pl.min_dimension_mm or v[c] > mx):
                return fail("impossible_dimension", c)
        spacing = v["axle_spacing_mm"]
        if spacing is not None and (spacing <= 0 or spacing > pl.max_length_mm):
            return fail("impossible_dimension", "axle_spacing_mm")
        if v["speed_kmh"] is not None and (v["speed_kmh"] < 0 or v["speed_kmh"] > pl.max_speed_kmh):
            return fail("impossible_speed", "speed_kmh")
        if self.stations is not None and u["station_id"] not in self.stations:
            return fail("unknown_station", "station_id")
        day = (p.ts_us + 8 * 3600 * 1_000_000) // 86_400_000_000
        p.rs = self.book.id_for(date(1970, 1, 1) + timedelta(days=day))
        if p.rs is None:
            return fail("no_rules", "passed_at")
        rs: RuleSet = self.book.sets[p.rs]
        licensed = v["licensed_gross_kg"]
        if gross <= 0 or gross > rs.implausible_gross_kg:
            return fail("impossible_weight", "gross_kg")
        if licensed is not None and (licensed <= 0 or licensed > rs.implausible_gross_kg):
            return fail("impossible_weight", "licensed_gross_kg")
        p.limit_kg = self._limit(rs, kind, sda, air, axles, licensed, sta, spacing)
        if p.limit_kg is None:
            return fail("no_limit", "axles")
        p.tolerance_kg = rs.tolerance_for(gross)
        p.over_kg = gross - p.tolerance_kg - p.limit_kg
        for c, lim in (("length_mm", rs.max_length_mm), ("width_mm", rs.max_width_mm), ("height_mm", rs.max_height_mm)):
            if lim is not None and v[c] is not None and v[c] > lim:
                p.over_dims[c] = v[c] - lim
        p.violation = p.over_kg > 0 or bool(p.over_dims)

    @staticmethod
    def _limit(rs, kind, sda, air, axles, licensed, sta, spacing) -> int | None:
        if kind is not None and kind in [KIND_CODES[k] for k in LICENSED_KINDS]:
            base = licensed
        else:
            base = rs.table_limit(axles, kind or 0, sda)
        truck, art = KIND_CODES["truck"], KIND_CODES["articulated"]
        adj = base
        if kind == truck and axles in (3, 4) and air == 2:
            adj = None if base is None else base + rs.air_suspension_bonus_kg
        elif (
            kind == art
            and axles == 4
            and air == 2
            and spacing is not None
            and spacing >= rs.articulated4_min_spacing_mm
        ):
            adj = rs.articulated4_air_limit_kg
        if kind == truck and axles == 2 and licensed is not None:
            adj = _least(adj, licensed)
        if adj is None:
            return None
        adj -= (sta or 0) * rs.single_tyre_deduction_kg
        return adj if adj > 0 else None

    # --- the whole file --------------------------------------------------------------

    def run(self, path: Path | str) -> OracleResult:
        path = Path(path)
        records, rejected, present, check_fffd = self.records(path)
        res = OracleResult()
        res.read = len(records) + len(rejected)
        first_row: dict[str, int] = {}
        live: list[Passage] = []
        for p in records:
            states = _quote_state(p.raw.get("record_id"))
            key = _unquote(p.raw.get("record_id"), states)
            if key is not None and key in first_row:
                res.duplicate_rows.append((p.row, first_row[key]))
                continue
            if key is not None:
                first_row[key] = p.row
            live.append(p)
        res.duplicates = len(res.duplicate_rows)
        for p in live:
            self.classify(p, present, check_fffd)
        quarantined = [p for p in live if p.reason]
        res.quarantine = sorted(
            [(r, why, None) for r, why in rejected] + [(p.row, p.reason, p.bad_field) for p in quarantined]
        )
        res.quarantined = len(res.quarantine)
        res.accepted = len(live) - len(quarantined)
        res.accepted_rows = [p for p in live if not p.reason]
        self._events(res.accepted_rows, res)
        return res

    def _events(self, accepted: list[Passage], res: OracleResult) -> None:
        by_vehicle: dict[tuple[str, str], list[Passage]] = {}
        for p in accepted:
            by_vehicle.setdefault((p.plate, p.color), []).append(p)
        groups: list[list[Passage]] = []
        for passages in by_vehicle.values():
            if not any(p.violation for p in passages):
                continue
            passages.sort(key=lambda p: (p.ts_us, p.order))
            current: list[Passage] | None = None
            for p in passages:
                if not p.violation:
                    current = None
                elif current is not None and p.ts_us - current[0].ts_us <= self.window_us:
                    current.append(p)
                else:
                    current = [p]
                    groups.append(current)
        for g in groups:
            worst = sorted(g, key=lambda p: (-p.over_kg, p.ts_us, p.order))[0]
            worst.worst = True
            for p in g:
                p.event_id = g[0].record_id
            rs = self.book.sets[worst.rs]
            event: dict[str, object] = {
                "event_id": g[0].record_id,
                "record_id": worst.record_id,
                "plate": worst.plate,
                "plate_color": worst.color,
                "passed_at": worst.ts_us,
                "station_id": worst.station_id,
                "axles": worst.axles,
                "gross_weight_kg": worst.gross_kg,
                "tolerance_kg": worst.tolerance_kg,
                "limit_kg": worst.limit_kg,
                "over_kg": worst.over_kg,
                "passage_count": len(g),
                "passages": ";".join(p.record_id for p in g),
                "first_passed_at": g[0].ts_us,
                "over_length_mm": max((p.over_dims.get("length_mm", 0) for p in g), default=0) or None,
                "over_width_mm": max((p.over_dims.get("width_mm", 0) for p in g), default=0) or None,
                "over_height_mm": max((p.over_dims.get("height_mm", 0) for p in g), default=0) or None,
                "catalog_version": rs.catalog_version,
            }
            if worst.over_kg > 0:
                fine_for = rs.fine_for or rs.fine
                event["outcome"], event["fine_yuan"] = fine_for(worst.over_kg, worst.limit_kg)
                (res.events if event["outcome"] != "none" else res.no_penalty_events).append(event)
            else:
                res.dimension_events.append(event)
        key = lambda e: (e["first_passed_at"], e["plate"], e["plate_color"], e["event_id"])  # noqa: E731
        for lst in (res.events, res.no_penalty_events, res.dimension_events):
            lst.sort(key=key)


def _text(value: object, kind: str) -> str | None:
    """The canonical text of a typed Parquet value (see zhifa.offsite.sql.source_text_columns)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        if kind == "decimal":
            return f"{round(float(value), 1):.1f}"
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return str(value)


def run_oracle(path: Path | str, rules_for: RulesFor, **kwargs) -> OracleResult:
    return Oracle(rules_for, **kwargs).run(path)
