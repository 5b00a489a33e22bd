from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "geliat.demo"
    label = "demo"
