from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "geliat.programmes"
    label = "programmes"
