"""Derived tables the figures read: kept by the database itself, never written by the application.

`EngagementSector` holds each engagement once per sector it reached (the sectors of its
participants and of its organisations). Counting engagements by sector otherwise needs a UNION
over participants and organisations joined to people and organisations, for every figure; at a
million engagements that join is most of the cost of a posting's tenure and coverage.

Triggers (migration 0001: row triggers on SQLite, statement triggers with transition tables on
PostgreSQL) keep it equal to that UNION on every write, whatever writes: services, importers,
raw bulk loads, merges, restores. `rebuild()` recomputes it from scratch; the test suite checks
that the two agree after each kind of write. Backups leave it out: it is rebuilt as rows load.
"""

from __future__ import annotations

from django.db import models


class EngagementSector(models.Model):
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    sector = models.ForeignKey(
        "core.Sector",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "sector"], name="engagement_sector_once")
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} in sector {self.sector_id}"
