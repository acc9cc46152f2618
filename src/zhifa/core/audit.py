"""Writing and verifying the audit trail. Services call :func:`audit_record` inside their transaction.

Appends are serialised by locking the single ``AuditChainHead`` row, so two concurrent
transactions can never fork the chain; the row is created by the initial migration.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhifa.core.auditchain import GENESIS_HASH, BrokenLink, canonical_json, compute_hash, verify_chain
from zhifa.core.context import current_request_id
from zhifa.core.models import AuditChainHead, AuditEvent


def _plain(value: Any) -> Any:
    """What will come back from the JSON column: hash exactly that."""
    if value is None:
        return None
    return json.loads(canonical_json(value))


def actor_label(actor) -> str:
    if actor is None:
        return "系统"
    from zhifa.core.permissions import officer_of

    officer = officer_of(actor) if getattr(actor, "pk", None) else None
    if officer is not None:
        return f"{officer.name}（{actor.get_username()}）"
    return actor.get_username() if hasattr(actor, "get_username") else str(actor)


def audit_record(
    *,
    actor,
    event_code: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    agency=None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    request_id: str | None = None,
) -> AuditEvent:
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)[:200]
        if agency is None:
            agency = getattr(obj, "agency", None)
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.exists():
            raise RuntimeError("审计链头记录缺失而链上已有记录：拒绝继续写入，请运行 zhifa audit verify")
        head, _ = AuditChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})
    row = {
        "seq": head.last_seq + 1,
        "created_at": timezone.now(),
        "actor_id": getattr(actor, "pk", None),
        "actor_label": actor_label(actor),
        "event_code": event_code,
        "object_type": object_type,
        "object_id": str(object_id),
        "agency_id": getattr(agency, "pk", agency),
        "before": _plain(before),
        "after": _plain(after),
        "request_id": request_id or current_request_id(),
        "reason": reason or "",
    }
    digest = compute_hash(head.last_hash, row)
    event = AuditEvent.objects.create(
        seq=row["seq"],
        created_at=row["created_at"],
        actor_id=row["actor_id"],
        actor_label=row["actor_label"],
        event_code=event_code,
        object_type=object_type,
        object_id=row["object_id"],
        object_repr=object_repr[:200],
        agency_id=row["agency_id"],
        before=row["before"],
        after=row["after"],
        request_id=row["request_id"],
        reason=row["reason"],
        prev_hash=head.last_hash,
        hash=digest,
    )
    head.last_seq = row["seq"]
    head.last_hash = digest
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def _rows() -> Iterator[dict[str, Any]]:
    fields = [
        "id",
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
        "prev_hash",
        "hash",
    ]
    yield from AuditEvent.objects.order_by("seq").values(*fields).iterator(chunk_size=5000)


def audit_verify() -> tuple[int, BrokenLink | None]:
    """Verify the whole chain. Returns (rows checked, first broken link or None)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    counted = 0

    def counting():
        nonlocal counted
        for r in _rows():
            counted += 1
            yield r

    broken = verify_chain(counting(), head=head or (0, GENESIS_HASH))
    return counted, broken


def model_snapshot(obj, fields: list[str]) -> dict[str, Any]:
    """Field values for before/after (FKs as ids), for audit rows."""
    out: dict[str, Any] = {}
    for name in fields:
        f = obj._meta.get_field(name)
        out[name] = getattr(obj, f.attname)
    return out


def atomic(func):
    """Decorator for services: atomic, so the audit row commits or rolls back with the change."""
    return transaction.atomic(func)
