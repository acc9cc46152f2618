from django.contrib import admin

from zhifa.core.models import AuditEvent, CalendarDay, CalendarYear, Job


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited."""

    list_display = ("seq", "created_at", "actor_label", "event_code", "object_repr", "request_id")
    list_filter = ("event_code",)
    search_fields = ("object_repr", "actor_label", "request_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Entered through the calendar page (service with audit); shown here read-only."""

    list_display = ("year", "source", "created_at")
    inlines = [CalendarDayInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "done", "total", "created_at")
    readonly_fields = [f.name for f in Job._meta.fields]
