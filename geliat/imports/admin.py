from django.contrib import admin

from geliat.imports.models import ExternalRecord, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs change only through the import services."""

    list_display = ["source_name", "created_by", "created_at", "status", "dry_run", "processed", "rejected"]
    list_filter = ["status", "dry_run"]
    search_fields = ["source_name", "created_by__username", "region_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExternalRecord)
class ExternalRecordAdmin(admin.ModelAdmin):
    list_display = ["external_id", "business", "created_at"]
    search_fields = ["external_id"]
    raw_id_fields = ["business"]

    def has_change_permission(self, request, obj=None):
        return False
