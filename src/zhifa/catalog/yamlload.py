"""Load the YAML catalog under ``data/`` into validated objects. Pure: no Django.

``load_catalog()`` reads ``catalog.yaml``, ``provisions.yaml`` (texts cut from ``texts/`` and
``excerpts/``), ``parameters.yaml``, ``general.yaml``, ``caps.yaml``, ``items/*.yaml`` and
``overlays/*.yaml``, validates every cross-reference and compiles every condition once. A
jurisdiction overlay that would widen statutory bounds is refused with
``DomainError(code="catalog.overlay_widens")``. The result carries ``version``, a string
``<release date>+<content hash>`` that every Decision records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from zhifa.catalog.conditions import ConditionError, compile_condition
from zhifa.catalog.schema import (
    SANCTION_WEIGHT,
    SANCTIONS,
    BracketSpec,
    CapSpec,
    CatalogMeta,
    ExceptionSpec,
    FactSpec,
    ItemSpec,
    LawSpec,
    OverlaySpec,
    ParameterSpec,
    PenaltySpec,
    Provision,
    VersionSpec,
    region_matches,
    region_stem,
)
from zhifa.catalog.texts import TextNotFound, cut, int_to_cn, load_law
from zhifa.core.errors import DomainError

DATA_DIR = Path(__file__).resolve().parent / "data"


class CatalogError(DomainError):
    """The catalog data is invalid (raised at load time, never at decision time)."""


@dataclass
class Catalog:
    meta: CatalogMeta
    version: str
    data_dir: Path
    provisions: dict[str, Provision]
    laws: dict[str, LawSpec]
    parameters: dict[str, ParameterSpec]
    items: dict[str, ItemSpec]
    general_facts: list[FactSpec]
    general_exceptions: list[ExceptionSpec]
    overlays: list[OverlaySpec]
    caps: list[CapSpec]
    files: list[str] = field(default_factory=list)
    item_files: dict[str, str] = field(default_factory=dict)
    _overlay_cache: dict[str | None, list[OverlaySpec]] = field(default_factory=dict, repr=False)
    _param_cache: dict[str | None, MappingProxyType] = field(default_factory=dict, repr=False)

    def overlays_for(self, region: str | None) -> list[OverlaySpec]:
        """Overlays whose region contains ``region``, least specific first (cached)."""
        hit = self._overlay_cache.get(region)
        if hit is None:
            hit = [] if region is None else [o for o in self.overlays if region_matches(o.region, region)]
            self._overlay_cache[region] = hit
        return hit

    def params(self, region: str | None) -> MappingProxyType:
        """All parameter values for ``region`` (most specific overlay wins), read-only, cached."""
        hit = self._param_cache.get(region)
        if hit is None:
            values: dict[str, Any] = {}
            for name, spec in self.parameters.items():
                value = spec.default
                for overlay in self.overlays_for(region):
                    if name in overlay.parameters:
                        value = overlay.parameters[name]
                values[name] = _coerce_param(spec, value)
            hit = MappingProxyType(values)
            self._param_cache[region] = hit
        return hit

    def param(self, name: str, region: str | None) -> Any:
        return self.params(region)[name]

    def provision(self, pid: str) -> Provision:
        return self.provisions[pid]


# --- helpers ------------------------------------------------------------------------------


def _err(code: str, message: str, where: str | None = None) -> CatalogError:
    return CatalogError(code, message, where)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _err("catalog.yaml_syntax", f"目录文件 {path.name} 不是有效的 YAML：{exc}", str(path)) from None


def _validate(model: type, data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        raise _err("catalog.invalid", f"目录数据不符合格式（{where} {loc}）：{first.get('msg')}", where) from None


def _coerce_param(spec: ParameterSpec, value: Any) -> Any:
    if spec.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"参数 {spec.name} 应为整数")
        if spec.min is not None and value < spec.min:
            raise ValueError(f"参数 {spec.name} 不得小于 {spec.min}")
        return value
    if spec.type == "decimal":
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"参数 {spec.name} 应为数字") from None
        if d < 0:
            raise ValueError(f"参数 {spec.name} 不得为负")
        return d
    if spec.type == "enum":
        if value not in (spec.values or []):
            raise ValueError(f"参数 {spec.name} 只能取 {spec.values}")
        return value
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"参数 {spec.name} 应为 true/false")
        return value
    if spec.type == "list":
        if not isinstance(value, list):
            raise ValueError(f"参数 {spec.name} 应为列表")
        return tuple(value)
    raise ValueError(spec.type)


def citation(short_title: str, article: int | None, paragraph: int | None, item: int | None) -> str:
    s = f"《{short_title}》"
    if article is None:
        return s + "（条号未核实）"
    s += f"第{int_to_cn(article)}条"
    if paragraph is not None:
        s += f"第{int_to_cn(paragraph)}款"
    if item is not None:
        s += f"第（{int_to_cn(item)}）项"
    return s


def _content_hash(data_dir: Path) -> tuple[str, list[str]]:
    h = hashlib.sha256()
    files = sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".md"))
    rel: list[str] = []
    for p in files:
        r = p.relative_to(data_dir).as_posix()
        rel.append(r)
        h.update(r.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest(), rel


# --- provisions ---------------------------------------------------------------------------


def _load_provisions(data_dir: Path) -> tuple[dict[str, LawSpec], dict[str, Provision]]:
    raw = _read_yaml(data_dir / "provisions.yaml") or {}
    laws: dict[str, LawSpec] = {}
    provisions: dict[str, Provision] = {}
    for i, law_raw in enumerate(raw.get("laws", [])):
        law = _validate(LawSpec, law_raw, f"provisions.yaml laws[{i}]")
        if law.key in laws:
            raise _err("catalog.duplicate", f"法律键 {law.key} 重复", "provisions.yaml")
        laws[law.key] = law
        parsed = None
        if law.file:
            path = data_dir / law.file
            if not path.exists():
                raise _err("catalog.missing_text_file", f"法律文本文件不存在：{law.file}", "provisions.yaml")
            parsed = load_law(str(path))
        for p in law.provisions:
            if p.id in provisions:
                raise _err("catalog.duplicate", f"条款编号 {p.id} 重复", "provisions.yaml")
            text: str | None = None
            lead: str | None = None
            if parsed is not None and (p.article is not None or p.excerpt_key is not None):
                try:
                    text, lead = cut(parsed, p.article, p.paragraph, p.item, p.excerpt_key)
                except TextNotFound as exc:
                    if not p.text_missing_reason:
                        raise _err(
                            "catalog.provision_text_missing",
                            f"条款 {p.id} 在文件 {law.file} 中找不到原文（{exc}），且未说明原因",
                            "provisions.yaml",
                        ) from None
            elif not p.text_missing_reason:
                raise _err(
                    "catalog.provision_text_missing",
                    f"条款 {p.id} 没有原文来源，且未说明原因（text_missing_reason）",
                    "provisions.yaml",
                )
            provisions[p.id] = Provision(
                id=p.id,
                law=law.title,
                short=law.short,
                level=law.level,
                article=p.article,
                paragraph=p.paragraph,
                item=p.item,
                text=text,
                lead=lead,
                file=law.file,
                effective_from=p.effective_from or law.effective_from,
                effective_to=p.effective_to if p.effective_to is not None else law.effective_to,
                source_url=p.source_url or law.source_url,
                status=p.status or law.status,
                quality=law.quality,
                text_missing_reason=p.text_missing_reason,
                note=p.note or law.note,
                citation=citation(law.short, p.article, p.paragraph, p.item)
                if p.excerpt_key is None
                else f"《{law.short}》（{p.excerpt_key}）",
            )
    return laws, provisions


# --- cross-reference validation -----------------------------------------------------------


class _Ctx:
    def __init__(self, provisions: dict[str, Provision], parameters: dict[str, ParameterSpec]) -> None:
        self.provisions = provisions
        self.parameters = parameters

    def provision_ids(self, ids: list[str], where: str) -> None:
        for pid in ids:
            if pid not in self.provisions:
                raise _err("catalog.unknown_provision", f"{where} 引用了不存在的条款 {pid}", where)

    def sanctions(self, codes: list[str], where: str) -> None:
        for c in codes:
            if c not in SANCTIONS:
                raise _err("catalog.unknown_sanction", f"{where} 使用了未定义的处罚/措施代码 {c}", where)

    def condition(self, source: str | None, known: dict[str, FactSpec], where: str) -> None:
        if source is None:
            return
        try:
            compile_condition(source, known)
        except ConditionError as exc:
            raise _err("catalog.bad_condition", f"{where} 的条件“{source}”无效：{exc}", where) from None

    def amount(self, value: Any, where: str) -> None:
        if isinstance(value, str):
            name = value.removeprefix("$")
            if not value.startswith("$") or name not in self.parameters:
                raise _err("catalog.unknown_parameter", f"{where} 引用了未定义的参数 {value}", where)


def _check_penalty(ctx: _Ctx, penalty: PenaltySpec, known: dict[str, FactSpec], where: str) -> None:
    for b in penalty.brackets:
        w = f"{where} 档 {b.id}"
        ctx.condition(b.when, known, w)
        ctx.sanctions(b.sanctions, w)
        for cs in b.conditional_sanctions:
            ctx.condition(cs.when, known, w)
            ctx.sanctions(cs.sanctions, w)
        if b.fine:
            ctx.amount(b.fine.min, w)
            ctx.amount(b.fine.max, w)
            for name in (b.fine.multiple_of, b.fine.per_violation_of):
                if name and name not in known:
                    raise _err("catalog.unknown_fact", f"{w} 引用了未声明的事实 {name}", w)
    if penalty.overload:
        ctx.provision_ids(penalty.overload.schedule_provisions, where)


def _check_exception(ctx: _Ctx, exc: ExceptionSpec, known: dict[str, FactSpec], where: str) -> None:
    w = f"{where} 情形 {exc.id}"
    ctx.condition(exc.when, known, w)
    ctx.provision_ids(exc.provisions, w)
    ctx.sanctions(exc.sanctions, w)
    if exc.enabled_by and (exc.enabled_by not in ctx.parameters or ctx.parameters[exc.enabled_by].type != "bool"):
        raise _err("catalog.unknown_parameter", f"{w} 的 enabled_by 须为布尔参数", w)


def known_facts(item: ItemSpec, general: list[FactSpec]) -> dict[str, FactSpec]:
    known = {f.name: f for f in general} if item.general_exceptions else {}
    known.update({f.name: f for f in item.facts})
    return known


def _check_item(ctx: _Ctx, item: ItemSpec, general: list[FactSpec], where: str) -> None:
    known = known_facts(item, general)
    names = [f.name for f in item.facts]
    if len(names) != len(set(names)):
        raise _err("catalog.duplicate", f"{where} 事项 {item.code} 的事实名重复", where)
    for f in item.facts:
        if isinstance(f.required, str):
            ctx.condition(f.required, known, f"{where} {item.code} 事实 {f.name}")
    version_ids = set()
    for v in item.versions:
        w = f"{where} {v.id}"
        if v.id in version_ids:
            raise _err("catalog.duplicate", f"版本编号 {v.id} 重复", w)
        version_ids.add(v.id)
        if v.effective_to is not None and v.effective_to < v.effective_from:
            raise _err("catalog.bad_dates", f"{w} 的失效日早于生效日", w)
        ctx.provision_ids(v.violated + v.penalty_provisions, w)
        ctx.condition(v.violation_when, known, w)
        _check_penalty(ctx, v.penalty, known, w)
        for e in v.exceptions:
            _check_exception(ctx, e, known, w)
    for b in item.benchmarks:
        w = f"{where} 基准 {b.id}"
        for vid in b.applies_to_versions:
            if vid not in version_ids:
                raise _err("catalog.unknown_version", f"{w} 适用于不存在的版本 {vid}", w)
        if b.region is not None and (len(b.region) != 6 or not b.region.isdigit()):
            raise _err("catalog.bad_region", f"{w} 的地区代码须为6位数字", w)
        for t in b.tiers:
            ctx.condition(t.when, known, f"{w} 档 {t.id}")
            ctx.sanctions(t.sanctions, f"{w} 档 {t.id}")


# --- overlays: narrowing only -------------------------------------------------------------


def bracket_bounds(b: BracketSpec, params: dict[str, Any]) -> tuple[int, int | None] | None:
    """(min, max) of a bracket's fine in yuan; max None = unbounded (multiple of income)."""
    if b.fine is None:
        return None
    if b.fine.multiple_of:
        return 0, None
    lo = b.fine.min if isinstance(b.fine.min, int) else params[str(b.fine.min)[1:]]
    hi = b.fine.max if isinstance(b.fine.max, int) else params[str(b.fine.max)[1:]]
    return int(lo), int(hi)


