from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "geliat.exports"
    label = "exports"
