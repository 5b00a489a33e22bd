from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "geliat.registry"
    label = "registry"
