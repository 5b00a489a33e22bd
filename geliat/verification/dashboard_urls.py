from django.urls import path

from geliat.verification import dashboard

app_name = "verification_dashboard"
urlpatterns = [
    path("", dashboard.backlog, name="backlog"),
]
