"""车籍地: the agency that receives the 超限规定 第四十四条 report, from the plate prefix (pure: no Django).

第四十四条 (2016 text, as quoted in FACTS.md C1 and the jianbiaoku copy): within 7 working days after
an illegal-overload case is dealt with (案件处理完毕), the agency reports the case through the
overload information system to the 道路运输管理机构 of the place where the vehicle is registered
(车籍所在地). The registration place is read from the plate: its first character is the province,
the second the issuing authority (GA 36-2018). The table is data (``data/homeagency.yaml``); a
prefix missing from it falls back to the province, an unknown province to no recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data") / "homeagency.yaml"


@dataclass(frozen=True, slots=True)
class HomeAgency:
    prefix: str  # the part of the plate that decided: "豫R" or, on the fallback, "豫"
    province: str
    city: str  # "" when only the province is known
    region_code: str  # 6-digit 行政区划代码, "" when the table has none
    exact: bool  # False: only the province is known (city letter missing from the table)

    @property
    def place(self) -> str:
        return self.province + self.city

    @property
    def recipient(self) -> str:
        """The addressee as the report names it: place and function (not an office name)."""
        return f"{self.place}道路运输管理机构"


@lru_cache(maxsize=1)
def _table(path: str = str(DATA)) -> tuple[dict, dict]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return dict(raw.get("provinces") or {}), dict(raw.get("cities") or {})


def home_agency(plate: str | None) -> HomeAgency | None:
    """The registration place of ``plate`` (normalised or not); None when it cannot be told."""
    p = (plate or "").strip().replace("·", "").replace("-", "").replace(" ", "").upper()
    if len(p) < 2:
        return None
    provinces, cities = _table()
    prov = provinces.get(p[0])
    if prov is None:
        return None
    municipality = bool(prov.get("municipality"))
    city = cities.get(p[:2])
    if city is not None:
        return HomeAgency(p[:2], prov["name"], city["name"], str(city.get("code") or ""), True)
    return HomeAgency(p[0], prov["name"], "", str(prov.get("code") or ""), municipality)


def recipient_for(plate: str | None) -> str:
    """The recipient text of the 第四十四条 report, or "" when the plate tells no registration place."""
    h = home_agency(plate)
    return h.recipient if h else ""
