from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "geliat.core"
    label = "core"
