"""The detection rules compiled to DuckDB SQL (pure: no Django).

One query validates and classifies every passage of a relation whose columns hold the
raw field text (VARCHAR, NULL when empty). It is used twice by :mod:`zhifa.offsite.detect`:
on the whole file (only the class of each row is kept) and again on the few rows that
matter (quarantined and over-limit rows), where every value is kept. The plain-Python
twin of every expression here is in :mod:`zhifa.offsite.oracle`.

Layers (each a sub-select, so expensive expressions are evaluated once):
1. quote state of each field; 2. unquoted text; 3. grammar checks and plate fast path;
4. typed values; 5. rule-set id, limit, tolerance and excess; 6. reason and class.
"""

# SQL is built here from the schema, the catalog's numbers and escaped literals (lit, sql_string);
# no user text is pasted into it unescaped.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

from zhifa.offsite.limits import KIND_CODES, LICENSED_KINDS, MAX_AXLES, RuleSet
from zhifa.offsite.schema import (
    ASCII_LOWER,
    ASCII_UPPER,
    BY_NAME,
    COLUMN_NAMES,
    DECIMAL_RE,
    FLAG_VALUES,
    INT_RE,
    MAX_TEXT,
    PLATE_COLOR_VALUES,
    REQUIRED,
    TIMESTAMP_RE,
    VEHICLE_KIND_VALUES,
    Plausibility,
    plate_sql_pattern,
    sql_string,
    upper_map,
    whitespace_sql_class,
)

US_PER_DAY = 86_400_000_000
OFFSET_US = 8 * 3600 * 1_000_000  # +08:00, the zone of passages without one
QUOTED_RE = r'"(?:[^"]|"")*"'
LIMIT_KEY_STRIDE = 1300  # > max key 12*100 + 6*10 + 2

# class codes of stage 1
CLASS_OK, CLASS_VIOLATION, CLASS_QUARANTINE, CLASS_PENDING = 0, 1, 2, 3


@dataclass
class SqlContext:
    present: set[str]
    rule_sets: list[RuleSet]
    day_lo: int = 0  # days since 1970-01-01 (local) of rs_by_day[0]
    rs_by_day: list[int] = field(default_factory=list)  # -1: the catalog has no rules; -2: not resolved
    fixed_rs: int | None = None  # with --date: every passage uses this rule set (-1: none)
    use_fixed: bool = False
    stations_table: str | None = None
    plaus: Plausibility = field(default_factory=Plausibility)
    nev_letters: str = "DF"
    check_replacement_char: bool = False
    empty_is_null: bool = False  # the source never holds '' (DuckDB's CSV reader)
    # columns the relation gives typed (Parquet): name -> int | bool | double; their values
    # are used directly instead of being printed and parsed again (see typed_columns)
    typed: dict[str, str] = field(default_factory=dict)


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return sql_string(str(value))


def _ascii_lower(expr: str) -> str:
    return f"translate({expr}, '{ASCII_UPPER}', '{ASCII_LOWER}')"


def _vocab_case(expr: str, mapping: dict[str, object], unknown: object) -> str:
    """Look a value up in a vocabulary, ASCII case-insensitively. The exact spelling is
    tried first: translate() is slow in DuckDB and only needed for other spellings."""
    whens = " ".join(f"WHEN {sql_string(k)} THEN {lit(v)}" for k, v in mapping.items())
    return (
        f"(CASE WHEN {expr} IS NULL THEN NULL ELSE (CASE {expr} {whens} "
        f"ELSE (CASE {_ascii_lower(expr)} {whens} ELSE {lit(unknown)} END) END) END)"
    )


