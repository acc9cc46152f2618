"""``zhifa offsite …`` subcommands. ``detect`` is pure: no Django, no database, no server; ``import``,
``stations`` and ``station-token`` use the database."""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from zhifa.offsite.schema import Plausibility


def register(subparsers: argparse._SubParsersAction) -> None:
    offsite = subparsers.add_parser("offsite", help="非现场执法：动态称重数据检测超限")
    sub = offsite.add_subparsers(dest="offsite_command", metavar="SUBCOMMAND")
    sub.required = True

    p = sub.add_parser(
        "detect",
        help="从称重数据文件检测超限（无需数据库）",
        description="读取CSV（UTF-8或GBK）或Parquet称重记录，输出 events.csv、quarantine.csv、summary.json 等。",
    )
    p.add_argument("--input", required=True, type=Path, help="输入文件（CSV 或 Parquet）")
    p.add_argument("--out", required=True, type=Path, help="输出目录")
    p.add_argument("--region", default=None, help="6位行政区划代码（省级超限规则）；缺省为全国规则")
    p.add_argument(
        "--date",
        default=None,
        type=_date,
        help="对全部记录适用该日期施行的规则（YYYY-MM-DD）；缺省按每条记录的通行日期",
    )
    p.add_argument(
        "--window", default="24h", type=_duration, help="同一车辆多次通行合并为一起事件的时间窗（如 24h、90m）"
    )
    p.add_argument(
        "--stations", type=Path, default=None, help="站点清单（每行一个站点编号，或带 station_id 表头的CSV）"
    )
    p.add_argument("--encoding", default=None, help="强制字符编码（utf-8 或 gbk）；缺省自动识别")
    p.add_argument("--nev-letters", default="DF", help="新能源号牌标识字母（缺省 DF）")
    p.add_argument("--memory-limit", default="640MB", help="DuckDB 内存上限（缺省 640MB）")
    p.add_argument("--threads", type=int, default=None, help="DuckDB 线程数（缺省为CPU核数）")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.set_defaults(func=_detect, needs_django=False)

    p = sub.add_parser(
        "import",
        help="导入称重数据到数据库（检测、入库、隔离、超限事件）",
        description="读取CSV（UTF-8或GBK）或Parquet称重记录，检测超限并写入数据库；同一记录编号只入库一次。",
    )
    p.add_argument("file", type=Path, help="输入文件（CSV 或 Parquet）")
    p.add_argument("--agency", default=None, help="导入机构（机构编号、行政区划代码或名称）；缺省为唯一拥有站点的机构")
    p.add_argument("--encoding", default=None, choices=["utf-8", "gbk"], help="强制字符编码；缺省自动识别")
    p.add_argument(
        "--window", default="24h", type=_duration, help="同一车辆多次通行合并为一起事件的时间窗（如 24h、90m）"
    )
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.set_defaults(func=_import, needs_django=True)

    p = sub.add_parser("stations", help="列出检测站点（编号、名称、机构、设备与检定状态）")
    p.set_defaults(func=_stations, needs_django=True)

    p = sub.add_parser("station-token", help="签发或更换站点推送令牌（令牌只显示这一次）")
    p.add_argument("code", help="站点编号")
    p.set_defaults(func=_station_token, needs_django=True)

    from zhifa.offsite.cli_review import register_review  # export, report-tasks (offsite-cases)

    register_review(sub)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式错误：{text}（应为 YYYY-MM-DD）")


def _duration(text: str) -> timedelta:
    m = re.fullmatch(r"(\d+)\s*([hm]|min)?", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"时间窗格式错误：{text}（如 24h 或 90m）")
    n = int(m.group(1))
    return timedelta(hours=n) if (m.group(2) or "h") == "h" else timedelta(minutes=n)


def read_stations(path: Path) -> frozenset[str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    if lines and lines[0].split(",")[0].strip() in ("station_id", "检测站点编号"):
        lines = lines[1:]
    return frozenset(ln.split(",")[0].strip() for ln in lines)


class _Bar:
    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=100, file=sys.stderr, unit="%", bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}")
        self.pos = 0.0

    def stage(self, name: str) -> None:
        self.bar.set_description_str(name)

    def fraction(self, value: float) -> None:
        target = max(self.pos, min(1.0, value)) * 100
        self.bar.update(target - self.bar.n)
        self.pos = target / 100

    def close(self) -> None:
        self.fraction(1.0)
        self.bar.close()


