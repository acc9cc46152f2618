"""一超四罚: who crosses a repeat-offence threshold (pure: no Django).

公路安全保护条例 第六十六条 (and 河南省治理货物运输车辆超限超载条例 第二十九条, 超限规定 第四十六条):

* a freight vehicle with **more than 3** 违法超限运输 in one year → 吊销车辆营运证;
* a driver with **more than 3** in one year → 责令停止从事营业性运输;
* a road transport enterprise whose vehicles that offended in one year are **more than 10 %** of its
  freight vehicles → 责令停业整顿 (Henan: more than 30 % → 吊销道路运输经营许可证);
* the fourth penalty falls on the cargo source (货运源头单位) that loaded or let out the overloaded
  truck (道路运输条例 第七十条第二款, 河南条例 第八条/第二十五条): every such loading counts.

The thresholds are **not** in this module: each subject is judged by the catalog items
``overload.repeat_vehicle``, ``overload.repeat_driver``, ``overload.repeat_enterprise`` and the cargo
source items, through a :class:`Judge` (the shipped one, :class:`CatalogJudge`, asks
``zhifa.catalog.engine.decide`` with the counts as facts). This module only counts: which cases
fall in the rolling window, per vehicle, driver, enterprise and cargo source, and which cases lie
behind each count.

What one "violation" is and how the year runs are jurisdiction choices the law leaves open
(FACTS.md C2: UNCONFIRMED); the shell passes them in as a :class:`Counting` built from the catalog
parameters ``repeat_overload_*`` (defaults: a case counts once a penalty decision has been made on
it, dated by that decision — 超限规定 第五十二条 counts the period from the day of the decision,
across calendar years — over the 12 months ending on the reference day).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Any, Protocol

from zhifa.core.workcal import add_months

SUBJECTS = ("vehicle", "driver", "enterprise", "cargo_source")
SUBJECT_LABELS = {"vehicle": "车辆", "driver": "驾驶人", "enterprise": "道路运输企业", "cargo_source": "货运源头单位"}


@dataclass(frozen=True, slots=True)
class Offence:
    """One overload case as the counts see it. ``on`` is the date the window reads (decision date or
    violation date, see :class:`Counting`); ``decided`` tells an established violation (a penalty
    decision was made) from a confirmed case still in procedure."""

    case_id: int
    case_number: str
    on: date
    decided: bool
    vehicle_id: int | None = None
    plate: str = ""
    driver_id: int | None = None
    enterprise_id: int | None = None  # the enterprise that owns the vehicle
    cargo_source_id: int | None = None


@dataclass(frozen=True, slots=True)
class Counting:
    """How the year is counted and what counts (catalog parameters ``repeat_overload_*``).

    ``basis``: ``decided`` (default) counts cases with a penalty decision; ``confirmed`` counts every
    reviewed off-site case that became a case (an early warning, not a legal count).
    ``window_months``: the year of 第六十六条 as a rolling window ending on the reference day.
    """

    basis: str = "decided"
    window_months: int = 12

    def __post_init__(self) -> None:
        if self.basis not in ("decided", "confirmed"):
            raise ValueError(f"unknown basis {self.basis!r}")
        if self.window_months < 1:
            raise ValueError("window_months must be >= 1")


def window(ref: date, months: int) -> tuple[date, date]:
    """The days counted on ``ref``: from the day after the same day ``months`` earlier, to ``ref``
    (both inclusive). ``window(2025-06-10, 12) == (2024-06-11, 2025-06-10)``."""
    return add_months(ref, -months) + timedelta(days=1), ref


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the catalog proposes for one subject (or None below the threshold)."""

    item: str
    item_name: str
    outcome: str
    sanctions: tuple[str, ...]
    sanction_labels: tuple[str, ...]
    severity: str | None
    basis: tuple[str, ...]  # citations
    fine_min: int | None = None
    fine_max: int | None = None
    note: str = ""

    @property
    def label(self) -> str:
        parts = [x for x in self.sanction_labels if self.fine_max is None or x != "罚款"]
        if self.fine_max is not None:
            parts.insert(0, f"罚款{self.fine_min}–{self.fine_max}元")
        return "、".join(parts) or self.item_name


