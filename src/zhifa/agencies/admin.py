from django.contrib import admin

from zhifa.agencies.models import Agency, Officer, OfficerRole


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "kind", "region_code", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "region_code")
    readonly_fields = ("path",)


class OfficerRoleInline(admin.TabularInline):
    model = OfficerRole
    extra = 0


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "licence_no", "licence_valid_to")
    list_filter = ("agency",)
    search_fields = ("name", "licence_no", "user__username")
    inlines = [OfficerRoleInline]
