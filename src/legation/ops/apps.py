from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The operator's commands (init, demo, serve, stats, createuser, user, undelete): on top of
    every other app, so that core stays a base layer that imports none of them."""

    name = "legation.ops"
    label = "ops"
    verbose_name = "Operations"
