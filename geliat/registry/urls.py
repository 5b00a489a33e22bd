from django.urls import path

from geliat.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("daftar/", views.self_register, name="self_register"),
    path("daftar/selesai/", views.self_register_done, name="self_register_done"),
    path("cek-nik/", views.nik_check_partial, name="nik_check"),
    path("beranda/", views.home, name="home"),
    path("registri/daftar/", views.officer_register, name="officer_register"),
    path("registri/usaha/", views.business_list, name="business_list"),
    path("registri/usaha/<int:pk>/", views.business_detail, name="business_detail"),
    path("registri/usaha/<int:pk>/ubah/", views.business_edit, name="business_edit"),
    path("registri/pemilik/", views.person_list, name="person_list"),
    path("registri/pemilik/<int:pk>/", views.person_detail, name="person_detail"),
    path("registri/pemilik/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("registri/pemilik/<int:pk>/buka/", views.person_reveal, name="person_reveal"),
    path("registri/pemilik/<int:pk>/usaha/tambah/", views.business_add, name="business_add"),
    path("registri/koperasi/", views.koperasi_list, name="koperasi_list"),
    path("registri/koperasi/baru/", views.koperasi_edit, name="koperasi_create"),
    path("registri/koperasi/<int:pk>/", views.koperasi_detail, name="koperasi_detail"),
    path("registri/koperasi/<int:pk>/ubah/", views.koperasi_edit, name="koperasi_edit"),
]
