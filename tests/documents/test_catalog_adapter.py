"""The documents core fed by the real discretion engine (zhifa.catalog.engine.decide)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pypdf
import pytest

from zhifa.catalog.engine import decide
from zhifa.catalog.yamlload import catalog
from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.catalog_adapter import context_from_catalog, decision_from_catalog
from zhifa.documents.reasoning.citations import CitableProvisions
from zhifa.documents.reasoning.composer import compose
from zhifa.documents.reasoning.context import DocumentContext
from zhifa.documents.reasoning.verifier import verify_draft
from zhifa.documents.render import render_document


@pytest.fixture(scope="module")
def citable():
    return CitableProvisions.from_catalog(catalog())


@pytest.fixture(scope="module")
def overload():
    d = decide(
        "overload.weight",
        {"gross_weight_kg": 55000, "axles": 6, "vehicle_kind": "combination", "single_drive_axle": False},
        date(2026, 2, 26),
        date(2026, 3, 20),
        "411321",
    )
    base = samples.offsite_overload()
    ctx = DocumentContext.from_decision(
        d,
        agency=base.agency,
        case_number=base.case_number,
        document_number=base.document_number,
        document_type="penalty_decision",
        scenario="offsite_overload",
        party=base.party,
        vehicle=base.vehicle,
        facts_text=base.facts_text,
        facts=base.facts,
        evidence=base.evidence,
        officers=base.officers,
        issue_date=date(2026, 3, 20),
        service_date=date(2026, 3, 20),
    )
    return d, ctx


def test_decision_maps_outcome_fine_orders_and_provisions(overload):
    d, ctx = overload
    info = ctx.decision
    assert info.outcome == "penalty" and info.sanctions == ("fine",)
    assert info.fine_yuan == d.fine.proposed == 3000
    assert info.other_orders == ("责令改正违法行为",)
    assert info.catalog_version == d.catalog_version
    assert "《公路安全保护条例》第三十三条" in [p.label for p in ctx.violated]
    assert "《公路安全保护条例》第六十四条" in [p.label for p in ctx.penalty_provisions]
    assert ctx.violation_date == date(2026, 2, 26) and ctx.decision_date == date(2026, 3, 20)


def test_composed_from_the_engine_passes_the_catalog_verifier(overload, citable):
    _, ctx = overload
    r = compose(ctx)
    assert "罚款人民币3000元" in r.formal_text
    assert "overload.weight" not in r.formal_text  # internal codes are not printed
    assert "因未提供所需事实而不适用" not in r.formal_text  # steps not applied are not worded
    result = verify_draft(r.formal_text, ctx, citable, reference=r)
    assert result.accepted, result.as_dict()


def test_catalog_citable_set_knows_short_and_full_titles(overload, citable):
    _, ctx = overload
    text = compose(ctx).formal_text
    full = text + "依据《河南省治理货物运输车辆超限超载条例》第十四条。"
    assert verify_draft(full, ctx, citable).accepted
    assert "unknown_article" in verify_draft(text + "依据《公路安全保护条例》第九十九条。", ctx, citable).codes
    assert "article_not_in_case" in verify_draft(text + "依据《中华人民共和国公路法》第七十六条。", ctx, citable).codes
    old = text + "依据《中华人民共和国道路运输条例》（2022年修订）第六十八条。"
    assert {"wrong_version", "article_not_in_case"} & set(verify_draft(old, ctx, citable).codes)


def test_engine_decision_renders(overload):
    _, ctx = overload
    pdf = render_document(ctx, "pdf", qr_url="https://v.example/1")
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages))
    assert "南召交执罚决〔2026〕0001号" in text and "罚款人民币3000元" in text
    assert "《公路安全保护条例》第六十四条" in text


def test_no_penalty_from_the_first_offence_list(citable):
    d = decide(
        "highway.spillage",
        {
            "first_offence": True,
            "harm": "minor",
            "obstructed_enforcement": False,
            "loading_corrected": True,
            "cleaned_in_time": True,
        },
        date(2026, 4, 15),
        date(2026, 4, 28),
        "411321",
    )
    info, violated, penalty, others = decision_from_catalog(d)
    assert info.outcome == "no_penalty" and info.fine_yuan is None
    assert info.list_details
    base = samples.first_offence_no_penalty()
    ctx = replace(base, decision=info, violated=violated, penalty_provisions=penalty, other_provisions=others)
    r = compose(ctx)
    assert "不予行政处罚" in r.formal_text
    assert verify_draft(r.formal_text, ctx, citable, reference=r).accepted


def test_context_from_catalog_keeps_given_fields(overload):
    d, ctx = overload
    again = context_from_catalog(
        d, fine_yuan=2500, **{k: getattr(ctx, k) for k in ("agency", "case_number", "document_type", "party")}
    )
    assert again.decision.fine_yuan == 2500
