from django.contrib.auth import views as auth_views
from django.urls import path

from geliat.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("aktivasi/", views.activate, name="activate"),
    path("token/", views.api_token, name="api_token"),
    path("", views.user_list, name="user_list"),
    path("baru/", views.user_create, name="user_create"),
    path("impor/", views.user_import, name="user_import"),
    path("impor/contoh.csv", views.import_template, name="import_template"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/nonaktifkan/", views.user_deactivate, name="user_deactivate"),
    path("<int:pk>/aktifkan/", views.user_reactivate, name="user_reactivate"),
    path("<int:pk>/kode-baru/", views.user_reset, name="user_reset"),
]
