"""Figures derived from the ledger, computed in one place for pages, reports, letters and the API.

Nothing here is stored: every figure is a query over what the given user may see, so a reader
without clearance for restricted engagements gets figures that do not count them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from legation.core.models import Sector
from legation.engagements.models import IN_PERSON_KINDS, Engagement, Posting


class RegionVisit(TypedDict):
    code: str
    name_en: str
    name_zh: str
    is_state: bool
    visits: int
    first: str
    last: str


class PostingFigures(TypedDict):
    posting: str | None
    person: str
    mission: str
    role: str
    arrival: str
    departure: str | None
    as_of: str
    days_in_post: int
    engagements: int
    engagements_by_kind: dict[str, int]
    people_met: int
    organisations_met: int
    regions_visited: list[str]
    regions: list[RegionVisit]
    states_visited: int
    sectors_engaged: list[str]


def day_end(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the installation's time zone (an index-friendly bound)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def days_in_post(posting: Posting, as_of: dt.date) -> int:
    """Whole days from arrival to the reference date (or the departure, if earlier)."""
    end = min(as_of, posting.departure) if posting.departure else as_of
    return max((end - posting.arrival).days, 0)


def posting_engagements(posting: Posting, user: Any, as_of: dt.date) -> Any:
    return Engagement.objects.visible_to(user).filter(
        engagementstaff__posting=posting, start__lt=day_end(as_of)
    )


def posting_figures(posting: Posting, *, user: Any, as_of: dt.date | None = None) -> PostingFigures:
    as_of = as_of or timezone.localdate()
    qs = posting_engagements(posting, user, as_of)
    by_kind = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    visits = (
        qs.filter(kind__in=IN_PERSON_KINDS, region__isnull=False)
        .order_by()
        .values("region__code", "region__name_en", "region__name_zh", "region__is_state")
        .annotate(visits=Count("id"), first=Min("start"), last=Max("start"))
        .order_by("region__code")
    )
    regions: list[RegionVisit] = [
        {
            "code": v["region__code"],
            "name_en": v["region__name_en"],
            "name_zh": v["region__name_zh"],
            "is_state": v["region__is_state"],
            "visits": v["visits"],
            "first": timezone.localtime(v["first"]).date().isoformat(),
            "last": timezone.localtime(v["last"]).date().isoformat(),
        }
        for v in visits
    ]
    ids = qs.order_by().values("id")
    people_met = (
        Engagement.people.through.objects.filter(engagement_id__in=ids)
        .values("person_id")
        .distinct()
        .count()
    )
    orgs_met = (
        Engagement.organisations.through.objects.filter(engagement_id__in=ids)
        .values("organisation_id")
        .distinct()
        .count()
    )
    sectors = list(
        Sector.objects.filter(
            Q(person__participations__engagement_id__in=ids)
            | Q(organisation__involvements__engagement_id__in=ids)
        )
        .distinct()
        .order_by("position")
        .values_list("code", flat=True)
    )
    return {
        "posting": posting.ref,
        "person": str(posting.person),
        "mission": posting.mission.ref,
        "role": posting.role,
        "arrival": posting.arrival.isoformat(),
        "departure": posting.departure.isoformat() if posting.departure else None,
        "as_of": as_of.isoformat(),
        "days_in_post": days_in_post(posting, as_of),
        "engagements": sum(by_kind.values()),
        "engagements_by_kind": by_kind,
        "people_met": people_met,
        "organisations_met": orgs_met,
        "regions_visited": [r["code"] for r in regions],
        "regions": regions,
        "states_visited": sum(1 for r in regions if r["is_state"]),
        "sectors_engaged": sectors,
    }


def last_engagement_with(person: Any, user: Any) -> Engagement | None:
    """The most recent engagement with a person that the user may see."""
    return (
        Engagement.objects.visible_to(user)
        .filter(engagementparticipant__person=person)
        .order_by("-start")
        .first()
    )


def ledger_counts(user: Any) -> dict[str, int]:
    """Counts of everything the user may see."""
    from legation.engagements.models import Commitment, Fact, Mission
    from legation.people.models import Organisation, Person

    return {
        "missions": Mission.objects.visible_to(user).count(),
        "postings": Posting.objects.visible_to(user).count(),
        "people": Person.objects.visible_to(user).count(),
        "organisations": Organisation.objects.visible_to(user).count(),
        "engagements": Engagement.objects.visible_to(user).count(),
        "commitments": Commitment.objects.visible_to(user).count(),
        "open_commitments": Commitment.objects.visible_to(user)
        .filter(status__in=["open", "in_progress"])
        .count(),
        "facts": Fact.objects.visible_to(user).count(),
    }


class QuietRelationship(TypedDict):
    person: Any
    engagements: int
    last: dt.datetime
    days_quiet: int


def quiet_relationships(
    user: Any,
    *,
    as_of: dt.date,
    limit: int = 10,
    min_engagements: int = 4,
    quiet_days: int = 180,
) -> list[QuietRelationship]:
    """People engaged often who have not been engaged for `quiet_days` or more.

    A first, simple rule for the home page: frequency (at least `min_engagements` visible
    engagements) and recency (none in the last `quiet_days`). The insight reports refine it into
    a relationship strength score.
    """
    from legation.people.models import Person

    cutoff = day_end(as_of - dt.timedelta(days=quiet_days))
    visible = Engagement.objects.visible_to(user).values("id")
    rows = (
        Engagement.people.through.objects.filter(engagement_id__in=visible)
        .values("person_id")
        .annotate(n=Count("id"), last=Max("engagement__start"))
        .filter(n__gte=min_engagements, last__lt=cutoff)
        .order_by("-n", "last")[:limit]
    )
    rows = list(rows)
    people = Person.objects.visible_to(user).in_bulk([r["person_id"] for r in rows])
    return [
        {
            "person": people[r["person_id"]],
            "engagements": r["n"],
            "last": r["last"],
            "days_quiet": (as_of - timezone.localtime(r["last"]).date()).days,
        }
        for r in rows
        if r["person_id"] in people
    ]
