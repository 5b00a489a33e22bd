from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "geliat.dedup"
    label = "dedup"

    def ready(self):
        from geliat.dedup import receivers  # noqa: F401  (connects to registry's signal)
