"""/api/v1/offsite: stations (read), import runs (read) and the station push endpoint.

The review part (``api_review``, offsite-cases) is added at the end when it exists.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from ninja import Router

router = Router(tags=["非现场执法"])


if find_spec("zhifa.offsite.api_review") is not None:
    router.add_router("", import_module("zhifa.offsite.api_review").router)
