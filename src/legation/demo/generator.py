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
import queue
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from legation.core.audit import audit, historical_models, new_operation, record_created
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


# "tiny" is for tests; the command offers small and large. People include the mission's staff.
_SIZES: dict[str, dict[str, int]] = {
    "tiny": {"people": 200, "organisations": 60, "engagements": 1_500, "commitments": 300},
    "small": {"people": 2_000, "organisations": 600, "engagements": 15_000, "commitments": 3_000},
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


# A trigger that copies each new row into another table (a full-text index).
_COPY_TRIGGER_RE = re.compile(
    r"\s*CREATE\s+TRIGGER\s+\w+\s+AFTER\s+INSERT\s+ON\s+\w+\s+BEGIN\s+"
    r"INSERT\s+INTO\s+(?P<target>\w+)\s*\((?P<cols>[\w\s,]+)\)\s*"
    r"VALUES\s*\((?P<values>[\w\s.,]+)\)\s*;\s*END\s*",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# Writing rows.


class _Writer:
    """Multi-row inserts with explicit columns: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

    Columns of the model that the caller does not give get their default, so a field added to a
    model later (with a default, as migrations require) does not break the generator.
    """

    def __init__(self, stamp: dt.datetime) -> None:
        self.vendor = connection.vendor
        self.stamp = stamp
        self._layouts: dict[tuple[type, tuple[str, ...]], tuple[str, list[str], tuple]] = {}
        self._datetimes: dict[dt.datetime, Any] = {}
        self._durations: dict[int, Any] = {}
        self._native_duration = connection.features.has_native_duration_field
        self._pragmas: dict[str, Any] = {}
        self._raw: Any = None
        self._thread: threading.Thread | None = None
        self._jobs: queue.Queue = queue.Queue()
        self._failure: BaseException | None = None

    def datetime(self, value: dt.datetime) -> Any:
        """The database form of an aware datetime (a UTC string on SQLite), cached."""
        out = self._datetimes.get(value)
        if out is None:
            out = self._datetimes[value] = connection.ops.adapt_datetimefield_value(value)
        return out

    def duration(self, minutes: int) -> Any:
        out = self._durations.get(minutes)
        if out is None:
            delta = dt.timedelta(minutes=minutes)
            out = delta if self._native_duration else minutes * 60_000_000
            self._durations[minutes] = out
        return out

    def _layout(self, model: type, fields: tuple[str, ...]) -> tuple[str, list[str], tuple]:
        key = (model, fields)
        if key not in self._layouts:
            opts = model._meta
            given = [opts.get_field(name) for name in fields]
            extra_values = []
            columns = [f.column for f in given]
            for f in opts.concrete_fields:
                if f in given or f.primary_key:
                    continue
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    value: Any = (
                        self.stamp
                        if f.get_internal_type() == "DateTimeField"
                        else (timezone.localtime(self.stamp).date())
                    )
                else:
                    value = f.get_default()
                    if value is None and not f.null:
                        raise ValueError(f"{opts.label}.{f.name} needs a value in the generator.")
                columns.append(f.column)
                extra_values.append(f.get_db_prep_save(value, connection))
            self._layouts[key] = (opts.db_table, columns, tuple(extra_values))
        return self._layouts[key]

    def _statement(self, model: type, fields: Sequence[str]) -> tuple[str, tuple]:
        table, columns, extra = self._layout(model, tuple(fields))
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        if self.vendor == "postgresql":
            return f"COPY {qn(table)} ({cols}) FROM STDIN", extra
        marks = ", ".join(("?" if self.vendor == "sqlite" else "%s") for _ in columns)
        return f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", extra  # noqa: S608

    def _write(self, sql: str, rows: list[tuple], extra: tuple) -> None:
        """Runs in the background thread when there is one: touches only the raw connection."""
        if extra:
            rows = [(*row, *extra) for row in rows]
        if self.vendor == "postgresql":
            with self._raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        elif self.vendor == "sqlite":
            self._raw.executemany(sql, rows)
        else:  # pragma: no cover - other backends: Django's own executemany
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)

    def insert(self, model: type, fields: Sequence[str], rows: list[tuple]) -> int:
        """Write rows now, or hand them to the background thread while it runs."""
        if not rows:
            return 0
        sql, extra = self._statement(model, fields)
        if self._thread is not None:
            if self._failure is not None:
                self.end_background()  # raises the writer's error
            self._jobs.put((sql, rows, extra))
        else:
            connection.ensure_connection()
            self._raw = connection.connection
            self._write(sql, rows, extra)
        return len(rows)

    def begin_background(self) -> None:
        """Write from a second thread while the main one builds the next chunk.

        SQLite's inserts and PostgreSQL's COPY leave the interpreter lock while the database
        works, so building and writing overlap on two cores. The main thread does not touch the
        database until ``end_background``; rows are written in the order they were handed over.
        """
        if self.vendor not in ("sqlite", "postgresql"):
            return
        connection.ensure_connection()
        self._raw = connection.connection
        self._jobs = queue.Queue(maxsize=2)
        self._failure = None
        self._thread = threading.Thread(target=self._drain, name="demo-writer", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._failure is None:
                try:
                    self._write(*job)
                except BaseException as exc:  # handed to the main thread by end_background
                    self._failure = exc

    def end_background(self) -> None:
        """Wait for the writer to finish; raise what it failed with, if anything."""
        if self._thread is None:
            return
        self._jobs.put(None)
        self._thread.join()
        self._thread = None
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def tune(self) -> None:
        """SQLite: a large page cache while the batch is written (index pages stay in memory)."""
        if self.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            for pragma, value in (("cache_size", -262_144),):
                cursor.execute(f"PRAGMA {pragma}")
                self._pragmas[pragma] = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA {pragma} = {int(value)}")

    def untune(self) -> None:
        if self._pragmas and connection.connection is not None:
            with connection.cursor() as cursor:
                for pragma, value in self._pragmas.items():
                    cursor.execute(f"PRAGMA {pragma} = {int(value)}")
        self._pragmas.clear()

    def suspend_text_index(self, model: type) -> list[tuple[str, str | None]]:
        """Set aside the full-text index of a table while it is bulk-loaded.

        Kept row by row, the engagements' text index costs more than the rows themselves (about
        65 s a million on SQLite, 70 s on PostgreSQL); built in one statement afterwards
        (``resume_text_index``) it costs a fraction of that. SQLite: the triggers of the plain
        form ``INSERT INTO t(cols) VALUES (new.a, new.b…)`` are dropped and replayed as one
        ``INSERT … SELECT``; any other trigger stays and runs as usual. PostgreSQL: GIN indexes
        are dropped and created again from their own definition. Both databases roll DDL back
        with the transaction, so a failed generation gets the index back as it was.
        """
        table, qn = model._meta.db_table, connection.ops.quote_name
        suspended: list[tuple[str, str | None]] = []
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                    "current_schema() AND tablename = %s AND indexdef ILIKE %s ORDER BY indexname",
                    [table, "% USING gin %"],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {qn(name)}")
                    suspended.append((definition, None))
                return suspended
            if self.vendor != "sqlite":
                return suspended
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                "ORDER BY name",
                [table],
            )
            for name, sql in cursor.fetchall():
                match = _COPY_TRIGGER_RE.fullmatch(sql or "")
                values = [v.strip() for v in match["values"].split(",")] if match else []
                if not match or not all(re.fullmatch(r"new\.\w+", v, re.I) for v in values):
                    continue
                columns = ", ".join(v.split(".", 1)[1] for v in values)
                pk = qn(model._meta.pk.column)
                copy = (  # names from the schema itself, not from input
                    f"INSERT INTO {match['target']}({match['cols']}) "  # noqa: S608
                    f"SELECT {columns} FROM {qn(table)} WHERE {pk} >= %s"
                )
                cursor.execute(f"DROP TRIGGER {qn(name)}")
                suspended.append((sql, copy))
        return suspended

    def resume_text_index(self, suspended: list[tuple[str, str | None]], first_id: int) -> None:
        """Fill in one statement what was set aside, and put the triggers or indexes back."""
        with connection.cursor() as cursor:
            if suspended and self.vendor == "postgresql":
                # An index cannot be built while foreign-key checks wait for the commit: run them
                # now (they are due anyway), then defer the rest of the transaction's again.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for create, copy in suspended:
                if copy is not None:
                    cursor.execute(copy, [first_id])
                cursor.execute(create)
            if suspended and self.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def resume_activity(self, first_id: int) -> None:
        """The per-posting rows of the new engagements in one statement, triggers back on."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # As for the text index: run the foreign-key checks that wait for the commit
                # before the triggers are created again, then defer the rest again.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            derived.resume_activity(first_id)
            if self.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def analyze(self, models: Sequence[type]) -> None:
        """Fresh planner statistics after a bulk load."""
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # Full statistics: sampled ones (analysis_limit) mislead the planner into plans
                # several times slower on the figures' joins; this takes about two seconds.
                cursor.execute("PRAGMA analysis_limit = 0")
                cursor.execute("ANALYZE")
            elif self.vendor == "postgresql":
                # ANALYZE only: the load is one transaction, where PostgreSQL may not VACUUM
                # (`legation demo` runs `refresh_statistics` once it is committed).
                for model in models:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def reset_sequences(self, models: Sequence[type]) -> None:
        """PostgreSQL: move the id sequences past the ids assigned here."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


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
