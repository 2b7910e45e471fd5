"""The handover brief: what a successor needs on their first day, from the same figures.

For a departing posting: a one-page summary of the tenure with the map, the relationships ranked
by strength with the last conversation and who else holds each, open commitments with owners and
due dates, regions and sectors left thin, quiet relationships, and upcoming anniversaries and
dates. It is the companion of the farewell letter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from legation.engagements.models import RELATIONSHIP_KINDS, Commitment, Engagement, Fact, Posting
from legation.insight.common import day_end, iso, posting_activity
from legation.insight.coverage import coverage
from legation.insight.models import PostingActivity
from legation.insight.network import holders, is_handover_risk
from legation.insight.strength import person_activity, quiet_relationships, strengths
from legation.insight.tenure import tenure

RELATIONSHIPS = 30
COMMITMENTS = 40
GAPS = 15
QUIET = 15
UPCOMING_DAYS = 120


def open_commitments(posting: Posting, user: Any, as_of: dt.date) -> dict[str, Any]:
    """Open commitments the posting owns or that were raised in its engagements, by due date."""
    # The posting's engagements from the per-posting table (an engagement row's item is the
    # engagement): an EXISTS rather than a join through every staff link, so no commitment
    # comes twice and none needs DISTINCT. It is probed once per open commitment (one entry of
    # the posting's covering index), not built from the posting's engagements: open
    # commitments are far fewer than those (22,000 of 200,000 commitments beside the 135,000
    # engagements of the demo head of mission at the large size).
    raised = posting_activity(user, posting, PostingActivity.Facet.ENGAGEMENT, end=as_of).filter(
        item_id=OuterRef("engagement_id")
    )
    qs = (
        Commitment.objects.visible_to(user)
        .filter(status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS])
        .filter(Q(owner=posting) | Exists(raised))
        .filter(engagement__start__lt=day_end(as_of))
    )
    counts = qs.aggregate(total=Count("id"), overdue=Count("id", filter=Q(due__lt=as_of)))
    rows = qs.select_related("owner__person", "requested_by", "engagement").order_by("due", "pk")[
        :COMMITMENTS
    ]
    return {
        "total": counts["total"],
        "overdue": counts["overdue"],
        "items": [
            {
                "id": c.pk,
                "description": c.description,
                "direction": c.direction,
                "status": c.status,
                "due": iso(c.due),
                "overdue": bool(c.due and c.due < as_of),
                "owner": str(c.owner.person) if c.owner else None,
                "owner_posting": c.owner.ref if c.owner else None,
                "requested_by": str(c.requested_by) if c.requested_by else None,
                "engagement": c.engagement.subject,
                "engagement_date": iso(c.engagement.start),
            }
            for c in rows
        ],
    }


def upcoming(posting: Posting, user: Any, as_of: dt.date) -> list[dict[str, Any]]:
    """Anniversaries of dated facts and engagements already planned, in the coming months."""
    until = as_of + dt.timedelta(days=UPCOMING_DAYS)
    out: list[dict[str, Any]] = []
    # The mission's own fact wins over a shared one of the same key, as in letters, even when
    # only the shared one is dated.
    for fact in Fact.objects.visible_to(user).by_key_for(posting.mission):
        if fact.date is None:
            continue
        for year in (as_of.year, as_of.year + 1):
            try:
                day = fact.date.replace(year=year)
            except ValueError:  # 29 February
                day = fact.date.replace(year=year, day=28)
            if as_of <= day <= until and year > fact.date.year:
                out.append(
                    {
                        "date": day.isoformat(),
                        "kind": "anniversary",
                        "years": year - fact.date.year,
                        "label_en": fact.label_en,
                        "label_zh": fact.label_zh,
                    }
                )
    planned = (
        Engagement.objects.visible_to(user)
        .filter(mission=posting.mission, start__gte=day_end(as_of), start__lt=day_end(until))
        .order_by("start")[:20]
    )
    for e in planned:
        out.append(
            {
                "date": iso(e.start),
                "kind": e.kind,
                "years": None,
                "label_en": e.subject,
                "label_zh": "",
            }
        )
    out.sort(key=lambda item: item["date"])
    return out


def last_conversations(user: Any, ids: list[int], as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Each person's most recent engagement (of RELATIONSHIP_KINDS) up to the reference day.

    One query for all of them: each person's engagements the user may see, numbered from the
    latest (the later id first among equal starts), the first of each kept.
    """
    if not ids:
        return {}
    rows = (
        Engagement.objects.visible_to(user)
        .filter(engagementparticipant__person_id__in=ids, start__lt=day_end(as_of))
        .filter(kind__in=RELATIONSHIP_KINDS)
        .annotate(
            pid=F("engagementparticipant__person_id"),
            rank=Window(
                RowNumber(),
                partition_by=F("engagementparticipant__person_id"),
                order_by=[F("start").desc(), F("id").desc()],
            ),
        )
        .filter(rank=1)
        .values_list("pid", "start", "subject", "kind")
        .order_by()
    )
    return {
        pid: {"date": iso(start), "subject": subject, "kind": kind}
        for pid, start, subject, kind in rows
    }


def relationships(
    posting: Posting, user: Any, as_of: dt.date, activity: list[Any] | None = None
) -> list[dict[str, Any]]:
    """The posting's relationships ranked by strength, with last conversation and holders.

    `activity`: the posting's raw rows of `person_activity`, when the caller has them.
    """
    ranked = strengths(user, as_of=as_of, posting=posting, limit=RELATIONSHIPS, activity=activity)
    ids = [r["person_id"] for r in ranked]
    held = holders(user, ids, as_of=as_of)
    last = last_conversations(user, ids, as_of)
    out = []
    for r in ranked:
        held_by = held.get(r["person_id"], [])
        out.append(
            {
                **r,
                "last_conversation": last.get(r["person_id"]),
                "holders": held_by,
                "handover_risk": is_handover_risk(held_by, posting),
            }
        )
    return out


def handover_brief(
    posting: Posting, *, user: Any, as_of: dt.date | None = None, start: dt.date | None = None
) -> dict[str, Any]:
    """Everything the brief shows. `as_of` defaults to the departure (or today)."""
    as_of = as_of or min(posting.departure or timezone.localdate(), timezone.localdate())
    start = start or max(posting.arrival, as_of - dt.timedelta(days=365))
    cover = coverage(user, posting=posting, start=start, end=as_of)
    # The posting's people, counted once for the strongest and for the quiet relationships.
    activity = person_activity(user, posting=posting, end=as_of, raw=True)
    return {
        "posting": posting.ref,
        "as_of": as_of.isoformat(),
        "tenure": tenure(posting, user=user, as_of=as_of),
        "relationships": relationships(posting, user, as_of, activity),
        "commitments": open_commitments(posting, user, as_of),
        "gaps": cover["gaps"][:GAPS],
        "coverage_period": {"start": cover["start"], "end": cover["end"]},
        "quiet": quiet_relationships(
            user, as_of=as_of, posting=posting, limit=QUIET, activity=activity
        ),
        "upcoming": upcoming(posting, user, as_of),
    }
