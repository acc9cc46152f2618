"""The audit hash chain (pure: no Django).

Each audit row stores the SHA-256 of the previous row (``prev_hash``) and its own ``hash`` over
its content and ``prev_hash``. Changing, inserting or deleting a row breaks the chain at that
row; :func:`verify_chain` names the first broken link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64

# The fields covered by the hash, in a fixed order. Adding a field is a chain-format change.
HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "event_code",
    "object_type",
    "object_id",
    "agency_id",
    "before",
    "after",
    "request_id",
    "reason",
)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def compute_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    payload = {k: row.get(k) for k in HASHED_FIELDS}
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(payload).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    row_id: Any
    reason: str  # code
    message: str


def verify_chain(rows: Iterable[Mapping[str, Any]], head: tuple[int, str] | None = None) -> BrokenLink | None:
    """Check rows in ``seq`` order. ``head`` is (last_seq, last_hash) as recorded separately.

    Returns the first broken link, or None when the chain is intact.
    """
    prev_hash = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            return BrokenLink(
                seq,
                row.get("id"),
                "audit.seq_gap",
                f"第{expected_seq}条审计记录缺失（下一条为第{seq}条），记录可能被删除",
            )
        if row["prev_hash"] != prev_hash:
            return BrokenLink(
                seq,
                row.get("id"),
                "audit.prev_hash_mismatch",
                f"第{seq}条审计记录的前序哈希与第{seq - 1}条不一致，链条在此断开",
            )
        actual = compute_hash(prev_hash, row)
        if actual != row["hash"]:
            return BrokenLink(
                seq,
                row.get("id"),
                "audit.hash_mismatch",
                f"第{seq}条审计记录的内容与其哈希不符，记录已被篡改",
            )
        prev_hash = row["hash"]
        expected_seq += 1
        last_seq = seq
    if head is not None:
        head_seq, head_hash = head
        if head_seq != last_seq or (head_seq and head_hash != prev_hash):
            return BrokenLink(
                last_seq + 1,
                None,
                "audit.tail_missing",
                f"审计链末端应为第{head_seq}条，实际只到第{last_seq}条，末尾记录可能被删除",
            )
    return None