def penalty_bounds(p: PenaltySpec, params: dict[str, Any]) -> tuple[int, int | None, int]:
    """Overall statutory (min, max, heaviest sanction weight) of a penalty."""
    if p.kind == "overload_weight" and p.overload is not None:
        return 0, p.overload.schedule.cap_yuan, SANCTION_WEIGHT["fine"]
    lows: list[int] = []
    highs: list[int | None] = []
    weight = 0
    for b in p.brackets:
        bb = bracket_bounds(b, params)
        codes = list(b.sanctions) + [c for cs in b.conditional_sanctions for c in cs.sanctions]
        if b.warning != "none":
            codes.append("warning")
        if bb is not None:
            lows.append(bb[0])
            highs.append(bb[1])
            codes.append("fine")
        weight = max([weight, *(SANCTION_WEIGHT[c] for c in codes)])
    if not lows:
        return 0, 0, weight
    hi: int | None = None if any(h is None for h in highs) else max(h for h in highs if h is not None)
    return min(lows), hi, weight


def overlay_widening(
    item: ItemSpec, overlay: OverlaySpec, params: dict[str, Any], provisions: dict[str, Provision]
) -> list[str]:
    """Messages for every way ``overlay`` would widen ``item``'s statutory bounds."""
    problems: list[str] = []
    for entry in overlay.items.get(item.code, []):
        for v in item.versions:
            overlap = (v.effective_to is None or entry.effective_from <= v.effective_to) and (
                entry.effective_to is None or v.effective_from <= entry.effective_to
            )
            if not overlap:
                continue
            lo, hi, weight = penalty_bounds(v.penalty, params)
            tag = f"{overlay.name}（{overlay.region}）对事项 {item.code} 的叠加 {entry.id}"
            if entry.bounds is not None:
                if entry.bounds.min < lo:
                    problems.append(f"{tag} 把罚款下限降到 {entry.bounds.min} 元，低于法定下限 {lo} 元（版本 {v.id}）")
                if hi is not None and entry.bounds.max > hi:
                    problems.append(
                        f"{tag} 把罚款上限提高到 {entry.bounds.max} 元，超过法定上限 {hi} 元（版本 {v.id}）"
                    )
                for b in v.penalty.brackets:
                    bb = bracket_bounds(b, params)
                    if bb is None or bb[1] is None:
                        continue
                    if entry.bounds.min > bb[1] or entry.bounds.max < bb[0]:
                        problems.append(
                            f"{tag} 的幅度 {entry.bounds.min}–{entry.bounds.max} 元与法定档“{b.label}”"
                            f"（{bb[0]}–{bb[1]} 元）没有交集（版本 {v.id}）"
                        )
            if entry.replace_penalty is not None:
                if not entry.local_provision:
                    problems.append(f"{tag} 替换处罚公式，但没有给出地方性法规依据（local_provision）")
                elif entry.local_provision not in provisions or provisions[entry.local_provision].level != "地方性法规":
                    problems.append(f"{tag} 的 local_provision 须为已登记的地方性法规条款")
                rlo, rhi, rweight = penalty_bounds(entry.replace_penalty, params)
                if rlo < lo:
                    problems.append(f"{tag} 替换后的罚款下限 {rlo} 元低于法定下限 {lo} 元（版本 {v.id}）")
                if hi is not None and (rhi is None or rhi > hi):
                    problems.append(f"{tag} 替换后的罚款上限 {rhi} 元超过法定上限 {hi} 元（版本 {v.id}）")
                if rweight > weight:
                    problems.append(f"{tag} 替换后增设了比法定更重的处罚种类（版本 {v.id}）")
                nat, rep = v.penalty.overload, entry.replace_penalty.overload
                if nat is not None and rep is not None:
                    national_limits = {(r.axles, r.vehicle_kind, r.single_drive_axle): r.limit_kg for r in nat.limits}
                    for r in rep.limits:
                        key = (r.axles, r.vehicle_kind, r.single_drive_axle)
                        if key not in national_limits:
                            problems.append(f"{tag} 增设了国家标准没有的限值行 {key}")
                        elif r.limit_kg != national_limits[key]:
                            problems.append(
                                f"{tag} 把 {key} 的限值改为 {r.limit_kg} 千克（国家标准 {national_limits[key]} 千克）"
                            )
                    for dim, mm in rep.dimensions_mm.items():
                        if nat.dimensions_mm.get(dim) != mm:
                            problems.append(f"{tag} 改变了外廓尺寸限值 {dim}")
    return problems


