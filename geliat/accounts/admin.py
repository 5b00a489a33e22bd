from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from geliat.accounts.models import Agency, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code"]
    search_fields = ["name", "short_name", "code"]
    prepopulated_fields = {"code": ["short_name"]}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "region", "agency", "can_manage_accounts", "is_active"]
    list_filter = ["role", "region__level", "can_manage_accounts", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "region__name"]
    list_select_related = ["region", "agency"]
    # Regions run to thousands once RTs exist: pick by code, not from a drop-down.
    raw_id_fields = ["region", "agency", "created_by"]
    readonly_fields = ["activation_expires", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Data diri"), {"fields": ["full_name", "phone", "email"]}),
        (_("Tugas"), {"fields": ["role", "region", "agency", "can_manage_accounts", "created_by"]}),
        (_("Hak akses"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Waktu"), {"fields": ["activation_expires", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "role", "region", "agency", "password1", "password2"]}),
    ]
