from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "legation.claims"
    label = "claims"
