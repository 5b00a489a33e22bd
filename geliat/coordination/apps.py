from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "geliat.coordination"
    label = "coordination"
