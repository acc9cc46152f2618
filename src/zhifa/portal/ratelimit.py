"""Per-client rate limits for the public pages, counted in the cache (fixed windows).

The client is ``REMOTE_ADDR`` (behind nginx, set it from the real client address with the realip
module, so every client does not share the proxy's address), kept only as a keyed hash. With the
default in-memory cache each web process counts on its own; with ``ZHIFA_CACHE_URL`` (Redis) the
limit holds across processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from zhifa.documents.signing import client_hash


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int


#: the verification page: 30 a minute per client (a person scans a handful; a crawler is stopped)
VERIFY = Limit("verify", 30, 60)
#: the law-education page
LAW = Limit("law", 60, 60)
#: ratings: 5 an hour per client, and one per document per client a day
RATE = Limit("rate", 5, 3600)
RATE_PER_DOCUMENT = Limit("rate-doc", 1, 86400)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def allow(request, limit: Limit, extra: str = "") -> bool:
    """Count one hit of ``request``'s client against ``limit``; False once the window's count is used up."""
    window = int(time.time() // limit.seconds)
    key = f"zhifa:rl:{limit.scope}:{extra}:{client_hash(client_address(request))[:32]}:{window}"
    if cache.add(key, 1, timeout=limit.seconds + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    return count <= limit.count


def _once_key(request, limit: Limit, extra: str) -> str:
    return f"zhifa:rl:{limit.scope}:{extra}:{client_hash(client_address(request))[:32]}"


def already(request, limit: Limit, extra: str = "") -> bool:
    """Whether this client has done the once-per-window thing (``mark``) within ``limit.seconds``."""
    return bool(cache.get(_once_key(request, limit, extra)))


def mark(request, limit: Limit, extra: str = "") -> None:
    cache.set(_once_key(request, limit, extra), 1, timeout=limit.seconds)
