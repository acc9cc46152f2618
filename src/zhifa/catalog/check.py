"""Catalog check (``zhifa catalog check``). Pure: no Django.

Problems (the shipped catalog must have none; the test suite runs this):

- brackets of a penalty, or tiers of a benchmark, that overlap (two match the same facts)
  or leave a gap (no bracket / tier, and no catch-all, for facts that were all given); found
  by probing every combination of boundary values of the facts the conditions use;
- benchmark tiers whose range lies outside the statutory bracket of the version they apply to;
- overlays that widen statutory bounds (the loader refuses them too);
- provisions without text and without a stated reason;
- gaps or overlaps in the effective dates of an item's versions, provisions not in force
  for the whole period of a version that cites them, benchmarks outside their versions.

Notes (reported, not problems): provisions whose text is not available (with the reason),
unconfirmed provisions and items, benchmarks that only apply when a jurisdiction adopts them.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhifa.catalog.conditions import Condition, compile_condition
from zhifa.catalog.schema import BenchmarkSpec, FactSpec, ItemSpec, PenaltySpec, VersionSpec
from zhifa.catalog.yamlload import (
    Catalog,
    CatalogError,
    bracket_bounds,
    known_facts,
    load_catalog,
    overlay_stack_problems,
    overlay_widening,
)

MAX_PROBES = 4096


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    version: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "problems": self.problems,
            "notes": self.notes,
            "stats": self.stats,
            "catalog_version": self.version,
        }

    def as_text(self) -> str:
        lines = [f"目录版本：{self.version or '（未能加载）'}"]
        if self.stats:
            lines.append("统计：" + "，".join(f"{k} {v}" for k, v in self.stats.items()))
        if self.problems:
            lines.append(f"发现 {len(self.problems)} 个问题：")
            lines.extend(f"  ✗ {p}" for p in self.problems)
        else:
            lines.append("未发现问题。")
        if self.notes:
            lines.append(f"提示（{len(self.notes)} 条，不影响使用）：")
            lines.extend(f"  · {n}" for n in self.notes)
        return "\n".join(lines) + "\n"


# --- probing ------------------------------------------------------------------------------


def _fact_values(spec: FactSpec, constants: set[Any]) -> list[Any]:
    if spec.type == "bool":
        return [True, False]
    if spec.type == "enum":
        return list(spec.values or [])
    if spec.type in ("int", "decimal"):
        nums = {c for c in constants if isinstance(c, (int, Decimal)) and not isinstance(c, bool)}
        vals: set[Any] = set()
        for c in nums:
            vals.update({c - 1, c, c + 1})
        if not nums:
            vals.update({0, 1, 2, 3, 5, 10, 30, 100})
        else:
            vals.update({0, 1, max(nums) * 2 + 7})
        lo = spec.min if spec.min is not None else None
        hi = spec.max if spec.max is not None else None
        out = sorted(v for v in vals if (lo is None or v >= lo) and (hi is None or v <= hi))
        if spec.type == "decimal":
            out = [Decimal(v) for v in out] + [Decimal(c) + Decimal("0.5") for c in nums]
        return out
    return ["x"]


def _probes(conds: list[Condition], known: dict[str, FactSpec], seed: str) -> list[dict[str, Any]]:
    names: list[str] = []
    constants: dict[str, set[Any]] = {}
    for c in conds:
        for f in c.facts:
            if f not in names:
                names.append(f)
        for cmp in c.comparisons:
            vals = cmp.value if isinstance(cmp.value, tuple) else (cmp.value,)
            constants.setdefault(cmp.fact, set()).update(vals)
    domains = [_fact_values(known[n], constants.get(n, set())) for n in names]
    total = 1
    for d in domains:
        total *= max(len(d), 1)
    if total <= MAX_PROBES:
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*domains)]
    rng = random.Random(seed)
    return [{n: rng.choice(d) for n, d in zip(names, domains, strict=True)} for _ in range(MAX_PROBES)]


def _show(facts: dict[str, Any]) -> str:
    return "，".join(f"{k}={v}" for k, v in facts.items())


def _check_brackets(
    item: ItemSpec, v: VersionSpec, penalty: PenaltySpec, known: dict[str, FactSpec], where: str, report: Report
) -> None:
    if penalty.kind != "brackets":
        return
    conds = [(b.id, compile_condition(b.when, known) if b.when else None) for b in penalty.brackets]
    always = [bid for bid, c in conds if c is None]
    if always and len(conds) > 1:
        report.problems.append(f"{where}：档 {always[0]} 没有条件，与其他档重叠")
        return
    if always:
        return
    pre = compile_condition(v.violation_when, known) if v.violation_when else None
    all_conds = [c for _, c in conds if c is not None] + ([pre] if pre else [])
    seen_overlap: set[tuple[str, ...]] = set()
    gap_reported = False
    for facts in _probes(all_conds, known, where):
        if pre is not None and pre(facts) is not True:
            continue
        hits = tuple(bid for bid, c in conds if c is not None and c(facts))
        if len(hits) > 1 and hits not in seen_overlap:
            seen_overlap.add(hits)
            report.problems.append(f"{where}：法定档 {'、'.join(hits)} 重叠（例：{_show(facts)}）")
        if not hits and not gap_reported:
            gap_reported = True
            report.problems.append(f"{where}：存在没有任何法定档适用的事实组合（例：{_show(facts)}）")


def _check_tiers(
    item: ItemSpec, b: BenchmarkSpec, known: dict[str, FactSpec], report: Report, params: dict[str, Any]
) -> None:
    where = f"事项 {item.code} 基准 {b.id}"
    tiers = [(t.id, compile_condition(t.when, known)) for t in b.tiers if not t.catch_all]
    has_catch_all = any(t.catch_all for t in b.tiers)
    if sum(1 for t in b.tiers if t.catch_all) > 1:
        report.problems.append(f"{where}：兜底档多于一个")
    seen: set[tuple[str, ...]] = set()
    gap = False
    for facts in _probes([c for _, c in tiers], known, where):
        hits = tuple(tid for tid, c in tiers if c(facts))
        if len(hits) > 1 and hits not in seen:
            seen.add(hits)
            report.problems.append(f"{where}：档次 {'、'.join(hits)} 重叠（例：{_show(facts)}）")
        if not hits and not has_catch_all and not gap:
            gap = True
            report.problems.append(f"{where}：档次缺失，事实齐全时没有任何档次适用且无兜底档（例：{_show(facts)}）")
    versions = {v.id: v for v in item.versions}
    for vid in b.applies_to_versions:
        v = versions[vid]
        fixed = [bracket_bounds(br, params) for br in v.penalty.brackets if br.fine and not br.fine.multiple_of]
        mults = [
            (br.fine.min_multiple, br.fine.max_multiple) for br in v.penalty.brackets if br.fine and br.fine.multiple_of
        ]
        for t in b.tiers:
            if t.range is not None and fixed:
                if not any(bb and bb[1] is not None and bb[0] <= t.range[0] and t.range[1] <= bb[1] for bb in fixed):
                    report.problems.append(
                        f"{where}：档 {t.id} 的幅度 {t.range[0]}–{t.range[1]} 元超出版本 {vid} 的法定幅度"
                    )
            elif t.range is not None and not fixed and not mults:
                report.problems.append(f"{where}：档 {t.id} 给出罚款幅度，但版本 {vid} 没有罚款")
            if t.multiple is not None and mults:
                if not any(
                    lo is not None and hi is not None and lo <= t.multiple[0] and t.multiple[1] <= hi
                    for lo, hi in mults
                ):
                    report.problems.append(f"{where}：档 {t.id} 的倍数 {t.multiple} 超出版本 {vid} 的法定倍数")
        if not (b.effective_to is None or v.effective_from <= b.effective_to) or not (
            v.effective_to is None or b.effective_from <= v.effective_to
        ):
            report.problems.append(f"{where}：基准有效期与所适用的版本 {vid} 没有交集")


def _check_dates(cat: Catalog, item: ItemSpec, report: Report) -> None:
    versions = sorted(item.versions, key=lambda v: v.effective_from)
    for a, b in itertools.pairwise(versions):
        if a.effective_to is None:
            report.problems.append(f"事项 {item.code}：版本 {a.id} 没有失效日，却有后续版本 {b.id}")
        elif a.effective_to >= b.effective_from:
            report.problems.append(f"事项 {item.code}：版本 {a.id} 与 {b.id} 的有效期重叠")
        elif a.effective_to + timedelta(days=1) != b.effective_from:
            report.problems.append(
                f"事项 {item.code}：版本 {a.id} 失效（{a.effective_to}）与 {b.id} 生效（{b.effective_from}）之间有空档"
            )
    for v in item.versions:
        end = v.effective_to or date.max
        for pid in dict.fromkeys(v.violated + v.penalty_provisions):
            p = cat.provisions[pid]
            p_end = p.effective_to or date.max
            if p.effective_from > v.effective_from or p_end < end:
                report.problems.append(
                    f"事项 {item.code} 版本 {v.id}（{v.effective_from}–{v.effective_to or '今'}）引用的条款 {pid}"
                    f"（{p.effective_from}–{p.effective_to or '今'}）并非在整个期间有效"
                )


def check_catalog(cat: Catalog) -> Report:
    report = Report(version=cat.version)
    params = cat.params(None)
    for pid, p in cat.provisions.items():
        if p.text is None:
            if not p.text_missing_reason:
                report.problems.append(f"条款 {pid}（{p.citation}）没有原文，也没有说明原因")
            else:
                report.notes.append(f"条款 {pid}（{p.citation}）无原文：{p.text_missing_reason}")
        if p.status == "unconfirmed":
            report.notes.append(f"条款 {pid}（{p.citation}）标记为未核实：{p.note or ''}".rstrip("："))
    used = set()
    for code, item in cat.items.items():
        known = known_facts(item, cat.general_facts)
        if item.status == "unconfirmed":
            report.notes.append(f"事项 {code} 依据未核实：{(item.note or '').strip()}")
        _check_dates(cat, item, report)
        for v in item.versions:
            used.update(v.violated + v.penalty_provisions)
            _check_brackets(item, v, v.penalty, known, f"事项 {code} 版本 {v.id}", report)
        for b in item.benchmarks:
            _check_tiers(item, b, known, report, params)
            if b.region is None:
                report.notes.append(
                    f"事项 {code} 的基准 {b.id}（{b.region_name}）须辖区在 adopted_benchmarks 中采用才适用"
                )
            if b.superseded:
                report.notes.append(
                    f"事项 {code} 的基准 {b.id} 已过时（SUPERSEDED），只适用于版本 {'、'.join(b.applies_to_versions)}"
                )
        for overlay in cat.overlays:
            for msg in overlay_widening(item, overlay, params, cat.provisions):
                report.problems.append(msg)
            for entry in overlay.items.get(code, []):
                if entry.replace_penalty is not None:
                    for v in item.versions:
                        _check_brackets(
                            item, v, entry.replace_penalty, known, f"{overlay.name} 叠加 {entry.id}", report
                        )
    report.problems.extend(overlay_stack_problems(cat.overlays))
    for pname, spec in cat.parameters.items():
        if spec.status == "unconfirmed":
            report.notes.append(f"参数 {pname} 默认值 {spec.default!r}（未核实的事项作为参数）：{spec.label}")
        elif spec.status == "policy":
            report.notes.append(f"参数 {pname} 默认值 {spec.default!r}（平台默认做法，不是法律规定）：{spec.label}")
    report.stats = {
        "事项": len(cat.items),
        "条款": len(cat.provisions),
        "无原文条款": sum(1 for p in cat.provisions.values() if p.text is None),
        "裁量基准": sum(len(i.benchmarks) for i in cat.items.values()),
        "叠加层": len(cat.overlays),
        "参数": len(cat.parameters),
    }
    return report


def run_check(data_dir: Path | str | None = None) -> Report:
    try:
        cat = load_catalog(data_dir)
    except CatalogError as exc:
        return Report(problems=[f"目录无法加载：{exc.message}（{exc.code}）"])
    return check_catalog(cat)
