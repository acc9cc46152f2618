"""Per-request context: the request id that ties one request's audit events together."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("zhifa_request_id", default=None)


def current_request_id() -> str:
    rid = _request_id.get()
    if rid is None:
        rid = uuid.uuid4().hex
        _request_id.set(rid)
    return rid


def set_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)
