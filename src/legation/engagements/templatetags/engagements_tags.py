"""`{% load engagements_tags %}`: what the engagements app shows on the pages of the apps below it.

People sit below engagements (an engagement names its people), so a person's page cannot import
the engagements' models; the engagements app provides its card instead.
"""

from __future__ import annotations

from typing import Any

from django import template

from legation.engagements.models import Commitment
from legation.people.models import Person

register = template.Library()


@register.inclusion_tag("engagements/_person_commitments.html", takes_context=True)
def person_commitments(context: template.Context, person: Person) -> dict[str, Any]:
    """The open commitments card of a person's page: those of the engagements the person took
    part in, and those the person asked for, that the user may see."""
    commitments = (
        Commitment.objects.visible_to(context["request"].user)
        .concerning(person)
        .filter(status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS])
        .select_related("owner__person")
        .order_by("due")
    )
    return {"commitments": commitments}
