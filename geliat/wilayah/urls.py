from django.urls import path

app_name = "wilayah"
urlpatterns: list = []
