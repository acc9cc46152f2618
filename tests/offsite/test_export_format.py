"""The closed-case export file format (pure): round trip, byte-level layout, refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from zhifa.offsite import export_format as fmt

UTC = timezone.utc


def row(**kw):
    base = {
        "event_key": "R-0001",
        "case_number": "南召交罚〔2025〕12号",
        "decision_no": "",
        "deciding_agency": "南召县交通运输综合执法大队",
        "decided_on": date(2025, 5, 6),
        "decision": "罚款2000元",
        "fine_yuan": 2000,
        "closed_on": date(2025, 5, 20),
        "plate": "豫R12345",
        "plate_color": "yellow",
        "vehicle_kind": "combination",
        "axles": 6,
        "vehicle_enterprise": '南阳"宏达",物流有限公司',
        "vehicle_enterprise_uscc": "91411300MA0000000X",
        "transport_cert_no": "豫交运管411300000001",
        "owner": "南阳宏达物流有限公司",
        "driver_name": "王伟",
        "driver_qualification_no": "411321198001010011",
        "driver_enterprise": None,
        "cargo_source": "南召砂石场\n二号场",
        "cargo_source_uscc": "",
        "loading_bill": "",
        "passed_at": datetime(2025, 4, 30, 23, 30, tzinfo=UTC),
        "station_code": "NZ-G207-01",
        "station_name": "G207 南召段",
        "road": "G207",
        "stake": "K1234+500",
        "gross_kg": 53120,
        "limit_kg": 49000,
        "over_kg": 4120,
        "passage_count": 2,
        "recipient": "河南省南阳市道路运输管理机构",
        "report_due_on": date(2025, 5, 29),
    }
    base.update(kw)
    return base


def test_round_trip():
    data = fmt.to_bytes([row(), row(event_key="R-0002", fine_yuan=None, decision="警告")])
    back = fmt.from_bytes(data)
    assert len(back) == 2
    first = back[0]
    assert first["fine_yuan"] == 2000 and first["decided_on"] == date(2025, 5, 6)
    assert first["passed_at"] == datetime(2025, 5, 1, 7, 30, tzinfo=timezone(timedelta(hours=8)))
    assert first["vehicle_enterprise"] == '南阳"宏达",物流有限公司'
    assert first["cargo_source"] == "南召砂石场 二号场"  # line breaks folded
    assert first["driver_enterprise"] is None and first["decision_no"] is None
    assert back[1]["fine_yuan"] is None and back[1]["decision"] == "警告"


def test_bytes_layout():
    data = fmt.to_bytes([row()])
    assert data.startswith(b"\xef\xbb\xbf" + b"event_key,case_number,decision_no,")
    lines = data.split(b"\r\n")
    assert len(lines) == 3 and lines[-1] == b""
    text = lines[1].decode("utf-8")
    assert ',"南阳""宏达"",物流有限公司",' in text
    assert ",2025-05-01T07:30:00+08:00," in text
    assert len(fmt.COLUMNS) == len(set(fmt.NAMES)) == 33


@pytest.mark.parametrize(
    "change",
    [{"plate": ""}, {"fine_yuan": "2000"}, {"decided_on": "2025-05-06"}, {"passed_at": datetime(2025, 5, 1)}],
)
def test_refuses_bad_values(change):
    with pytest.raises(fmt.FormatError):
        fmt.to_bytes([row(**change)])


def test_reader_refuses_other_header_and_short_rows():
    with pytest.raises(fmt.FormatError):
        fmt.from_bytes("a,b\r\n".encode("utf-8-sig"))
    data = fmt.to_bytes([row()]).decode("utf-8-sig").replace(",2025-05-29\r\n", "\r\n", 1)
    with pytest.raises(fmt.FormatError):
        fmt.from_bytes(data.encode("utf-8-sig"))
