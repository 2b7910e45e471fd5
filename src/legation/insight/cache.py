"""Figures kept for a while: keyed by who asks, for what date, and the state of the ledger.

A figure is computed from what the user may see, so the key holds the user, their clearance and
their missions (and the language: reasons are written in words). It also holds the ledger's version: the last history row of every table the
figures read. Every write (service, import, merge, restore, even a raw bulk load) adds history
rows, so a cached figure is never older than the ledger; it is only ever a copy of the answer
the same query would give now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Max
from django.utils import translation

from legation.core import access

T = TypeVar("T")
TIMEOUT = 60 * 60


def _tracked() -> list[Any]:
    from legation.engagements.models import (
        Commitment,
        Engagement,
        EngagementOrganisation,
        EngagementParticipant,
        EngagementStaff,
        Posting,
    )
    from legation.people.models import Organisation, Person

    return [
        Engagement,
        EngagementParticipant,
        EngagementStaff,
        EngagementOrganisation,
        Commitment,
        Person,
        Organisation,
        Posting,
    ]


def ledger_version() -> str:
    """The last history id of every table the figures read (one index lookup each)."""
    parts = []
    for model in _tracked():
        parts.append(str(model.history.model.objects.aggregate(m=Max("history_id"))["m"] or 0))
    return ".".join(parts)


def key(name: str, user: Any, *parts: Any) -> str:
    missions = "all" if access.sees_all_missions(user) else sorted(access.mission_ids(user))
    language = translation.get_language()
    raw = repr((name, user.pk, access.clearance(user), missions, language, parts, ledger_version()))
    return "legation:figure:" + hashlib.sha256(raw.encode()).hexdigest()


def remembered(name: str, user: Any, parts: tuple, compute: Callable[[], T]) -> T:
    """The figure from the cache when the ledger has not changed since, else computed and kept."""
    k = key(name, user, *parts)
    found = cache.get(k)
    if found is None:
        found = compute()
        cache.set(k, found, TIMEOUT)
    return found
