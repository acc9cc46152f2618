"""Admin for the off-site reference data (stations, devices, certificates: audited like service writes)
and read-only views of import runs, passages, quarantined rows and events (written only by the services)."""

from django.contrib import admin

from zhifa.core.admin import AuditedAdmin
from zhifa.offsite.models import (
    Calibration,
    Device,
    ImportRun,
    OverloadEvent,
    Passage,
    QuarantinedRow,
    ReportTask,
    Station,
    StationDay,
)


class DeviceInline(admin.TabularInline):
    model = Device
    extra = 0
    fields = ("serial", "manufacturer", "model", "lanes", "installed_on", "active")
    show_change_link = True


class CalibrationInline(admin.TabularInline):
    """Read-only: a certificate changes which stored passages are evidence, so it is added and revoked on
    the station page through the services (services/evidence.py), never edited here."""

    model = Calibration
    extra = 0
    fields = ("certificate_no", "issuer", "valid_from", "valid_to", "accuracy_class", "revoked_at", "revoked_reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Station)
class StationAdmin(AuditedAdmin):
    list_display = ("code", "name", "agency", "road", "stake", "region_code", "published_on", "active")
    list_filter = ("active", "agency")
    search_fields = ("code", "name", "road")
    readonly_fields = ("push_token_hash", "push_token_issued_at", "version")
    inlines = [DeviceInline]


@admin.register(Device)
class DeviceAdmin(AuditedAdmin):
    list_display = ("serial", "station", "manufacturer", "model", "installed_on", "active")
    search_fields = ("serial", "station__code")
    list_select_related = ("station",)
    inlines = [CalibrationInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Calibration)
class CalibrationAdmin(ReadOnlyAdmin):
    """Read-only (see CalibrationInline): 登记 and 撤销 on the station page."""

    list_display = ("certificate_no", "device", "issuer", "valid_from", "valid_to", "accuracy_class", "revoked_at")
    search_fields = ("certificate_no", "device__serial")
    list_select_related = ("device__station",)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "source", "filename", "status", "read", "accepted", "quarantined", "duplicates")
    list_filter = ("status", "source")


@admin.register(Passage)
class PassageAdmin(ReadOnlyAdmin):
    list_display = ("record_id", "station", "passed_at", "plate", "axles", "gross_kg", "over_kg", "evidence_usable")
    search_fields = ("record_id", "plate")
    list_select_related = ("station",)
    show_full_result_count = False


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(ReadOnlyAdmin):
    list_display = ("import_run", "row_number", "reason", "detail")
    list_filter = ("reason",)


@admin.register(OverloadEvent)
class OverloadEventAdmin(ReadOnlyAdmin):
    list_display = ("event_key", "plate", "station", "first_passed_at", "over_kg", "outcome", "status")
    list_filter = ("status", "outcome")
    search_fields = ("event_key", "plate")
    list_select_related = ("station",)


@admin.register(StationDay)
class StationDayAdmin(ReadOnlyAdmin):
    list_display = ("station", "day", "passages", "over_limit", "unusable")


@admin.register(ReportTask)
class ReportTaskAdmin(ReadOnlyAdmin):
    list_display = ("event", "recipient", "due_on", "status", "sent_on")
