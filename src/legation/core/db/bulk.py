"""Rows written in bulk with explicit columns, with or without their historical rows.

The write path of large imports and of the demo generator. Going through ``save()`` or
``bulk_create_with_history`` builds model instances and prepares every value through its field;
for a million rows that costs several times the writing itself. Here rows are tuples of values
as the database takes them (`prep` converts them, memoised), the ids are taken before the rows
are written (`take_ids`, or assigned by the caller), so links and historical rows can name their
records, and each table receives one bulk statement per batch:

- SQLite: ``executemany`` of one prepared INSERT on the driver's own connection (the statement
  is stepped in C);
- PostgreSQL: ``COPY … FROM STDIN``, where statement-level triggers run once per batch.

Triggers and constraints apply as to any insert. `Writer.insert` with a `Stamp` also writes each
row's historical "+" row carrying the user, source and operation of the audit context, as
django-simple-history's do. A `Writer` may write from a second thread while the caller builds the
next batch (`begin_background`).

Ids (`take_ids`):

- PostgreSQL: drawn from the table's own sequence (`nextval`, all in one query), so rows created
  concurrently never collide, and later ORM creates carry on after them.
- SQLite: the next ids after the largest ever given (the table's `max(id)` and its AUTOINCREMENT
  counter in `sqlite_sequence`, so the id of a deleted record, still named by its history, is
  never reused). They are read inside the writing transaction after its first write, that is
  under the database's write lock: no other connection can insert in between. Inserting explicit
  ids moves `sqlite_sequence` on, so later ORM creates carry on after them.
"""

# ruff: noqa: S608  (statements are built from table and column names of _meta, never input)
from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from legation.core import audit

#: values of these types go to the database as they are for text and integer columns
_AS_IS = frozenset({str, int, type(None)})
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField)
#: the columns of a historical row besides the record's own, in the order `Stamp.tail` gives
_HISTORY_COLUMNS = (
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
    "operation_id",
    "source",
)


@dataclass(frozen=True)
class Stamp:
    """What every historical row of one batch records besides the record's own values."""

    date: dt.datetime
    user_id: int | None
    operation_id: Any
    source: str

    @classmethod
    def from_context(cls) -> Stamp | None:
        """The open audit context's user, source and operation (written now if it was not).

        None when history is switched off (SIMPLE_HISTORY_ENABLED); the operation is written
        either way, so the transaction has written before `take_ids` reads.
        """
        ctx = audit.current()
        if ctx is None:
            raise RuntimeError("Bulk writes need an audit context (legation.core.audit.audit).")
        operation = ctx.ensure_operation()
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return None
        actor = ctx.actor
        return cls(
            date=timezone.now(),
            user_id=actor.pk if actor is not None else None,
            operation_id=operation.pk,
            source=ctx.source,
        )

    def tail(self, historical: type[models.Model]) -> tuple[Any, ...]:
        """The values of `_HISTORY_COLUMNS` for a "+" row of `historical`."""
        return (
            prep(historical, "history_date")(self.date),
            None,
            "+",
            self.user_id,
            prep(historical, "operation")(self.operation_id),
            self.source,
        )


def prep(model: type[models.Model], name: str) -> Callable[[Any], Any]:
    """A function giving one column's values as the database takes them (memoised).

    Text and integer values pass as they are; others (date-times, durations, UUIDs) go through
    the field's `get_db_prep_save` once per distinct value, so a file of a million rows on a few
    thousand distinct dates converts a few thousand date-times.
    """
    field = model._meta.get_field(name)
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    db_prep = field.get_db_prep_save
    if isinstance(target, _PLAIN_FIELDS):

        def plain(value: Any) -> Any:
            return value if type(value) in _AS_IS else db_prep(value, connection)

        return plain
    seen: dict[Any, Any] = {}

    def memo(value: Any) -> Any:
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            out = seen[value] = db_prep(value, connection)
            return out
        except TypeError:  # unhashable (JSON)
            return db_prep(value, connection)

    return memo


