"""The demo holds cases in every state for both units, built through the services, and is idempotent."""

from __future__ import annotations

import pytest

from zhifa.cases.choices import CaseState
from zhifa.cases.models import Case, DecisionRecord, Evidence
from zhifa.core.audit import audit_verify
from zhifa.core.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_demo_cases_in_every_state_and_idempotent(settings, tmp_path):
    from zhifa.demo import load_demo

    settings.MEDIA_ROOT = tmp_path
    load_demo(scale="small", seed=3, verbose=False)
    for agency_name in ("南召县交通运输综合行政执法大队", "临沂市交通运输执法支队"):
        states = set(Case.objects.filter(agency__name=agency_name).values_list("state", flat=True))
        assert states == set(CaseState.values), agency_name
    decided = Case.objects.filter(state="decided", outcome="penalty")
    assert decided.count() >= 4
    for case in decided:
        record = DecisionRecord.objects.get(case=case, current=True)
        assert record.catalog_version and record.decision["trace"]
        assert case.fine_yuan == record.chosen_fine_yuan
    assert Evidence.objects.filter(frozen_at__isnull=False).exists()
    # the audit trail is real: every case was built through the services
    assert AuditEvent.objects.filter(event_code="case.created").count() == Case.objects.count()
    counts = (Case.objects.count(), AuditEvent.objects.count(), Evidence.objects.count())
    numbers = sorted(Case.objects.exclude(number="").values_list("number", flat=True))

    load_demo(scale="small", seed=3, verbose=False)
    # a rerun without the completion marker (as after an interrupted load) adds nothing either:
    # every demo case carries its key
    from zhifa.cases import demo
    from zhifa.demo import DemoContext, load_agencies

    ctx = DemoContext(scale="small", seed=4, verbose=False)
    load_agencies(ctx)
    demo.load(ctx)
    assert ctx.summary["cases"]["created"] == 0
    assert Case.objects.count() == counts[0] and Evidence.objects.count() == counts[2]
    assert sorted(Case.objects.exclude(number="").values_list("number", flat=True)) == numbers
    assert audit_verify()[1] is None