def plate_normalise_sql(expr: str, nev_letters: str) -> str:
    """parse_plate's cleaning: drop Unicode whitespace, str.upper, drop '·' and '-'."""
    out = f"regexp_replace({expr}, '{whitespace_sql_class()}', '', 'g')"
    umap = upper_map(nev_letters)
    singles = {k: v for k, v in umap.items() if len(v) == 1}
    multis = {k: v for k, v in umap.items() if len(v) > 1}
    out = f"translate({out}, {sql_string(''.join(singles))}, {sql_string(''.join(singles.values()))})"
    for k, v in multis.items():
        out = f"replace({out}, {sql_string(k)}, {sql_string(v)})"
    return f"replace(replace({out}, '·', ''), '-', '')"


def _per_rs(ctx: SqlContext, fn, rs_expr: str = "rs") -> str:
    """A per-rule-set value: inlined when all rule sets agree, else a CASE on the id."""
    values = [fn(r) for r in ctx.rule_sets]
    if not values:
        return "NULL"
    if all(v == values[0] for v in values):
        return values[0] if isinstance(values[0], str) else lit(values[0])
    whens = " ".join(f"WHEN {i} THEN {v if isinstance(v, str) else lit(v)}" for i, v in enumerate(values))
    return f"(CASE {rs_expr} {whens} END)"


def _limits_list(ctx: SqlContext) -> str:
    size = max(1, len(ctx.rule_sets)) * LIMIT_KEY_STRIDE
    arr: list[int | None] = [None] * size
    for i, rs in enumerate(ctx.rule_sets):
        for (axles, kc, sc), v in rs.limits:
            arr[i * LIMIT_KEY_STRIDE + axles * 100 + kc * 10 + sc] = v
    return "([" + ",".join("NULL" if v is None else str(v) for v in arr) + "]::INTEGER[])"


def _rs_sql(ctx: SqlContext) -> str:
    if ctx.use_fixed:
        return "-1" if ctx.fixed_rs is None else str(ctx.fixed_rs)
    if not ctx.rs_by_day:
        return "NULL::INTEGER"
    arr = "([" + ",".join(str(v) for v in ctx.rs_by_day) + "]::INTEGER[])"
    hi = ctx.day_lo + len(ctx.rs_by_day) - 1
    return f"(CASE WHEN day BETWEEN {ctx.day_lo} AND {hi} THEN nullif({arr}[day - {ctx.day_lo - 1}], -2) END)"


def tolerance_sql(rs: RuleSet, gross: str = "gross_kg") -> str:
    p = rs.tolerance_pct / 100
    if p == 0:
        return str(rs.tolerance_kg)
    return f"({rs.tolerance_kg} + ({gross} * {p.numerator} + {p.denominator - 1}) // {p.denominator})"


def fine_sql(rs: RuleSet, over: str = "over_kg", limit: str = "limit_kg") -> tuple[str, str]:
    """(outcome, fine_yuan) SQL for one rule set, built from its parameters only; outcome is
    none | warning | fine as in the catalog's ``fine_for``. Integer arithmetic throughout:
    percentages become exact fractions scaled to integers."""

    def units(part_scaled: str, unit_scaled: int) -> str:
        if rs.rounding == "floor":
            return f"(({part_scaled}) // {unit_scaled})"
        return f"((({part_scaled}) + {unit_scaled - 1}) // {unit_scaled})"

    none_first = "false"
    if rs.scheme == "bands":
        fracs = [b.from_pct / 100 for b in rs.bands] + [b.to_pct / 100 for b in rs.bands if b.to_pct is not None]
        scale = lcm(*[Fraction(f).denominator for f in fracs]) if fracs else 1
        parts = []
        for b in rs.bands:
            lo = b.from_pct / 100 * scale
            lo_sql = f"({limit}::HUGEINT * {lo.numerator} // {lo.denominator})"
            if b.to_pct is None:
                top = f"({over}::HUGEINT * {scale})"
            else:
                hi = b.to_pct / 100 * scale
                top = f"least({over}::HUGEINT * {scale}, {limit}::HUGEINT * {hi.numerator} // {hi.denominator})"
            part = f"greatest(0, {top} - {lo_sql})"
            parts.append(f"{units(part, rs.unit_kg * scale)} * {b.yuan_per_unit}")
        total = " + ".join(parts) or "0"
        if rs.no_penalty_max_pct is not None:
            none_first = f"({over}::HUGEINT * 100 <= {rs.no_penalty_max_pct} * {limit}::HUGEINT)"
        warn = "false"
    else:
        total = f"{units(over, rs.unit_kg)} * {rs.yuan_per_unit or 0}"
        warn = "false" if rs.warning_max_over_kg is None else f"({over} <= {rs.warning_max_over_kg})"
    if rs.cap_yuan is not None:
        total = f"least({total}, {rs.cap_yuan})"
    total = f"CAST({total} AS BIGINT)"
    return (
        f"(CASE WHEN {over} <= 0 OR {none_first} THEN 'none' WHEN {warn} THEN 'warning' "
        f"WHEN {total} <= 0 THEN 'none' ELSE 'fine' END)",
        f"(CASE WHEN {over} <= 0 OR {none_first} OR {warn} OR {total} <= 0 THEN 0 ELSE {total} END)",
    )