def columns_of(model: type[models.Model]) -> list[str]:
    """The columns `insert` takes for a model, after the id: every concrete field but the pk."""
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def take_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` new ids for `model`'s table, inside the current transaction (see the module doc).

    On SQLite the transaction must hold the write lock: begun IMMEDIATE (legation's setting) or
    having written already (`Stamp.from_context` writes the operation).
    """
    if n <= 0:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("Ids are taken inside the transaction that inserts the rows.")
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk, n],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) "
                f"FROM {connection.ops.quote_name(table)}"
            )
            top = cursor.fetchone()[0]
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                top = max(top, row[0] if row else 0)
            return list(range(top + 1, top + 1 + n))
    raise NotImplementedError(f"Bulk ids on {connection.vendor} are not supported.")


def reset_sequences(models_: Sequence[type[models.Model]]) -> None:
    """PostgreSQL: move the id sequences past ids assigned by the caller (SQLite needs none)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Writer:
    """Multi-row writes with explicit columns: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

    Columns of the model that the caller does not give get their default (``auto_now`` ones:
    `stamp`, which must then be given), so a field added to a model later (with a default, as
    migrations require) does not break a caller that writes only some columns.
    """

    def __init__(self, stamp: dt.datetime | None = None) -> None:
        self.vendor = connection.vendor
        self.stamp = stamp
        self._layouts: dict[tuple[type, tuple[str, ...]], tuple[str, tuple]] = {}
        self._datetimes: dict[dt.datetime, Any] = {}
        self._durations: dict[int, Any] = {}
        self._native_duration = connection.features.has_native_duration_field
        self._pragmas: dict[str, Any] = {}
        self._raw: Any = None
        self._thread: threading.Thread | None = None
        self._jobs: queue.Queue = queue.Queue()
        self._failure: BaseException | None = None

    # -- values --------------------------------------------------------------------------------

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

    # -- statements ----------------------------------------------------------------------------

    def _layout(self, model: type, fields: tuple[str, ...]) -> tuple[str, tuple]:
        """The statement writing `fields` and the columns not given, and those columns' values."""
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
                    if self.stamp is None:
                        raise ValueError(f"{opts.label}.{f.name} needs a value or a stamp.")
                    value: Any = (
                        self.stamp
                        if f.get_internal_type() == "DateTimeField"
                        else (timezone.localtime(self.stamp).date())
                    )
                else:
                    value = f.get_default()
                    if value is None and not f.null:
                        raise ValueError(f"{opts.label}.{f.name} needs a value.")
                columns.append(f.column)
                extra_values.append(f.get_db_prep_save(value, connection))
            qn = connection.ops.quote_name
            table, cols = qn(opts.db_table), ", ".join(qn(c) for c in columns)
            if self.vendor == "postgresql":
                sql = f"COPY {table} ({cols}) FROM STDIN"
            else:
                mark = "?" if self.vendor == "sqlite" else "%s"
                sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join([mark] * len(columns))})"
            self._layouts[key] = (sql, tuple(extra_values))
        return self._layouts[key]

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

    def insert(
        self,
        model: type,
        fields: Sequence[str],
        rows: list[tuple],
        *,
        history: Stamp | None = None,
    ) -> int:
        """Write `rows` (values of `fields`, names or attnames), now or by the background thread.

        With `history`, each row's historical "+" row is written too; `fields` must then name
        the primary key and every tracked field, so that row holds the whole record.
        """
        if not rows:
            return 0
        sql, extra = self._layout(model, tuple(fields))
        self._submit(sql, rows, extra)
        if history is not None and getattr(model, "history", None) is not None:
            self._history(model, fields, rows, history)
        return len(rows)

    def _submit(self, sql: str, rows: list[tuple], extra: tuple) -> None:
        if self._thread is not None:
            if self._failure is not None:
                self.end_background()  # raises the writer's error
            self._jobs.put((sql, rows, extra))
        else:
            connection.ensure_connection()
            self._raw = connection.connection
            with connection.wrap_database_errors:  # the driver's errors as Django's
                self._write(sql, rows, extra)

    def _history(self, model: type, fields: Sequence[str], rows: list[tuple], stamp: Stamp):
        historical = model.history.model
        opts = model._meta
        names = [opts.get_field(f).attname for f in fields]
        tracked = {f.attname for f in historical.tracked_fields}
        if missing := tracked - set(names):
            raise ValueError(f"No value for {', '.join(sorted(missing))} of {model.__name__}.")
        keep = [i for i, name in enumerate(names) if name in tracked]
        tail = stamp.tail(historical)
        if len(keep) == len(names):
            values = [row + tail for row in rows]
        else:
            values = [tuple(row[i] for i in keep) + tail for row in rows]
        sql, extra = self._layout(historical, (*(names[i] for i in keep), *_HISTORY_COLUMNS))
        self._submit(sql, values, extra)

    # -- a second thread -----------------------------------------------------------------------

    def begin_background(self) -> None:
        """Write from a second thread while the main one builds the next batch.

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
        self._thread = threading.Thread(target=self._drain, name="bulk-writer", daemon=True)
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
            with connection.wrap_database_errors:  # the driver's errors as Django's
                raise failure

    # -- the connection while a large batch is written -----------------------------------------

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


def insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    stamp: Stamp | None,
) -> None:
    """Write `rows` (id first, then `columns`' values as `prep` gives them) and their history.

    `columns` must name every concrete field but the pk (see `columns_of`), so each historical
    row holds the whole record, as django-simple-history would write it (type "+", the batch's
    date, user, source and operation, no change reason).
    """
    if not rows:
        return
    missing = set(columns_of(model)) - set(columns)
    if missing:
        raise ValueError(f"No value for {', '.join(sorted(missing))} of {model.__name__}.")
    Writer().insert(model, [model._meta.pk.attname, *columns], rows, history=stamp)
