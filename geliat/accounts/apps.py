from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "geliat.accounts"
    label = "accounts"
