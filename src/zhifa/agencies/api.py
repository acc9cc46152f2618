from datetime import date

from ninja import Router, Schema

from zhifa.agencies.selectors import agency_list
from zhifa.core.permissions import officer_of

router = Router(tags=["机构与人员"])


class AgencyOut(Schema):
    id: int
    name: str
    level: str
    kind: str
    region_code: str
    parent_id: int | None


class MeOut(Schema):
    username: str
    name: str | None
    agency: AgencyOut | None
    roles: list[str]
    licence_no: str | None
    licence_valid_to: date | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    officer = officer_of(request.user)
    return {
        "username": request.user.get_username(),
        "name": officer.name if officer else None,
        "agency": officer.agency if officer else None,
        "roles": sorted(officer.role_codes) if officer else [],
        "licence_no": officer.licence_no if officer else None,
        "licence_valid_to": officer.licence_valid_to if officer else None,
    }


@router.get("/", response=list[AgencyOut], summary="辖区内的机构")
def agencies(request):
    return list(agency_list(user=request.user))
