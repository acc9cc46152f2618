"""Recognising an input file (pure: no Django): format, encoding, line ending, header.

CSV dialect (docs/offsite.md): comma-separated, one record per physical line (a field
never contains a comma or a line break), an optional pair of double quotes around a whole
field (``""`` inside stands for one quote), UTF-8 (with or without BOM) or GBK/GB18030,
LF or CRLF line endings, a header line naming the columns (English names of
:mod:`zhifa.offsite.schema` or their Chinese labels, in any order). Blank lines are not
records. Every other line is a record: a line that cannot be split into the header's
number of fields is quarantined, never dropped.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zhifa.offsite.schema import HEADER_ALIASES, REQUIRED

SNIFF_BYTES = 1 << 20
CHUNK = 1 << 24
BOM = codecs.BOM_UTF8


class SourceError(ValueError):
    """The file as a whole cannot be read (exit code 2); rows are never the reason."""


@dataclass
class CsvLayout:
    path: Path  # the file DuckDB reads (UTF-8; a transcoded copy for GBK input)
    encoding: str  # utf-8 | gb18030 (of the original file)
    newline: str  # "\n" | "\r\n"
    columns: list[str]  # one name per header field; unknown columns are named _extra_<i>
    present: set[str] = field(default_factory=set)  # canonical columns present
    blank_lines: list[int] = field(default_factory=list)  # physical line numbers (1-based)
    transcoded: bool = False


def is_parquet(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(4)
    return head == b"PAR1"


def sniff_encoding(sample: bytes) -> str:
    """UTF-8 when the first megabyte decodes as UTF-8, else GB18030 (a superset of GBK)."""
    if sample.startswith(BOM):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def normalise_encoding(name: str | None) -> str | None:
    if name is None:
        return None
    key = name.lower().replace("_", "-")
    if key in ("utf8", "utf-8", "utf-8-sig"):
        return "utf-8"
    if key in ("gbk", "gb2312", "gb18030", "cp936"):
        return "gb18030"
    raise SourceError(f"不支持的字符编码：{name}（支持 UTF-8、GBK）")


def map_header(names: list[str]) -> tuple[list[str], set[str]]:
    columns: list[str] = []
    present: set[str] = set()
    for i, raw in enumerate(names):
        name = raw.strip().strip('"').strip()
        canonical = HEADER_ALIASES.get(name) or HEADER_ALIASES.get(name.lower())
        if canonical is None:
            columns.append(f"_extra_{i}")
            continue
        if canonical in present:
            raise SourceError(f"表头重复：{canonical}")
        present.add(canonical)
        columns.append(canonical)
    missing = [c for c in REQUIRED if c not in present]
    if missing:
        raise SourceError("输入文件缺少必填列：" + "、".join(missing))
    return columns, present


def read_header(path: Path, encoding: str | None = None) -> tuple[str, str, list[str], int]:
    """(encoding, newline, header fields, byte length of the header line incl. newline)."""
    with open(path, "rb") as f:
        sample = f.read(SNIFF_BYTES)
    if not sample.strip():
        raise SourceError("输入文件为空")
    enc = normalise_encoding(encoding) or sniff_encoding(sample)
    end = sample.find(b"\n")
    if end < 0:
        if len(sample) == SNIFF_BYTES:
            raise SourceError("表头行过长或文件不是CSV")
        end = len(sample)
    line = sample[:end]
    newline = "\r\n" if line.endswith(b"\r") else "\n"
    line = line.removesuffix(b"\r").removeprefix(BOM)
    try:
        text = line.decode(enc)
    except UnicodeDecodeError:
        raise SourceError("表头行不是有效的UTF-8或GBK文本")
    return enc, newline, text.split(","), end + 1


def iter_chunks(path: Path, size: int = CHUNK) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(size):
            yield chunk


def blank_lines(path: Path, newline: str) -> list[int]:
    """Physical line numbers (1-based) of empty lines. DuckDB skips them without a trace, so
    the row numbers of later records need them. Real files rarely have any: the first pass
    only searches (memchr speed); lines are counted only when a blank line was found."""
    nl = newline.encode()
    pattern = b"\n" + nl
    offsets: list[int] = []  # byte offset of each blank line's first byte
    base = 0
    carry = b""
    for chunk in iter_chunks(path):
        buf = carry + chunk
        if base == 0 and buf.startswith(nl):
            offsets.append(0)
        pos = buf.find(pattern)
        while pos >= 0:
            offsets.append(base - len(carry) + pos + 1)
            pos = buf.find(pattern, pos + 1)
        keep = len(pattern) - 1
        carry = buf[-keep:] if len(buf) >= keep else buf
        base += len(chunk)
    if not offsets:
        return []
    offsets = sorted(set(offsets))
    lines: list[int] = []
    seen = 0  # newlines before the current chunk
    base = 0
    i = 0
    for chunk in iter_chunks(path):
        end = base + len(chunk)
        while i < len(offsets) and offsets[i] < end:
            lines.append(1 + seen + chunk.count(b"\n", 0, offsets[i] - base))
            i += 1
        seen += chunk.count(b"\n")
        base = end
        if i == len(offsets):
            break
    return lines


def transcode_to_utf8(src: Path, dst: Path, encoding: str, on_bytes: Callable[[int], None] | None = None) -> None:
    """GBK/GB18030 -> UTF-8, undecodable bytes become U+FFFD (the row is then quarantined
    as invalid_encoding)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with open(dst, "wb") as out:
        for chunk in iter_chunks(src):
            out.write(decoder.decode(chunk).encode("utf-8"))
            if on_bytes:
                on_bytes(len(chunk))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))


def csv_layout(path: Path, encoding: str | None, work_dir: Path, on_bytes=None) -> CsvLayout:
    enc, newline, header, _ = read_header(path, encoding)
    columns, present = map_header(header)
    target = path
    transcoded = False
    if enc != "utf-8":
        target = work_dir / "input-utf8.csv"
        transcode_to_utf8(path, target, enc, on_bytes)
        transcoded = True
    blanks = blank_lines(target, newline)
    return CsvLayout(target, enc, newline, columns, present, blanks, transcoded)
