"""Invented demo data: one mission in the United States with its contacts and three years of work.

``generate`` fills the database with the "Republic of Demoland", an invented country, and its
embassy in Washington: the people and organisations it deals with (every one of them invented, with
realistic names in both scripts), its staff and their postings, three years of engagements with
follow-up commitments, and the facts its letters cite. The same seed and the same ``today`` give
the same data, row for row, so screenshots, benchmarks and tests can rely on it.

Each kind of record has its module (``mission``, ``organisations``, ``people``, ``staff``,
``facts``, ``engagements``, ``commitments``), drawing its words from ``vocabulary`` (the data
files in ``data/``) and sharing a ``context.Context`` (the seeded random source, the writer, the
geography); ``generate`` runs them in a fixed order.

The large size (100,000 people, 1,000,000 engagements) has to be written in well under two minutes,
so rows are built in memory in chunks and written with one multi-row statement per table and chunk
(``executemany`` on SQLite, ``COPY`` on PostgreSQL), with primary keys assigned here so that the
link tables can point at them without reading anything back. A second thread writes one chunk
while the next is built, and the engagements' full-text index is filled once at the end rather than
row by row. Nothing goes through ``save()``: the history of every record (its "+" version, with its
tags) is written at the end in one ``INSERT … SELECT`` per table (``audit.record_created``), all of
it tied to the batch's one audited operation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone

from legation.core.audit import audit, historical_models, new_operation, record_created
from legation.core.db import bulk, stats, text
from legation.core.db.setaside import SetAside
from legation.core.models import Mission, Operation
from legation.demo import engagements, facts, mission, organisations, people, staff, vocabulary
from legation.demo.context import Context, next_id
from legation.demo.mission import DEMO_DOMAIN, DEMO_MISSION_REF
from legation.demo.staff import HEAD_POSTING_REF
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Fact,
    Posting,
)
from legation.insight import derived
from legation.insight.models import EngagementSector, PostingActivity
from legation.people.models import Organisation, Person

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_MISSION_REF",
    "HEAD_POSTING_REF",
    "DemoSummary",
    "demo_sizes",
    "generate",
]


class DemoSummary(TypedDict):
    people: int
    organisations: int
    engagements: int
    commitments: int
    postings: int
    facts: int


# "tiny" is for tests; the command offers small, medium (for the benchmarks' middle size) and
# large. People include the mission's staff.
_SIZES: dict[str, dict[str, int]] = {
    "tiny": {"people": 200, "organisations": 60, "engagements": 1_500, "commitments": 300},
    "small": {"people": 2_000, "organisations": 600, "engagements": 15_000, "commitments": 3_000},
    "medium": {
        "people": 10_000,
        "organisations": 2_000,
        "engagements": 100_000,
        "commitments": 20_000,
    },
    "large": {
        "people": 100_000,
        "organisations": 20_000,
        "engagements": 1_000_000,
        "commitments": 200_000,
    },
}
_CHUNK = 50_000  # engagements built and written per round


def demo_sizes() -> dict[str, dict[str, int]]:
    """The counts each size produces (people include the mission's own staff)."""
    staff, facts = len(vocabulary.mission().staff), len(vocabulary.mission().facts)
    return {name: {**counts, "postings": staff, "facts": facts} for name, counts in _SIZES.items()}


# --------------------------------------------------------------------------------------------
# Writing rows.


class _Writer(bulk.Writer):
    """The shared bulk writer (`legation.core.db.bulk`), with what a generation sets aside."""

    def suspend_text_index(self, model: type) -> text.TextIndexSetAside:
        """Set aside the engagements' full-text index while they are bulk-loaded."""
        return text.TextIndexSetAside()

    def resume_text_index(self, suspended: text.TextIndexSetAside, first_id: int) -> None:
        suspended.restore(first_id)

    def resume_activity(self, suspended: SetAside, first_id: int) -> None:
        """The per-posting rows of the new engagements in one statement, triggers back on."""
        derived.resume_activity(suspended, first_id)

    def analyze(self, models: Sequence[type]) -> None:
        # ANALYZE only: the load is one transaction, where PostgreSQL may not VACUUM
        # (`legation demo` runs `refresh_statistics` once it is committed).
        stats.analyze(models)

    def reset_sequences(self, models: Sequence[type]) -> None:
        bulk.reset_sequences(models)


# --------------------------------------------------------------------------------------------
# The generator.


def _run(ctx: Context, size: str, operation: Operation | None) -> DemoSummary:
    """Every part in turn (the order fixes what each draws from the seed), then the history."""
    counts = _SIZES[size]
    ctx.load_geography()
    ctx.w.tune()
    audited_models = [h.instance_type for h in historical_models()]
    first_ids = {model: next_id(model) for model in audited_models}
    try:
        ctx.progress(0.0, "mission")
        mission.create(ctx)
        orgs = organisations.generate(ctx, counts["organisations"])
        ctx.progress(0.03, "people")
        n_people = counts["people"] - len(vocabulary.mission().staff)
        contacts = people.generate(ctx, orgs, n_people)
        ctx.progress(0.12, "staff and facts")
        postings = staff.generate(ctx, contacts.next_id)
        facts.create(ctx)
        engagements.generate(
            ctx, orgs, contacts, postings, total_n=counts["engagements"],
            commitments_n=counts["commitments"], chunk=_CHUNK,
        )  # fmt: skip
        ctx.w.reset_sequences([Organisation, Person, Posting, Engagement])
        ctx.progress(0.97, "history")
        if operation is not None:
            for model in audited_models:
                record_created(model, first_ids[model], operation)
        ctx.progress(0.99, "statistics")
        ctx.w.analyze([Person, Organisation, Engagement, EngagementParticipant,
                       EngagementStaff, EngagementOrganisation, Commitment,
                       EngagementSector, PostingActivity])  # fmt: skip
    finally:
        ctx.w.untune()
    ctx.progress(1.0, "done")
    return {
        "people": ctx.written.get(Person._meta.label, 0),
        "organisations": ctx.written.get(Organisation._meta.label, 0),
        "engagements": ctx.written.get(Engagement._meta.label, 0),
        "commitments": ctx.written.get(Commitment._meta.label, 0),
        "postings": ctx.written.get(Posting._meta.label, 0),
        "facts": ctx.written.get(Fact._meta.label, 0),
    }


def _record_operation(ctx: Any, description: str) -> Operation:
    """One audit operation for the whole batch, with its own description even inside a command."""
    with new_operation(ctx):
        outer = ctx.description
        ctx.description = description
        try:
            return ctx.ensure_operation()
        finally:
            ctx.description = outer


def generate(
    *,
    size: str = "small",
    seed: int = 2021,
    progress: Callable[[float, str], None] | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill the database with the invented demo mission; the same seed and `today`, the same data.

    Needs `legation init` (sectors, US regions). Raises ValueError when the demo mission exists
    already or the size is unknown. Everything is written in one transaction and recorded as one
    audited operation; `progress` is called with a fraction (0 to 1) and what is being written.
    """
    if size not in _SIZES:
        raise ValueError(f"Unknown demo size {size!r}: use one of {', '.join(_SIZES)}.")
    today = today or timezone.localdate()
    report = progress or (lambda fraction, what: None)
    description = f"demo data generated (size={size}, seed={seed})"
    with (
        audit(source=Operation.Source.SYSTEM, description=description) as ctx,
        transaction.atomic(),
    ):
        if Mission.objects.filter(ref=DEMO_MISSION_REF).exists():
            raise ValueError(f"The demo mission {DEMO_MISSION_REF} exists already.")
        operation = _record_operation(ctx, description)
        ctx = Context(
            seed=seed, today=today, progress=report, writer=lambda stamp: _Writer(stamp=stamp)
        )
        return _run(ctx, size, operation)
