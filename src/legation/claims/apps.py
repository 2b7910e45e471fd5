from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "legation.checks"
    label = "checks"
