"""``zhifa deadline``: the contract (JSON with due/counting/basis; exit 2 with a JSON error)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from zhifa import cli
from zhifa.cases import cli as cases_cli
from zhifa.core.workcal import WorkingCalendar


@pytest.fixture
def run(monkeypatch, capsys):
    """Run ``zhifa deadline …`` in-process on the library calendar (as the command does without Django)."""
    monkeypatch.setattr(cases_cli, "_calendar", WorkingCalendar)

    def _run(*argv: str) -> tuple[int, object]:
        code = cli.main(["deadline", *argv])
        return code, json.loads(capsys.readouterr().out)

    return _run


@pytest.mark.parametrize(
    ("rule", "start", "due", "counting", "article"),
    [
        ("hearing_request", "2025-09-26", "2025-10-10", "working_days", "第六十四条"),
        ("service", "2026-02-12", "2026-02-28", "working_days", "第六十一条"),
        ("preservation", "2024-02-07", "2024-02-22", "working_days", "第五十六条"),
        ("payment", "2025-09-20", "2025-10-09", "calendar_days", "第六十七条"),
        ("decision", "2025-07-05", "2025-10-09", "calendar_days", "第六十条"),
    ],
)
def test_contract_rules(run, rule, start, due, counting, article):
    code, out = run("--rule", rule, "--start", start)
    assert code == 0
    assert (out["rule"], out["due"], out["counting"]) == (rule, due, counting)
    assert out["basis"].startswith("《中华人民共和国行政处罚法》") and article in out["basis"]


def test_decision_with_extension_and_suspension(run):
    code, out = run(
        "--rule", "decision", "--start", "2025-07-05", "--extension-days", "30", "--suspended", "2025-08-01:2025-08-11"
    )
    assert code == 0
    assert (out["due"], out["extension_days"], out["excluded_days"]) == ("2025-11-12", 30, 10)


def test_open_suspension_counts_to_as_of(run):
    code, out = run("--rule", "decision", "--start", "2025-07-05", "--suspended", "2025-08-01", "--as-of", "2025-08-21")
    assert (code, out["due"], out["excluded_days"]) == (0, "2025-10-23", 20)


def test_configurable_window(run):
    code, out = run("--rule", "statement", "--start", "2025-09-26", "--days", "3")
    assert (code, out["due"]) == (0, "2025-09-30")


@pytest.mark.parametrize(
    ("argv", "code", "field"),
    [
        (["--rule", "payment", "--start", "2026-12-25"], "calendar.no_data", "start"),  # ends in 2027
        (["--rule", "hearing_request", "--start", "2026-12-29"], "calendar.no_data", "start"),
        (["--rule", "appeal", "--start", "2025-01-01"], "deadline.unknown_rule", "rule"),
        (["--start", "2025-01-01"], "deadline.unknown_rule", "rule"),
        (["--rule", "payment", "--start", "2025-13-01"], "deadline.invalid_date", "start"),
        (["--rule", "payment", "--start", "yesterday"], "deadline.invalid_date", "start"),
        (["--rule", "payment"], "deadline.invalid_date", "start"),
        (
            ["--rule", "decision", "--start", "2025-07-05", "--extension-days", "x"],
            "deadline.invalid_number",
            "extension_days",
        ),
        (
            ["--rule", "decision", "--start", "2025-07-05", "--extension-days", "-3"],
            "deadline.invalid_number",
            "extension_days",
        ),
        (
            ["--rule", "payment", "--start", "2025-07-05", "--extension-days", "3"],
            "deadline.not_extendable",
            "extension_days",
        ),
        (
            ["--rule", "decision", "--start", "2025-07-05", "--suspended", "2025-08-xx"],
            "deadline.invalid_date",
            "suspended",
        ),
    ],
)
def test_errors_exit_2_with_json(run, argv, code, field):
    exit_code, out = run(*argv)
    assert exit_code == 2
    assert set(out) == {"code", "message", "field"}
    assert (out["code"], out["field"]) == (code, field)
    assert out["message"]


def test_calendar_error_names_the_year(run):
    _code, out = run("--rule", "payment", "--start", "2026-12-25")
    assert "2027" in out["message"]


def test_list(run):
    code, out = run("--list")
    assert code == 0
    assert {"hearing_request", "service", "preservation", "payment", "decision"} <= {r["rule"] for r in out}


def _zhifa(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "zhifa.cli", "deadline", *argv], capture_output=True, text=True, env=env, timeout=60
    )


def test_console_command_without_django_or_database():
    done = _zhifa("--rule", "hearing_request", "--start", "2025-09-26")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["due"], out["counting"]) == ("2025-10-10", "working_days")
    assert out["basis"] == "《中华人民共和国行政处罚法》第六十四条第一款第（一）项"


def test_console_command_refuses_2027():
    done = _zhifa("--rule", "payment", "--start", "2026-12-25")
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["code"] == "calendar.no_data"
