"""The documented input schema of weigh-in-motion passages, and the quarantine reasons
(pure: no Django). docs/offsite.md is written from these tables.

Both implementations, :mod:`zhifa.offsite.detect` (DuckDB) and :mod:`zhifa.offsite.oracle`
(plain Python), read their grammar from here, so they cannot drift apart silently; the
tests compare them on generated files.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache

from zhifa.core.validators import DEFAULT_NEV_LETTERS, PLATE_COLOURS, plate_pattern


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | int | decimal | timestamp | flag | plate | plate_color | vehicle_kind
    required: bool
    label: str  # Chinese label (also accepted as a header)
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("record_id", "text", True, "记录编号", "unique id of the passage at its source (duplicates are counted)"),
    Column("station_id", "text", True, "检测站点编号", "code of the WIM station"),
    Column("lane", "text", False, "车道", "lane number or code"),
    Column(
        "passed_at",
        "timestamp",
        True,
        "通行时间",
        "ISO 8601 YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM|±HHMM]; 'T' or one space; no zone means +08:00",
    ),
    Column("plate", "plate", True, "车牌号码", "number plate, GA 36-2018 (new-energy and 挂 plates included)"),
    Column(
        "plate_color", "plate_color", False, "车牌颜色", "blue|yellow|green|yellow_green|white|black or 蓝色/黄色/…"
    ),
    Column("axles", "int", True, "轴数", "number of axles (2..12)"),
    Column(
        "vehicle_kind",
        "vehicle_kind",
        False,
        "车辆类型",
        "truck|combination|articulated|tractor|farm|low_speed "
        "(or 货车/汽车列车/铰接列车/拖拉机/农用车/低速货车); empty = unknown",
    ),
    Column(
        "single_drive_axle",
        "flag",
        False,
        "单驱动轴",
        "tractor has a single drive axle (1/0, true/false, 是/否); empty = unknown",
    ),
    Column("gross_kg", "int", True, "车货总质量(kg)", "measured gross weight in kg (integer)"),
    Column("speed_kmh", "decimal", False, "车速(km/h)", "speed at the scale"),
    Column("length_mm", "int", False, "车货总长(mm)", "overall length in mm"),
    Column("width_mm", "int", False, "车货总宽(mm)", "overall width in mm"),
    Column("height_mm", "int", False, "车货总高(mm)", "overall height in mm"),
    # Optional vehicle attributes (FACTS C adjustments); used only when present and filled.
    Column(
        "licensed_gross_kg",
        "int",
        False,
        "核定总质量(kg)",
        "行驶证核定总质量 (limit of tractors etc.; cap of 2-axle trucks)",
    ),
    Column("air_suspension", "flag", False, "空气悬架", "dual-tyre drive axle with air suspension (认定标准 note 4)"),
    Column("single_tyre_axles", "int", False, "单胎轴数", "non-drive axles with single, non-widened tyres (each -3 t)"),
    Column(
        "axle_spacing_mm", "int", False, "半挂车轴距(mm)", "semitrailer axle spacing d (4-axle articulated 37 t rule)"
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
CORE_COLUMNS = COLUMN_NAMES[:14]  # the contract columns; the optional attributes follow
HEADER_ALIASES = {c.label: c.name for c in COLUMNS} | {c.name: c.name for c in COLUMNS}

# --- quarantine reasons, in the order they are checked (the first failing one is given) ---
REASONS: dict[str, str] = {
    "csv_missing_fields": "字段数少于表头（短行）",
    "csv_extra_fields": "字段数多于表头",
    "invalid_encoding": "字符编码错误（既不是有效的UTF-8也不是GBK）",
    "csv_line_too_long": "行过长",
    "csv_unreadable": "无法解析的行",
    "csv_bad_quoting": "引号不成对或引号内外混杂",
    "missing_field": "必填字段为空",
    "value_too_long": "字段过长（超过64个字符）",
    "bad_timestamp": "通行时间格式错误（应为ISO 8601，如2024-05-01T08:15:00+08:00）",
    "bad_number": "数值格式错误",
    "invalid_plate": "车牌号码不符合GA 36-2018",
    "invalid_plate_color": "车牌颜色无法识别",
    "invalid_vehicle_kind": "车辆类型无法识别",
    "invalid_flag": "是/否字段无法识别",
    "impossible_axles": "轴数不可能（应为2至12，单胎轴数不超过轴数）",
    "impossible_dimension": "外廓尺寸不可能",
    "impossible_speed": "车速不可能",
    "unknown_station": "检测站点不在站点清单中",
    "no_rules": "通行日期无适用的超限规则（法规目录无该日期的数据）",
    "impossible_weight": "车货总质量不可能（不大于0或超过不可信上限）",
    "no_limit": "该轴数和车辆类型无法定限值",
}
REASON_CODES = tuple(REASONS)

# --- value grammars (shared by detect and oracle) -----------------------------------------
MAX_TEXT = 64
INT_RE = r"-?[0-9]{1,9}"
DECIMAL_RE = r"-?[0-9]{1,6}(\.[0-9]{1,3})?"
TIMESTAMP_RE = (
    r"(20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])"
    r"(\.[0-9]{1,6})?(Z|[+-](?:0[0-9]|1[0-4]):?[0-5][0-9])?"
)
DEFAULT_OFFSET = "+08:00"

FLAG_VALUES = {"1": True, "0": False, "true": True, "false": False, "是": True, "否": False}

VEHICLE_KIND_VALUES = {
    "truck": "truck",
    "货车": "truck",
    "载货汽车": "truck",
    "combination": "combination",
    "汽车列车": "combination",
    "列车": "combination",
    "articulated": "articulated",
    "铰接列车": "articulated",
    "tractor": "tractor",
    "拖拉机": "tractor",
    "farm": "farm",
    "农用车": "farm",
    "low_speed": "low_speed",
    "低速货车": "low_speed",
}

PLATE_COLOR_VALUES = (
    {k: k for k in PLATE_COLOURS}
    | {label: k for k, label in PLATE_COLOURS.items()}
    | {label.removesuffix("色"): k for k, label in PLATE_COLOURS.items()}
)


@dataclass(frozen=True)
class Plausibility:
    """Measurement plausibility cut-offs (not law; the weight cut-off comes from the catalog)."""

    min_dimension_mm: int = 1000
    max_length_mm: int = 40000
    max_width_mm: int = 6000
    max_height_mm: int = 8000
    max_speed_kmh: int = 200


# --- plate normalisation, shared with zhifa.core.validators.parse_plate --------------------
# parse_plate removes Unicode whitespace, upper-cases and removes '·' and '-'. The SQL side
# must do exactly the same. Upper-casing only matters for characters whose upper case can
# end up in a valid plate; those are computed here once from Python's own str.upper.


@cache
def python_whitespace() -> str:
    """Every character Python's ``re`` ``\\s`` matches in a str pattern."""
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if _WS.fullmatch(chr(c)))


