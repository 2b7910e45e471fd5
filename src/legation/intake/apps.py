from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "legation.intake"
    label = "intake"