class Judge(Protocol):
    def vehicle(self, count: int) -> Proposal | None: ...
    def driver(self, count: int) -> Proposal | None: ...
    def enterprise(self, offending: int, fleet: int) -> Proposal | None: ...
    def cargo_source(self, count: int, *, freight_station: bool) -> Proposal | None: ...


@dataclass(frozen=True, slots=True)
class CaseRef:
    case_id: int
    case_number: str
    on: date
    decided: bool
    plate: str


@dataclass(slots=True)
class Tally:
    """One subject's count in the window, the cases behind it and the catalog's proposal."""

    subject: str
    subject_id: int
    count: int  # offences (vehicle, driver, cargo source) or offending vehicles (enterprise)
    pending: int  # confirmed cases in the window not yet decided (shown, not counted, under ``decided``)
    cases: list[CaseRef] = field(default_factory=list)
    fleet: int | None = None
    proposal: Proposal | None = None

    @property
    def crosses(self) -> bool:
        return self.proposal is not None

    @property
    def share(self) -> Fraction | None:
        if self.fleet is None or self.fleet <= 0:
            return None
        return Fraction(self.count, self.fleet)

    @property
    def share_pct(self) -> str:
        s = self.share
        return "" if s is None else f"{float(s * 100):.1f}%"


@dataclass(slots=True)
class Report:
    ref: date
    start: date
    counting: Counting
    vehicles: list[Tally]
    drivers: list[Tally]
    enterprises: list[Tally]
    cargo_sources: list[Tally]

    def by_subject(self) -> dict[str, list[Tally]]:
        return {
            "vehicle": self.vehicles,
            "driver": self.drivers,
            "enterprise": self.enterprises,
            "cargo_source": self.cargo_sources,
        }

    def crossing(self) -> dict[str, list[Tally]]:
        return {k: [t for t in v if t.crosses] for k, v in self.by_subject().items()}


def _order(tallies: Iterable[Tally]) -> list[Tally]:
    return sorted(tallies, key=lambda t: (not t.crosses, -(t.share or 0), -t.count, t.subject_id))


def assess(
    offences: Iterable[Offence],
    ref: date,
    *,
    judge: Judge,
    counting: Counting = Counting(),
    fleet_sizes: Mapping[int, int] | None = None,
    freight_stations: frozenset[int] = frozenset(),
) -> Report:
    """Count ``offences`` in the window ending on ``ref`` and ask ``judge`` for every subject.

    ``fleet_sizes``: enterprise id → number of freight vehicles registered to it (an enterprise
    without a known fleet is listed with its count but never judged). ``freight_stations``: the cargo
    sources that are 道路货物运输站（场） (道路运输条例 第七十条第二款) rather than other loading sites.
    """
    start, end = window(ref, counting.window_months)
    fleet_sizes = fleet_sizes or {}
    counted: dict[str, dict[int, list[Offence]]] = {s: defaultdict(list) for s in SUBJECTS}
    pending: dict[str, dict[int, list[Offence]]] = {s: defaultdict(list) for s in SUBJECTS}
    for o in offences:
        if not start <= o.on <= end:
            continue
        bucket = counted if (o.decided or counting.basis == "confirmed") else pending
        for subject, key in (
            ("vehicle", o.vehicle_id),
            ("driver", o.driver_id),
            ("enterprise", o.enterprise_id),
            ("cargo_source", o.cargo_source_id),
        ):
            if key is not None:
                bucket[subject][key].append(o)

    def refs(rows: list[Offence]) -> list[CaseRef]:
        return [
            CaseRef(o.case_id, o.case_number, o.on, o.decided, o.plate)
            for o in sorted(rows, key=lambda o: (o.on, o.case_id))
        ]

    out: dict[str, list[Tally]] = {}
    for subject in SUBJECTS:
        tallies = []
        for key in set(counted[subject]) | set(pending[subject]):
            rows = counted[subject].get(key, [])
            waiting = pending[subject].get(key, [])
            if subject == "enterprise":
                # 第六十六条 counts the enterprise's *vehicles* that offended, not the offences
                n = len({o.vehicle_id or o.plate for o in rows})
                n_pending = len({o.vehicle_id or o.plate for o in waiting} - {o.vehicle_id or o.plate for o in rows})
            else:
                n, n_pending = len(rows), len(waiting)
            t = Tally(subject, key, n, n_pending, refs(rows) + refs(waiting))
            if subject == "enterprise":
                t.fleet = fleet_sizes.get(key)
                if t.fleet and n:
                    t.proposal = judge.enterprise(n, t.fleet)
            elif n:
                if subject == "vehicle":
                    t.proposal = judge.vehicle(n)
                elif subject == "driver":
                    t.proposal = judge.driver(n)
                else:
                    t.proposal = judge.cargo_source(n, freight_station=key in freight_stations)
            tallies.append(t)
        out[subject] = _order(tallies)
    return Report(ref, start, counting, out["vehicle"], out["driver"], out["enterprise"], out["cargo_source"])


