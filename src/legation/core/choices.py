"""Choices the access rules need without the models: how restricted a record is."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sensitivity(models.IntegerChoices):
    """How restricted a record is; compared with a user's clearance (higher sees more)."""

    PUBLIC = 0, _("public")
    INTERNAL = 1, _("internal")
    RESTRICTED = 2, _("restricted")
