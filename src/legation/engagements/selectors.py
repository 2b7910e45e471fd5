"""Reads of missions and postings, always through visible_to(user)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone

from legation.engagements.models import Mission, Posting
from legation.people.models import Person


class NotFound(ObjectDoesNotExist):
    pass


def _by_key(queryset: Any, value: str, what: str, email_path: str | None = None) -> Any:
    value = value.strip()
    query = Q(ref=value)
    if value.isdigit():
        query |= Q(pk=int(value))
    if email_path and "@" in value:
        query |= Q(**{f"{email_path}__iexact": value})
    found = list(queryset.filter(query).distinct()[:2])
    if not found:
        raise NotFound(f"No {what} {value!r} (give an id, a ref or an email).")
    if len(found) > 1:
        raise NotFound(f"{value!r} names more than one {what}; give its id or ref.")
    return found[0]


def find_person(value: str, user: Any) -> Person:
    return _by_key(Person.objects.visible_to(user), value, "person", "emails__email")


def find_posting(value: str, user: Any) -> Posting:
    return _by_key(
        Posting.objects.visible_to(user).select_related("person", "mission"),
        value,
        "posting",
        "person__emails__email",
    )


def find_mission(value: str, user: Any) -> Mission:
    return _by_key(Mission.objects.visible_to(user), value, "mission")


def default_posting(user: Any) -> Posting | None:
    """The user's own current posting, else the current head of mission of their only mission."""
    today = timezone.localdate()
    postings = Posting.objects.visible_to(user).select_related("person", "mission")
    if getattr(user, "is_authenticated", False):
        own = postings.filter(user=user).in_force(today).first()
        if own:
            return own
    heads = postings.filter(role=Posting.Role.HEAD).order_by("-arrival")
    current = heads.in_force(today)
    if current.values("mission").distinct().count() == 1:
        return current.first()
    if not current.exists() and heads.values("mission").distinct().count() == 1:
        return heads.first()
    return None
