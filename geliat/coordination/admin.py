from django.contrib import admin

from geliat.coordination.models import Activity, Actor, Engagement, ReportJob, StatsRun


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "indicator", "target", "deadline")
    list_filter = ("affected_group", "theme", "indicator")
    filter_horizontal = ("agencies", "programmes")


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ("name", "helix", "active")
    list_filter = ("helix", "active")
    search_fields = ("name",)


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ("activity", "agency", "actor", "region")
    list_select_related = ("activity", "agency", "actor", "region")
    raw_id_fields = ("region",)


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("month", "agency", "status", "created_at")


@admin.register(StatsRun)
class StatsRunAdmin(admin.ModelAdmin):
    list_display = ("requested_at", "status", "seconds", "rows")

