from django.db.models import QuerySet

from zhifa.agencies.models import Agency, Officer
from zhifa.core.permissions import scope


def agency_list(*, user) -> QuerySet[Agency]:
    return scope(Agency.objects.all(), user, field="id").select_related("parent")


def officer_list(*, user) -> QuerySet[Officer]:
    return scope(Officer.objects.all(), user).select_related("agency", "user").prefetch_related("role_links")
