from datetime import datetime

from ninja import Router, Schema

from zhifa.core.selectors import audit_event_list

router = Router(tags=["审计"])


class AuditEventOut(Schema):
    seq: int
    created_at: datetime
    actor_label: str
    event_code: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | list | None
    after: dict | list | None
    request_id: str
    reason: str
    hash: str


@router.get("/events", response=list[AuditEventOut], summary="审计记录（审计管理员、监督人员、负责人）")
def events(request, object_type: str = "", object_id: str = "", limit: int = 100):
    return list(audit_event_list(user=request.user, object_type=object_type, object_id=object_id)[: min(limit, 500)])
