from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "geliat.verification"
    label = "verification"

    def ready(self):
        from geliat.verification import receivers  # noqa: F401  (connects to registry's signal)
