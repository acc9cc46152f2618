"""Recognising the input file: encoding, line ends, blank lines."""

from __future__ import annotations

import pytest

from zhifa.offsite.source import blank_lines, normalise_to_utf8_lf, sniff_encoding

ROWS = "记录,豫A12345,黄色\n" * 50
SHORT = "R1,豫A12345,yellow\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (ROWS.encode("utf-8"), "utf-8"),
        (ROWS.encode("gbk"), "gb18030"),
        (ROWS.encode("utf-8") + b"\xff" + ROWS.encode("utf-8"), "utf-8"),  # a broken byte stays UTF-8
        (b"record_id,plate\nR1,ABC\n", "utf-8"),
        (SHORT.encode("gbk"), "gb18030"),  # valid UTF-8 by accident ('ԥ'), still GBK
        (SHORT.encode("utf-8"), "utf-8"),
        ((SHORT * 3).encode("gbk") + b"\x81", "gb18030"),
        ("\ufeffplate\n豫A12345\n".encode(), "utf-8"),
    ],
)
def test_sniff_encoding(data, expected):
    assert sniff_encoding(data) == expected


def test_blank_lines_across_chunks(tmp_path, monkeypatch):
    import zhifa.offsite.source as source

    path = tmp_path / "b.csv"
    path.write_bytes(b"h1,h2\n\na,b\n\n\nc,d\n")
    assert blank_lines(path) == [2, 4, 5]
    monkeypatch.setattr(source, "CHUNK", 3)
    real = source.iter_chunks
    monkeypatch.setattr(source, "iter_chunks", lambda p, size=3: real(p, 3))
    assert source.blank_lines(path) == [2, 4, 5]


def test_crlf_and_lone_carriage_returns(tmp_path, monkeypatch):
    import zhifa.offsite.source as source

    src = tmp_path / "crlf.csv"
    src.write_bytes(b"a,b\r\n1,2\r\n3,x\ry\r\n4,5\r")
    dst = tmp_path / "lf.csv"
    real = source.iter_chunks
    monkeypatch.setattr(source, "iter_chunks", lambda p, size=4: real(p, 4))  # \r\n split across chunks
    normalise_to_utf8_lf(src, dst, "utf-8")
    assert dst.read_bytes() == "a,b\n1,2\n3,x\ufffdy\n4,5\ufffd".encode()
