from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "geliat.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"
