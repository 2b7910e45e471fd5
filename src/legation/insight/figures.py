"""Figures derived from the ledger, computed in one place for pages, reports, letters and the API.

This module is the façade of the insight layer: the figures live in modules split by concept
(`tenure`, `coverage`, `strength`, `network`, `handover`) and are re-exported here, so callers
import from one place. Nothing is stored: every figure is a query over what the given user may
see, so a reader without clearance for restricted engagements gets figures that do not count them.
"""

from __future__ import annotations

from typing import Any

from legation.engagements.models import Engagement, Posting
from legation.insight.common import day_end, days_in_post, posting_engagements
from legation.insight.coverage import Coverage, Gap, coverage
from legation.insight.handover import handover_brief
from legation.insight.network import handover_risks, holders, person_network
from legation.insight.strength import (
    QuietRelationship,
    last_engagement_with,
    quiet_relationships,
    relationship_strength,
    strengths,
)
from legation.insight.tenure import (
    PostingFigures,
    RegionVisit,
    TenureFigures,
    correspondence_figures,
    posting_figures,
    sector_counts,
    tenure,
)

__all__ = [
    "Coverage",
    "Gap",
    "PostingFigures",
    "QuietRelationship",
    "RegionVisit",
    "TenureFigures",
    "correspondence_figures",
    "coverage",
    "day_end",
    "days_in_post",
    "handover_brief",
    "handover_risks",
    "holders",
    "last_engagement_with",
    "ledger_counts",
    "person_network",
    "posting_engagements",
    "posting_figures",
    "quiet_relationships",
    "relationship_strength",
    "sector_counts",
    "strengths",
    "tenure",
]


def ledger_counts(user: Any) -> dict[str, int]:
    """Counts of everything the user may see.

    Engagements are the work (WORK_KINDS); letters and emails are counted apart as
    correspondence, as in every figure (engagements/models.py).
    """
    from django.db.models import Count, Q

    from legation.core.models import Mission
    from legation.engagements.models import WORK_KINDS, Commitment, Fact
    from legation.people.models import Organisation, Person

    engagements = Engagement.objects.visible_to(user).aggregate(
        work=Count("id", filter=Q(kind__in=WORK_KINDS)),
        correspondence=Count("id", filter=~Q(kind__in=WORK_KINDS)),
    )
    return {
        "missions": Mission.objects.visible_to(user).count(),
        "postings": Posting.objects.visible_to(user).count(),
        "people": Person.objects.visible_to(user).count(),
        "organisations": Organisation.objects.visible_to(user).count(),
        "engagements": engagements["work"],
        "correspondence": engagements["correspondence"],
        "commitments": Commitment.objects.visible_to(user).count(),
        "open_commitments": Commitment.objects.visible_to(user)
        .filter(status__in=["open", "in_progress"])
        .count(),
        "facts": Fact.objects.visible_to(user).count(),
    }
