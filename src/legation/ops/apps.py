from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """The operator's commands (init, demo, serve, stats, createuser, user, undelete): on top of
    every other app, so that core stays a base layer that imports none of them."""

    name = "legation.ops"
    label = "ops"
    verbose_name = _("Operations")
