"""From a catalog ``Decision`` (``zhifa.catalog.engine.decide``) to the documents' context (pure).

The catalog objects are read by attribute, so this module does not import the catalog and the
documents core can be tested without it. What it maps:

* outcome ``fine``/``warning``/``other`` → ``penalty``; ``no_penalty`` → ``no_penalty``;
  ``no_violation`` → ``not_established``;
* sanctions: penalties stay in ``sanctions``; orders (``order_*``, 责令改正 …) and measures
  (扣留车辆 …) become ``other_orders`` in words, because they are not 行政处罚;
* fine: the decided amount is the case's (``fine_yuan=``), by default the engine's proposal;
* trace: every step with its kind, provisions (citation + text), condition, facts and
  whether it applied; the composer words only the steps that applied;
* provisions: the ``violation`` step's provisions are the violated ones, the ``bracket``/
  ``tier``/``cap`` steps' the penalty ones (else the decision's basis minus the penalty ones);
  the rest of the decision's basis (local rules, definitions) is ``other_provisions``.
"""

from __future__ import annotations

import re
from typing import Any

from .context import (
    DecisionInfo,
    DocumentContext,
    FineRange,
    Provision,
    TraceStep,
)

OUTCOME_MAP = {
    "fine": "penalty",
    "warning": "penalty",
    "other": "penalty",
    "no_penalty": "no_penalty",
    "no_violation": "not_established",
}

# catalog sanction codes that are not administrative penalties (行政处罚法 第9条)
NOT_PENALTIES = {
    "order_correction": "责令改正违法行为",
    "order_stop": "责令停止违法行为",
    "order_removal": "责令限期拆除、恢复原状",
    "order_insurance": "责令限期投保",
    "education": "对当事人进行批评教育",
    "detain_vehicle": "依法扣留车辆",
    "tow_away": "依法强制拖离",
}

_PENALTY_STEPS = ("bracket", "tier", "cap")
_CITATION = re.compile(r"^(《[^》]+》)(.*)$")


def provision_from_catalog(p: Any) -> Provision:
    """A catalog ``Provision`` (id, law, short, citation, text, lead …) as printed."""
    citation = str(getattr(p, "citation", "") or "")
    m = _CITATION.match(citation)
    title, article = (m.group(1), m.group(2)) if m else (f"《{getattr(p, 'law', '')}》", citation)
    text = getattr(p, "text", None) or ""
    lead = getattr(p, "lead", None) or ""
    if lead and text and not text.startswith(lead):
        text = f"{lead}……{text}"
    eff = getattr(p, "effective_from", None)
    return Provision(title, article, text.strip(), str(eff) if eff else "")


def _unique(items: list[Provision]) -> tuple[Provision, ...]:
    seen: dict[str, Provision] = {}
    for p in items:
        seen.setdefault(p.label, p)
    return tuple(seen.values())


def decision_from_catalog(
    decision: Any,
    *,
    fine_yuan: int | None = None,
    procedure: str = "general",
    benchmark_title: str = "",
) -> tuple[DecisionInfo, tuple[Provision, ...], tuple[Provision, ...], tuple[Provision, ...]]:
    """(DecisionInfo, violated, penalty and other basis provisions) from a catalog Decision."""
    fine = getattr(decision, "fine", None)
    fr = FineRange(fine.min, fine.max, fine.proposed) if fine is not None else FineRange()
    sanctions = [s for s in getattr(decision, "sanctions", []) if s not in NOT_PENALTIES]
    orders = [NOT_PENALTIES[s] for s in getattr(decision, "sanctions", []) if s in NOT_PENALTIES]
    amount = fine_yuan if fine_yuan is not None else (fr.proposed if "fine" in sanctions else None)
    trace: list[TraceStep] = []
    violated: list[Provision] = []
    penalty: list[Provision] = []
    for step in getattr(decision, "trace", []):
        provisions = tuple(provision_from_catalog(p) for p in getattr(step, "provisions", ()) or ())
        kind = str(getattr(step, "step", ""))
        applied = getattr(step, "applied", None)
        facts = {k: v for k, v in (getattr(step, "facts", None) or {}).items() if v is not None}
        trace.append(
            TraceStep(
                condition=str(getattr(step, "condition", "") or ""),
                result=str(getattr(step, "result", "") or ""),
                provisions=provisions,
                facts_used=facts,
                kind=kind,
                applied=applied,
                tier=str(getattr(decision, "tier", "") or "") if kind == "tier" else "",
            )
        )
        if applied is False:
            continue
        if kind == "violation":
            violated.extend(provisions)
        elif kind in _PENALTY_STEPS:
            penalty.extend(provisions)
    basis = [provision_from_catalog(p) for p in getattr(decision, "basis", []) or []]
    penalty_labels = {p.label for p in penalty}
    if not violated:
        violated = [p for p in basis if p.label not in penalty_labels]
    used = penalty_labels | {p.label for p in violated}
    others = [p for p in basis if p.label not in used]
    lists = getattr(decision, "lists", []) or []
    info = DecisionInfo(
        outcome=OUTCOME_MAP.get(str(getattr(decision, "outcome", "")), "penalty"),
        sanctions=tuple(sanctions),
        fine_yuan=amount if "fine" in sanctions else None,
        fine_range=fr,
        severity=str(getattr(decision, "severity", "") or ""),
        lists=tuple(dict.fromkeys(str(x.get("list", "")) for x in lists if isinstance(x, dict))),
        list_details=tuple(str(x.get("label", "")) for x in lists if isinstance(x, dict) and x.get("label")),
        trace=tuple(trace),
        catalog_version=str(getattr(decision, "catalog_version", "") or ""),
        benchmark_title=benchmark_title or str(getattr(decision, "benchmark", "") or ""),
        item_code=str(getattr(decision, "item", "") or ""),
        item_name=str(getattr(decision, "item_name", "") or ""),
        procedure=procedure,
        other_orders=tuple(orders),
    )
    return info, _unique(violated), _unique(penalty), _unique(others)


def context_from_catalog(
    decision: Any, *, fine_yuan: int | None = None, procedure: str = "general", **fields: Any
) -> DocumentContext:
    """A :class:`DocumentContext` whose decision, violated and penalty provisions and dates come
    from the catalog decision; every other field (agency, party, numbers …) from ``fields``."""
    info, violated, penalty, others = decision_from_catalog(decision, fine_yuan=fine_yuan, procedure=procedure)
    fields.setdefault("violation_date", getattr(decision, "violation_date", None))
    fields.setdefault("decision_date", getattr(decision, "decision_date", None))
    fields.setdefault("violated", violated)
    fields.setdefault("penalty_provisions", penalty)
    fields.setdefault("other_provisions", others)
    return DocumentContext(decision=info, **fields)
