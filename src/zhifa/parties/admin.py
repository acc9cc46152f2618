from django.contrib import admin

from zhifa.parties.models import CargoSource, Driver, Enterprise, Person, Vehicle


class ReadOnlyAdmin(admin.ModelAdmin):
    """Parties are written through the services (validation, jurisdiction, audit); admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "sector", "agency")
    search_fields = ("name", "uscc")


@admin.register(Vehicle)
class VehicleAdmin(ReadOnlyAdmin):
    list_display = ("plate", "plate_colour", "kind", "axles", "agency")
    search_fields = ("plate",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "agency")
    search_fields = ("name",)


admin.site.register(Driver, ReadOnlyAdmin)
admin.site.register(CargoSource, ReadOnlyAdmin)
