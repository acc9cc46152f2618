"""Optional LLM drafting against a local server that speaks the chat-completions API."""

from __future__ import annotations

import pytest

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.composer import compose
from zhifa.documents.reasoning.llm import ENV_VARS, LLMError, LLMSettings, draft_reasoning

from .conftest import citable_for, completion


def _draft_from(edit):
    """A server that answers with the composer's text passed through ``edit``."""
    ctx = samples.offsite_overload()
    text = compose(ctx).formal_text

    def reply(req):
        return 200, completion(edit(text)), 0.0

    return ctx, text, reply


def test_settings_come_from_a_mapping():
    assert LLMSettings.from_env({}) is None
    s = LLMSettings.from_env(
        {"ZHIFA_LLM_BASE_URL": "http://h:1/v1/", "ZHIFA_LLM_MODEL": "m", "ZHIFA_LLM_TIMEOUT": "7.5"}
    )
    assert s == LLMSettings("http://h:1/v1", "m", "", 7.5)
    assert s.endpoint == "http://h:1/v1/chat/completions"
    with pytest.raises(LLMError):
        LLMSettings.from_env({"ZHIFA_LLM_BASE_URL": "http://h"})
    with pytest.raises(LLMError):
        LLMSettings.from_env({"ZHIFA_LLM_BASE_URL": "http://h", "ZHIFA_LLM_MODEL": "m", "ZHIFA_LLM_TIMEOUT": "soon"})
    assert set(ENV_VARS) == {"ZHIFA_LLM_BASE_URL", "ZHIFA_LLM_MODEL", "ZHIFA_LLM_API_KEY", "ZHIFA_LLM_TIMEOUT"}


def test_without_an_endpoint_the_composer_writes_alone():
    ctx = samples.offsite_overload()
    out = draft_reasoning(ctx, settings=None)
    assert out.source == "composer" and out.reason == "llm_not_configured"
    assert out.text == compose(ctx).formal_text


def test_a_correct_draft_is_accepted(llm_server):
    ctx, text, _ = _draft_from(lambda t: t)
    polished = text.replace("本机关予以肯定", "本机关对此予以认可")
    llm_server.reply = lambda req: (200, completion(f"```\n{polished}\n```"), 0.0)
    out = draft_reasoning(ctx, citable_for(ctx), settings=LLMSettings.from_env(llm_server.env()))
    assert out.source == "llm", out.as_dict()
    assert out.text == polished
    assert out.verification is not None and out.verification.accepted
    # the request carried the model, the composer text and the case figures; the key as bearer
    req = llm_server.requests[-1]
    assert req["model"] == "test-model"
    assert "罚款人民币3000元" in req["messages"][1]["content"]
    assert llm_server.headers[-1]["Authorization"] == "Bearer sk-test"


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda t: t + "\n依据《公路安全保护条例》第九十九条的规定。", "unknown_article"),
        (lambda t: t.replace("罚款人民币3000元", "罚款人民币4000元"), "amount_mismatch"),
        (lambda t: t + "\n依据《交通行政处罚程序规定》第二十五条。", "repealed_law"),
        (lambda t: t + "\n依据《中华人民共和国道路运输条例》（2022年修订）第六十八条。", "wrong_version"),
        (lambda t: t.replace("版本HN-2026.1", "版本HN-2023.1"), "wrong_version"),
        (lambda t: t + "\n经查，该车还曾发生交通事故。", "invented_fact"),
        (lambda t: t + "\n该车辆一年内被查处5次。", "invented_fact"),
        (lambda t: t + "\n罚了再说。", "forbidden_phrase"),
    ],
    ids=[
        "invented-article",
        "changed-amount",
        "repealed-law",
        "old-law-version",
        "old-benchmark",
        "new-event",
        "new-number",
        "forbidden",
    ],
)
def test_a_bad_draft_falls_back_to_the_composer_with_the_reason(llm_server, edit, code):
    ctx, text, reply = _draft_from(edit)
    llm_server.reply = reply
    out = draft_reasoning(ctx, citable_for(ctx), settings=LLMSettings.from_env(llm_server.env()))
    assert out.source == "composer"
    assert out.reason == "draft_rejected"
    assert out.text == text
    assert out.llm_text == edit(text)
    assert code in out.verification.codes, out.as_dict()
    assert code in out.detail


def test_timeout_falls_back(llm_server):
    ctx = samples.offsite_overload()
    llm_server.reply = lambda req: (200, completion("迟到的草稿"), 1.5)
    settings = LLMSettings.from_env(llm_server.env(ZHIFA_LLM_TIMEOUT="0.3"))
    out = draft_reasoning(ctx, citable_for(ctx), settings=settings)
    assert (out.source, out.reason) == ("composer", "llm_timeout")
    assert out.text == compose(ctx).formal_text


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, {"error": {"message": "boom"}}, "llm_http_error"),
        (429, {"error": {"message": "slow down"}}, "llm_http_error"),
        (200, "not json", "llm_bad_response"),
        (200, {"choices": []}, "llm_bad_response"),
        (200, completion("   "), "llm_bad_response"),
    ],
)
def test_server_errors_fall_back(llm_server, status, body, reason):
    ctx = samples.offsite_overload()
    llm_server.reply = lambda req: (status, body, 0.0)
    out = draft_reasoning(ctx, citable_for(ctx), settings=LLMSettings.from_env(llm_server.env()))
    assert (out.source, out.reason) == ("composer", reason)


def test_unreachable_endpoint_falls_back():
    ctx = samples.offsite_overload()
    settings = LLMSettings("http://127.0.0.1:9/v1", "m", timeout=0.5)
    out = draft_reasoning(ctx, settings=settings)
    assert out.source == "composer" and out.reason in ("llm_http_error", "llm_timeout")


def test_plain_register_is_verified_too(llm_server):
    ctx = samples.offsite_overload()
    plain = compose(ctx).plain_summary
    llm_server.reply = lambda req: (200, completion(plain.replace("罚款3000元", "罚款300元")), 0.0)
    out = draft_reasoning(ctx, citable_for(ctx), settings=LLMSettings.from_env(llm_server.env()), register="plain")
    assert out.source == "composer" and out.text == plain
    assert "amount_mismatch" in out.verification.codes
