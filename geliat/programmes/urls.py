from django.urls import path

from geliat.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("baru/", views.programme_create, name="create"),
    path("usulan/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/tetapkan/", views.proposal_confirm, name="proposal_confirm"),
    path("usulan/baris/<int:pk>/tolak/", views.proposal_row_refuse, name="proposal_row_refuse"),
    path("penerima/", views.enrolment_list, name="enrolment_list"),
    path("penerima/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("penerima/<int:pk>/salurkan/", views.delivery_create, name="delivery_create"),
    path("penerima/<int:pk>/batalkan/", views.enrolment_cancel, name="enrolment_cancel"),
    path("daftar-luar/", views.outside_list_list, name="outside_list_list"),
    path("daftar-luar/unggah/", views.outside_list_create, name="outside_list_create"),
    path("daftar-luar/<int:pk>/", views.outside_list_detail, name="outside_list_detail"),
    path("belum-terjangkau/", views.gaps, name="gaps"),
    path("belum-terjangkau/unduh.<str:fmt>", views.gaps_export, name="gaps_export"),
    path("usaha/<int:pk>/", views.business_programmes, name="business_programmes"),
    path("usaha/<int:business_pk>/pendampingan/baru/", views.assistance_create, name="assistance_create"),
    path("pendampingan/", views.assistance_list, name="assistance_list"),
    path("pendampingan/<int:pk>/", views.assistance_detail, name="assistance_detail"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/ubah/", views.programme_edit, name="edit"),
    path("<slug:code>/usulan/", views.proposal_create, name="proposal_create"),
]
