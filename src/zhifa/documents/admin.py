"""Admin: the agencies' document settings are edited here; documents, bundles and ratings are shown
read-only (they are written only by the services, and an issued document never changes)."""

from django.contrib import admin

from zhifa.documents.models import Document, DocumentBundle, DocumentProfile, Rating


@admin.register(DocumentProfile)
class DocumentProfileAdmin(admin.ModelAdmin):
    list_display = ("agency", "review_body", "court", "bank_name", "updated_at")
    search_fields = ("agency__name", "review_body", "court")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ("number", "title", "status", "issue_date", "agency", "issued_at")
    list_filter = ("status", "document_type")
    search_fields = ("number", "case__number", "case__party_name")
    exclude = ("context",)


@admin.register(DocumentBundle)
class DocumentBundleAdmin(ReadOnly):
    list_display = ("id", "case", "status", "issued_at")


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ("document", "score", "agency", "created_at")
    list_filter = ("score",)
    exclude = ("client_hash",)
