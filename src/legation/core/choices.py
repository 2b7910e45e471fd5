"""Choices the access rules need without the models: how restricted a record is."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


class Sensitivity(models.IntegerChoices):
    """How restricted a record is; compared with a user's clearance (higher sees more)."""

    PUBLIC = 0, _("public")
    INTERNAL = 1, _("internal")
    RESTRICTED = 2, _("restricted")


_LABELS: dict[Any, dict[Any, Any]] = {}


class ChoiceLabels:
    """A model whose get_FOO_display() reads its choices' labels from a table made once per
    field. Django's builds the table on every call, hashing each (lazy) label, which translates
    it: a list of 50 engagements spent a tenth of its time there. The labels stay lazy, so the
    language of the request still decides."""

    def _get_FIELD_display(self, field: Any) -> Any:
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = {make_hashable(v): label for v, label in field.flatchoices}
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
