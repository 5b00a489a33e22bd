from django.urls import path

from geliat.dedup import views

app_name = "dedup"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("pasangan/<int:pk>/", views.pair_detail, name="pair"),
    path("pasangan/<int:pk>/buka/", views.pair_reveal, name="pair_reveal"),
    path("pasangan/<int:pk>/sama/", views.pair_same, name="pair_same"),
    path("pasangan/<int:pk>/berbeda/", views.pair_different, name="pair_different"),
    path("penggabungan/", views.merge_list, name="merges"),
    path("penggabungan/<int:pk>/", views.merge_detail, name="merge"),
    path("penggabungan/<int:pk>/batalkan/", views.merge_undo, name="merge_undo"),
    path("pencarian/", views.run_list, name="runs"),
    path("pencarian/<int:pk>/", views.run_detail, name="run"),
]
