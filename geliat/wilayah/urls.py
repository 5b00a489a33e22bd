from django.urls import path

from geliat.wilayah import views

app_name = "wilayah"
urlpatterns = [
    path("pilih/", views.children, name="children"),
    path("cari/", views.search, name="search"),
    path("pemilih/", views.picker, name="picker"),
]
