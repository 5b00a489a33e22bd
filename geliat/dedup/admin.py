from django.contrib import admin

from geliat.dedup.models import CandidatePair, DedupRun, Merge


class _ReadOnly(admin.ModelAdmin):
    """Read-only: pairs, merges and runs change only through the dedup services (audited)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CandidatePair)
class CandidatePairAdmin(_ReadOnly):
    list_display = ["left", "right", "probability", "source", "status", "found_at", "decided_by"]
    list_filter = ["status", "source"]
    raw_id_fields = ["left", "right", "run", "merge", "origin_merge", "decided_by"]


@admin.register(Merge)
class MergeAdmin(_ReadOnly):
    list_display = ["absorbed", "survivor", "merged_by_label", "merged_at", "automatic", "reversed_at"]
    list_filter = ["automatic"]
    raw_id_fields = ["survivor", "absorbed", "pair", "merged_by", "reversed_by"]


@admin.register(DedupRun)
class DedupRunAdmin(_ReadOnly):
    list_display = ["created_at", "region_code", "mode", "backend", "threshold", "status", "records", "pairs_new"]
    list_filter = ["status", "mode", "backend"]
