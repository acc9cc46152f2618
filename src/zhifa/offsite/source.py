"""Recognising an input file (pure: no Django): format, encoding, line ending, header.

CSV dialect (docs/offsite.md): comma-separated, one record per physical line (a field
never contains a comma or a line break), an optional pair of double quotes around a whole
field (``""`` inside stands for one quote), UTF-8 (with or without BOM) or GBK/GB18030,
LF or CRLF line endings (a carriage return that ends no line is an invalid character),
a header line naming the columns (English names of
:mod:`zhifa.offsite.schema` or their Chinese labels, in any order). Blank lines are not
records. Every other line is a record: a line that cannot be split into the header's
number of fields is quarantined, never dropped.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
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
    newline: str  # always "\n" for the file DuckDB reads (CRLF input is rewritten)
    columns: list[str]  # one name per header field; unknown columns are named _extra_<i>
    present: set[str] = field(default_factory=set)  # canonical columns present
    transcoded: bool = False  # rewritten: U+FFFD in a field marks an undecodable byte
    scan: LineScan | None = None  # known when rewritten, else computed alongside the reading
    blank_lines: list[int] = field(default_factory=list)  # physical line numbers (1-based)


def is_parquet(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(4)
    return head == b"PAR1"


def _counts(text: str) -> tuple[int, int, int]:
    """(Chinese characters incl. CJK punctuation and full-width forms, U+FFFD, other
    non-ASCII characters)."""
    chinese = bad = other = 0
    for ch in text:
        if ch < "\x80":
            continue
        if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
            chinese += 1
        elif ch == "\ufffd":
            bad += 1
        else:
            other += 1
    return chinese, bad, other


def sniff_encoding(sample: bytes) -> str:
    """UTF-8 or GB18030 (a superset of GBK), judged on the first megabyte. UTF-8 when, read
    as UTF-8, it has Chinese characters (every plate starts with one) at least three times
    as often as broken bytes: GBK bytes hardly ever form valid UTF-8 Chinese characters,
    while a UTF-8 file with a few broken bytes must stay UTF-8 (those lines are then
    quarantined). Otherwise the decoding with the larger share of Chinese characters
    wins, UTF-8 on a tie (e.g. ASCII only). Validity alone cannot decide: short GBK text is
    often valid UTF-8 by accident (豫 = D4 A5 reads as 'ԥ')."""
    if sample.startswith(BOM):
        return "utf-8"
    cut = len(sample)
    while cut > 0 and len(sample) - cut < 4 and sample[cut - 1] >= 0x80:
        cut -= 1  # do not judge a character cut at the end of the sample
    sample = sample[:cut] if cut > 0 else sample
    zh, bad, other = _counts(sample.decode("utf-8", errors="replace"))
    if zh and zh >= 3 * bad:
        return "utf-8"
    gzh, gbad, gother = _counts(sample.decode("gb18030", errors="replace"))
    share_u = zh / (zh + bad + other) if zh + bad + other else 1.0
    share_g = gzh / (gzh + gbad + gother) if gzh + gbad + gother else 1.0
    return "gb18030" if share_g > share_u else "utf-8"


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


@dataclass
class LineScan:
    """What one pass over the bytes tells: the number of line feeds, whether the file ends
    with one, whether it has a carriage return anywhere."""

    newlines: int
    ends_with_newline: bool
    has_cr: bool

    def data_lines(self) -> int:
        """Physical lines after the header (blank ones included)."""
        lines = self.newlines + (0 if self.ends_with_newline else 1)
        return max(0, lines - 1)


def scan_lines(path: Path) -> LineScan:
    newlines = 0
    has_cr = False
    last = b""
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(CHUNK)
        while n := f.readinto(buf):
            newlines += buf.count(b"\n", 0, n)
            if not has_cr and buf.find(b"\r", 0, n) >= 0:
                has_cr = True
            last = bytes(buf[n - 1 : n])
    return LineScan(newlines, last == b"\n", has_cr)


def blank_lines(path: Path) -> list[int]:
    """Physical line numbers (1-based) of empty lines of an LF file. DuckDB skips them
    without a trace, so the row numbers of later records need them. Real files rarely have
    any: the first pass only searches; lines are counted only when a blank line was found."""
    offsets: list[int] = []  # byte offset of each blank line's first byte
    base = 0
    last = b""
    for chunk in iter_chunks(path):
        if (base == 0 and chunk.startswith(b"\n")) or (last == b"\n" and chunk.startswith(b"\n")):
            offsets.append(base)
        pos = chunk.find(b"\n\n")
        while pos >= 0:
            offsets.append(base + pos + 1)
            pos = chunk.find(b"\n\n", pos + 1)
        last = chunk[-1:]
        base += len(chunk)
    if not offsets:
        return []
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


REPLACEMENT = "\ufffd".encode()


def normalise_to_utf8_lf(src: Path, dst: Path, encoding: str) -> LineScan:
    """Rewrite as UTF-8 with LF line ends, so DuckDB's reader sees one dialect: CRLF
    becomes LF, a carriage return that ends no line becomes U+FFFD, GBK/GB18030 is decoded
    with undecodable bytes as U+FFFD (such rows are quarantined as invalid_encoding). UTF-8
    input keeps its bytes, invalid ones included, for the reader to reject."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace") if encoding != "utf-8" else None
    carry = b""
    newlines = 0
    last = b""
    with open(dst, "wb") as out:

        def emit(data: bytes) -> None:
            nonlocal newlines, last
            data = data.replace(b"\r\n", b"\n").replace(b"\r", REPLACEMENT)
            if data:
                newlines += data.count(b"\n")
                last = data[-1:]
                out.write(data)

        for chunk in iter_chunks(src):
            data = carry + (decoder.decode(chunk).encode("utf-8") if decoder else chunk)
            carry = b""
            if data.endswith(b"\r"):
                data, carry = data[:-1], b"\r"
            emit(data)
        emit(carry + (decoder.decode(b"", final=True).encode("utf-8") if decoder else b""))
    return LineScan(newlines, last == b"\n", False)


def csv_layout(path: Path, encoding: str | None, work_dir: Path, force_rewrite: bool = False) -> CsvLayout:
    """The file DuckDB will read. GBK and CRLF files are rewritten first (their line count
    comes with it); an LF UTF-8 file is read as it is and scanned alongside."""
    enc, newline, header, _ = read_header(path, encoding)
    columns, present = map_header(header)
    layout = CsvLayout(path, enc, "\n", columns, present)
    if enc != "utf-8" or newline == "\r\n" or force_rewrite:
        layout.path = work_dir / "input-utf8-lf.csv"
        layout.scan = normalise_to_utf8_lf(path, layout.path, enc)
        layout.transcoded = True
    return layout
