from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "geliat.imports"
    label = "imports"
