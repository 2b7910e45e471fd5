from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "legation.engagements"
    label = "engagements"
    verbose_name = _("Missions and engagements")
