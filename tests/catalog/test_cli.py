"""CLI contract: zhifa decide / law search / catalog check (pure commands, no database)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhifa.cli import main

FACTS_6AXLE = {"axles": 6, "vehicle_kind": "combination", "single_drive_axle": False, "gross_weight_kg": 55300}


def run(argv, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr().out
    return code, out


def test_decide_prints_decision_json(tmp_path, capsys):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(FACTS_6AXLE), encoding="utf-8")
    code, out = run(
        [
            "decide",
            "--item",
            "overload.weight",
            "--violation-date",
            "2025-03-01",
            "--decision-date",
            "2025-03-10",
            "--region",
            "411321",
            "--facts",
            str(facts),
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] == "fine"
    assert data["fine_yuan"] == {"min": 3000, "max": 3000, "proposed": 3000}
    assert data["sanctions"] == ["fine", "order_correction"]
    assert data["severity"] is None and data["lists"] == []
    assert data["catalog_version"].startswith("20")
    assert any(step["step"] == "bracket" and step["provisions"] for step in data["trace"])
    cited = [p["id"] for step in data["trace"] for p in step.get("provisions", [])]
    assert "CXGD-43-1-2" in cited


def test_decide_reads_stdin(capsys, monkeypatch):
    code, out = run(
        ["decide", "--item", "highway.spillage", "--violation-date", "2024-05-01", "--facts", "-"],
        capsys,
        stdin=json.dumps(
            {
                "first_offence": True,
                "obstructed_enforcement": False,
                "loading_corrected": True,
                "harm": "none",
                "cleaned_in_time": True,
            }
        ),
        monkeypatch=monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] == "no_penalty" and data["fine_yuan"] is None
    assert data["lists"][0]["list"] == "no_penalty"


def test_decide_several_items_applies_cap(capsys, monkeypatch):
    facts = {
        "axles": 2,
        "vehicle_kind": "truck",
        "gross_weight_kg": 80000,
        "height_mm": 4700,
        "width_mm": 2500,
        "length_mm": 18000,
    }
    code, out = run(
        [
            "decide",
            "--item",
            "overload.weight",
            "--item",
            "overload.dimensions",
            "--violation-date",
            "2025-01-05",
            "--facts",
            "-",
        ],
        capsys,
        stdin=json.dumps(facts),
        monkeypatch=monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    assert data["total_fine_yuan"]["max"] == 30000
    assert data["caps_applied"] == ["overload-cumulative"]


@pytest.mark.parametrize(
    ("argv", "stdin", "code", "field"),
    [
        (
            ["decide", "--item", "no.such", "--violation-date", "2025-01-01", "--facts", "-"],
            "{}",
            "decide.unknown_item",
            "item",
        ),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "2025-02-30", "--facts", "-"],
            "{}",
            "decide.bad_date",
            "violation_date",
        ),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "20250101", "--facts", "-"],
            "{}",
            "decide.bad_date",
            "violation_date",
        ),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "2025-01-01", "--facts", "-"],
            "{axles: 6",
            "decide.bad_json",
            "facts",
        ),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "2025-01-01", "--facts", "-"],
            "[1, 2]",
            "decide.bad_facts",
            "facts",
        ),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "2025-01-01", "--facts", "-"],
            '{"vehicle_kind": "truck", "gross_weight_kg": 1}',
            "decide.missing_fact",
            "facts.axles",
        ),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "2025-01-01", "--facts", "-"],
            '{"axles": 2.5, "vehicle_kind": "truck", "gross_weight_kg": 1}',
            "decide.bad_fact",
            "facts.axles",
        ),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "2025-01-01", "--region", "41", "--facts", "-"],
            '{"axles": 2, "vehicle_kind": "truck", "gross_weight_kg": 1}',
            "decide.bad_region",
            "region",
        ),
        (["decide", "--violation-date", "2025-01-01", "--facts", "-"], "{}", "decide.bad_arguments", "item"),
        (["decide", "--item", "overload.weight", "--facts", "-"], "{}", "decide.bad_arguments", "violation_date"),
        (
            ["decide", "--item", "overload.weight", "--violation-date", "2025-01-01", "--facts", "-", "--colour"],
            "{}",
            "decide.bad_arguments",
            None,
        ),
    ],
)
def test_decide_bad_input_exits_2_with_json_error(argv, stdin, code, field, capsys, monkeypatch):
    rc, out = run(argv, capsys, stdin=stdin, monkeypatch=monkeypatch)
    assert rc == 2
    err = json.loads(out)
    assert set(err) == {"code", "message", "field"}
    assert err["code"] == code
    assert err["field"] == field
    assert err["message"]


def test_decide_missing_facts_file(capsys):
    rc, out = run(
        ["decide", "--item", "overload.weight", "--violation-date", "2025-01-01", "--facts", "/nonexistent/facts.json"],
        capsys,
    )
    assert rc == 2
    assert json.loads(out)["code"] == "decide.facts_unreadable"


def test_law_search_ranks_overload_weight_first(capsys):
    rc, out = run(["law", "search", "六轴货车超载", "--json"], capsys)
    assert rc == 0
    hits = json.loads(out)
    assert hits[0]["id"] == "overload.weight"


def test_catalog_check_exit_code(capsys):
    rc, out = run(["catalog", "check"], capsys)
    assert rc == 0
    assert "未发现问题" in out


def test_catalog_list_for_henan(capsys):
    rc, out = run(["catalog", "list", "--region", "411321", "--date", "2025-01-01", "--json"], capsys)
    assert rc == 0
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows["overload.evasion"]["fine_min"] == 10000 and rows["overload.evasion"]["fine_max"] == 10000
    assert "overload.expressway_release" in rows
    rc, out = run(["catalog", "list", "--region", "371300", "--date", "2025-01-01", "--json"], capsys)
    assert "overload.expressway_release" not in {r["code"] for r in json.loads(out)}


def test_subprocess_exit_code_and_json():
    """The installed console behaves the same as a separate process."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "zhifa.cli",
            "decide",
            "--item",
            "overload.weight",
            "--violation-date",
            "2025-01-01",
            "--facts",
            "-",
        ],
        input='{"axles": 3}',
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["field"] == "facts.vehicle_kind"
