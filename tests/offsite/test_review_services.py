"""Review services: confirm files an off-site case through the cases services (owner as party, catalog
decision, head's filing approval), reject needs a reason, unknown vehicles are resolved first; licences,
jurisdiction and the optimistic lock are enforced; every action is audited."""

from __future__ import annotations

import pytest

from tests.factories import OfficerFactory, VehicleFactory
from tests.offsite.test_review_kit import (  # noqa: F401 - fixtures
    clock_fixture,
    make_cargo_source,
    make_driver,
    make_event,
    site_fixture,
    team_fixture,
    walk,
)
from zhifa.cases.models import Case, DecisionRecord
from zhifa.core.audit import audit_verify
from zhifa.core.errors import ConflictError, DomainError, NotFound, PermissionDenied
from zhifa.core.models import AuditEvent
from zhifa.offsite.models import Calibration, OverloadEvent
from zhifa.offsite.services.review import event_confirm, event_reject, event_resolve_vehicle

pytestmark = pytest.mark.django_db


def codes(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("event_code", flat=True)
    )


def confirm(site, ev, who=None, **kw):
    kw.setdefault("officers", [site.team.officer2])
    return event_confirm(actor=(who or site.team.officer).user, event=ev, version=ev.version, **kw)


class TestConfirm:
    def test_files_an_offsite_case_addressed_to_the_owner(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "E1", passages=2)
        r = confirm(site, ev, note="经审核无误")
        case = Case.objects.get(pk=r.case.pk)
        w = site.team.world
        assert (case.source, case.state, case.procedure) == ("offsite", "pending_filing", "general")
        assert case.enterprise == w.nz_enterprise and case.party_name == w.nz_enterprise.name
        assert case.vehicle == w.nz_vehicle and case.plate == "豫R12345"
        assert case.external_ref == "offsite:E1" and case.item_code == "overload.weight"
        assert case.facts == {
            "axles": 6,
            "vehicle_kind": "combination",
            "gross_weight_kg": 58000,
            "measurement": "wim",
            "single_drive_axle": False,
        }
        assert "E1-0" in case.summary and "E1-1" in case.summary and "检定NZ-G207-01-2025" in case.summary
        rec = DecisionRecord.objects.get(case=case, current=True)
        assert (rec.item_code, rec.proposed_fine_yuan, rec.chosen_fine_yuan) == ("overload.weight", 4500, 4500)
        assert rec.decision["trace"] and rec.catalog_version
        ev.refresh_from_db()
        assert (ev.status, ev.case_id, ev.version, ev.reviewed_by) == ("confirmed", case.pk, 2, site.team.officer)
        assert ev.review_note == "经审核无误"
        assert codes(ev) == ["offsite.event_confirmed"]
        assert codes(case) == ["case.created", "case.assessed", "case.filing_requested"]
        [evidence] = case.evidence.all()
        assert (evidence.kind, evidence.content_type, evidence.collected_by) == (
            "electronic",
            "application/pdf",
            site.team.officer,
        )
        assert evidence.title.startswith("动态称重检测记录（2条") and evidence.size > 1000
        after = AuditEvent.objects.get(event_code="offsite.event_confirmed").after
        assert after["passages"] == ["E1-0", "E1-1"] and after["certificates"] == ["检定NZ-G207-01-2025"]
        assert audit_verify()[1] is None
        # the head's approval comes next, on the case page, as for any case
        assert walk(case, "filed", site.team, clock).number

    def test_person_owner_and_driver_and_cargo_source(self, site, clock):
        clock("2026-03-02")
        w = site.team.world
        from tests.factories import PersonFactory

        person = PersonFactory(agency=w.nanzhao)
        v = VehicleFactory(agency=w.nanzhao, plate="豫R54321", owner_person=person)
        driver = make_driver(w.nanzhao)
        source = make_cargo_source(w.nanzhao)
        ev = make_event(site, "E2", plate="豫R54321", vehicle=v)
        r = confirm(site, ev, driver=driver.pk, cargo_source=source.pk, loading_bill="装载单 Z-001")
        assert r.case.person == person and r.case.enterprise is None and r.case.driver == driver
        ev.refresh_from_db()
        assert (ev.driver, ev.cargo_source, ev.loading_bill) == (driver, source, "装载单 Z-001")

    def test_warning_only_event(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "E3", gross=49800)
        r = confirm(site, ev)
        rec = DecisionRecord.objects.get(case=r.case, current=True)
        assert rec.sanctions == ["warning"] and rec.chosen_fine_yuan is None

    def test_needs_a_licensed_officer(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "E4")
        with pytest.raises(DomainError) as e:
            confirm(site, ev, who=site.team.expired)
        assert "执法证" in e.value.message
        sup = site.team.world.nz_supervisor
        with pytest.raises((PermissionDenied, DomainError)):
            event_confirm(actor=sup.user, event=ev, version=ev.version)
        assert not Case.objects.exists()
        ev.refresh_from_db()
        assert (ev.status, ev.version) == ("pending_review", 1)

    def test_other_jurisdiction_is_not_found(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "E5")
        with pytest.raises(NotFound):
            confirm(site, ev, who=site.team.world.ly_officer)

    def test_stale_version_conflicts_and_writes_nothing(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "E6")
        confirm(site, ev)
        stale = OverloadEvent.objects.get(pk=ev.pk)
        stale.version = 1
        with pytest.raises(ConflictError) as e:
            confirm(site, stale, who=site.team.officer2, officers=[site.team.officer])
        assert e.value.code == "offsite.version_conflict" and "他人" in e.value.message
        assert Case.objects.count() == 1
        with pytest.raises(ConflictError):
            event_reject(actor=site.team.officer2.user, event=ev, reason="号牌识别错误", version=1)

    def test_unusable_evidence_is_refused(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "E7", status="unusable", usable=False)
        with pytest.raises(DomainError) as e:
            confirm(site, ev)
        assert e.value.code == "offsite.evidence_unusable" and "第十条" in e.value.message
        # pending, but the device's certificate does not cover the day: not evidence either
        Calibration.objects.filter(device=site.device).update(valid_to="2026-02-28")
        ev2 = make_event(site, "E8")
        with pytest.raises(DomainError) as e:
            confirm(site, ev2)
        assert e.value.code == "offsite.evidence_unusable"
        assert not Case.objects.exists()

    def test_vehicle_without_owner_is_refused(self, site, clock):
        clock("2026-03-02")
        v = VehicleFactory(agency=site.team.world.nanzhao, plate="豫R00001")
        ev = make_event(site, "E9", plate="豫R00001", vehicle=v)
        with pytest.raises(DomainError) as e:
            confirm(site, ev)
        assert e.value.code == "offsite.owner_unknown" and "第五十五条" in e.value.message

    def test_one_case_per_event(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "E10")
        confirm(site, ev)
        ev.refresh_from_db()
        with pytest.raises(DomainError) as e:
            confirm(site, ev)
        assert e.value.code == "offsite.not_pending"
        assert Case.objects.count() == 1