def fine_case_sql(ctx: SqlContext, over: str = "over_kg", limit: str = "limit_kg", rs: str = "rs") -> tuple[str, str]:
    outs = [fine_sql(r, over, limit) for r in ctx.rule_sets]
    if not outs:
        return "NULL::VARCHAR", "NULL::BIGINT"
    if len(outs) == 1:
        return outs[0]
    o = " ".join(f"WHEN {i} THEN {x[0]}" for i, x in enumerate(outs))
    f = " ".join(f"WHEN {i} THEN {x[1]}" for i, x in enumerate(outs))
    return f"(CASE {rs} {o} END)", f"(CASE {rs} {f} END)"


OUTPUT = [
    "reason",
    "field",
    "class",
    "u_record_id",
    "u_station_id",
    "u_lane",
    "plate_n",
    "color",
    "kind",
    "sda",
    "v_axles",
    "v_gross_kg",
    "ts_us",
    "rs",
    "limit_kg",
    "tolerance_kg",
    "over_kg",
    "over_length_mm",
    "over_width_mm",
    "over_height_mm",
]


def classify_sql(
    relation: str,
    ctx: SqlContext,
    keep: list[str] | None = None,
    naive_quotes: bool = False,
    extra: list[str] | None = None,
) -> str:
    """SELECT over ``relation`` (raw text columns named after the schema, plus ``keep``
    pass-through columns) giving the typed values, ``reason``/``field`` and ``class``.

    ``naive_quotes`` (the whole-file scan): fields are taken as they are. A quote or U+FFFD
    in a field with a grammar makes that grammar fail, so the row is quarantined there and
    classified again, exactly, from its raw fields; the three free-text fields are checked
    for them explicitly. Rows of class 0 are therefore the same in both modes.

    ``extra``: further inner columns to output (e.g. ``v_speed_kmh``), after ``OUTPUT``."""
    keep = keep or []
    present = [c for c in COLUMN_NAMES if c in ctx.present]
    absent = [c for c in COLUMN_NAMES if c not in ctx.present]
    kp = "".join(f"{q(k)}, " for k in keep)

    # 1. raw text and quote state
    l1 = [f"{q(c)} AS t_{c}" for c in present] + [f"NULL::VARCHAR AS t_{c}" for c in absent]
    typed = ctx.typed
    if not naive_quotes:
        l1 += [
            f"0::UTINYINT AS q_{c}"
            if c in typed
            else f"(CASE WHEN {q(c)} IS NULL OR NOT contains({q(c)}, '\"') THEN 0 "
            f"WHEN regexp_full_match({q(c)}, {sql_string(QUOTED_RE)}) THEN 1 ELSE 2 END)::UTINYINT AS q_{c}"
            for c in present
        ]
    layer1 = f"SELECT {kp}{', '.join(l1)} FROM {relation}"

    # 2. unquoted text
    l2 = [f"t_{c}" for c in COLUMN_NAMES]
    free_text = [c for c in ("record_id", "station_id", "lane") if c in ctx.present]
    if naive_quotes:
        # DuckDB's CSV reader already gives NULL for an empty field; other sources may hold ''
        l2 += [f"t_{c} AS u_{c}" if ctx.empty_is_null or c in typed else f"nullif(t_{c}, '') AS u_{c}" for c in present]
        marks = ['"', "\x1f", "\ufffd"] if ctx.check_replacement_char else ['"', "\x1f"]
        flagged = [f"contains(coalesce(t_{c}, ''), '{m}')" for c in free_text if c not in typed for m in marks]
        l2.append("(" + (" OR ".join(flagged) or "false") + ") AS bad_quote")
        l2 += ["NULL::VARCHAR AS bad_quote_field", "false AS bad_enc"]
    else:
        for c in present:
            if c in typed:
                l2.append(f"t_{c} AS u_{c}")
                continue
            l2.append(
                f"nullif(CASE q_{c} WHEN 0 THEN t_{c} WHEN 1 THEN replace(substr(t_{c}, 2, length(t_{c}) - 2), "
                f"'\"\"', '\"') END, '') AS u_{c}"
            )
        if present:
            l2.append("(" + " OR ".join(f"q_{c} = 2" for c in present) + ") AS bad_quote")
            l2.append("(CASE " + " ".join(f"WHEN q_{c} = 2 THEN '{c}'" for c in present) + " END) AS bad_quote_field")
        else:
            l2 += ["false AS bad_quote", "NULL AS bad_quote_field"]
        if ctx.check_replacement_char and present:
            l2.append(
                "("
                + " OR ".join(f"contains(coalesce(t_{c}, ''), '\ufffd')" for c in present if c not in typed)
                + ") AS bad_enc"
            )
        else:
            l2.append("false AS bad_enc")
    l2 += [f"NULL::VARCHAR AS u_{c}" for c in absent]
    layer2 = f"SELECT {kp}{', '.join(l2)} FROM ({layer1})"

    # 3. grammar checks
    plate_re = sql_string(plate_sql_pattern(ctx.nev_letters))
    l3 = (
        [f"t_{c}" for c in COLUMN_NAMES]
        + [f"u_{c}" for c in COLUMN_NAMES]
        + ["bad_quote", "bad_quote_field", "bad_enc"]
    )
    ints = [c for c in COLUMN_NAMES if BY_NAME[c].kind == "int"]
    for c in ints:
        if typed.get(c) == "int":
            l3.append(f"u_{c} AS i_{c}")
        else:
            l3.append(f"TRY_CAST(u_{c} AS INTEGER) AS i_{c}" if c in ctx.present else f"NULL::INTEGER AS i_{c}")
    if typed.get("speed_kmh") == "double":
        # the canonical text of a double is round(x, 1) as DECIMAL(18,1) (source_text_columns)
        l3.append("TRY_CAST(round(u_speed_kmh::DOUBLE, 1) AS DECIMAL(18,1)) AS i_speed_kmh")
    else:
        l3.append(
            "TRY_CAST(u_speed_kmh AS DECIMAL(7,1)) AS i_speed_kmh"
            if "speed_kmh" in ctx.present
            else "NULL AS i_speed_kmh"
        )
    l3.append(f"regexp_full_match(u_passed_at, {sql_string(TIMESTAMP_RE)}) AS ok_ts")
    l3.append(f"regexp_full_match(u_plate, {plate_re}) AS plate_fast")
    l3.append(f"{_vocab_case('u_plate_color', PLATE_COLOR_VALUES, '?')} AS color")
    l3.append(
        f"{_vocab_case('u_vehicle_kind', {k: KIND_CODES[v] for k, v in VEHICLE_KIND_VALUES.items()}, -1)} AS kind"
    )
    flag_codes = {k: (2 if v else 1) for k, v in FLAG_VALUES.items()}

    def flag(c: str) -> str:
        if typed.get(c) == "bool":  # the canonical text of true/false is 1/0
            return f"(CASE WHEN u_{c} THEN 2 WHEN NOT u_{c} THEN 1 ELSE 0 END)"
        return f"coalesce({_vocab_case(f'u_{c}', flag_codes, -1)}, 0)"

    l3.append(f"{flag('single_drive_axle')} AS sda")
    l3.append(f"{flag('air_suspension')} AS air")
    layer3 = f"SELECT {kp}{', '.join(l3)} FROM ({layer2})"

    # 4. typed values
    l4 = [f"t_{c}" for c in COLUMN_NAMES] + [f"u_{c}" for c in COLUMN_NAMES]
    l4 += ["bad_quote", "bad_quote_field", "bad_enc", "color", "kind", "sda", "air", "plate_fast", "ok_ts"]
    for c in ints:
        if typed.get(c) == "int":
            # an integer prints as -?[0-9]+: the grammar holds when it has at most 9 digits
            l4.append(f"(CASE WHEN i_{c} BETWEEN -999999999 AND 999999999 THEN i_{c}::INTEGER END) AS v_{c}")
            continue
        # fast path: the plain spelling of a 9-digit integer; the grammar decides the rest
        l4.append(
            f"(CASE WHEN CAST(i_{c} AS VARCHAR) = u_{c} AND i_{c} BETWEEN -999999999 AND 999999999 THEN i_{c} "
            f"WHEN regexp_full_match(u_{c}, {sql_string(INT_RE)}) THEN i_{c} END) AS v_{c}"
            if c in ctx.present
            else f"NULL::INTEGER AS v_{c}"
        )
    l4.append(
        "(CASE WHEN abs(i_speed_kmh) < 1000000 THEN CAST(i_speed_kmh AS DECIMAL(9,3)) END) AS v_speed_kmh"
        if typed.get("speed_kmh") == "double"
        else "(CASE WHEN CAST(i_speed_kmh AS VARCHAR) = u_speed_kmh THEN CAST(i_speed_kmh AS DECIMAL(9,3)) "
        f"WHEN regexp_full_match(u_speed_kmh, {sql_string(DECIMAL_RE)}) THEN CAST(u_speed_kmh AS DECIMAL(9,3)) "
        "END) AS v_speed_kmh"
        if "speed_kmh" in ctx.present
        else "NULL::DECIMAL(9,3) AS v_speed_kmh"
    )
    layer4a = f"SELECT {kp}{', '.join(l4)} FROM ({layer3})"
    l4 = ["*"]
    # the connection's TimeZone is Asia/Shanghai (+08:00 since 1991): a time without a zone is local
    l4.append("(CASE WHEN ok_ts THEN epoch_us(TRY_CAST(u_passed_at AS TIMESTAMPTZ)) END) AS ts_us")
    l4.append(
        "(CASE WHEN plate_fast THEN u_plate WHEN u_plate IS NULL THEN NULL "
        f"ELSE {plate_normalise_sql('u_plate', ctx.nev_letters)} END) AS plate_n"
    )
    layer4 = f"SELECT {', '.join(l4)} FROM ({layer4a})"

    # 5. rule set, limit, tolerance, excess
    l5 = ["*"]
    l5.append(f"plate_fast OR (plate_n IS NOT NULL AND regexp_full_match(plate_n, {plate_re})) AS plate_ok")
    l5.append(f"((ts_us + {OFFSET_US}) // {US_PER_DAY}) AS day")
    layer5a = f"SELECT {', '.join(l5)} FROM ({layer4})"
    lic = ", ".join(str(KIND_CODES[k]) for k in LICENSED_KINDS)
    key = f"(least(v_axles, {MAX_AXLES}) * 100 + greatest(kind, 0) * 10 + greatest(sda, 0))"
    rs_expr = _rs_sql(ctx)
    layer5b = (
        f"SELECT *, (CASE WHEN kind IN ({lic}) THEN v_licensed_gross_kg "
        f"WHEN v_axles BETWEEN 2 AND {MAX_AXLES} AND rs >= 0 THEN "
        f"{_limits_list(ctx)}[rs * {LIMIT_KEY_STRIDE} + {key} + 1] END) AS base_limit "
        f"FROM (SELECT *, {rs_expr} AS rs FROM ({layer5a}))"
    )
    truck, art = KIND_CODES["truck"], KIND_CODES["articulated"]
    has = ctx.present.__contains__
    limit_layers = [layer5b]
    cur = "base_limit"
    if has("air_suspension"):
        bonus = _per_rs(ctx, lambda r: r.air_suspension_bonus_kg)
        art4 = _per_rs(ctx, lambda r: r.articulated4_air_limit_kg)
        spacing = _per_rs(ctx, lambda r: r.articulated4_min_spacing_mm)
        limit_layers.append(
            f"SELECT *, (CASE WHEN kind = {truck} AND v_axles IN (3, 4) AND air = 2 THEN {cur} + {bonus} "
            f"WHEN kind = {art} AND v_axles = 4 AND air = 2 AND v_axle_spacing_mm >= {spacing} THEN {art4} "
            f"ELSE {cur} END) AS lim_air FROM ({{prev}})"
        )
        cur = "lim_air"
    if has("licensed_gross_kg"):
        limit_layers.append(
            f"SELECT *, (CASE WHEN kind = {truck} AND v_axles = 2 AND v_licensed_gross_kg IS NOT NULL "
            f"THEN least({cur}, v_licensed_gross_kg) ELSE {cur} END) AS lim_lic FROM ({{prev}})"
        )
        cur = "lim_lic"
    if has("single_tyre_axles"):
        deduction = _per_rs(ctx, lambda r: r.single_tyre_deduction_kg)
        limit_layers.append(
            f"SELECT *, {cur} - coalesce(v_single_tyre_axles, 0) * {deduction} AS lim_tyre FROM ({{prev}})"
        )
        cur = "lim_tyre"
    rel5 = limit_layers[0]
    for layer in limit_layers[1:]:
        rel5 = layer.replace("{prev}", rel5)
    tol = _per_rs(ctx, lambda r: tolerance_sql(r, "v_gross_kg"))
    layer5c = (
        f"SELECT *, (CASE WHEN {cur} > 0 THEN {cur} END) AS limit_kg, "
        f"(CASE WHEN rs >= 0 THEN {tol} END) AS tolerance_kg FROM ({rel5})"
    )
    dims = []
    for c, attr in (("length_mm", "max_length_mm"), ("width_mm", "max_width_mm"), ("height_mm", "max_height_mm")):
        lim = _per_rs(ctx, lambda r, a=attr: getattr(r, a))
        if has(c) and lim != "NULL":
            dims.append(f"(CASE WHEN rs >= 0 AND v_{c} > {lim} THEN v_{c} - {lim} END) AS over_{c}")
        else:
            dims.append(f"NULL::BIGINT AS over_{c}")
    layer5 = f"SELECT *, v_gross_kg - tolerance_kg - limit_kg AS over_kg, {', '.join(dims)} FROM ({layer5c})"

    # 6. reason and class (checks on absent columns are left out: they cannot fail)
    pl = ctx.plaus
    checks: list[tuple[str, str, str]] = []  # (condition, reason, field SQL)
    if ctx.check_replacement_char and not naive_quotes:
        checks.append(("bad_enc", "invalid_encoding", "NULL"))
    checks.append(("bad_quote", "csv_bad_quoting", "bad_quote_field"))
    for c in REQUIRED:
        checks.append((f"u_{c} IS NULL", "missing_field", lit(c)))
    checks.append(("plate_n = ''", "missing_field", "'plate'"))
    for c in ("record_id", "station_id", "lane"):
        if has(c):
            checks.append((f"length(u_{c}) > {MAX_TEXT}", "value_too_long", lit(c)))
    checks.append(("ts_us IS NULL", "bad_timestamp", "'passed_at'"))
    for c in COLUMN_NAMES:
        if BY_NAME[c].kind in ("int", "decimal") and has(c):
            cond = f"v_{c} IS NULL" if c in REQUIRED else f"u_{c} IS NOT NULL AND v_{c} IS NULL"
            checks.append((cond, "bad_number", lit(c)))
    checks.append(("NOT plate_ok", "invalid_plate", "'plate'"))
    if has("plate_color"):
        checks.append(("color = '?'", "invalid_plate_color", "'plate_color'"))
    if has("vehicle_kind"):
        checks.append(("kind = -1", "invalid_vehicle_kind", "'vehicle_kind'"))
    if has("single_drive_axle"):
        checks.append(("sda = -1", "invalid_flag", "'single_drive_axle'"))
    if has("air_suspension"):
        checks.append(("air = -1", "invalid_flag", "'air_suspension'"))
    checks.append((f"v_axles NOT BETWEEN 2 AND {MAX_AXLES}", "impossible_axles", "'axles'"))
    if has("single_tyre_axles"):
        checks.append(
            ("v_single_tyre_axles < 0 OR v_single_tyre_axles > v_axles", "impossible_axles", "'single_tyre_axles'")
        )
    for c, mx in (("length_mm", pl.max_length_mm), ("width_mm", pl.max_width_mm), ("height_mm", pl.max_height_mm)):
        if has(c):
            checks.append((f"v_{c} < {pl.min_dimension_mm} OR v_{c} > {mx}", "impossible_dimension", lit(c)))
    if has("axle_spacing_mm"):
        checks.append(
            (
                f"v_axle_spacing_mm <= 0 OR v_axle_spacing_mm > {pl.max_length_mm}",
                "impossible_dimension",
                "'axle_spacing_mm'",
            )
        )
    if has("speed_kmh"):
        checks.append((f"v_speed_kmh < 0 OR v_speed_kmh > {pl.max_speed_kmh}", "impossible_speed", "'speed_kmh'"))
    if ctx.stations_table:
        checks.append(
            (f"u_station_id NOT IN (SELECT station_id FROM {ctx.stations_table})", "unknown_station", "'station_id'")
        )
    checks.append(("rs IS NULL", "pending", "NULL"))
    checks.append(("rs < 0", "no_rules", "'passed_at'"))
    implausible = _per_rs(ctx, lambda r: r.implausible_gross_kg)
    checks.append((f"v_gross_kg <= 0 OR v_gross_kg > {implausible}", "impossible_weight", "'gross_kg'"))
    if has("licensed_gross_kg"):
        checks.append(
            (
                f"v_licensed_gross_kg <= 0 OR v_licensed_gross_kg > {implausible}",
                "impossible_weight",
                "'licensed_gross_kg'",
            )
        )
    checks.append(("limit_kg IS NULL", "no_limit", "'axles'"))
    viol = "(over_kg > 0 OR over_length_mm IS NOT NULL OR over_width_mm IS NOT NULL OR over_height_mm IS NOT NULL)"
    if naive_quotes:
        # the whole-file scan only needs the class; one disjunction is cheaper than the CASE
        pre, post = [], []
        target = pre
        for cond, r, _ in checks:
            if r == "pending":
                target = post
                continue
            target.append(f"({cond})")
        layer7 = (
            f"SELECT *, NULL::VARCHAR AS reason, NULL::VARCHAR AS field, "
            f"(CASE WHEN {' OR '.join(pre)} THEN {CLASS_QUARANTINE} WHEN rs IS NULL THEN {CLASS_PENDING} "
            f"WHEN {' OR '.join(post)} THEN {CLASS_QUARANTINE} "
            f"WHEN {viol} THEN {CLASS_VIOLATION} ELSE {CLASS_OK} END)::UTINYINT AS class FROM ({layer5})"
        )
    else:
        reason = "CASE " + " ".join(f"WHEN {cond} THEN '{r}'" for cond, r, _ in checks) + " END"
        fld = "CASE " + " ".join(f"WHEN {cond} THEN {f}" for cond, _, f in checks) + " END"
        layer6 = f"SELECT *, {reason} AS reason, {fld} AS field FROM ({layer5})"
        layer7 = (
            f"SELECT *, (CASE WHEN reason = 'pending' THEN {CLASS_PENDING} WHEN reason IS NOT NULL "
            f"THEN {CLASS_QUARANTINE} WHEN {viol} THEN {CLASS_VIOLATION} ELSE {CLASS_OK} END)::UTINYINT AS class "
            f"FROM ({layer6})"
        )
    cols = [q(k) for k in keep] + OUTPUT + list(extra or []) + [f"t_{c}" for c in COLUMN_NAMES]
    return f"SELECT {', '.join(cols)} FROM ({layer7})"