# --- the catalog's judgement ------------------------------------------------------------------------


Decide = Callable[..., Any]


class CatalogJudge:
    """Judges each subject with the catalog items in force in ``region`` on ``on`` (memoised per count,
    so a long list costs one engine call per distinct count)."""

    VEHICLE = "overload.repeat_vehicle"
    DRIVER = "overload.repeat_driver"
    ENTERPRISE = "overload.repeat_enterprise"
    #: a 道路货物运输站（场） that let an overloaded truck out (道路运输条例 第七十条第二款; the Henan
    #: overlay narrows the range); any other loading site only where a province made it an offence
    #: (河南条例 第八条/第二十五条): elsewhere no item applies and the page says so
    STATION_ITEM = "overload.cargo_station_release"
    SOURCE_ITEM = "overload.source_unit_loading"

    def __init__(self, region: str | None, on: date, decide: Decide | None = None) -> None:
        if decide is None:
            from zhifa.catalog.engine import decide as engine_decide

            decide = engine_decide
        self.region, self.on, self._decide = region, on, decide
        self._memo = lru_cache(maxsize=4096)(self._ask)

    def _ask(self, item: str, facts: tuple[tuple[str, Any], ...]) -> Proposal | None:
        from zhifa.core.errors import DomainError

        try:
            d = self._decide(item, dict(facts), self.on, self.on, self.region)
        except DomainError:
            return None
        if d.outcome == "no_violation":
            return None
        data = d.as_dict()
        fine = d.fine
        return Proposal(
            item=d.item,
            item_name=d.item_name,
            outcome=d.outcome,
            sanctions=tuple(d.sanctions),
            sanction_labels=tuple(data["sanction_labels"]),
            severity=d.severity,
            basis=tuple(p.citation for p in d.basis),
            fine_min=fine.min if fine else None,
            fine_max=fine.max if fine else None,
        )

    def vehicle(self, count: int) -> Proposal | None:
        return self._memo(self.VEHICLE, (("violations_in_year", count),))

    def driver(self, count: int) -> Proposal | None:
        return self._memo(self.DRIVER, (("violations_in_year", count),))

    def enterprise(self, offending: int, fleet: int) -> Proposal | None:
        return self._memo(self.ENTERPRISE, (("fleet_size", fleet), ("violating_vehicles", offending)))

    def cargo_source(self, count: int, *, freight_station: bool) -> Proposal | None:
        return self._memo(self.STATION_ITEM if freight_station else self.SOURCE_ITEM, ())
