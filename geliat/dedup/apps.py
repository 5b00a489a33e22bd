from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "geliat.dedup"
    label = "dedup"
