from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "geliat.accounts"
    label = "accounts"

    def ready(self):
        from geliat.accounts import signals  # noqa: F401  (connects the login audit)
