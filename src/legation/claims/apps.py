from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "legation.claims"
    label = "claims"
