"""Generate a million cases on PostgreSQL with COPY (seeded), for the case-list and dashboard bench.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench .venv/bin/zhifa manage migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench .venv/bin/python bench/cases/generate.py \
        [--cases 1000000] [--officers 40] [--seed 20261125]

Needs the large demo world in that database (``zhifa demo --scale large``: the two units, their
officers, 100,000 enterprises and 1,000,000 vehicles). Adds ``--officers`` licensed officers per unit
(``bench_nz_01`` …, password as the demo), then the cases, half per unit, filed 2021–2026: about 89 %
closed or dismissed, the rest spread over the open states with their running deadline (some overdue),
two officers per case and a Deadline row for each running deadline. Case numbers follow the unit's
pattern and the counters are set to the last number issued, so the services can go on numbering.
Bypasses the services on purpose (no audit rows): this is load data, not a record. Refuses to add
cases twice (``--replace`` deletes the previous bench cases first).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from zhifa.agencies.models import Agency, Officer  # noqa: E402
from zhifa.demo import DEMO_PASSWORD  # noqa: E402

TODAY = date.today()
ITEMS = [
    ("overload.weight", "车辆违法超限运输（车货总质量超过限定标准）", 40),
    ("overload.dimensions", "车辆违法超限运输（车货外廓尺寸超过限定标准）", 6),
    ("highway.spillage", "车辆装载物触地拖行、掉落、遗洒或者飘散，造成公路路面损坏、污染", 10),
    ("road_transport.unlicensed_freight", "未取得道路运输经营许可，擅自从事道路普通货物运输经营", 8),
    ("road_transport.unqualified_driver", "不符合条件的人员驾驶道路运输经营车辆（未取得从业资格等）", 8),
    ("road_transport.vehicle_maintenance", "客运经营者、货运经营者不按规定维护和检测运输车辆", 6),
    ("road_transport.cargo_securing", "货运经营者没有采取必要措施防止货物脱落、扬撒等", 8),
    ("road_transport.operating_certificate_not_carried", "客运经营者、货运经营者不按照规定携带车辆营运证", 6),
    ("highway.obstruction", "在公路上及公路用地范围内摆摊设点、堆放物品等", 4),
    ("road_transport.vehicle_modification", "客运经营者、货运经营者擅自改装已取得车辆营运证的车辆", 4),
]
# open states with the deadline that runs in them (rule, label, basis, counting)
OPEN = [
    ("draft", 5, None),
    ("pending_filing", 5, None),
    ("filed", 5, ("decision", "作出处罚决定期限", "《中华人民共和国行政处罚法》第六十条", "calendar_days")),
    ("investigating", 20, ("decision", "作出处罚决定期限", "《中华人民共和国行政处罚法》第六十条", "calendar_days")),
    ("under_review", 10, ("decision", "作出处罚决定期限", "《中华人民共和国行政处罚法》第六十条", "calendar_days")),
    ("notified", 15, ("decision", "作出处罚决定期限", "《中华人民共和国行政处罚法》第六十条", "calendar_days")),
    ("decided", 5, ("service", "决定书送达期限", "《中华人民共和国行政处罚法》第六十一条第一款", "working_days")),
    ("served", 15, ("payment", "罚款缴纳期限", "《中华人民共和国行政处罚法》第六十七条第三款", "calendar_days")),
    (
        "executing",
        15,
        ("court_application", "申请人民法院强制执行期限", "《中华人民共和国行政强制法》第五十三条", "calendar_days"),
    ),
    ("suspended", 5, None),
]
AGENCY_RULES = {"decision", "service", "court_application"}
CASE_COLUMNS = [
    "agency_id", "number", "number_type", "number_year", "number_seq", "procedure", "state", "source",
    "external_ref", "item_code", "item_name", "violation_date", "violation_place", "summary", "facts",
    "business_activity", "party_kind", "enterprise_id", "vehicle_id", "party_name", "plate", "version",
    "filed_on", "extension_days", "suspensions", "transferred_to", "legal_review_flagged", "complex_or_major",
    "collective_discussion_done", "statement_made", "rights_waived", "hearing_held", "hearing_waived", "outcome",
    "decided_penalty", "decided_on", "served_on", "decision_revoked", "instalments", "surcharge_waived_yuan",
    "suspended_from", "closed_from", "fine_yuan", "next_due", "next_due_rule", "records", "created_by_id",
    "created_at", "updated_at",
]  # fmt: skip


def _q(v) -> str:
    """A value in COPY text format."""
    if v is None:
        return r"\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, (dict, list)):
        v = json.dumps(v, ensure_ascii=False)
    s = str(v)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _officers(unit: Agency, key: str, n: int, password: str) -> list[int]:
    """``n`` bench officers for the unit (created once), plus the demo officers."""
    from django.contrib.auth import get_user_model

    from zhifa.agencies.models import OfficerRole

    User = get_user_model()
    existing = {o.user.username: o.pk for o in Officer.objects.filter(agency=unit).select_related("user")}
    with transaction.atomic():
        for i in range(1, n + 1):
            username = f"bench_{key}_{i:02d}"
            if username in existing:
                continue
            user = User.objects.create(username=username, password=password)
            officer = Officer.objects.create(
                user=user,
                agency=unit,
                name=f"执法员{key.upper()}{i:02d}",
                licence_no=f"B{unit.pk:02d}{i:06d}",
                licence_valid_from=date(2020, 1, 1),
                licence_valid_to=date(2030, 12, 31),
            )
            OfficerRole.objects.create(officer=officer, role="officer")
    return list(
        Officer.objects.filter(agency=unit, role_links__role="officer", licence_no__gt="").values_list("pk", flat=True)
    )


def _plan_rows(unit: Agency, key: str, n: int, rng: random.Random, vehicles, creator: int, now) -> list[dict]:
    """``n`` cases of one unit (not yet numbered: numbers follow the filing order across the year)."""
    item_bag = [(c, name) for c, name, w in ITEMS for _ in range(w)]
    open_bag = [(s, rule) for s, w, rule in OPEN for _ in range(w)]
    place = "南召县" if key == "nz" else "临沂市"
    out = []
    for _ in range(n):
        filed = date(rng.choice([2021, 2022, 2023, 2024, 2025, 2026, 2026]), 1, 1) + timedelta(days=rng.randrange(365))
        if filed > TODAY - timedelta(days=1):
            filed = TODAY - timedelta(days=rng.randrange(1, 300))
        recent = (TODAY - filed).days < 200
        r = rng.random()
        deadline = None
        if recent and r < 0.45:
            state, deadline = rng.choice(open_bag)
        elif r < 0.03:
            state = "dismissed"
        elif r < 0.04:
            state = "transferred"
        else:
            state = "closed"
        summary_proc = state in ("closed", "served") and rng.random() < 0.2
        numbered = state not in ("draft", "pending_filing") and not (state == "dismissed" and rng.random() < 0.5)
        code, name = rng.choice(item_bag)
        vehicle_id, enterprise_id, plate = rng.choice(vehicles)
        decided = state in ("decided", "served", "executing", "closed") and rng.random() < 0.97
        fine = (
            rng.choice([200, 500, 1000, 1500, 2000, 2500, 3000, 4500, 5000, 8000, 10000, 15000, 20000])
            if decided
            else None
        )
        due = None
        if deadline is not None:  # 8 % of the running deadlines have passed
            due = TODAY + timedelta(days=rng.randrange(-40, -1) if rng.random() < 0.08 else rng.randrange(0, 90))
        out.append(
            {
                "unit": unit, "filed": filed, "state": state, "deadline": deadline, "due": due,
                "numbered": numbered, "ntype": "简" if summary_proc else "罚",
                "procedure": "summary" if summary_proc else "general",
                "code": code, "name": name, "vehicle_id": vehicle_id, "enterprise_id": enterprise_id, "plate": plate,
                "decided": decided, "fine": fine, "creator": creator, "version": rng.randrange(3, 20),
                "vdate": filed - timedelta(days=rng.randrange(0, 5)),
                "place": f"{place}G{rng.randrange(200, 400)}国道K{rng.randrange(1, 1500)}",
            }
        )  # fmt: skip
    return out


def _case_row(p: dict, number: str, seq, now) -> list:
    state, filed, decided, fine = p["state"], p["filed"], p["decided"], p["fine"]
    rule = p["deadline"][0] if p["deadline"] else ""
    agency_rule = rule in AGENCY_RULES
    return [
        p["unit"].pk, number, p["ntype"] if p["numbered"] else "", filed.year if p["numbered"] else None, seq,
        p["procedure"], state, "inspection", "", p["code"], p["name"], p["vdate"], p["place"], "", {}, False,
        "organisation", p["enterprise_id"], p["vehicle_id"], f"企业{p['enterprise_id']}", p["plate"], p["version"],
        None if state in ("draft", "pending_filing") else filed, 0, [], "", False, False, False, False, False,
        False, False, "penalty" if decided else "",
        {"sanctions": ["fine"], "fine_yuan": fine, "confiscation_yuan": 0} if decided else None,
        min(filed + timedelta(days=30), TODAY - timedelta(days=2)) if decided else None,
        min(filed + timedelta(days=32), TODAY - timedelta(days=1)) if decided else None,
        False, [], 0, "investigating" if state == "suspended" else "",
        "served" if state == "closed" else ("investigating" if state == "dismissed" else ""),
        fine, p["due"] if agency_rule else None, rule if agency_rule else "", {}, p["creator"], now, now,
    ]  # fmt: skip


def generate(n_cases: int, n_officers: int, seed: int) -> dict:
    """Both units' cases in one COPY, in filing order (ids grow with time, interleaving the units, as
    in a real database: the planner's view of the id order is then the real one)."""
    rng = random.Random(seed)
    units = [
        (Agency.objects.get(name="南召县交通运输综合行政执法大队"), "nz"),
        (Agency.objects.get(name="临沂市交通运输执法支队"), "ly"),
    ]
    password = make_password(DEMO_PASSWORD)
    now = datetime.now(timezone.utc)
    plans: list[dict] = []
    officers: dict[int, list[int]] = {}
    for unit, key in units:
        officers[unit.pk] = _officers(unit, key, n_officers, password)
        creator = Officer.objects.filter(agency=unit, user__username=f"{key}_officer1").values_list(
            "user_id", flat=True
        )[0]
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, owner_enterprise_id, plate FROM parties_vehicle"
                " WHERE agency_id = %s AND owner_enterprise_id IS NOT NULL",
                [unit.pk],
            )
            vehicles = cur.fetchall()
        plans += _plan_rows(unit, key, n_cases // len(units), rng, vehicles, creator, now)
    plans.sort(key=lambda p: p["filed"])
    counters: dict[tuple[int, int, str], int] = {}
    buf = io.StringIO()
    for p in plans:
        number, seq = "", None
        if p["numbered"]:
            k = (p["unit"].pk, p["filed"].year, p["ntype"])
            seq = counters[k] = counters.get(k, 0) + 1
            u = p["unit"]
            number = u.case_number_pattern.format(short=u.short_name, year=p["filed"].year, seq=seq, type=p["ntype"])
        buf.write("\t".join(_q(v) for v in _case_row(p, number, seq, now)) + "\n")
    stats = {"cases": len(plans), "case_officers": 2 * len(plans), "deadlines": 0}
    with connection.cursor() as cur:
        t0 = time.monotonic()
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        first_id = cur.fetchone()[0] + 1
        with cur.cursor.copy(f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        cur.execute("SELECT id FROM cases_case WHERE id >= %s ORDER BY id", [first_id])
        ids = [r[0] for r in cur.fetchall()]
        assert len(ids) == len(plans)
        print(f"{len(ids)} cases copied in {time.monotonic() - t0:.1f} s", flush=True)
        links, dls = io.StringIO(), io.StringIO()
        stamp = now.isoformat()
        for case_id, p in zip(ids, plans, strict=True):
            a, b = rng.sample(officers[p["unit"].pk], 2)
            links.write(f"{case_id}\t{a}\tlead\t{stamp}\n{case_id}\t{b}\tassist\t{stamp}\n")
            if p["deadline"] is not None:
                rule, label, basis, counting = p["deadline"]
                row = (case_id, rule, label, p["filed"], p["due"], counting, "by", basis, True, now, None)
                dls.write("\t".join(_q(v) for v in row) + "\n")
                stats["deadlines"] += 1
        with cur.cursor.copy("COPY cases_caseofficer (case_id, officer_id, role, assigned_at) FROM STDIN") as copy:
            copy.write(links.getvalue())
        columns = "case_id, rule, label, start, due, counting, direction, basis, tracked, opened_at, closed_at"
        with cur.cursor.copy(f"COPY cases_deadline ({columns}) FROM STDIN") as copy:
            copy.write(dls.getvalue())
        for (agency_id, year, ntype), seq in counters.items():
            cur.execute(
                "INSERT INTO cases_casenumbercounter (agency_id, year, number_type, last_seq) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (agency_id, year, number_type) DO UPDATE SET last_seq = EXCLUDED.last_seq",
                [agency_id, year, ntype, seq],
            )
        print(f"officers and deadlines in {time.monotonic() - t0:.1f} s", flush=True)
    with connection.cursor() as cur:  # set the visibility map too, so counts are index-only scans
        cur.execute("VACUUM ANALYZE cases_case")
        cur.execute("VACUUM ANALYZE cases_caseofficer")
        cur.execute("VACUUM ANALYZE cases_deadline")
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--officers", type=int, default=40, help="bench officers per unit")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--replace", action="store_true", help="delete the cases of the two units first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("需要 PostgreSQL（DATABASE_URL=postgres://…/zhifa_bench）", file=sys.stderr)
        return 2
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        existing = cur.fetchone()[0]
        if existing and not args.replace:
            print(f"已有 {existing} 件案件；加 --replace 先删除", file=sys.stderr)
            return 2
        if args.replace:
            # every table that refers to a case (records, evidence, documents, off-site events …) goes with
            # it: this is a benchmark database, the demo's own cases included
            cur.execute("TRUNCATE cases_case, cases_casenumbercounter CASCADE")
    t0 = time.monotonic()
    stats = generate(args.cases, args.officers, args.seed)
    stats["seconds"] = round(time.monotonic() - t0, 1)
    print(json.dumps(stats, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
