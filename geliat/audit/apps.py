from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "geliat.audit"
    label = "audit"
