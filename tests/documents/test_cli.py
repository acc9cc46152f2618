"""The CLI contract: ``zhifa documents compose`` and ``check-draft`` on a case walked with the services
(exit 0 accepted, 1 rejected, 2 bad input with a JSON error), against the real catalog."""

from __future__ import annotations

import json

import pytest

from zhifa.cli import main
from zhifa.documents.case_context import case_context
from zhifa.documents.reasoning.composer import compose

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["documents", *argv])
    return code, capsys.readouterr().out


@pytest.fixture
def decided(docs):
    return docs.decided()


@pytest.fixture
def composed(decided) -> str:
    return compose(case_context(decided, "penalty_decision")).formal_text


def check(capsys, tmp_path, case, text: str) -> tuple[int, dict]:
    path = tmp_path / "draft.txt"
    path.write_text(text, encoding="utf-8")
    code, out = run(capsys, "check-draft", "--case", case.number, "--type", "penalty_decision", "--draft", str(path))
    return code, json.loads(out)


def test_compose_prints_the_reasoning(capsys, decided, composed):
    code, out = run(capsys, "compose", "--case", decided.number, "--type", "penalty_decision")
    assert code == 0
    assert out.strip() == composed
    for words in ("事理", "法理", "情理", "罚款人民币4500元", "《公路安全保护条例》第三十三条", "58000千克"):
        assert words in out
    # brackets typed as [] are normalised to 〔〕
    code, out2 = run(
        capsys, "compose", "--case", decided.number.replace("〔", "[").replace("〕", "]"), "--type", "penalty_decision"
    )
    assert code == 0 and out2 == out
    code, plain = run(capsys, "compose", "--case", decided.number, "--type", "penalty_decision", "--register", "plain")
    assert code == 0 and plain.startswith(decided.party_name) and "4500元" in plain


def test_the_composer_text_is_accepted(capsys, tmp_path, decided, composed):
    code, result = check(capsys, tmp_path, decided, composed)
    assert (code, result) == (0, {"accepted": True, "problems": []})


@pytest.mark.parametrize(
    ("name", "edit", "codes"),
    [
        (
            "invented article",
            lambda t: t.replace(
                "应当依法予以处理。", "应当依法予以处理。同时依据《公路安全保护条例》第九十九条的规定处理。"
            ),
            {"unknown_article"},
        ),
        ("changed amount", lambda t: t.replace("4500元", "5000元"), {"amount_mismatch"}),
        (
            "changed capital amount",
            lambda t: t.replace("肆仟伍佰元整", "伍仟元整"),
            {"amount_mismatch"},
        ),
        (
            "repealed law version",
            lambda t: t.replace(
                "应当依法予以处理。", "应当依法予以处理。并参照《中华人民共和国道路运输条例（2022年修订）》第六十八条。"
            ),
            {"repealed_law", "wrong_version", "article_not_in_case"},
        ),
        (
            "added fact",
            lambda t: t.replace("本案未发现造成其他危害后果。", "该车一年内已经5次超限运输，并造成交通事故。"),
            {"invented_fact"},
        ),
        ("changed weight", lambda t: t.replace("58000千克", "68000千克"), {"weight_mismatch"}),
        ("forbidden phrase", lambda t: t + "\n罚了再说。", {"forbidden_phrase"}),
    ],
)
def test_tampered_drafts_are_rejected(capsys, tmp_path, decided, composed, name, edit, codes):
    draft = edit(composed)
    assert draft != composed, name
    code, result = check(capsys, tmp_path, decided, draft)
    assert code == 1, result
    assert set(result) == {"accepted", "problems"} and result["accepted"] is False
    found = {p["code"] for p in result["problems"]}
    assert found & codes, (name, result)
    assert all(set(p) == {"code", "detail"} and p["detail"] for p in result["problems"])


