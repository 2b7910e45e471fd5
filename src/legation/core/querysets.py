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
    #: The same rule for a version of a record (`core.audit.HistoryVisibility`), when the live
    #: rule reads copies a version does not keep (None: the live paths).
    history_mission_path: str | None = None
    history_sensitivity_paths: tuple[str, ...] | None = None

    @classmethod
    def history_rule(cls) -> tuple[str, tuple[str, ...]]:
        """(mission path, sensitivity paths) by which a version of a record is judged."""
        sensitivity = cls.history_sensitivity_paths
        return (
            cls.history_mission_path or cls.mission_path,
            cls.sensitivity_paths if sensitivity is None else sensitivity,
        )

    def visible_to(self, user: Any) -> VisibleQuerySet:
        qs = self.cleared_for(user, self.sensitivity_paths)
        if access.sees_all_missions(user):
            return qs
        ids = access.mission_ids(user)
        if not ids:
            return self.none()
        return qs.filter(**{f"{self.mission_path}__in": ids})

    def cleared_for(self, user: Any, paths: tuple[str, ...]) -> VisibleQuerySet:
        """The clearance half of `visible_to`: nothing without clearance, else only rows whose
        sensitivity at each of `paths` is within the user's."""
        level = access.clearance(user)
        if level < 0:
            return self.none()
        qs = self
        if level < max(access.Sensitivity.values):
            for path in paths:
                qs = qs.filter(**{f"{path}__lte": level})
        return qs
