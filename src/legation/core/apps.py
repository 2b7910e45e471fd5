from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "legation.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from legation.core import audit, signals  # noqa: F401  (connects receivers)
        from legation.core.dates import bound_every_form_date
        from legation.core.db import lists  # noqa: F401  (registers the in_list lookup)

        bound_every_form_date()
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="legation-cache-table")


def _create_cache_table(sender: Any, using: str = "default", verbosity: int = 1, **kw: Any) -> None:
    """The database cache's table (LEGATION_CACHE_URL=db://), made by every migrate (and so by
    `legation init`); nothing to do for any other cache."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