SIGNED_INTS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")


def typed_columns(columns: list[tuple[str, str, str]]) -> dict[str, str]:
    """The typed (Parquet) columns whose values the rules can use without printing and
    parsing them: integer types (of integer fields), BOOLEAN (flags), FLOAT/DOUBLE (the
    decimal speed). The results equal the text route of :func:`source_text_columns`."""
    out: dict[str, str] = {}
    for name, _original, typ in columns:
        t, kind = typ.upper(), BY_NAME[name].kind
        if kind == "int" and t in SIGNED_INTS:
            out[name] = "int"
        elif kind == "flag" and t == "BOOLEAN":
            out[name] = "bool"
        elif kind == "decimal" and t in ("FLOAT", "DOUBLE", "REAL"):
            out[name] = "double"
    return out


def source_text_columns(columns: list[tuple[str, str, str]]) -> dict[str, str]:
    """Canonical text of typed (Parquet) columns, so one grammar serves every input.

    ``columns``: (canonical name, column name in the file, DuckDB type). Integers print as
    integers, floats holding an integer print without a fraction (others keep theirs and
    fail the integer grammar), booleans as 1/0, timestamps as ISO 8601 ('Z' when zoned)."""
    out: dict[str, str] = {}
    for name, original, typ in columns:
        col = q(original)
        t = typ.upper()
        kind = BY_NAME[name].kind
        if t in ("VARCHAR", "STRING", "TEXT") or t.startswith("VARCHAR"):
            out[name] = col
        elif t in (
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
        ):
            out[name] = f"CAST({col} AS VARCHAR)"
        elif t in ("FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL"):
            if kind == "decimal":
                # beyond DECIMAL(18,1) (or NaN): the plain text, which fails the grammar
                out[name] = (
                    f"coalesce(CAST(TRY_CAST(round({col}::DOUBLE, 1) AS DECIMAL(18,1)) AS VARCHAR), "
                    f"CAST({col} AS VARCHAR))"
                )
            else:
                out[name] = (
                    f"(CASE WHEN {col} = trunc({col}) AND abs({col}) < 1e15 "
                    f"THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END)"
                )
        elif t == "BOOLEAN":
            out[name] = f"(CASE WHEN {col} THEN '1' WHEN NOT {col} THEN '0' END)"
        elif t in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            out[name] = f"strftime(make_timestamp(epoch_us({col})), '%Y-%m-%dT%H:%M:%S.%f') || 'Z'"
        elif t.startswith("TIMESTAMP"):
            out[name] = f"strftime({col}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%f')"
        else:
            out[name] = f"CAST({col} AS VARCHAR)"
    return out
