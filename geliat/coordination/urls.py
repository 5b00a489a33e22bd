from django.urls import path

from geliat.coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("peta/", views.map_view, name="map"),
    path("matriks/", views.matrix, name="matrix"),
    path("matriks/muat/", views.matrix_seed, name="matrix_seed"),
    path("matriks/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("matriks/<int:pk>/ubah/", views.activity_edit, name="activity_edit"),
    path("3w/", views.three_w, name="three_w"),
    path("3w/unduh.csv", views.three_w_export, {"fmt": "csv"}, name="three_w_csv"),
    path("3w/unduh.xlsx", views.three_w_export, {"fmt": "xlsx"}, name="three_w_xlsx"),
    path("3w/tambah/", views.engagement_create, name="engagement_create"),
    path("3w/<int:pk>/ubah/", views.engagement_edit, name="engagement_edit"),
    path("3w/<int:pk>/hapus/", views.engagement_delete, name="engagement_delete"),
    path("opd/", views.agency_list, name="agency_list"),
    path("opd/<slug:code>/", views.agency_detail, name="agency_detail"),
    path("pentahelix/", views.actor_list, name="actor_list"),
    path("pentahelix/tambah/", views.actor_create, name="actor_create"),
    path("pentahelix/<int:pk>/", views.actor_detail, name="actor_detail"),
    path("pentahelix/<int:pk>/ubah/", views.actor_edit, name="actor_edit"),
    path("pentahelix/<int:pk>/hapus/", views.actor_delete, name="actor_delete"),
    path("pentahelix/<int:pk>/kontak/", views.actor_reveal, name="actor_reveal"),
    path("laporan/", views.report_list, name="report_list"),
    path("laporan/<uuid:pk>/", views.report_detail, name="report_detail"),
    path("laporan/<uuid:pk>/laporan.pdf", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("laporan/<uuid:pk>/laporan.xlsx", views.report_download, {"fmt": "xlsx"}, name="report_xlsx"),
    path("perbarui/", views.stats_refresh, name="stats_refresh"),
    path("data-terbuka/", views.open_data, name="open_data"),
    path("data-terbuka/<slug:table>.csv", views.open_data_csv, name="open_data_csv"),
]
