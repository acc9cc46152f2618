"""Fixtures for the documents tests (no database, no Django).

``llm_server``: a local HTTP server (stdlib, one thread, 127.0.0.1) that speaks the
OpenAI chat-completions API. A test sets ``server.reply`` to a function of the request JSON
that returns ``(status, body_or_text, delay_seconds)``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.citations import CitableProvisions

Reply = Callable[[dict[str, Any]], tuple[int, Any, float]]


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.reply: Reply = lambda req: (200, completion("（空）"), 0.0)
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "ZHIFA_LLM_BASE_URL": self.base_url,
            "ZHIFA_LLM_MODEL": "test-model",
            "ZHIFA_LLM_API_KEY": "sk-test",
            "ZHIFA_LLM_TIMEOUT": "2",
            **extra,
        }

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": "not found"})
                    return
                status, payload, delay = fake.reply(body)
                if delay:
                    time.sleep(delay)
                self._send(status, payload)

            def _send(self, status: int, payload: Any) -> None:
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    }


@pytest.fixture
def llm_server():
    server = FakeLLM()
    server.start()
    yield server
    server.stop()


# Laws known to the catalog for the sample cases, with their periods (test data).
LAWS = [
    {"title": "公路安全保护条例", "version": "2011-07-01", "effective_from": "2011-07-01"},
    {"title": "超限运输车辆行驶公路管理规定", "version": "2016", "effective_from": "2016-09-21"},
    {"title": "中华人民共和国行政处罚法", "version": "2021-07-15", "effective_from": "2021-07-15"},
    {"title": "中华人民共和国行政复议法", "version": "2023-09-01", "effective_from": "2024-01-01"},
    {"title": "中华人民共和国行政诉讼法", "version": "2017-06-27", "effective_from": "2017-07-01"},
    {"title": "中华人民共和国公路法", "version": "2017-11-04", "effective_from": "2017-11-04"},
    {
        "title": "中华人民共和国道路运输条例",
        "version": "2022-03-29",
        "effective_from": "2022-05-01",
        "effective_to": "2023-07-19",
    },
    {"title": "中华人民共和国道路运输条例", "version": "2023-07-20", "effective_from": "2023-07-20"},
    {
        "title": "交通行政处罚程序规定",
        "version": "1996",
        "effective_from": "1996-01-01",
        "effective_to": "2019-05-31",
        "repealed_by": "交通运输行政执法程序规定",
    },
    {
        "title": "失信行为纠正后的信用信息修复管理办法（试行）",
        "version": "2023",
        "effective_from": "2023-05-01",
        "effective_to": "2026-03-31",
    },
    {"title": "网络预约出租汽车经营服务管理暂行办法", "version": "2022-11-30", "effective_from": "2022-11-30"},
]

EXTRA_PROVISIONS = [
    {"law_title": "中华人民共和国公路法", "article": "第七十六条"},
    {"law_title": "中华人民共和国公路法", "article": "第七十七条"},
    {"law_title": "中华人民共和国道路运输条例", "article": "第六十八条", "version": "2022-03-29"},
    {"law_title": "交通行政处罚程序规定", "article": "第二十五条", "version": "1996"},
    {"law_title": "失信行为纠正后的信用信息修复管理办法（试行）", "article": "第十条", "version": "2023"},
]


def citable_for(ctx) -> CitableProvisions:
    """The catalog version in force for a sample case: its provisions plus a few others."""
    return CitableProvisions.from_records([*ctx.all_provisions(), *EXTRA_PROVISIONS], LAWS, "HN-2026.1")


@pytest.fixture
def overload_ctx():
    return samples.offsite_overload()


@pytest.fixture
def overload_citable(overload_ctx):
    return citable_for(overload_ctx)


# ---- the Django shell (models, services, views): cases walked with the cases services ----------------
# (the fixtures below need the database; the pure tests above do not use them)

from tests.cases.conftest import clock, team  # noqa: E402,F401 - fixtures shared with the cases tests
from tests.documents.shell import DocWorld, doc_world_for  # noqa: E402


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.ZHIFA_PUBLIC_BASE_URL = "https://zhifa.example.gov.cn"
    for name in ("ZHIFA_LLM_BASE_URL", "ZHIFA_LLM_MODEL", "ZHIFA_LLM_API_KEY"):
        setattr(settings, name, "")
    return settings.MEDIA_ROOT


@pytest.fixture
def docs(team, clock, media) -> DocWorld:  # noqa: F811 - the imported fixtures
    """The two-province world with document settings, and helpers that walk cases with the services."""
    return doc_world_for(team, clock)
