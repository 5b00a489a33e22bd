from django.urls import path

from geliat.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/kolom/", views.job_mapping, name="mapping"),
    path("<uuid:pk>/batal/", views.job_cancel, name="cancel"),
    path("<uuid:pk>/jalankan-lagi/", views.job_rerun, name="rerun"),
    path("<uuid:pk>/laporan.csv", views.job_report, {"kind": "csv"}, name="report_csv"),
    path("<uuid:pk>/laporan.xlsx", views.job_report, {"kind": "xlsx"}, name="report_xlsx"),
]
