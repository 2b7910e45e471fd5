"""Derived tables the figures read: kept by the database itself, never written by the application.

`EngagementSector` holds each engagement once per sector it reached (the sectors of its
participants and of its organisations). Counting engagements by sector otherwise needs a UNION
over participants and organisations joined to people and organisations, for every figure; at a
million engagements that join is most of the cost of a posting's tenure and coverage.

Triggers (migration 0001: row triggers on SQLite, statement triggers with transition tables on
PostgreSQL) keep it equal to that UNION on every write, whatever writes: services, importers,
raw bulk loads, merges, restores. `rebuild()` recomputes it from scratch; the test suite checks
that the two agree after each kind of write. Backups leave it out: it is rebuilt as rows load.

`PostingActivity` holds each posting's engagements with the people, organisations and sectors
they reached, so that one posting's figures read one index range (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from legation.core.querysets import VisibleQuerySet


def derived_key(to: str, **options: object) -> models.ForeignKey:
    """A reference from a derived row: no database constraint (a ledger row goes before the
    trigger that removes the derived rows naming it), no index of its own (each table has the
    one it needs), and no reverse accessor on the ledger's models."""
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        **options,
    )


class EngagementSector(models.Model):
    engagement = derived_key("engagements.Engagement")
    sector = derived_key("core.Sector")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "sector"], name="engagement_sector_once")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} in sector {self.sector_id}"


class PostingActivityQuerySet(VisibleQuerySet):
    """The same rule as the engagements': the engagement's mission and its sensitivity."""

    mission_path = "mission_id"
    sensitivity_paths = ("sensitivity",)


class PostingActivity(models.Model):
    """A posting's engagements, once each and once per person, organisation and sector reached.

    One row per staff link (posting, engagement) and facet: the engagement itself (`item_id` is
    the engagement), each participant (`item_id` a person), each organisation involved, and each
    sector reached (the rows of `EngagementSector`). Every row carries what the figures filter
    and count by: the engagement's mission and sensitivity (so `visible_to` applies the
    engagements' own rule), its start, kind, region and duration.

    A posting's figures are then one range of one covering index, (posting, facet, item, …),
    instead of a join of the posting's engagements with every participant, organisation and
    sector row of the ledger: on PostgreSQL at a million engagements that join was most of the
    cost of tenure and relationship strength. Triggers (migration 0002) keep it equal to the
    ledger on every write; `derived.rebuild()` recomputes it.
    """

    class Facet(models.IntegerChoices):
        ENGAGEMENT = 0
        PERSON = 1
        ORGANISATION = 2
        SECTOR = 3

    posting = derived_key("engagements.Posting")
    # The key is the row's identity (a staff link, a facet and its item): no extra id column
    # and index on a table of several rows per engagement.
    pk = models.CompositePrimaryKey("engagement", "posting", "facet", "item_id")
    facet = models.PositiveSmallIntegerField(choices=Facet.choices)
    item_id = models.BigIntegerField()
    engagement = derived_key("engagements.Engagement")
    mission = derived_key("core.Mission")
    start = models.DateTimeField()
    sensitivity = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    region = derived_key("core.Region", null=True)
    duration = models.DurationField()

    objects = PostingActivityQuerySet.as_manager()

    class Meta:
        indexes = [
            # Every column a figure reads is in the index: a posting's figures never visit the
            # table (an index-only range scan on PostgreSQL, a covering index on SQLite). The
            # item comes before the start: people, organisations and sectors are counted and
            # grouped by item, which then streams in index order (no sort, no hash); a period
            # is a condition on the start within the posting's range.
            models.Index(
                fields=[
                    "posting",
                    "facet",
                    "item_id",
                    "start",
                    "mission",
                    "sensitivity",
                    "kind",
                    "region",
                    "duration",
                ],
                name="posting_activity_cover",
            )
        ]

    def __str__(self) -> str:
        return f"posting {self.posting_id}, engagement {self.engagement_id}: {self.item_id}"


class FigureWanted(models.Model):
    """A figure a user asked for (`insight.cache.remembered`), so that the job worker computes it
    again ahead of the next look whenever the ledger it reads changes (`insight.warm`).

    Bookkeeping, not ledger: not audited, not in backups, no ledger version moves with it.
    `parts` is the figure's arguments as JSON, a date that was the day it was asked written as
    "today" (the next day's look asks for the next day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=64)
    parts = models.CharField(max_length=400)
    language = models.CharField(max_length=16)
    asked = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name", "parts", "language"], name="figure_wanted_once"
            )
        ]
        indexes = [models.Index(fields=["asked"], name="figure_wanted_asked")]

    def __str__(self) -> str:
        return f"{self.name}{self.parts} for user {self.user_id}"
