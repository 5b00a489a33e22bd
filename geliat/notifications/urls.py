from django.urls import path

from geliat.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("baca/", views.notifications_mark_read, name="mark_read"),
    path("jumlah/", views.unread_badge, name="badge"),
]