def overlay_stack_problems(overlays: list[OverlaySpec]) -> list[str]:
    """A city or county overlay may only narrow what its province (or city) already set."""
    problems: list[str] = []
    for child in overlays:
        for parent in overlays:
            if parent is child or not region_stem(child.region).startswith(region_stem(parent.region)):
                continue
            if len(region_stem(parent.region)) >= len(region_stem(child.region)):
                continue
            for code, entries in child.items.items():
                for ce in entries:
                    if ce.bounds is None:
                        continue
                    for pe in parent.items.get(code, []):
                        if pe.bounds is None:
                            continue
                        overlap = (pe.effective_to is None or ce.effective_from <= pe.effective_to) and (
                            ce.effective_to is None or pe.effective_from <= ce.effective_to
                        )
                        if overlap and (ce.bounds.min < pe.bounds.min or ce.bounds.max > pe.bounds.max):
                            problems.append(
                                f"{child.name}（{child.region}）对事项 {code} 的幅度 {ce.bounds.min}–{ce.bounds.max} 元"
                                f"超出了{parent.name}（{parent.region}）规定的 {pe.bounds.min}–{pe.bounds.max} 元"
                            )
    return problems


# --- the loader ---------------------------------------------------------------------------


def load_catalog(data_dir: Path | str | None = None) -> Catalog:
    """Load and validate the catalog; the default directory is cached (see ``catalog()``)."""
    d = Path(data_dir) if data_dir is not None else DATA_DIR
    meta = _validate(CatalogMeta, _read_yaml(d / "catalog.yaml"), "catalog.yaml")
    laws, provisions = _load_provisions(d)

    params_raw = _read_yaml(d / "parameters.yaml") or {}
    parameters: dict[str, ParameterSpec] = {}
    for i, raw in enumerate(params_raw.get("parameters", [])):
        spec = _validate(ParameterSpec, raw, f"parameters.yaml[{i}]")
        try:
            _coerce_param(spec, spec.default)
        except ValueError as exc:
            raise _err("catalog.bad_parameter", f"参数 {spec.name} 的默认值无效：{exc}", "parameters.yaml") from None
        parameters[spec.name] = spec
    ctx = _Ctx(provisions, parameters)
    defaults = {name: _coerce_param(s, s.default) for name, s in parameters.items()}

    general_raw = _read_yaml(d / "general.yaml") or {}
    general_facts = [_validate(FactSpec, f, "general.yaml facts") for f in general_raw.get("facts", [])]
    general_known = {f.name: f for f in general_facts}
    general_exceptions = [
        _validate(ExceptionSpec, e, "general.yaml exceptions") for e in general_raw.get("exceptions", [])
    ]
    for e in general_exceptions:
        _check_exception(ctx, e, general_known, "general.yaml")

    items: dict[str, ItemSpec] = {}
    item_files: dict[str, str] = {}
    for path in sorted((d / "items").glob("*.yaml")):
        raw = _read_yaml(path) or {}
        for i, item_raw in enumerate(raw.get("items", [])):
            where = f"items/{path.name}"
            item = _validate(ItemSpec, item_raw, f"{where}[{i}]")
            if item.code in items:
                raise _err("catalog.duplicate", f"事项代码 {item.code} 重复（{where}）", where)
            _check_item(ctx, item, general_facts, where)
            items[item.code] = item
            item_files[item.code] = where

    overlays: list[OverlaySpec] = []
    for path in sorted((d / "overlays").glob("*.yaml")):
        where = f"overlays/{path.name}"
        overlay = _validate(OverlaySpec, _read_yaml(path), where)
        for name, value in overlay.parameters.items():
            if name not in parameters:
                raise _err("catalog.unknown_parameter", f"{where} 设置了未定义的参数 {name}", where)
            try:
                _coerce_param(parameters[name], value)
            except ValueError as exc:
                raise _err("catalog.bad_parameter", f"{where}：{exc}", where) from None
        for code, entries in overlay.items.items():
            if code not in items:
                raise _err("catalog.unknown_item", f"{where} 叠加了不存在的事项 {code}", where)
            item = items[code]
            known = known_facts(item, general_facts)
            for entry in entries:
                w = f"{where} {entry.id}"
                ctx.provision_ids(entry.provisions, w)
                if entry.local_provision:
                    ctx.provision_ids([entry.local_provision], w)
                if entry.replace_penalty is not None:
                    _check_penalty(ctx, entry.replace_penalty, known, w)
                for e in entry.exceptions:
                    _check_exception(ctx, e, known, w)
            problems = overlay_widening(item, overlay, defaults, provisions)
            if problems:
                raise _err("catalog.overlay_widens", "地方叠加层不得放宽法定处罚幅度：" + "；".join(problems), where)
        overlays.append(overlay)
    overlays.sort(key=lambda o: len(region_stem(o.region)))
    stacked = overlay_stack_problems(overlays)
    if stacked:
        raise _err("catalog.overlay_widens", "下级叠加层不得放宽上级叠加层的幅度：" + "；".join(stacked), "overlays")

    caps_raw = _read_yaml(d / "caps.yaml") or {}
    caps = [_validate(CapSpec, c, "caps.yaml") for c in caps_raw.get("caps", [])]
    for c in caps:
        ctx.provision_ids(c.provisions, "caps.yaml")
        for code in c.items:
            if code not in items:
                raise _err("catalog.unknown_item", f"caps.yaml 引用了不存在的事项 {code}", "caps.yaml")

    digest, files = _content_hash(d)
    return Catalog(
        meta=meta,
        version=f"{meta.release.isoformat()}+{digest[:12]}",
        data_dir=d,
        provisions=provisions,
        laws=laws,
        parameters=parameters,
        items=items,
        general_facts=general_facts,
        general_exceptions=general_exceptions,
        overlays=overlays,
        caps=caps,
        files=files,
        item_files=item_files,
    )


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The shipped catalog, loaded once per process."""
    return load_catalog()


def version_in_force(item: ItemSpec, on: date) -> VersionSpec | None:
    for v in item.versions:
        if v.in_force(on):
            return v
    return None
