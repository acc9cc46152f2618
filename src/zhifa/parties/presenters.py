"""How a party is shown to a given user: personal data masked outside the case team."""

from __future__ import annotations

from typing import Any


def present(kind: str, obj, user) -> dict[str, Any]:
    base = {"id": obj.pk, "kind": kind, "agency": obj.agency.name, "version": obj.version}
    if kind == "enterprise":
        base.update(
            name=obj.name,
            uscc=obj.uscc,
            legal_representative=obj.legal_representative,
            address=obj.address,
            phone=obj.phone,
            sector=obj.sector,
            sector_label=obj.get_sector_display(),
            business_licence_no=obj.business_licence_no,
            uscc_override=bool(obj.uscc_override_reason),
        )
    elif kind == "person":
        base.update(name=obj.name, id_number=obj.id_number_masked, phone=obj.phone_masked, masked=True)
    elif kind == "vehicle":
        owner = obj.owner
        base.update(
            plate=obj.plate,
            plate_colour=obj.plate_colour,
            plate_colour_label=obj.get_plate_colour_display(),
            kind_code=obj.kind,
            kind_label=obj.get_kind_display(),
            axles=obj.axles,
            single_drive_axle=obj.single_drive_axle,
            transport_cert_no=obj.transport_cert_no,
            owner=str(owner) if owner else None,
            owner_enterprise=obj.owner_enterprise_id,
            owner_person=obj.owner_person_id,
        )
    elif kind == "driver":
        base.update(
            name=obj.person.name,
            person=obj.person_id,
            qualification_no=obj.qualification_no,
            employer=obj.employer.name if obj.employer else None,
            employer_id=obj.employer_id,
        )
    elif kind == "cargo_source":
        base.update(
            site_name=obj.site_name,
            enterprise=obj.enterprise.name,
            enterprise_id=obj.enterprise_id,
            address=obj.address,
            cargo_types=obj.cargo_types,
            has_weighing_equipment=obj.has_weighing_equipment,
        )
    return base
