"""Optional LLM drafting through an OpenAI-compatible chat-completions endpoint.

Configuration comes from a mapping (normally ``os.environ``) read by
:meth:`LLMSettings.from_env`, so this module stays importable and testable without Django:

=====================  ===================================================  ===========
variable               meaning                                              default
=====================  ===================================================  ===========
ZHIFA_LLM_BASE_URL     base URL of the API, e.g. ``http://10.0.0.5:8000/v1``  (unset: off)
ZHIFA_LLM_MODEL        model name sent in the request                       (required)
ZHIFA_LLM_API_KEY      bearer token (secret; only from the environment)     empty
ZHIFA_LLM_TIMEOUT      request timeout in seconds                           30
=====================  ===================================================  ===========

With no base URL every document is written by the composer alone. With one, the composer's
text and the case's figures are sent to the model, the answer is checked by
:func:`~.verifier.verify_draft`, and only an accepted draft is used. Otherwise the composer's
text is used and the reason is returned with it (``DraftOutcome.reason`` /
``DraftOutcome.verification``) so the case file records why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .citations import CitableProvisions
from .composer import Reasoning, compose
from .context import DocumentContext
from .numbers import cn_date
from .phrasebook import Phrasebook, load_phrasebook
from .verifier import VerificationResult, verify_draft

ENV_VARS: dict[str, tuple[str, str]] = {
    "ZHIFA_LLM_BASE_URL": ("", "OpenAI-compatible API base URL for optional document drafting; empty = off"),
    "ZHIFA_LLM_MODEL": ("", "Model name for document drafting (required when the base URL is set)"),
    "ZHIFA_LLM_API_KEY": ("", "Bearer token for the drafting endpoint (secret)"),
    "ZHIFA_LLM_TIMEOUT": ("30", "Timeout in seconds for one drafting request"),
}

REASONS = {
    "": "大模型草稿通过校验，已采用",
    "llm_not_configured": "未配置大模型，使用说理模板生成的文本",
    "llm_timeout": "大模型请求超时，使用说理模板生成的文本",
    "llm_http_error": "大模型服务返回错误，使用说理模板生成的文本",
    "llm_bad_response": "大模型返回的内容无法解析，使用说理模板生成的文本",
    "draft_rejected": "大模型草稿未通过校验，使用说理模板生成的文本",
}


class LLMError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LLMSettings | None:
        base = (env.get("ZHIFA_LLM_BASE_URL") or "").strip()
        if not base:
            return None
        model = (env.get("ZHIFA_LLM_MODEL") or "").strip()
        if not model:
            raise LLMError("llm_config", "ZHIFA_LLM_BASE_URL 已设置但 ZHIFA_LLM_MODEL 为空")
        raw_timeout = (env.get("ZHIFA_LLM_TIMEOUT") or "30").strip()
        try:
            timeout = float(raw_timeout)
        except ValueError:
            raise LLMError("llm_config", f"ZHIFA_LLM_TIMEOUT 应为秒数，当前为 {raw_timeout!r}")
        if timeout <= 0:
            raise LLMError("llm_config", "ZHIFA_LLM_TIMEOUT 应大于0")
        return cls(base.rstrip("/"), model, (env.get("ZHIFA_LLM_API_KEY") or "").strip(), timeout)

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/chat/completions"


@dataclass(frozen=True)
class DraftOutcome:
    text: str  # the text to use in the document
    source: str  # "llm" | "composer"
    composed: Reasoning
    reason: str = ""  # key of REASONS
    detail: str = ""
    llm_text: str | None = None
    verification: VerificationResult | None = None

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "text": self.text,
            "reason": self.reason,
            "reason_text": self.reason_text,
            "detail": self.detail,
            "llm_text": self.llm_text,
            "verification": self.verification.as_dict() if self.verification else None,
        }


SYSTEM_PROMPT = (
    "你是交通运输行政执法文书的文字润色助手。你只能改进用语，使说理更清楚、更有温度，"
    "必须遵守：1. 只能使用用户提供的事实、数字、日期、车牌、姓名、单位名称、文号和法律条文，"
    "不得增加、删除或改变任何数字和条文；2. 不得引用未提供的法律条款；3. 不得使用执法忌语；"
    "4. 保留事理、法理、情理三个部分的结构和标题；5. 只输出文书正文，不要解释。"
)


def build_messages(
    ctx: DocumentContext, composed: Reasoning, book: Phrasebook, register: str = "formal"
) -> list[dict[str, str]]:
    d = ctx.decision
    facts: dict[str, Any] = {
        "文书种类": ctx.document_type,
        "文号": ctx.number,
        "案号": ctx.case_number,
        "当事人": ctx.party.name,
        "车牌": ctx.vehicle.plate if ctx.vehicle else None,
        "违法日期": cn_date(ctx.violation_date) if ctx.violation_date else None,
        "决定日期": cn_date(ctx.decision_date) if ctx.decision_date else None,
        "罚款（元）": d.fine_yuan if d else None,
        "裁量基准版本": d.catalog_version if d else None,
        "可引用的条文": [p.label for p in ctx.all_provisions()],
        "禁用语": [f.phrase for f in book.forbidden],
    }
    facts = {k: v for k, v in facts.items() if v not in (None, "", [])}
    text = composed.formal_text if register == "formal" else composed.plain_summary
    task = "请润色下面的行政执法文书说理部分" if register == "formal" else "请把下面的告知内容改写得更通俗易懂"
    user = f"{task}。案件要素（不得改变）：\n{json.dumps(facts, ensure_ascii=False, indent=1)}\n\n原文：\n{text}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def request_draft(settings: LLMSettings, messages: list[dict[str, str]], client: httpx.Client | None = None) -> str:
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    payload = {"model": settings.model, "messages": messages, "temperature": 0.2}
    own = client is None
    http = client or httpx.Client(timeout=settings.timeout)
    try:
        resp = http.post(settings.endpoint, json=payload, headers=headers, timeout=settings.timeout)
    except httpx.TimeoutException as exc:
        raise LLMError("llm_timeout", str(exc) or "timeout")
    except httpx.HTTPError as exc:
        raise LLMError("llm_http_error", str(exc))
    finally:
        if own:
            http.close()
    if resp.status_code != 200:
        raise LLMError("llm_http_error", f"HTTP {resp.status_code}")
    try:
        content = resp.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LLMError("llm_bad_response", f"{type(exc).__name__}: {exc}")
    if not isinstance(content, str) or not content.strip():
        raise LLMError("llm_bad_response", "empty content")
    return _strip_fences(content)


def _strip_fences(text: str) -> str:
    text = text.strip()
    m = re.fullmatch(r"```[a-zA-Z]*\n(.*)\n```", text, flags=re.S)
    return m.group(1).strip() if m else text


def draft_reasoning(
    ctx: DocumentContext,
    citable: CitableProvisions | None = None,
    *,
    settings: LLMSettings | None = None,
    phrasebook: Phrasebook | None = None,
    register: str = "formal",
    client: httpx.Client | None = None,
) -> DraftOutcome:
    """Reasoning text for the document: an accepted LLM draft, else the composer's text."""
    book = phrasebook or load_phrasebook()
    composed = compose(ctx, book)
    fallback = composed.formal_text if register == "formal" else composed.plain_summary
    if settings is None:
        return DraftOutcome(fallback, "composer", composed, "llm_not_configured")
    try:
        draft = request_draft(settings, build_messages(ctx, composed, book, register), client)
    except LLMError as exc:
        return DraftOutcome(fallback, "composer", composed, exc.code, exc.detail)
    result = verify_draft(draft, ctx, citable, phrasebook=book, reference=composed)
    if not result.accepted:
        detail = "；".join(f"{p.code}: {p.detail}" for p in result.problems)
        return DraftOutcome(fallback, "composer", composed, "draft_rejected", detail, draft, result)
    return DraftOutcome(draft, "llm", composed, "", "", draft, result)
