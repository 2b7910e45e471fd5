"""Tenure: what one posting did from arrival to a reference date.

`posting_figures` is the compact set letters and `legation stats` cite (days in post, regions and
states visited, sectors engaged…); `tenure` adds what the dashboard and the reports show:
engagements by month, sectors with counts, and commitments opened, solved and still open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, TypedDict

from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from legation.core.models import Region, Sector
from legation.engagements.models import (
    IN_PERSON_KINDS,
    Commitment,
    EngagementOrganisation,
    EngagementParticipant,
    Kind,
    Posting,
)
from legation.insight.common import (
    day_end,
    day_start,
    days_in_post,
    engagement_sectors,
    local_date,
    month_label,
    months_between,
    posting_engagements,
)
from legation.insight.strength import _instant


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


class SectorCount(TypedDict):
    code: str
    label_en: str
    label_zh: str
    engagements: int


class MonthCount(TypedDict):
    month: str
    engagements: int


class CommitmentFigures(TypedDict):
    opened: int
    solved: int
    dropped: int
    still_open: int
    overdue: int


class TenureFigures(PostingFigures):
    role_label: str
    kinds: list[dict[str, Any]]
    engagements_by_month: list[MonthCount]
    sectors: list[SectorCount]
    commitments: CommitmentFigures


def _cube(engagements: Any, months: list[dt.date]) -> list[tuple]:
    """One pass over the engagements: (kind, region id, month index, count, first, last).

    Kinds, regions visited and months all come from this one GROUP BY. The month index is a CASE
    over the local month bounds (the bare, indexed `start` column, no per-row time-zone
    function): -1 before the first month, then 0, 1, … The kind and region are grouped as
    expressions: grouped by the bare columns, SQLite would walk the whole kind or region index
    of every posting instead of this posting's engagements.
    """
    if months:
        bounds = [day_start(m) for m in months]
        index: Any = Case(
            When(start__lt=bounds[0], then=Value(-1)),
            *[When(start__lt=b, then=Value(i)) for i, b in enumerate(bounds[1:])],
            default=Value(len(months) - 1),
            output_field=IntegerField(),
        )
    else:
        index = Value(-1, output_field=IntegerField())
    rows = (
        engagements.annotate(k=Concat(F("kind"), Value("")), r=F("region_id") + Value(0), m=index)
        .values_list("k", "r", "m")
        .annotate(n=Count("id"), first=Min("start"), last=Max("start"))
        .order_by()
    )
    return list(rows)


def _kinds(cube: list[tuple]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for kind, _r, _m, n, _f, _l in cube:
        counts[kind] += n
    return {code: counts[code] for code in Kind.values if counts.get(code)}


def _region_visits(cube: list[tuple]) -> list[RegionVisit]:
    """Regions where in-person engagements took place, with visits and first and last visit."""
    in_person = set(IN_PERSON_KINDS)
    rows: dict[int, list] = {}
    for kind, region, _m, n, first, last in cube:
        if region is None or kind not in in_person:
            continue
        first, last = _instant(first), _instant(last)
        row = rows.setdefault(region, [0, first, last])
        row[0] += n
        row[1], row[2] = min(row[1], first), max(row[2], last)
    regions = Region.objects.filter(pk__in=rows).order_by("code")
    return [
        {
            "code": r.code,
            "name_en": r.name_en,
            "name_zh": r.name_zh,
            "is_state": r.is_state,
            "visits": rows[r.pk][0],
            "first": local_date(rows[r.pk][1]).isoformat(),
            "last": local_date(rows[r.pk][2]).isoformat(),
        }
        for r in regions
    ]


def region_visits(engagements: Any) -> list[RegionVisit]:
    """Regions where in-person engagements took place, with visits and first and last visit."""
    return _region_visits(_cube(engagements.filter(kind__in=IN_PERSON_KINDS), []))


def sector_counts(engagements: Any) -> list[SectorCount]:
    """Engagements per sector (each engagement once per sector of its people and organisations)."""
    counts = dict(engagement_sectors(engagements).values_list("sector_id").annotate(n=Count("*")))
    return [
        {
            "code": s.code,
            "label_en": s.label_en,
            "label_zh": s.label_zh,
            "engagements": counts[s.pk],
        }
        for s in Sector.objects.filter(pk__in=counts).order_by("position", "code")
    ]


def posting_figures(posting: Posting, *, user: Any, as_of: dt.date | None = None) -> PostingFigures:
    """The figures a head of mission cites: days in post, regions and states, sectors, people."""
    as_of = as_of or timezone.localdate()
    qs = posting_engagements(posting, user, as_of)
    cube = _cube(qs, [])
    return _posting_figures(posting, qs, as_of, [s["code"] for s in sector_counts(qs)], cube)


def _posting_figures(
    posting: Posting, qs: Any, as_of: dt.date, sectors: list[str], cube: list[tuple]
) -> PostingFigures:
    by_kind = _kinds(cube)
    regions = _region_visits(cube)
    ids = qs.values("id")
    people_met = (
        EngagementParticipant.objects.filter(engagement_id__in=ids)
        .values("person_id")
        .distinct()
        .count()
    )
    orgs_met = (
        EngagementOrganisation.objects.filter(engagement_id__in=ids)
        .values("organisation_id")
        .distinct()
        .count()
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


def by_month(engagements: Any, first: dt.date, last: dt.date) -> list[MonthCount]:
    """Engagements per calendar month (local time), every month of the period listed."""
    months = months_between(first, last)
    return _months(_cube(engagements, months), months)


def _months(cube: list[tuple], months: list[dt.date]) -> list[MonthCount]:
    counts: dict[int, int] = defaultdict(int)
    for _k, _r, m, n, _f, _l in cube:
        counts[m] += n
    return [
        {"month": month_label(m), "engagements": counts.get(i, 0)} for i, m in enumerate(months)
    ]


def commitment_figures(engagements: Any, user: Any, as_of: dt.date) -> CommitmentFigures:
    """Commitments raised in these engagements, as they stood on the reference day.

    Solved: done and closed by then; dropped: dropped by then; still open: the rest (a commitment
    closed after the reference day was still open on it).
    """
    closed_by = Q(closed_on__isnull=True) | Q(closed_on__lte=as_of)
    done, dropped = Commitment.Status.DONE, Commitment.Status.DROPPED
    row = (
        Commitment.objects.visible_to(user)
        .filter(engagement__in=engagements.values("id"))
        .aggregate(
            opened=Count("id"),
            solved=Count("id", filter=Q(status=done) & closed_by),
            dropped=Count("id", filter=Q(status=dropped) & closed_by),
            overdue=Count(
                "id",
                filter=Q(due__lt=as_of) & ~(Q(status__in=[done, dropped]) & closed_by),
            ),
        )
    )
    return {
        "opened": row["opened"],
        "solved": row["solved"],
        "dropped": row["dropped"],
        "still_open": row["opened"] - row["solved"] - row["dropped"],
        "overdue": row["overdue"],
    }


def tenure(posting: Posting, *, user: Any, as_of: dt.date | None = None) -> TenureFigures:
    """Everything the tenure dashboard and report show for a posting on a reference date."""
    as_of = as_of or timezone.localdate()
    qs = posting_engagements(posting, user, as_of)
    sectors = sector_counts(qs)
    end = min(as_of, posting.departure) if posting.departure else as_of
    months = months_between(posting.arrival, end)
    cube = _cube(qs, months)
    base = _posting_figures(posting, qs, as_of, [s["code"] for s in sectors], cube)
    labels = dict(Kind.choices)
    kinds = [
        {"code": code, "label": str(labels.get(code, code)), "engagements": n}
        for code, n in sorted(base["engagements_by_kind"].items(), key=lambda kv: -kv[1])
    ]
    return {
        **base,
        "role_label": str(dict(Posting.Role.choices).get(posting.role, posting.role)),
        "kinds": kinds,
        "engagements_by_month": _months(cube, months),
        "sectors": sectors,
        "commitments": commitment_figures(qs, user, as_of),
    }


__all__ = [
    "CommitmentFigures",
    "MonthCount",
    "PostingFigures",
    "RegionVisit",
    "SectorCount",
    "TenureFigures",
    "by_month",
    "commitment_figures",
    "day_end",
    "days_in_post",
    "posting_figures",
    "region_visits",
    "sector_counts",
    "tenure",
]
