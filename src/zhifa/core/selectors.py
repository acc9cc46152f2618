from django.db.models import Q, QuerySet

from zhifa.agencies.choices import Role
from zhifa.core.models import AuditEvent, Job
from zhifa.core.permissions import require_role, visible_agency_ids


def audit_event_list(*, user, object_type: str = "", object_id: str = "") -> QuerySet[AuditEvent]:
    """Auditors and supervisors read the trail of their jurisdiction; nobody audits themself."""
    require_role(user, Role.AUDITOR, Role.SUPERVISOR, Role.HEAD)
    qs = AuditEvent.objects.filter(agency_id__in=visible_agency_ids(user))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    return qs.order_by("-seq")


def job_get(*, user, job_id) -> Job | None:
    return Job.objects.filter(pk=job_id).filter(Q(created_by=user) | Q(agency_id__in=visible_agency_ids(user))).first()
