"""The shared frame of every write: permission, one transaction, one audited operation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from legation.core import access
from legation.core.audit import audit


@contextmanager
def writing(
    actor: Any, *perms: str, description: str = "", source: str = "command"
) -> Iterator[None]:
    """Check the actor's permissions, then open one audited transaction.

    `source` applies only when no outer context exists (the web middleware and the commands
    open one with their own source).
    """
    for perm in perms:
        access.require(actor, perm)
    with (
        audit(
            actor=None if actor is access.SYSTEM else actor,
            source=source,
            description=description,
        ),
        transaction.atomic(),
    ):
        yield


def apply_fields(
    instance: models.Model, fields: dict[str, Any], allowed: Iterable[str]
) -> list[str]:
    """Set the given fields; refuse unknown names with a clear error. Returns what changed."""
    allowed = set(allowed)
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def visible_or_404(queryset: models.QuerySet, user: Any, pk: Any) -> models.Model:
    """Look a record up through visible_to: an invisible record is 'not found', never 'denied'."""
    from django.http import Http404

    obj = queryset.visible_to(user).filter(pk=pk).first()
    if obj is None:
        raise Http404(f"No {queryset.model._meta.verbose_name} with id {pk}.")
    return obj


def require_visible(
    queryset: models.QuerySet, user: Any, objs: Iterable[models.Model], field: str
) -> None:
    """Refuse to link records the actor cannot see (they would leak through the link)."""
    ids = {o.pk for o in objs}
    if not ids:
        return
    seen = set(queryset.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    if seen != ids:
        raise ValidationError({field: "Unknown record: you can only link records you can see."})
