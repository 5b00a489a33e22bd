"""Officers' pages under ``verifikasi/`` and the registrant's public ``status/`` page.

Included at the site root so that both share the ``verification`` namespace.
"""

from django.urls import include, path

from geliat.verification import views

app_name = "verification"

officer_patterns = [
    path("", views.queue, name="queue"),
    path("setujui-massal/", views.bulk_approve, name="bulk_approve"),
    path("aturan/", views.rules, name="rules"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/setujui/", views.decide, {"action": "approve"}, name="approve"),
    path("<int:pk>/tolak/", views.decide, {"action": "reject"}, name="reject"),
    path("<int:pk>/kembalikan/", views.decide, {"action": "return"}, name="return"),
    path("<int:pk>/kirim-ke-bawah/", views.decide, {"action": "send_back"}, name="send_back"),
    path("<int:pk>/kunjungan/", views.visit_add, name="visit_add"),
    path("kunjungan/<int:pk>/foto/", views.visit_photo, name="visit_photo"),
]

urlpatterns = [
    path("verifikasi/", include(officer_patterns)),
    path("status/", views.status, name="status"),
]
