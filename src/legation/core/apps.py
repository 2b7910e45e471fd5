from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "legation.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from legation.core import audit, signals  # noqa: F401  (connects receivers)
        from legation.core.dates import bound_every_form_date

        bound_every_form_date()
