from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "geliat.wilayah"
    label = "wilayah"