_WS = re.compile(r"\s")


def _plate_chars(nev_letters: str) -> set[str]:
    """Characters that can appear in a plate accepted by plate_pattern."""
    src = plate_pattern(nev_letters).pattern
    chars = {c for c in src if ord(c) > 0x7F}
    chars |= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    return chars


@cache
def upper_map(nev_letters: str = DEFAULT_NEV_LETTERS) -> dict[str, str]:
    """Characters whose str.upper() differs and consists only of possible plate characters,
    mapped to that upper-case string."""
    allowed = _plate_chars(nev_letters)
    out: dict[str, str] = {}
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        up = ch.upper()
        if up != ch and all(u in allowed for u in up):
            out[ch] = up
    return out


def sql_string(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def plate_sql_pattern(nev_letters: str = DEFAULT_NEV_LETTERS) -> str:
    """plate_pattern() for DuckDB's RE2: the same text (it uses ASCII classes only)."""
    return plate_pattern(nev_letters).pattern


def whitespace_sql_class() -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in python_whitespace()) + "]"


ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ASCII_LOWER = ASCII_UPPER.lower()
_TO_LOWER = str.maketrans(ASCII_UPPER, ASCII_LOWER)


def ascii_lower(value: str) -> str:
    """Lower-case ASCII letters only (what SQL translate() does; str.lower would touch more)."""
    return value.translate(_TO_LOWER)
