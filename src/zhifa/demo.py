"""The demo world: ``zhifa demo --scale small|large``, deterministic by seed, safe to run twice.

Two provinces show isolation: a Henan county unit (南召县) under 南阳市, and a Shandong city unit
(临沂市), each with a 司法局 that supervises it. Every role has a demo login (demo mode only).
Parties are generated with valid identifiers and inserted with ``ignore_conflicts`` on their
natural keys, so a second run adds nothing. Other apps add their demo data through a
``demo.py`` module with ``load(ctx)`` (listed in :data:`APP_HOOKS`).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from stdnum.cn import ric, uscc

from zhifa.agencies.choices import AgencyKind, AgencyLevel, Domain, Role
from zhifa.agencies.models import Agency, Officer
from zhifa.agencies.services import agency_create, agency_set_supervised, officer_create
from zhifa.core.audit import audit_record
from zhifa.parties.choices import PlateColour, Sector, VehicleKind
from zhifa.parties.models import CargoSource, Driver, Enterprise, Person, Vehicle

DEMO_PASSWORD = "Zhifa@Demo2026"
APP_HOOKS = ["zhifa.catalog.demo", "zhifa.cases.demo", "zhifa.documents.demo", "zhifa.offsite.demo"]

SCALES = {
    "small": {"enterprises": 200, "vehicles": 2000, "persons": 700, "drivers": 600, "cargo_sources": 40},
    "large": {
        "enterprises": 100_000,
        "vehicles": 1_000_000,
        "persons": 200_000,
        "drivers": 150_000,
        "cargo_sources": 5_000,
    },
}


@dataclass
class Unit:
    key: str
    agency: Agency
    supervisor_agency: Agency
    region: str  # county/city code for identifiers
    plate_prefix: str  # 豫R, 鲁Q
    place: str


@dataclass
class DemoContext:
    scale: str
    seed: int
    units: list[Unit] = field(default_factory=list)
    logins: list[dict[str, str]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    verbose: bool = True

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}:{salt}")

    def log(self, msg: str) -> None:
        if self.verbose:
            print(msg, flush=True)


# ---------------------------------------------------------------- identifiers

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _org_check(body8: str) -> str:
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    c = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(rng: random.Random, region: str) -> str:
    body8 = "".join(rng.choice(_ORG_CHARS) for _ in range(8))
    first17 = "91" + region + body8 + _org_check(body8)
    return first17 + uscc.calc_check_digit(first17)


def make_id_number(rng: random.Random, region: str) -> str:
    birth = date(1960, 1, 1).toordinal() + rng.randrange(0, 365 * 40)
    first17 = region + date.fromordinal(birth).strftime("%Y%m%d") + f"{rng.randrange(1, 999):03d}"
    return first17 + ric.calc_check_digit(first17 + "0")  # stdnum drops the last character


_SERIAL = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # GA 36: no I or O


def make_plate(prefix: str, index: int, width: int = 5) -> str:
    chars = []
    n = index
    for _ in range(width):
        n, r = divmod(n, len(_SERIAL))
        chars.append(_SERIAL[r])
    return prefix + "".join(reversed(chars))


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅玉兰德胜俊峰文博浩然子豪宇航晨阳思远"
TRADE_WORDS = [
    "宏达",
    "顺通",
    "恒远",
    "鑫源",
    "安泰",
    "通达",
    "丰华",
    "金鹏",
    "永盛",
    "汇通",
    "祥瑞",
    "中原",
    "华宇",
    "众诚",
    "荣昌",
    "利民",
    "天成",
    "广源",
    "瑞丰",
    "德顺",
    "远航",
    "畅捷",
    "兴隆",
    "鸿运",
]
SECTOR_SUFFIX = {
    Sector.FREIGHT: "物流有限公司",
    Sector.PASSENGER: "客运有限公司",
    Sector.DANGEROUS_GOODS: "危险货物运输有限公司",
    Sector.RIDE_HAILING: "网约车科技有限公司",
    Sector.TAXI: "出租汽车有限公司",
    Sector.MAINTENANCE: "汽车维修有限公司",
    Sector.CARGO_SOURCE: "砂石有限公司",
    Sector.FREIGHT_STATION: "货运站有限公司",
}
SECTOR_WEIGHTS = [
    (Sector.FREIGHT, 55),
    (Sector.PASSENGER, 6),
    (Sector.DANGEROUS_GOODS, 5),
    (Sector.RIDE_HAILING, 4),
    (Sector.TAXI, 4),
    (Sector.MAINTENANCE, 10),
    (Sector.CARGO_SOURCE, 12),
    (Sector.FREIGHT_STATION, 4),
]


def person_name(rng: random.Random) -> str:
    given_len = rng.choice([1, 2, 2])
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


# ---------------------------------------------------------------- agencies and officers


def _agency(actor, name, **kw) -> Agency:
    found = Agency.objects.filter(name=name).first()
    return found or agency_create(actor=actor, name=name, **kw)


def _officer(
    ctx: DemoContext,
    agency: Agency,
    username: str,
    name: str,
    roles: list[str],
    licence: str = "",
    valid_to: date | None = None,
) -> None:
    ctx.logins.append(
        {
            "username": username,
            "password": DEMO_PASSWORD,
            "name": name,
            "agency": agency.short_name,
            "roles": "、".join(Role(r).label for r in roles),
        }
    )
    if get_user_model().objects.filter(username=username).exists():
        return
    officer_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        name=name,
        agency=agency,
        roles=roles,
        licence_no=licence,
        licence_valid_from=date(2022, 1, 1) if licence else None,
        licence_valid_to=(valid_to or date(2030, 12, 31)) if licence else None,
    )


@transaction.atomic
def load_agencies(ctx: DemoContext) -> None:
    ha = _agency(
        None,
        "河南省交通运输厅",
        short_name="豫交",
        level=AgencyLevel.PROVINCE,
        region_code="410000",
        kind=AgencyKind.DEPARTMENT,
    )
    ny = _agency(
        None,
        "南阳市交通运输综合行政执法支队",
        short_name="宛交执",
        level=AgencyLevel.CITY,
        region_code="411300",
        parent=ha,
        domains=[Domain.ROAD_TRANSPORT, Domain.HIGHWAY, Domain.OVERLOAD, Domain.TAXI],
    )
    nz = _agency(
        None,
        "南召县交通运输综合行政执法大队",
        short_name="南召交执",
        level=AgencyLevel.COUNTY,
        region_code="411321",
        parent=ny,
        domains=[Domain.ROAD_TRANSPORT, Domain.HIGHWAY, Domain.OVERLOAD, Domain.TAXI],
        address="河南省南阳市南召县城关镇人民路1号",
        phone="0377-66220000",
        case_number_pattern="南召交执{type}〔{year}〕{seq:04d}号",
    )
    nz_sj = _agency(
        None,
        "南召县司法局",
        short_name="南召司法",
        level=AgencyLevel.COUNTY,
        region_code="411321",
        kind=AgencyKind.SUPERVISION,
    )
    sd = _agency(
        None,
        "山东省交通运输厅",
        short_name="鲁交",
        level=AgencyLevel.PROVINCE,
        region_code="370000",
        kind=AgencyKind.DEPARTMENT,
    )
    ly = _agency(
        None,
        "临沂市交通运输执法支队",
        short_name="临沂交执",
        level=AgencyLevel.CITY,
        region_code="371300",
        parent=sd,
        domains=[Domain.ROAD_TRANSPORT, Domain.HIGHWAY, Domain.OVERLOAD, Domain.TAXI],
        address="山东省临沂市兰山区通达路9号",
        phone="0539-8000000",
        case_number_pattern="临交执{type}〔{year}〕{seq:04d}号",
    )
    ly_sj = _agency(
        None,
        "临沂市司法局",
        short_name="临沂司法",
        level=AgencyLevel.CITY,
        region_code="371300",
        kind=AgencyKind.SUPERVISION,
    )
    if not nz_sj.supervises.exists():
        agency_set_supervised(actor=None, supervisor_agency=nz_sj, agencies=[nz])
    if not ly_sj.supervises.exists():
        agency_set_supervised(actor=None, supervisor_agency=ly_sj, agencies=[ly])
    ctx.units = [
        Unit("nanzhao", nz, nz_sj, "411321", "豫R", "南召县"),
        Unit("linyi", ly, ly_sj, "371302", "鲁Q", "临沂市"),
    ]
    people = {
        "nanzhao": ["李明", "王强", "赵静", "刘志强", "陈芳", "周杰", "孙丽", "郑国平", "吴海燕"],
        "linyi": ["张伟", "杨磊", "黄敏", "徐建华", "马超", "朱红梅", "胡俊峰", "郭玉兰", "林浩然"],
    }
    for unit, (o1, o2, rev, head, admin, auditor, expired, supervisor, _spare) in (
        (u, people[u.key]) for u in ctx.units
    ):
        k = "nz" if unit.key == "nanzhao" else "ly"
        lic = "41" if k == "nz" else "37"
        _officer(ctx, unit.agency, f"{k}_officer1", o1, [Role.OFFICER], f"{lic}13210001")
        _officer(ctx, unit.agency, f"{k}_officer2", o2, [Role.OFFICER], f"{lic}13210002")
        _officer(ctx, unit.agency, f"{k}_reviewer", rev, [Role.OFFICER, Role.LEGAL_REVIEWER], f"{lic}13210003")
        _officer(ctx, unit.agency, f"{k}_head", head, [Role.OFFICER, Role.HEAD], f"{lic}13210004")
        _officer(ctx, unit.agency, f"{k}_admin", admin, [Role.ADMIN])
        _officer(ctx, unit.agency, f"{k}_auditor", auditor, [Role.AUDITOR])
        _officer(ctx, unit.agency, f"{k}_expired", expired, [Role.OFFICER], f"{lic}13210009", date(2025, 6, 30))
        _officer(ctx, unit.supervisor_agency, f"{k}_supervisor", supervisor, [Role.SUPERVISOR])
    _officer(ctx, ny, "ny_officer", "宋文博", [Role.OFFICER, Role.HEAD], "41130001")


# ---------------------------------------------------------------- parties

CHUNK = 20_000
SITE_KINDS = ["砂石料场", "水泥厂", "煤炭集散地", "钢材市场"]


def _insert(model, objs: list) -> int:
    before = model.objects.count()
    for i in range(0, len(objs), CHUNK):
        model.objects.bulk_create(objs[i : i + CHUNK], batch_size=2000, ignore_conflicts=True)
    return model.objects.count() - before


def load_parties(ctx: DemoContext) -> None:
    from zhifa.core.models import AuditEvent

    totals = {"enterprises": 0, "persons": 0, "vehicles": 0, "drivers": 0, "cargo_sources": 0}
    marker = f"{ctx.scale}:{ctx.seed}"
    if AuditEvent.objects.filter(event_code="demo.parties_loaded", object_id=marker).exists():
        ctx.log(f"  演示相对人（{marker}）已完整载入，跳过")
        ctx.summary["inserted"] = totals
        return
    sizes = SCALES[ctx.scale]
    n_units = len(ctx.units)
    for ui, unit in enumerate(ctx.units):

        def share(n: int, ui: int = ui) -> int:
            return n // n_units + (1 if ui < n % n_units else 0)

        rng = ctx.rng(f"parties:{unit.key}")
        # Enterprises
        sectors = [s for s, w in SECTOR_WEIGHTS for _ in range(w)]
        ents = []
        seen_names: set[str] = set()
        for i in range(share(sizes["enterprises"])):
            sector = rng.choice(sectors)
            base = f"{unit.place}{rng.choice(TRADE_WORDS)}{rng.choice(TRADE_WORDS)}"
            name = base + SECTOR_SUFFIX[sector]
            if name in seen_names:
                name = f"{base}{i}号{SECTOR_SUFFIX[sector]}"
            seen_names.add(name)
            licence = f"{unit.region}{i:06d}" if sector not in (Sector.CARGO_SOURCE, Sector.MAINTENANCE) else ""
            ents.append(
                Enterprise(
                    agency=unit.agency,
                    name=name,
                    uscc=make_uscc(rng, unit.region),
                    sector=sector,
                    legal_representative=person_name(rng),
                    address=f"{unit.place}{rng.choice(TRADE_WORDS)}路{i % 300 + 1}号",
                    phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
                    business_licence_no=licence,
                )
            )
        totals["enterprises"] += _insert(Enterprise, ents)
        ent_rows = list(Enterprise.objects.filter(agency=unit.agency).values_list("pk", "sector"))
        freight = [pk for pk, s in ent_rows if s in (Sector.FREIGHT, Sector.DANGEROUS_GOODS)] or [ent_rows[0][0]]
        passenger = [pk for pk, s in ent_rows if s in (Sector.PASSENGER, Sector.TAXI, Sector.RIDE_HAILING)] or freight
        cargo = [pk for pk, s in ent_rows if s == Sector.CARGO_SOURCE] or freight
        del ents
        # Persons
        persons = [
            Person(
                agency=unit.agency,
                name=person_name(rng),
                id_number=make_id_number(rng, unit.region),
                phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
            )
            for _ in range(share(sizes["persons"]))
        ]
        totals["persons"] += _insert(Person, persons)
        del persons
        person_pks = list(Person.objects.filter(agency=unit.agency).values_list("pk", flat=True).order_by("pk"))
        # Vehicles: mostly yellow-plate trucks and combinations with a realistic axle mix
        axle_mix = [
            (2, VehicleKind.TRUCK, 18),
            (3, VehicleKind.TRUCK, 8),
            (4, VehicleKind.TRUCK, 8),
            (3, VehicleKind.COMBINATION, 3),
            (4, VehicleKind.COMBINATION, 5),
            (5, VehicleKind.COMBINATION, 8),
            (6, VehicleKind.COMBINATION, 38),
            (0, VehicleKind.BUS, 4),
            (0, VehicleKind.TAXI, 4),
            (0, VehicleKind.RIDE_HAILING, 4),
        ]
        bag = [(a, k) for a, k, w in axle_mix for _ in range(w)]
        n_veh = share(sizes["vehicles"])
        for start in range(0, n_veh, 100_000):
            vehicles = []
            for i in range(start, min(n_veh, start + 100_000)):
                axles, kind = rng.choice(bag)
                if kind == VehicleKind.RIDE_HAILING and i % 3 == 0:
                    plate = f"{unit.plate_prefix}D{_SERIAL[(i // 10000) % 34]}{i % 10000:04d}"
                    colour = PlateColour.GREEN
                elif kind in (VehicleKind.TAXI, VehicleKind.RIDE_HAILING):
                    plate, colour = make_plate(unit.plate_prefix + "T", i, 4), PlateColour.BLUE
                else:
                    plate, colour = make_plate(unit.plate_prefix, i, 5), PlateColour.YELLOW
                owner_person = rng.random() < 0.12 and kind not in (VehicleKind.BUS,)
                owners = passenger if kind in (VehicleKind.BUS, VehicleKind.TAXI, VehicleKind.RIDE_HAILING) else freight
                vehicles.append(
                    Vehicle(
                        agency=unit.agency,
                        plate=plate,
                        plate_colour=colour,
                        kind=kind,
                        axles=axles or 2,
                        single_drive_axle=(rng.random() < 0.3) if axles == 6 else None,
                        transport_cert_no=f"{unit.region[:2]}{unit.region}{i:08d}",
                        owner_enterprise_id=None if owner_person else rng.choice(owners),
                        owner_person_id=rng.choice(person_pks) if owner_person else None,
                    )
                )
            totals["vehicles"] += _insert(Vehicle, vehicles)
            ctx.log(f"  {unit.place}：车辆 {min(n_veh, start + 100_000)}/{n_veh}")
        # Drivers (a subset of persons), cargo sources
        drivers = [
            Driver(
                agency=unit.agency,
                person_id=pk,
                qualification_no=f"{unit.region}{pk:010d}",
                employer_id=rng.choice(freight),
            )
            for pk in person_pks[: share(sizes["drivers"])]
        ]
        totals["drivers"] += _insert(Driver, drivers)
        sites = [
            CargoSource(
                agency=unit.agency,
                enterprise_id=cargo[i % len(cargo)],
                site_name=f"{unit.place}{rng.choice(TRADE_WORDS)}{SITE_KINDS[i % 4]}{i + 1}号",
                address=f"{unit.place}工业园区{i + 1}号",
                cargo_types=["砂石", "水泥", "煤炭", "钢材"][i % 4],
                has_weighing_equipment=rng.random() < 0.7,
            )
            for i in range(share(sizes["cargo_sources"]))
        ]
        totals["cargo_sources"] += _insert(CargoSource, sites)
    ctx.summary["inserted"] = totals
    if any(totals.values()):
        with transaction.atomic():
            audit_record(
                actor=None,
                event_code="demo.parties_loaded",
                object_type="demo",
                object_id=marker,
                object_repr=f"演示数据（{ctx.scale}）",
                after=totals,
                reason="zhifa demo",
            )


def load_demo(*, scale: str = "small", seed: int = 20261125, verbose: bool = True) -> dict[str, Any]:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("演示数据只能在演示模式下载入（ZHIFA_DEMO_MODE=1，且不是生产环境）")
    started = time.monotonic()
    ctx = DemoContext(scale=scale, seed=seed, verbose=verbose)
    ctx.log("载入机构与人员…")
    load_agencies(ctx)
    ctx.log(f"载入行政相对人（{scale}）…")
    load_parties(ctx)
    for hook in APP_HOOKS:
        if find_spec(hook) is not None:
            ctx.log(f"载入 {hook}…")
            import_module(hook).load(ctx)
    if connection.vendor == "postgresql":
        # bulk-loaded tables need fresh planner statistics at once (autovacuum may be off or late: on the
        # project's machines it is off, and a list of 500,000 vehicles was planned for 2,000)
        with connection.cursor() as c:
            c.execute("ANALYZE")
    ctx.summary["seconds"] = round(time.monotonic() - started, 1)
    ctx.summary["logins"] = ctx.logins
    ctx.summary["counts"] = {
        "agencies": Agency.objects.count(),
        "officers": Officer.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "vehicles": Vehicle.objects.count(),
        "persons": Person.objects.count(),
        "drivers": Driver.objects.count(),
        "cargo_sources": CargoSource.objects.count(),
    }
    return ctx.summary
