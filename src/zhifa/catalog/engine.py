"""Discretion engine: facts → Decision with a trace. Pure: no Django.

(The full ``decide`` lands next; ``overload_rules`` is the stable interface for off-site.)
"""

from __future__ import annotations

from zhifa.catalog.overload import Band, FineBreakdown, LimitRow, OverloadRules, ProvisionRef, overload_rules

__all__ = ["Band", "FineBreakdown", "LimitRow", "OverloadRules", "ProvisionRef", "overload_rules"]
