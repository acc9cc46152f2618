"""The audit hash chain: every write leaves a row; any tampering is named by `zhifa audit verify`."""

import itertools
import json

import pytest
from django.db import transaction

from zhifa.cli import main as zhifa
from zhifa.core.audit import audit_record, audit_verify
from zhifa.core.models import AuditChainHead, AuditEvent


def _write(n, actor=None):
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=actor,
                event_code="test.event",
                object_type="t",
                object_id=i,
                after={"i": i, "amount": "12.50"},
                reason="测试",
            )


def _verify_json(capsys):
    code = zhifa(["audit", "verify", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_intact_chain_verifies(capsys):
    _write(5)
    code, out = _verify_json(capsys)
    assert code == 0 and out == {"checked": 5, "ok": True}
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))


@pytest.mark.django_db
def test_changed_row_is_named(capsys):
    _write(5)
    AuditEvent.objects.filter(seq=3).update(after={"i": 3, "amount": "1.00"})
    code, out = _verify_json(capsys)
    assert code == 1
    assert out["broken"]["seq"] == 3 and out["broken"]["code"] == "audit.hash_mismatch"


@pytest.mark.django_db
def test_changed_reason_or_actor_label_is_named(capsys):
    _write(4)
    AuditEvent.objects.filter(seq=2).update(actor_label="别人")
    code, out = _verify_json(capsys)
    assert code == 1 and out["broken"]["seq"] == 2


@pytest.mark.django_db
def test_deleted_row_is_named(capsys):
    _write(5)
    AuditEvent.objects.filter(seq=2).delete()
    code, out = _verify_json(capsys)
    assert code == 1 and out["broken"]["code"] == "audit.seq_gap" and out["broken"]["seq"] == 3


@pytest.mark.django_db
def test_recomputed_forgery_still_breaks_the_next_link(capsys):
    """Rewriting a row *and* its own hash breaks the following row's prev_hash."""
    from zhifa.core.auditchain import compute_hash

    _write(4)
    row = AuditEvent.objects.get(seq=2)
    row.after = {"i": 99}
    payload = {
        k: getattr(row, k)
        for k in [
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
        ]
    }
    AuditEvent.objects.filter(pk=row.pk).update(after=row.after, hash=compute_hash(row.prev_hash, payload))
    code, out = _verify_json(capsys)
    assert code == 1 and out["broken"]["seq"] == 3 and out["broken"]["code"] == "audit.prev_hash_mismatch"


@pytest.mark.django_db
def test_deleted_tail_is_detected_through_the_head(capsys):
    _write(3)
    AuditEvent.objects.filter(seq=3).delete()
    code, out = _verify_json(capsys)
    assert code == 1 and out["broken"]["code"] == "audit.tail_missing"


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, event_code="x")


@pytest.mark.django_db
def test_rolled_back_service_leaves_no_audit_row_and_no_head_change():
    _write(1)
    head_before = AuditChainHead.objects.get(pk=1).last_seq
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, event_code="test.rollback")
        1 / 0  # noqa: B018 - the service fails after writing its audit row
    assert AuditChainHead.objects.get(pk=1).last_seq == head_before
    assert not AuditEvent.objects.filter(event_code="test.rollback").exists()
    assert audit_verify()[1] is None


@pytest.mark.django_db
def test_text_output_names_the_link(capsys):
    _write(3)
    AuditEvent.objects.filter(seq=2).update(reason="改过")
    assert zhifa(["audit", "verify"]) == 1
    assert "第 2 条" in capsys.readouterr().out
