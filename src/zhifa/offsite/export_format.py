"""The fixed file format of the closed-overload-case export (pure: no Django).

One CSV file per export, documented in docs/offsite-export-format.md: the columns below in this
order, a header line of their English names, UTF-8 with a byte-order mark, CRLF line ends, RFC 4180
quoting (a field is quoted when it holds a comma, a quote or a line break; text fields never hold a
line break: they are folded to one space before writing). Types:

* ``int``: decimal digits with an optional minus sign; empty = unknown;
* ``date``: ``YYYY-MM-DD``; ``datetime``: ``YYYY-MM-DDTHH:MM:SS+08:00`` (Beijing time);
* ``text``: any Unicode text without line breaks, at most 500 characters.

The content follows 超限运输车辆行驶公路管理规定 第四十四条 (what the 抄告 to the registration
place carries: (一) vehicle, (二) driver, (三) cargo source and loading bill, (四) the decision, (五)
other case data) plus the identifiers a receiving system needs to deduplicate (``event_key``).
:func:`write` and :func:`read` are inverse (tests round-trip them).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, TextIO

FORMAT_VERSION = "zhifa-offsite-44/1"
ENCODING = "utf-8-sig"
LINE_END = "\r\n"
MAX_TEXT = 500
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    label: str
    type: str  # int | date | datetime | text
    required: bool
    part: str  # the 第四十四条 item it serves: 一 … 五, or "" for identifiers
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("event_key", "事件编号", "text", True, "", "超限事件编号（首次过车记录编号），全国唯一，接收方据此去重"),
    Column("case_number", "案号", "text", True, "四"),
    Column("decision_no", "行政处罚决定书文号", "text", False, "四", "未登记文书文号的为空"),
    Column("deciding_agency", "处罚机关", "text", True, "四"),
    Column("decided_on", "决定日期", "date", True, "四"),
    Column("decision", "处罚内容", "text", True, "四", "如“罚款2000元”“警告”"),
    Column("fine_yuan", "罚款金额（元）", "int", False, "四", "警告为空"),
    Column("closed_on", "结案日期", "date", True, "四"),
    Column("plate", "号牌号码", "text", True, "一"),
    Column("plate_color", "号牌颜色", "text", False, "一", "blue/yellow/green/yellow_green/white/black"),
    Column("vehicle_kind", "车型", "text", False, "一", "truck/combination/articulated/…，与导入格式相同"),
    Column("axles", "轴数", "int", False, "一"),
    Column("vehicle_enterprise", "车辆所属企业", "text", False, "一"),
    Column("vehicle_enterprise_uscc", "车辆所属企业统一社会信用代码", "text", False, "一"),
    Column("transport_cert_no", "道路运输证号", "text", False, "一"),
    Column("owner", "车辆所有人（当事人）", "text", True, "一"),
    Column("driver_name", "驾驶人姓名", "text", False, "二"),
    Column("driver_qualification_no", "驾驶人从业资格证编号", "text", False, "二"),
    Column("driver_enterprise", "驾驶人所属企业", "text", False, "二"),
    Column("cargo_source", "货运源头单位", "text", False, "三"),
    Column("cargo_source_uscc", "货运源头单位统一社会信用代码", "text", False, "三"),
    Column("loading_bill", "货物装载单信息", "text", False, "三"),
    Column("passed_at", "违法行为时间（最重一次过车）", "datetime", True, "五"),
    Column("station_code", "检测站点编号", "text", True, "五"),
    Column("station_name", "检测站点名称", "text", False, "五"),
    Column("road", "路线编号", "text", False, "五"),
    Column("stake", "桩号", "text", False, "五"),
    Column("gross_kg", "车货总质量（千克）", "int", True, "五"),
    Column("limit_kg", "限定标准（千克）", "int", True, "五"),
    Column("over_kg", "超限质量（千克）", "int", True, "五"),
    Column("passage_count", "过车记录数", "int", True, "五"),
    Column("recipient", "抄告机关（车籍地道路运输管理机构）", "text", False, "", "按号牌前两位确定"),
    Column("report_due_on", "抄告期限", "date", False, "", "结案后7个工作日"),
)
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}

_INT = re.compile(r"-?[0-9]{1,12}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+08:00")


class FormatError(ValueError):
    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        where = "".join(f"{k} {v}: " for k, v in (("row", row), ("column", column)) if v is not None)
        super().__init__(where + message)
        self.row, self.column = row, column


def _text(value: Any) -> str:
    s = " ".join(str(value).split()) if value is not None else ""
    return s[:MAX_TEXT]


def format_value(col: Column, value: Any) -> str:
    """The text of one field (raises FormatError on a value of the wrong type or a missing required one)."""
    if value is None or value == "":
        if col.required:
            raise FormatError("required value missing", column=col.name)
        return ""
    if col.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise FormatError(f"not an integer: {value!r}", column=col.name)
        return str(value)
    if col.type == "date":
        if isinstance(value, datetime) or not isinstance(value, date):
            raise FormatError(f"not a date: {value!r}", column=col.name)
        return value.isoformat()
    if col.type == "datetime":
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise FormatError(f"not an aware datetime: {value!r}", column=col.name)
        return value.astimezone(BEIJING).replace(microsecond=0).isoformat()
    return _text(value)


def parse_value(col: Column, text: str, row: int | None = None) -> Any:
    if text == "":
        if col.required:
            raise FormatError("required value missing", row=row, column=col.name)
        return None
    if col.type == "int":
        if not _INT.fullmatch(text):
            raise FormatError(f"not an integer: {text!r}", row=row, column=col.name)
        return int(text)
    if col.type == "date":
        if not _DATE.fullmatch(text):
            raise FormatError(f"not a date: {text!r}", row=row, column=col.name)
        return date.fromisoformat(text)
    if col.type == "datetime":
        if not _DATETIME.fullmatch(text):
            raise FormatError(f"not a datetime: {text!r}", row=row, column=col.name)
        return datetime.fromisoformat(text)
    return text


def write(rows: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write the header and ``rows`` (mappings by column name; extra keys are ignored) to ``out``, a
    text stream opened with ``encoding=ENCODING, newline=""``. Returns the number of rows."""
    w = csv.writer(out, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    w.writerow(NAMES)
    n = 0
    for n, row in enumerate(rows, start=1):
        try:
            w.writerow([format_value(c, row.get(c.name)) for c in COLUMNS])
        except FormatError as e:
            raise FormatError(str(e), row=n) from None
    return n


def read(stream: TextIO) -> Iterator[dict[str, Any]]:
    """Parse an export (a text stream opened with ``encoding=ENCODING, newline=""``) back into typed rows."""
    r = csv.reader(stream, strict=True)
    header = next(r, None)
    if header is None or tuple(header) != NAMES:
        raise FormatError(f"header differs from {FORMAT_VERSION}")
    for i, fields in enumerate(r, start=1):
        if len(fields) != len(COLUMNS):
            raise FormatError(f"{len(fields)} fields, expected {len(COLUMNS)}", row=i)
        yield {c.name: parse_value(c, f, i) for c, f in zip(COLUMNS, fields, strict=True)}


def to_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    buf = io.StringIO(newline="")
    write(rows, buf)
    return buf.getvalue().encode(ENCODING)


def from_bytes(data: bytes) -> list[dict[str, Any]]:
    return list(read(io.StringIO(data.decode(ENCODING), newline="")))
