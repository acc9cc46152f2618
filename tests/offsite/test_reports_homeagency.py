"""车籍地 from the plate prefix (pure)."""

from __future__ import annotations

import pytest

from zhifa.offsite.homeagency import home_agency, recipient_for


@pytest.mark.parametrize(
    "plate, place, code, exact",
    [
        ("豫R12345", "河南省南阳市", "411300", True),
        ("豫A·D1234", "河南省郑州市", "410100", True),
        ("鲁Q54321", "山东省临沂市", "371300", True),
        ("鲁q5432挂", "山东省临沂市", "371300", True),
        ("京A12345", "北京市", "110000", True),
        ("粤B12345", "广东省", "440000", False),
    ],
)
def test_home_agency(plate, place, code, exact):
    h = home_agency(plate)
    assert (h.place, h.region_code, h.exact) == (place, code, exact)
    assert recipient_for(plate) == f"{place}道路运输管理机构"


@pytest.mark.parametrize("plate", ["", None, "X", "使12345", "AB12345"])
def test_no_recipient(plate):
    assert home_agency(plate) is None and recipient_for(plate) == ""