def test_bad_input_exits_2_with_a_json_error(capsys, tmp_path, decided):
    draft = tmp_path / "d.txt"
    draft.write_text("草稿", encoding="utf-8")
    cases = [
        (["compose", "--case", "没有这个案号", "--type", "penalty_decision"], "documents.unknown_case"),
        (["compose", "--case", decided.number, "--type", "no_such_type"], "documents.unknown_type"),
        (["compose", "--case", decided.number, "--type", "no_penalty_decision"], "documents.type_not_allowed"),
        (["compose", "--case", decided.number, "--type", "case_filing"], "documents.not_reasoned"),
        (
            ["check-draft", "--case", "没有这个案号", "--type", "penalty_decision", "--draft", str(draft)],
            "documents.unknown_case",
        ),
        (
            ["check-draft", "--case", decided.number, "--type", "bogus", "--draft", str(draft)],
            "documents.unknown_type",
        ),
        (
            ["check-draft", "--case", decided.number, "--type", "penalty_decision", "--draft", str(tmp_path / "none")],
            "documents.draft_missing",
        ),
    ]
    for argv, expected in cases:
        code, out = run(capsys, *argv)
        assert code == 2, (argv, out)
        error = json.loads(out)
        assert set(error) == {"code", "message", "field"} and error["code"] == expected, (argv, error)
        assert error["message"]
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("罚款".encode("gb18030"))
    code, out = run(
        capsys, "check-draft", "--case", decided.number, "--type", "penalty_decision", "--draft", str(latin1)
    )
    assert code == 2 and json.loads(out)["code"] == "documents.draft_unreadable"


def test_a_notified_case_composes_its_notice(capsys, docs):
    case = docs.notified()
    code, out = run(capsys, "compose", "--case", case.number, "--type", "penalty_notice")
    assert code == 0 and "拟对你单位作出如下行政处罚" in out
    code, out = run(capsys, "compose", "--case", case.number, "--type", "penalty_decision")
    assert code == 2 and json.loads(out)["code"] == "documents.not_decided"


def test_issue_and_verify_files(capsys, docs, django_capture_on_commit_callbacks, settings):
    from pathlib import Path

    case = docs.decided()
    with django_capture_on_commit_callbacks(execute=True):
        code, out = run(capsys, "issue", "--case", case.number, "--type", "penalty_decision", "--user", "nz1")
    assert code == 0
    issued = json.loads(out)
    assert next(d["type"] for d in issued) == "penalty_decision" and len(issued) == 4
    code, out = run(capsys, "verify-files", "--format", "json")
    assert code == 0 and json.loads(out)["checked"] == 4
    # a missing file is reported (exit 1), and --repair renders it again with the recorded SHA-256
    from zhifa.documents.models import Document

    doc = Document.objects.get(pk=issued[1]["id"])
    path = Path(settings.MEDIA_ROOT) / doc.pdf_path
    path.unlink()
    code, out = run(capsys, "verify-files", "--format", "json")
    assert code == 1 and json.loads(out)["failed"][0]["problem"] == "missing"
    code, out = run(capsys, "verify-files", "--repair", "--format", "json")
    assert code == 0 and json.loads(out)["repaired"] == [str(doc.pk)]
    assert path.exists()
    path.write_bytes(b"%PDF-1.7 altered")
    code, out = run(capsys, "verify-files", "--repair", "--format", "json")
    assert code == 1 and json.loads(out)["failed"][0]["problem"] == "altered"
    code, out = run(capsys, "issue", "--case", case.number, "--type", "penalty_decision", "--user", "nobody")
    assert code == 2 and json.loads(out)["code"] == "documents.unknown_user"


def test_batch_issues_the_decided_cases(capsys, docs, django_capture_on_commit_callbacks, monkeypatch):
    from tests.documents.fake_render import fake_render_items
    from zhifa.documents.models import Document
    from zhifa.documents.services import batch, issue

    monkeypatch.setattr(issue, "render_items", fake_render_items)
    monkeypatch.setattr(batch, "render_items", fake_render_items)
    cases = [docs.decided(summary=f"命令行批量{i}") for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        code, out = run(capsys, "batch", "--user", "nz1", "--workers", "0")
    assert code == 0
    report = json.loads(out)
    assert report["status"] == "done" and len(report["result"]["issued"]) == 2
    assert Document.objects.filter(case__in=cases, status="issued").count() == 8
    code, out = run(capsys, "batch", "--user", "nz1")
    assert code == 2 and json.loads(out)["code"] == "documents.nothing_selected"
