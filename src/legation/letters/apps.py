from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "legation.letters"
    label = "letters"
