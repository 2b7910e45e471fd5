"""What every figure shares: date bounds, the engagements in scope, and compiled sub-queries.

Every set of engagements a figure counts starts from `Engagement.objects.visible_to(user)`, so a
figure never counts what the user may not see. Bounds are instants in the installation's time
zone, compared with the indexed `start` column (never a date function applied to it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from legation.core.dates import day_end, day_start
from legation.engagements.models import Engagement, Posting


def instant(value: Any) -> dt.datetime:
    """A timestamp read by raw SQL as an aware datetime (SQLite hands back its stored UTC text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


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
    return in_period(qs, start, end)


def in_period(qs: QuerySet, start: dt.date | None, end: dt.date | None) -> QuerySet:
    """Rows whose `start` falls between two inclusive days (either may be open), unordered."""
    if start is not None:
        qs = qs.filter(start__gte=day_start(start))
    if end is not None:
        qs = qs.filter(start__lt=day_end(end))
    return qs.order_by()


def posting_activity(
    user: Any,
    posting: Posting,
    facet: int | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet:
    """A posting's rows in the per-posting table (models.PostingActivity) the user may see.

    The same engagements as `scope(user, posting=posting, start=start, end=end)`, each once
    (facet ENGAGEMENT) and once per person, organisation or sector it reached; `visible_to`
    applies the engagements' own rule to the mission and sensitivity each row carries.
    """
    from legation.insight.models import PostingActivity

    qs = PostingActivity.objects.visible_to(user).filter(posting=posting)
    if facet is not None:
        qs = qs.filter(facet=facet)
    return in_period(qs, start, end)


def posting_engagements(posting: Posting, user: Any, as_of: dt.date) -> QuerySet:
    """A posting's engagements up to and including the reference day."""
    return scope(user, posting=posting, end=as_of)


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


def engagement_sectors(engagements: QuerySet) -> QuerySet:
    """Each engagement once per sector it reached, read from the derived table (models.py).

    An engagement is in the sector of each participant and each organisation involved; a sector
    reached through two participants, or through a participant and their organisation, counts
    once. Rows are `EngagementSector`s; `engagement__region_id` and `engagement__start` reach
    the engagement's place and time.
    """
    from legation.insight.models import EngagementSector

    return EngagementSector.objects.filter(engagement__in=engagements.values("id")).order_by()
