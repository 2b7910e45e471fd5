"""Reads of missions and postings, always through visible_to(user)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from legation.core.refs import by_key as _by_key
from legation.engagements.models import Posting
from legation.people.models import Person


def find_person(value: str, user: Any, *, mission: Any = None) -> Person:
    return _by_key(Person.objects.visible_to(user), value, "person", "emails__email", mission)


def find_posting(value: str, user: Any, *, mission: Any = None) -> Posting:
    return _by_key(
        Posting.objects.visible_to(user).labelled(),
        value,
        "posting",
        "person__emails__email",
        mission,
    )


def default_posting(user: Any, mission: Any = None) -> Posting | None:
    """The user's own current posting, else the current head of mission (or chargé d'affaires
    a.i.) of their only mission. With ``mission`` (the recipients' mission), only a posting of
    that mission: the user's own there, else its head of mission or chargé."""
    today = timezone.localdate()
    postings = Posting.objects.visible_to(user).labelled()
    if mission is not None:
        postings = postings.filter(mission=mission)
    if getattr(user, "is_authenticated", False):
        own = postings.filter(user=user).in_force(today).first()
        if own:
            return own
    # A chargé d'affaires a.i. heads the mission while there is no ambassador.
    heads = postings.filter(role__in=[Posting.Role.HEAD, Posting.Role.CHARGE]).order_by("-arrival")
    current = heads.in_force(today)
    if current.values("mission").distinct().count() == 1:
        return current.first()
    if not current.exists() and heads.values("mission").distinct().count() == 1:
        return heads.first()
    return None
