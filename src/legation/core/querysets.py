"""Permission-aware querysets: the one way in for reads."""

from __future__ import annotations

from typing import Any

from django.db import models

from legation.core import access


class VisibleQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see.

    Subclasses set `mission_path` (the lookup to the owning mission's id) and `sensitivity_paths`
    (lookups whose sensitivity must not exceed the user's clearance).
    """

    mission_path: str = "mission_id"
    sensitivity_paths: tuple[str, ...] = ()

    def visible_to(self, user: Any) -> VisibleQuerySet:
        level = access.clearance(user)
        if level < 0:
            return self.none()
        qs = self
        if not access.sees_all_missions(user):
            ids = access.mission_ids(user)
            if not ids:
                return self.none()
            qs = qs.filter(**{f"{self.mission_path}__in": ids})
        for path in self.sensitivity_paths:
            if level < max(access.Sensitivity.values):
                qs = qs.filter(**{f"{path}__lte": level})
        return qs
