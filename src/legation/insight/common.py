"""What every figure shares: date bounds, the engagements in scope, and compiled sub-queries.

Every set of engagements a figure counts starts from `Engagement.objects.visible_to(user)`, so a
figure never counts what the user may not see. Bounds are instants in the installation's time
zone, compared with the indexed `start` column (never a date function applied to it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from legation.engagements.models import Engagement, Posting


def day_end(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the installation's time zone (an index-friendly bound)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the installation's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def days_in_post(posting: Posting, as_of: dt.date) -> int:
    """Whole days from arrival to the reference date (or the departure, if earlier)."""
    end = min(as_of, posting.departure) if posting.departure else as_of
    return max((end - posting.arrival).days, 0)


def scope(
    user: Any,
    *,
    posting: Posting | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet:
    """The engagements a figure counts: visible to the user, of one posting or all, in a period.

    `start` and `end` are inclusive days; either may be open.
    """
    qs = Engagement.objects.visible_to(user)
    if posting is not None:
        qs = qs.filter(engagementstaff__posting=posting)
    if start is not None:
        qs = qs.filter(start__gte=day_start(start))
    if end is not None:
        qs = qs.filter(start__lt=day_end(end))
    return qs.order_by()


def posting_engagements(posting: Posting, user: Any, as_of: dt.date) -> QuerySet:
    """A posting's engagements up to and including the reference day."""
    return scope(user, posting=posting, end=as_of)


def compiled(queryset: QuerySet) -> tuple[str, tuple]:
    """The SQL and parameters of a queryset, to nest in a statement the ORM cannot express.

    Used only where a figure needs a UNION inside a GROUP BY; the rows still come from
    `visible_to(user)` querysets.
    """
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month from `first`'s month to `last`'s month, inclusive."""
    out = []
    cursor = first.replace(day=1)
    while cursor <= last:
        out.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return out


def month_label(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return local_date(value).isoformat()
    return value.isoformat()


def engagement_sectors(engagements: QuerySet) -> tuple[str, tuple]:
    """SQL of distinct (engagement, region, sector) rows: each engagement once per sector.

    An engagement is in the sector of each participant and each organisation involved; a sector
    reached through two participants, or through a participant and their organisation, counts once
    (the UNION removes the duplicates). Columns: e (engagement), r (region), s (sector), t (start).
    """
    from django.db.models import F

    from legation.engagements.models import EngagementOrganisation, EngagementParticipant

    ids = engagements.values("id")
    people = (
        EngagementParticipant.objects.filter(engagement__in=ids, person__sector__isnull=False)
        .annotate(
            e=F("engagement_id"),
            r=F("engagement__region_id"),
            s=F("person__sector_id"),
            t=F("engagement__start"),
        )
        .values_list("e", "r", "s", "t")
        .order_by()
    )
    organisations = (
        EngagementOrganisation.objects.filter(
            engagement__in=ids, organisation__sector__isnull=False
        )
        .annotate(
            e=F("engagement_id"),
            r=F("engagement__region_id"),
            s=F("organisation__sector_id"),
            t=F("engagement__start"),
        )
        .values_list("e", "r", "s", "t")
        .order_by()
    )
    return compiled(people.union(organisations))


def fetch(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
