"""Tenure: what one posting did from arrival to a reference date.

`posting_figures` is the compact set letters and `legation stats` cite (days in post, regions and
states visited, sectors engaged…); `tenure` adds what the dashboard and the reports show:
engagements by month, sectors with counts, and commitments opened, solved and still open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, NamedTuple, TypedDict

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from legation.core.models import Region, Sector
from legation.engagements.models import (
    CORRESPONDENCE_KINDS,
    IN_PERSON_KINDS,
    MET_KINDS,
    WORK_KINDS,
    Commitment,
    Kind,
    Posting,
)
from legation.insight.common import (
    day_end,
    day_start,
    days_in_post,
    engagement_sectors,
    instant,
    local_date,
    month_label,
    months_between,
    posting_activity,
)
from legation.insight.models import PostingActivity


class RegionVisit(TypedDict):
    code: str
    name_en: str
    name_zh: str
    is_state: bool
    visits: int
    first: str
    last: str


class CorrespondenceMonth(TypedDict):
    month: str
    letters_sent: int
    letters_received: int
    emails: int


class CorrespondenceFigures(TypedDict):
    letters_sent: int
    letters_received: int
    emails: int
    by_month: list[CorrespondenceMonth]


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
    correspondence: CorrespondenceFigures
    role_label: str
    kinds: list[dict[str, Any]]
    engagements_by_month: list[MonthCount]
    sectors: list[SectorCount]
    commitments: CommitmentFigures


def _month_index(months: list[dt.date]) -> Any:
    """The month of `start` as an index: -1 before the first month, then 0, 1, …

    A CASE over the local month bounds keeps `start` bare (indexed, no per-row time-zone
    function). The CASEs nest as a binary search: a row meets about log2(months) comparisons,
    not one per month (six instead of twenty for a posting of forty months).
    """
    if not months:
        return Value(-1, output_field=IntegerField())
    bounds = [day_start(m) for m in months]

    def within(lo: int, hi: int) -> Any:
        # A start at or after bounds[lo] (and before bounds[hi], if hi is a month): lo … hi-1.
        if hi - lo == 1:
            return Value(lo, output_field=IntegerField())
        mid = (lo + hi) // 2
        return Case(
            When(start__lt=bounds[mid], then=within(lo, mid)),
            default=within(mid, hi),
            output_field=IntegerField(),
        )

    return Case(
        When(start__lt=bounds[0], then=Value(-1)),
        default=within(0, len(months)),
        output_field=IntegerField(),
    )


class OnePass(NamedTuple):
    cube: list[tuple]  # (kind, region id, month index, count, first, last)
    people_met: int
    organisations_met: int
    sectors: dict[int, int]  # sector id -> engagements


def _one_pass(activity: Any, months: list[dt.date]) -> OnePass:
    """Kinds, regions, months, people and organisations met, and sectors, in one statement.

    `activity` is the posting's rows in the per-posting table (`common.posting_activity`, all
    facets, compiled by the ORM from `visible_to`). Each figure reads its own facet: one range
    of the covering index (posting, facet, item, start, …), never the ledger's large tables.
    (NOT MATERIALIZED: each part is planned as that range scan, the facet pushed into it.)
    """
    body = (
        activity.annotate(k=Concat(F("kind"), Value("")), m=_month_index(months))
        .values_list("facet", "item_id", "k", "region_id", "m", "start")
        .order_by()
    )
    scope_sql, params = body.query.get_compiler(connection=connection).as_sql()
    facet = PostingActivity.Facet
    met, work = _placeholders(MET_KINDS), _placeholders(WORK_KINDS)
    # The only SQL inlined is the ORM's own compilation, integer facets and placeholders; every
    # value is a bound parameter. Engagements of every kind (correspondence is counted apart
    # from them, by kind); people and organisations *met* (in person); sectors of the work (not
    # correspondence): engagements/models.py, "which kinds count towards which figure".
    sql = (
        f"WITH s(f, i, k, r, m, t) AS NOT MATERIALIZED ({scope_sql}) "  # noqa: S608
        f"SELECT 0, k, r, m, COUNT(*), MIN(t), MAX(t) FROM s WHERE f = {facet.ENGAGEMENT:d} "
        "GROUP BY k, r, m "
        "UNION ALL SELECT 1, NULL, NULL, NULL, COUNT(DISTINCT i), NULL, NULL FROM s "
        f"WHERE f = {facet.PERSON:d} AND k IN ({met}) "
        "UNION ALL SELECT 2, NULL, NULL, NULL, COUNT(DISTINCT i), NULL, NULL FROM s "
        f"WHERE f = {facet.ORGANISATION:d} AND k IN ({met}) "
        "UNION ALL SELECT 3, NULL, NULL, i, COUNT(*), NULL, NULL FROM s "
        f"WHERE f = {facet.SECTOR:d} AND k IN ({work}) GROUP BY i"
    )
    params = (*params, *_codes(MET_KINDS), *_codes(MET_KINDS), *_codes(WORK_KINDS))
    cube, people, orgs, sectors = [], 0, 0, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for tag, k, r, m, n, first, last in cursor.fetchall():
            if tag == 0:
                cube.append((k, r, m, n, first, last))
            elif tag == 1:
                people = n
            elif tag == 2:
                orgs = n
            else:
                sectors[m] = n
    return OnePass(cube, people, orgs, sectors)


def _codes(kinds: tuple) -> list[str]:
    return [str(k.value) for k in kinds]


def _placeholders(kinds: tuple) -> str:
    return ", ".join(["%s"] * len(kinds))


def _kinds(cube: list[tuple]) -> dict[str, int]:
    """Engagements of the work by kind (correspondence is counted apart: `_correspondence`)."""
    work = set(_codes(WORK_KINDS))
    counts: dict[str, int] = defaultdict(int)
    for kind, _r, _m, n, _f, _l in cube:
        if kind in work:
            counts[kind] += n
    return {code: counts[code] for code in Kind.values if counts.get(code)}


# The correspondence figures' keys, by kind.
CORRESPONDENCE_KEYS = {
    Kind.LETTER_SENT.value: "letters_sent",
    Kind.LETTER_RECEIVED.value: "letters_received",
    Kind.EMAIL.value: "emails",
}
assert set(CORRESPONDENCE_KEYS) == set(_codes(CORRESPONDENCE_KINDS))


def _correspondence(cube: list[tuple], months: list[dt.date]) -> CorrespondenceFigures:
    """Letters sent, letters received and emails: in all, and by month from arrival."""
    totals = dict.fromkeys(CORRESPONDENCE_KEYS.values(), 0)
    by_month: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(totals, 0))
    for kind, _r, m, n, _f, _l in cube:
        key = CORRESPONDENCE_KEYS.get(kind)
        if key is None:
            continue
        totals[key] += n
        by_month[m][key] += n
    return {
        "letters_sent": totals["letters_sent"],
        "letters_received": totals["letters_received"],
        "emails": totals["emails"],
        "by_month": [
            {
                "month": month_label(month),
                "letters_sent": by_month[i]["letters_sent"],
                "letters_received": by_month[i]["letters_received"],
                "emails": by_month[i]["emails"],
            }
            for i, month in enumerate(months)
        ],
    }


def _region_visits(cube: list[tuple]) -> list[RegionVisit]:
    """Regions where in-person engagements took place, with visits and first and last visit."""
    in_person = set(IN_PERSON_KINDS)
    rows: dict[int, list] = {}
    for kind, region, _m, n, first, last in cube:
        if region is None or kind not in in_person:
            continue
        first, last = instant(first), instant(last)
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


def sector_counts(engagements: Any) -> list[SectorCount]:
    """Engagements of the work per sector (each engagement once per sector of its people and
    organisations; correspondence does not engage a sector: WORK_KINDS)."""
    work = engagements.filter(kind__in=WORK_KINDS)
    counts = dict(engagement_sectors(work).values_list("sector_id").annotate(n=Count("*")))
    return _sector_rows(counts)


def _sector_rows(counts: dict[int, int]) -> list[SectorCount]:
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
    once = _one_pass(posting_activity(user, posting, end=as_of), [])
    return _posting_figures(posting, as_of, _sector_rows(once.sectors), once)


def correspondence_figures(
    posting: Posting, *, user: Any, as_of: dt.date | None = None
) -> CorrespondenceFigures:
    """Letters sent, letters received and emails of a posting, in all and by month.

    What `tenure` shows under "correspondence", for `legation stats` beside `posting_figures`:
    only the correspondence rows are placed in their month (placing every engagement would
    triple the cost of the figures letters quote).
    """
    as_of = as_of or timezone.localdate()
    months = _tenure_months(posting, as_of)
    rows = (
        posting_activity(user, posting, PostingActivity.Facet.ENGAGEMENT, end=as_of)
        .filter(kind__in=CORRESPONDENCE_KINDS)
        .annotate(m=_month_index(months))
        .values_list("kind", "m")
        .annotate(n=Count("*"))
        .order_by()
    )
    return _correspondence([(k, None, m, n, None, None) for k, m, n in rows], months)


def _tenure_months(posting: Posting, as_of: dt.date) -> list[dt.date]:
    """Every calendar month from arrival to the reference date (or the departure, if earlier)."""
    end = min(as_of, posting.departure) if posting.departure else as_of
    return months_between(posting.arrival, end)


def _posting_figures(
    posting: Posting, as_of: dt.date, sectors: list[SectorCount], once: OnePass
) -> PostingFigures:
    by_kind = _kinds(once.cube)
    regions = _region_visits(once.cube)
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
        "people_met": once.people_met,
        "organisations_met": once.organisations_met,
        "regions_visited": [r["code"] for r in regions],
        "regions": regions,
        "states_visited": sum(1 for r in regions if r["is_state"]),
        "sectors_engaged": [s["code"] for s in sectors],
    }


def _months(cube: list[tuple], months: list[dt.date]) -> list[MonthCount]:
    work = set(_codes(WORK_KINDS))
    counts: dict[int, int] = defaultdict(int)
    for k, _r, m, n, _f, _l in cube:
        if k in work:
            counts[m] += n
    return [
        {"month": month_label(m), "engagements": counts.get(i, 0)} for i, m in enumerate(months)
    ]


def commitment_figures(engagement_ids: Any, user: Any, as_of: dt.date) -> CommitmentFigures:
    """Commitments raised in these engagements (a query of their ids), as they stood on the
    reference day.

    Solved: done and closed by then; dropped: dropped by then; still open: the rest (a commitment
    closed after the reference day was still open on it).
    """
    closed_by = Q(closed_on__isnull=True) | Q(closed_on__lte=as_of)
    done, dropped = Commitment.Status.DONE, Commitment.Status.DROPPED
    row = Commitment.objects.raised_in_visible(user, engagement_ids).aggregate(
        opened=Count("id"),
        solved=Count("id", filter=Q(status=done) & closed_by),
        dropped=Count("id", filter=Q(status=dropped) & closed_by),
        overdue=Count(
            "id",
            filter=Q(due__lt=as_of) & ~(Q(status__in=[done, dropped]) & closed_by),
        ),
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
    activity = posting_activity(user, posting, end=as_of)
    months = _tenure_months(posting, as_of)
    once = _one_pass(activity, months)
    sectors = _sector_rows(once.sectors)
    base = _posting_figures(posting, as_of, sectors, once)
    labels = dict(Kind.choices)
    kinds = [
        {"code": code, "label": str(labels.get(code, code)), "engagements": n}
        for code, n in sorted(base["engagements_by_kind"].items(), key=lambda kv: -kv[1])
    ]
    return {
        **base,
        "role_label": str(dict(Posting.Role.choices).get(posting.role, posting.role)),
        "kinds": kinds,
        "engagements_by_month": _months(once.cube, months),
        "correspondence": _correspondence(once.cube, months),
        "sectors": sectors,
        "commitments": commitment_figures(
            # The engagement rows' item is the engagement itself: read from the covering index.
            activity.filter(facet=PostingActivity.Facet.ENGAGEMENT).values("item_id"),
            user,
            as_of,
        ),
    }


__all__ = [
    "CommitmentFigures",
    "CorrespondenceFigures",
    "MonthCount",
    "PostingFigures",
    "RegionVisit",
    "SectorCount",
    "TenureFigures",
    "commitment_figures",
    "correspondence_figures",
    "day_end",
    "days_in_post",
    "posting_figures",
    "sector_counts",
    "tenure",
]
