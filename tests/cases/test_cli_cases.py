"""``zhifa cases list [--state STATE] --format json``: the contract (number, state, item, party, fine_yuan)."""

from __future__ import annotations

import json

import pytest

from tests.cases.conftest import new_case, to_decided, to_investigating
from zhifa import cli

pytestmark = pytest.mark.django_db


def run(capsys, *argv):
    code = cli.main(["cases", *argv])
    return code, capsys.readouterr().out


def test_list_json_contract(team, clock, capsys):
    decided = to_decided(team, clock)
    draft = new_case(team)
    code, out = run(capsys, "list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [decided.pk, draft.pk]
    first = rows[0]
    assert {"number", "state", "item", "party", "fine_yuan"} <= set(first)
    assert (first["number"], first["state"], first["item"], first["party"], first["fine_yuan"]) == (
        decided.number,
        "decided",
        "overload.weight",
        team.world.nz_enterprise.name,
        4500,
    )
    assert rows[1]["number"] == "" and rows[1]["fine_yuan"] is None


def test_list_by_state_and_user(team, clock, capsys):
    investigating = to_investigating(team, clock)
    new_case(team)
    code, out = run(capsys, "list", "--state", "investigating", "--format", "json")
    assert code == 0 and [r["number"] for r in json.loads(out)] == [investigating.number]
    code, out = run(capsys, "list", "--user", team.world.ly_officer.user.username, "--format", "json")
    assert code == 0 and json.loads(out) == []
    code, out = run(capsys, "list", "--state", "open", "--format", "text")
    assert code == 0 and investigating.number in out and "（未编号）" in out


def test_unknown_state_exits_2_with_a_json_error(team, capsys):
    code, out = run(capsys, "list", "--state", "flying", "--format", "json")
    assert code == 2
    assert json.loads(out)["code"] == "cases.bad_state"


def test_verify_evidence_command(team, clock, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from tests.cases.test_evidence import upload
    from zhifa.cases.services.evidence import stored_file

    case = to_investigating(team, clock)
    ev = upload(team, case)
    code, out = run(capsys, "verify-evidence", "--format", "json")
    assert (code, json.loads(out)["failed"]) == (0, [])
    path = stored_file(ev.sha256)
    path.chmod(0o640)
    path.write_bytes(b"\x89PNG tampered")
    code, out = run(capsys, "verify-evidence", "--format", "json")
    assert code == 1
    assert [f["id"] for f in json.loads(out)["failed"]] == [ev.pk]
