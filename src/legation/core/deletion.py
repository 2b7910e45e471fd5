"""Deletes that stay within what the actor may see.

Deleting a record takes along what hangs on it (an engagement's commitments, a person's notes and
places on engagements, a posting's places on engagements) and clears references to it (the person
who asked for a commitment). Some of those records may be above the actor's clearance or, through
the engagement they belong to, reveal one that is. A delete service therefore calls
`refuse_hidden_dependants(obj, actor)` first: if the delete would remove or change any record the
actor cannot see, it is refused, with a message that counts those records without naming them.
Someone cleared for them can delete the record.

The check uses Django's own deletion collector, so it sees exactly what the delete would touch, and
each model's `visible_to`, so the rule is the one every list and page applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import ngettext

from legation.core import access

__all__ = [
    "HiddenDependants",
    "hidden_dependants",
    "hidden_links",
    "hidden_protected",
    "refuse_hidden_dependants",
]


class HiddenDependants(PermissionDenied):
    """A delete would remove or change records the actor is not cleared to see."""

    def __init__(self, obj: models.Model, count: int) -> None:
        self.count = count
        message = ngettext(
            "This %(record)s has %(count)d linked record you are not cleared to see; "
            "ask someone cleared for it to delete it.",
            "This %(record)s has %(count)d linked records you are not cleared to see; "
            "ask someone cleared for them to delete it.",
            count,
        ) % {"record": obj._meta.verbose_name, "count": count}
        super().__init__(message)


def _touched(objs: Iterable[models.Model]) -> dict[type, set[Any]]:
    """Every record the delete of `objs` would remove or change, by model: primary keys."""
    objs = list(objs)
    if not objs:
        return {}
    collector = Collector(using=router.db_for_write(type(objs[0])), origin=objs[0])
    collector.collect(objs)  # raises ProtectedError as the delete would
    found: dict[type, set[Any]] = defaultdict(set)
    for model, instances in collector.data.items():
        found[model].update(i.pk for i in instances)
    for qs in collector.fast_deletes:
        found[qs.model].update(qs.values_list("pk", flat=True))
    for (_field, _value), batches in collector.field_updates.items():
        for batch in batches:
            if isinstance(batch, models.QuerySet):
                found[batch.model].update(batch.values_list("pk", flat=True))
            else:
                for instance in batch:
                    found[type(instance)].add(instance.pk)
    return found


def hidden_dependants(objs: Iterable[models.Model], actor: Any) -> int:
    """How many records deleting `objs` would remove or change that `actor` cannot see."""
    if actor is None or actor is access.SYSTEM or access.sees_all_missions(actor):
        return 0
    return _count_hidden(_touched(objs), actor)


def hidden_protected(objs: Iterable[models.Model], actor: Any) -> int:
    """How many of the records that protect `objs` from deletion `actor` cannot see (a page
    explaining why a delete is impossible must not name them either)."""
    objs = list(objs)
    if not objs or actor is None or actor is access.SYSTEM or access.sees_all_missions(actor):
        return 0
    collector = Collector(using=router.db_for_write(type(objs[0])), origin=objs[0])
    try:
        collector.collect(objs)
    except ProtectedError as exc:
        blocking = exc.protected_objects
    except RestrictedError as exc:
        blocking = exc.restricted_objects
    else:
        return 0
    found: dict[type, set[Any]] = defaultdict(set)
    for obj in blocking:
        found[type(obj)].add(obj.pk)
    return _count_hidden(found, actor)


def hidden_links(obj: models.Model, actor: Any) -> int:
    """How many records pointing at `obj` the actor cannot see (a merge would move them all)."""
    if actor is None or actor is access.SYSTEM or access.sees_all_missions(actor):
        return 0
    found: dict[type, set[Any]] = defaultdict(set)
    for rel in obj._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        if model.__name__.startswith("Historical"):
            continue
        rows = model._default_manager.filter(**{rel.field.name: obj})
        found[model].update(rows.values_list("pk", flat=True))
    return _count_hidden(found, actor)


def _count_hidden(found: dict[type, set[Any]], actor: Any) -> int:
    hidden = 0
    for model, pks in found.items():
        qs = model._default_manager.all()
        if not hasattr(qs, "visible_to") or not pks:
            continue  # vocabularies (tags): no owner, no clearance
        seen = set(qs.visible_to(actor).filter(pk__in=pks).values_list("pk", flat=True))
        hidden += len(pks - seen)
    return hidden


def refuse_hidden_dependants(obj: models.Model, actor: Any) -> None:
    """Raise HiddenDependants if deleting `obj` would touch records `actor` cannot see."""
    count = hidden_dependants([obj], actor)
    if count:
        raise HiddenDependants(obj, count)
