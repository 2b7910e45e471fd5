"""References (`ref`) are unique per mission, and a clash says nothing about who holds the ref.

Every model with a `ref` and a mission (people, organisations, postings, engagements) declares
`ref_per_mission(...)` as its constraint. Services call `check_ref` before saving: a ref held by
another record of the same mission is refused with `REF_TAKEN`, the same words whether that
record is one the user may see or not (an engagement above their clearance), so the message never
confirms that an invisible record exists. A ref held in another mission is no clash at all.

Lookups by ref (commands, imports) go through `one_by_ref`: among the records a user may see, in
one mission when one is named; a ref found in several of the user's missions asks for
`--mission`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REF_TAKEN = _("This ref is already taken; choose another.")
"""The one wording of every ref clash: forms, services, imports, commands."""


class Ambiguous(ObjectDoesNotExist):
    """A ref found in several of the user's missions, with none named."""


def ref_per_mission(model_name: str) -> models.UniqueConstraint:
    """The unique constraint of a model's refs: (mission, ref), with the one wording."""
    return models.UniqueConstraint(
        fields=["mission", "ref"],
        name=f"{model_name}_ref_per_mission",
        violation_error_message=REF_TAKEN,
        violation_error_code="ref_taken",
    )


def ref_taken(field: str = "ref") -> ValidationError:
    return ValidationError({field: ValidationError(REF_TAKEN, code="ref_taken")})


def check_ref(instance: models.Model, field: str = "ref") -> None:
    """Refuse a ref another record of the instance's mission holds (visible or not).

    Reads the whole table, not `visible_to`: the database would refuse the row anyway, and the
    answer is the same words whoever holds the ref.
    """
    ref = getattr(instance, "ref", None)
    if not ref:
        return
    others = type(instance)._base_manager.filter(mission_id=instance.mission_id, ref=ref)
    if instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise ref_taken(field)


def in_mission(queryset: models.QuerySet, mission: Any) -> models.QuerySet:
    """Narrow a queryset to one mission (a Mission, its id, or None for no narrowing)."""
    if mission is None:
        return queryset
    path = getattr(queryset, "mission_path", "mission_id")
    return queryset.filter(**{path: getattr(mission, "pk", mission)})


def one_of(found: list[Any], value: str, what: str) -> Any:
    """The one record a key names, or a clear error: none, several in one mission, or several
    missions (then `--mission REF` chooses)."""
    if not found:
        raise ObjectDoesNotExist(f"No {what} {value!r} (give an id, a ref or an email).")
    if len(found) == 1:
        return found[0]
    missions = {getattr(o, "mission_id", None) for o in found}
    if len(missions) > 1 and None not in missions:
        from legation.core.models import Mission

        refs = sorted(Mission.objects.filter(pk__in=missions).values_list("ref", flat=True))
        raise Ambiguous(
            f"{value!r} names a {what} in each of your missions {', '.join(refs)}: "
            "choose one with --mission REF."
        )
    raise ObjectDoesNotExist(f"{value!r} names more than one {what}; give its id or ref.")


class NotFound(ObjectDoesNotExist):
    """No record, or no one record, that a key names (commands, imports)."""


def by_key(
    queryset: Any, value: str, what: str, email_path: str | None = None, mission: Any = None
) -> Any:
    """The one record an id, ref or email names among those the queryset holds (already
    narrowed to what the user sees). Refs are unique per mission: with `mission` only that
    mission's records count; without, a ref found in several missions asks for one."""
    value = value.strip()
    query = Q(ref=value)
    if value.isdigit():
        query |= Q(pk=int(value))
    if email_path and "@" in value:
        query |= Q(**{f"{email_path}__iexact": value})
    found = list(in_mission(queryset, mission).filter(query).distinct()[:10])
    try:
        return one_of(found, value, what)
    except ObjectDoesNotExist as exc:
        raise NotFound(str(exc)) from None
