from django.urls import path, re_path

from geliat.exports import views

app_name = "exports"
urlpatterns = [
    re_path(r"^(?P<kind>[a-z]+)\.(?P<fmt>csv|xlsx)$", views.download, name="download"),
    path("<slug:kind>/", views.start, name="start"),
]
