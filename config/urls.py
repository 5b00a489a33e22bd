from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from geliat.core.views import healthz

urlpatterns = [
    path("", include("geliat.registry.urls")),
    # The officers' pages (verifikasi/…) and the public status page (status/).
    path("", include("geliat.verification.urls")),
    path("akun/", include("geliat.accounts.urls")),
    path("wilayah/", include("geliat.wilayah.urls")),
    path("api/", include("geliat.api.urls")),
    path("verifikasi/rekap/", include("geliat.verification.dashboard_urls")),
    path("notifikasi/", include("geliat.notifications.urls")),
    path("ekspor/", include("geliat.exports.urls")),
    path("impor/", include("geliat.imports.urls")),
    path("duplikat/", include("geliat.dedup.urls")),
    path("program/", include("geliat.programmes.urls")),
    path("koordinasi/", include("geliat.coordination.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