class TestReject:
    def test_needs_a_reason_and_is_audited(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "R1")
        with pytest.raises(DomainError) as e:
            event_reject(actor=site.team.officer.user, event=ev, reason="  ", version=1)
        assert e.value.code == "offsite.reason_required"
        event_reject(actor=site.team.officer.user, event=ev, reason="号牌识别错误，图像为另一车辆", version=1)
        ev.refresh_from_db()
        assert (ev.status, ev.version, ev.review_note) == ("rejected", 2, "号牌识别错误，图像为另一车辆")
        assert codes(ev) == ["offsite.event_rejected"]
        assert AuditEvent.objects.get(event_code="offsite.event_rejected").reason.startswith("号牌识别错误")

    def test_unusable_can_be_rejected_confirmed_cannot(self, site, clock):
        clock("2026-03-02")
        ev = make_event(site, "R2", status="unusable", usable=False)
        event_reject(actor=site.team.officer.user, event=ev, reason="设备检定过期", version=1)
        ev2 = make_event(site, "R3")
        confirm(site, ev2)
        ev2.refresh_from_db()
        with pytest.raises(DomainError):
            event_reject(actor=site.team.officer.user, event=ev2, reason="事后驳回不允许", version=ev2.version)


class TestResolveVehicle:
    def test_existing_vehicle_with_the_plate(self, site, clock):
        clock("2026-03-02")
        w = site.team.world
        ev = make_event(site, "V1", status="vehicle_unknown")
        event_resolve_vehicle(actor=site.team.officer.user, event=ev, vehicle=w.nz_vehicle.pk, version=1)
        ev.refresh_from_db()
        assert (ev.status, ev.vehicle, ev.owner_enterprise, ev.version) == (
            "pending_review",
            w.nz_vehicle,
            w.nz_enterprise,
            2,
        )
        assert codes(ev) == ["offsite.vehicle_resolved"]

    def test_other_plate_or_other_jurisdiction_refused(self, site, clock):
        clock("2026-03-02")
        w = site.team.world
        other = VehicleFactory(agency=w.nanzhao, plate="豫R99999")
        ev = make_event(site, "V2", status="vehicle_unknown")
        with pytest.raises(DomainError) as e:
            event_resolve_vehicle(actor=site.team.officer.user, event=ev, vehicle=other.pk, version=1)
        assert e.value.code == "offsite.plate_mismatch"
        with pytest.raises(DomainError) as e:
            event_resolve_vehicle(actor=site.team.officer.user, event=ev, vehicle=w.ly_vehicle.pk, version=1)
        assert e.value.code == "offsite.party_not_found"

    def test_register_a_new_vehicle(self, site, clock):
        clock("2026-03-02")
        w = site.team.world
        ev = make_event(site, "V3", plate="豫R7B123", status="vehicle_unknown")
        event_resolve_vehicle(
            actor=site.team.officer.user,
            event=ev,
            new_vehicle={"kind": "combination", "owner_enterprise": w.nz_enterprise.pk, "plate_colour": ""},
            version=1,
        )
        ev.refresh_from_db()
        v = ev.vehicle
        assert (v.plate, v.plate_colour, v.axles, v.agency, v.owner_enterprise) == (
            "豫R7B123",
            "yellow",
            6,
            w.nanzhao,
            w.nz_enterprise,
        )
        assert ev.status == "pending_review"
        assert AuditEvent.objects.filter(event_code="vehicle.created").count() == 1
        r = confirm(site, ev)
        assert r.case.vehicle == v


def test_licence_roles_for_reviewers(site, clock):
    clock("2026-03-02")
    head_only = OfficerFactory(agency=site.team.world.nanzhao, user__username="headonly", roles=["head"])
    ev = make_event(site, "L1")
    with pytest.raises((PermissionDenied, DomainError)):
        event_reject(actor=head_only.user, event=ev, reason="不是执法人员", version=1)