def _detect(args: argparse.Namespace) -> int:
    import duckdb

    from zhifa.offsite.detect import DetectError, DetectOptions, detect
    from zhifa.offsite.limits import RulesUnavailable
    from zhifa.offsite.source import SourceError

    if args.region is not None and not re.fullmatch(r"\d{6}", args.region):
        print(f"行政区划代码应为6位数字：{args.region}", file=sys.stderr)
        return 2
    if not args.input.is_file():
        print(f"输入文件不存在：{args.input}", file=sys.stderr)
        return 2
    stations = None
    if args.stations is not None:
        if not args.stations.is_file():
            print(f"站点清单不存在：{args.stations}", file=sys.stderr)
            return 2
        stations = read_stations(args.stations)
    options = DetectOptions(
        region=args.region,
        on_date=args.date,
        window=args.window,
        stations=stations,
        encoding=args.encoding,
        nev_letters=args.nev_letters,
        plausibility=Plausibility(),
        memory_limit=args.memory_limit,
        threads=args.threads,
    )
    bar = None if args.no_progress else _Bar()
    t0 = time.perf_counter()
    try:
        summary = detect(args.input, args.out, options=options, progress=bar)
    except (SourceError, ValueError) as exc:
        if bar:
            bar.bar.close()
        print(f"输入错误：{exc}", file=sys.stderr)
        return 2
    except (RulesUnavailable, DetectError, duckdb.Error) as exc:
        if bar:
            bar.bar.close()
        print(f"无法检测：{exc}", file=sys.stderr)
        return 1
    if bar:
        bar.close()
    print(summary.line())
    print(f"输出目录：{args.out}（用时 {time.perf_counter() - t0:.1f} 秒）", file=sys.stderr)
    return 0 if summary.reconciled else 1


# --- database commands (Django) ------------------------------------------------------------


def _error(code: str, message: str, field: str | None = None, status: int = 2) -> int:
    import json

    print(json.dumps({"code": code, "message": message, "field": field}, ensure_ascii=False), file=sys.stderr)
    return status


def _find_agency(text: str | None):
    from zhifa.agencies.models import Agency
    from zhifa.offsite.models import Station

    if text is None:
        ids = set(Station.objects.filter(active=True).values_list("agency_id", flat=True))
        if len(ids) != 1:
            return None, "请用 --agency 指定导入机构（有多个机构登记了站点，或没有站点）"
        return Agency.objects.get(pk=ids.pop()), None
    qs = Agency.objects.all()
    found = list(qs.filter(pk=int(text))) if text.isdigit() and len(text) != 6 else []
    found = found or list(qs.filter(region_code=text, kind="enforcement")) or list(qs.filter(name=text))
    if len(found) != 1:
        return None, f"找不到唯一的机构：{text}" if not found else f"有多个机构匹配 {text}，请用机构编号"
    return found[0], None


def _import(args: argparse.Namespace) -> int:
    from zhifa.core.errors import DomainError
    from zhifa.offsite.services.ingest import import_file

    if not args.file.is_file():
        return _error("offsite.input_missing", f"输入文件不存在：{args.file}", "file")
    agency, problem = _find_agency(args.agency)
    if agency is None:
        return _error("offsite.agency_required", problem, "agency")
    bar = None if args.no_progress else _Bar()

    def progress(label: str, permille: int) -> None:
        if bar:
            bar.stage(label)
            bar.fraction(permille / 1000)

    t0 = time.perf_counter()
    try:
        out = import_file(args.file, agency=agency, encoding=args.encoding, window=args.window, progress=progress)
    except DomainError as exc:
        if bar:
            bar.bar.close()
        bad_input = exc.code in ("offsite.import_bad_input",)
        return _error(exc.code, exc.message, exc.field, 2 if bad_input else 1)
    except Exception as exc:  # the run is marked failed with the error; nothing was written
        if bar:
            bar.bar.close()
        return _error("offsite.import_failed", f"导入失败（未写入任何数据）：{exc}", None, 1)
    if bar:
        bar.close()
    print(out.line())
    if out.same_file_runs:
        print(
            f"同一文件（SHA-256 相同）此前已由导入批次 {', '.join(map(str, out.same_file_runs))} 导入；本次未新增数据"
        )
    print(f"导入批次 #{out.run.pk}（{agency.name}，用时 {time.perf_counter() - t0:.1f} 秒）", file=sys.stderr)
    return 0 if out.reconciled else 1


def _stations(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from zhifa.offsite.models import Station
    from zhifa.offsite.selectors import calibration_state

    today = timezone.localdate()
    for s in Station.objects.select_related("agency").prefetch_related("devices__calibrations").order_by("code"):
        devices = ", ".join(
            f"{d.serial}:{calibration_state([c for c in d.calibrations.all() if c.revoked_at is None], today).label}"
            for d in s.devices.all()
        )
        pub = s.published_on.isoformat() if s.published_on else "未公布"
        print(f"{s.code}\t{s.name}\t{s.agency.name}\t{s.region_code}\t公布 {pub}\t{devices or '无设备'}")
    return 0


def _station_token(args: argparse.Namespace) -> int:
    from zhifa.offsite.models import Station
    from zhifa.offsite.services.stations import station_token_issue

    station = Station.objects.filter(code=args.code).first()
    if station is None:
        return _error("offsite.station_unknown", f"站点不存在：{args.code}", "code")
    from django.db import transaction

    with transaction.atomic():
        token = station_token_issue(actor=None, station=station)
    print(token)
    print("令牌只显示这一次；站点以 Authorization: Bearer <令牌> 调用 POST /api/v1/offsite/push", file=sys.stderr)
    return 0
