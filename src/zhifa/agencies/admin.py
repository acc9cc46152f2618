from django.contrib import admin

from zhifa.agencies.models import Agency, Officer, OfficerRole
from zhifa.core.admin import AuditedAdmin


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("name", "level", "kind", "region_code", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "region_code")
    readonly_fields = ("path",)

    def after_save(self, obj, change):
        path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        if obj.path != path:
            old = obj.path
            obj.path = path
            obj.save(update_fields=["path"])
            if change and old and old != "pending":  # moved in the tree: move the subtree too
                for child in Agency.objects.filter(path__startswith=old).exclude(pk=obj.pk):
                    child.path = path + child.path[len(old) :]
                    child.save(update_fields=["path"])

    def has_delete_permission(self, request, obj=None):
        return False  # agencies are referenced by cases and audit rows; never deleted


class OfficerRoleInline(admin.TabularInline):
    model = OfficerRole
    extra = 0


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin):
    list_display = ("name", "agency", "licence_no", "licence_valid_to")
    list_filter = ("agency",)
    search_fields = ("name", "licence_no", "user__username")
    inlines = [OfficerRoleInline]
