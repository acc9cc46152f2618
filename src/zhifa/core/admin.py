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


class AuditedAdmin(admin.ModelAdmin):
    """Reference data edited in the admin is audited like any service write, in the same transaction."""

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from zhifa.core.audit import audit_record

        with transaction.atomic():
            before = {f: form.initial.get(f) for f in form.changed_data} if change else None
            super().save_model(request, obj, form, change)
            self.after_save(obj, change)
            after = {f: form.cleaned_data.get(f) for f in form.changed_data}
            audit_record(
                actor=request.user,
                event_code=f"{obj._meta.model_name}.{'updated' if change else 'created'}_in_admin",
                obj=obj,
                before=before,
                after={k: (str(v) if hasattr(v, "pk") else v) for k, v in after.items()},
            )

    def after_save(self, obj, change):
        """Hook for derived fields (e.g. an agency's tree path)."""

    def delete_model(self, request, obj):
        from django.db import transaction

        from zhifa.core.audit import audit_record

        with transaction.atomic():
            audit_record(actor=request.user, event_code=f"{obj._meta.model_name}.deleted_in_admin", obj=obj)
            super().delete_model(request, obj)
