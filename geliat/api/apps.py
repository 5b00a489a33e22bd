from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "geliat.api"
    label = "api"
