import pytest

from zhifa.core.errors import ConflictError, DomainError, NotFound
from zhifa.core.models import AuditEvent
from zhifa.parties.models import Enterprise, Vehicle
from zhifa.parties.services import party_create, party_update

GOOD_USCC = "91350200776049653A"
BAD_CHECKSUM = "91350203M0001QAY9B"


@pytest.mark.django_db
def test_create_enterprise_writes_audit_in_same_transaction(world):
    ent = party_create(
        kind="enterprise",
        actor=world.nz_officer.user,
        data={"name": "南召县测试物流有限公司", "uscc": GOOD_USCC.lower(), "sector": "freight"},
    )
    assert ent.uscc == GOOD_USCC and ent.agency == world.nanzhao
    ev = AuditEvent.objects.get(event_code="enterprise.created")
    assert ev.object_id == str(ent.pk) and ev.after["uscc"] == GOOD_USCC and ev.agency_id == world.nanzhao.pk


@pytest.mark.django_db
def test_invalid_credit_code_is_refused_naming_field_and_rule(world):
    with pytest.raises(DomainError) as err:
        party_create(
            kind="enterprise",
            actor=world.nz_officer.user,
            data={"name": "甲公司", "uscc": "91350200776049653B", "sector": "freight"},
        )
    assert err.value.field == "uscc" and err.value.code == "uscc.checksum"
    assert "校验码" in err.value.message
    assert not Enterprise.objects.filter(name="甲公司").exists()
    assert not AuditEvent.objects.filter(event_code="enterprise.created").exists()


@pytest.mark.django_db
def test_real_code_failing_checksum_needs_admin_and_reason(world):
    data = {
        "name": "真实但校验不过的公司",
        "uscc": BAD_CHECKSUM,
        "sector": "freight",
        "uscc_override_reason": "经市场监管部门国家企业信用信息公示系统核实，代码真实有效",
    }
    with pytest.raises(DomainError) as err:
        party_create(kind="enterprise", actor=world.nz_officer.user, data=data)
    assert err.value.code == "uscc.override_admin_only"
    ent = party_create(kind="enterprise", actor=world.nz_admin.user, data=data)
    assert ent.uscc == BAD_CHECKSUM and ent.uscc_override_by == world.nz_admin.user
    ev = AuditEvent.objects.get(event_code="enterprise.created", object_id=str(ent.pk))
    assert "核实" in ev.reason
    # A code with a *format* error can never be overridden.
    with pytest.raises(DomainError) as err:
        party_create(
            kind="enterprise", actor=world.nz_admin.user, data={**data, "name": "乙", "uscc": "91350203M0001QAYOB"}
        )
    assert err.value.code == "uscc.format"


@pytest.mark.django_db
def test_duplicates_refused(world):
    party_create(
        kind="enterprise", actor=world.nz_officer.user, data={"name": "甲", "uscc": GOOD_USCC, "sector": "freight"}
    )
    with pytest.raises(DomainError) as err:
        party_create(
            kind="enterprise", actor=world.nz_officer.user, data={"name": "乙", "uscc": GOOD_USCC, "sector": "taxi"}
        )
    assert err.value.code == "enterprise.duplicate" and err.value.field == "uscc"
    with pytest.raises(DomainError) as err:
        party_create(
            kind="vehicle",
            actor=world.nz_officer.user,
            data={"plate": "豫R12345", "plate_colour": "yellow", "kind": "truck", "axles": 2},
        )
    assert err.value.code == "vehicle.duplicate"


@pytest.mark.django_db
def test_same_identifier_in_another_province_is_not_a_duplicate_and_not_revealed(world):
    party_create(
        kind="vehicle",
        actor=world.ly_officer.user,
        data={"plate": "豫R12345", "plate_colour": "yellow", "kind": "truck", "axles": 2},
    )
    assert Vehicle.objects.filter(plate="豫R12345").count() == 2


@pytest.mark.django_db
def test_vehicle_rules(world):
    officer = world.nz_officer.user
    with pytest.raises(DomainError) as err:
        party_create(
            kind="vehicle",
            actor=officer,
            data={"plate": "豫RI2345", "plate_colour": "yellow", "kind": "truck", "axles": 2},
        )
    assert err.value.field == "plate" and "GA 36-2018" in err.value.message
    with pytest.raises(DomainError) as err:
        party_create(kind="vehicle", actor=officer, data={"plate": "豫R12345D", "plate_colour": "blue", "kind": "bus"})
    assert err.value.code == "plate.colour_mismatch" and err.value.field == "plate_colour"
    with pytest.raises(DomainError) as err:
        party_create(
            kind="vehicle", actor=officer, data={"plate": "豫R54321", "plate_colour": "yellow", "kind": "truck"}
        )
    assert err.value.code == "vehicle.axles_required"
    v = party_create(
        kind="vehicle", actor=officer, data={"plate": "豫R12345D", "plate_colour": "yellow_green", "kind": "bus"}
    )
    assert v.plate == "豫R12345D"


@pytest.mark.django_db
def test_linking_an_owner_outside_jurisdiction_is_refused(world):
    from tests.factories import EnterpriseFactory

    shandong_company = EnterpriseFactory(agency=world.linyi)
    with pytest.raises(DomainError) as err:
        party_create(
            kind="vehicle",
            actor=world.nz_officer.user,
            data={
                "plate": "豫R77777",
                "plate_colour": "yellow",
                "kind": "truck",
                "axles": 3,
                "owner_enterprise": shandong_company.pk,
            },
        )
    assert err.value.field == "owner_enterprise" and "辖区" in err.value.message


@pytest.mark.django_db
def test_update_with_stale_version_conflicts(world):
    v = world.nz_vehicle
    party_update(kind="vehicle", actor=world.nz_officer.user, obj=v, data={"transport_cert_no": "A1"}, version=1)
    with pytest.raises(ConflictError) as err:
        party_update(kind="vehicle", actor=world.nz_officer2.user, obj=v, data={"transport_cert_no": "B2"}, version=1)
    assert err.value.code == "party.conflict"
    v.refresh_from_db()
    assert v.transport_cert_no == "A1" and v.version == 2
    ev = AuditEvent.objects.get(event_code="vehicle.updated")
    assert ev.before == {"transport_cert_no": ""} and ev.after == {"transport_cert_no": "A1"}


@pytest.mark.django_db
def test_update_outside_jurisdiction_is_not_found(world):
    with pytest.raises(NotFound):
        party_update(kind="vehicle", actor=world.nz_officer.user, obj=world.ly_vehicle, data={"axles": 3})


@pytest.mark.django_db
def test_supervisor_and_auditor_cannot_write(world):
    for o in (world.nz_supervisor, world.nz_auditor):
        with pytest.raises(DomainError) as err:
            party_create(kind="person", actor=o.user, data={"name": "甲", "id_number": "11010519491231002X"})
        assert err.value.code == "permission.role_required"
