"""Plain INSERTs in bulk, with their historical rows: the write path of large imports.

`bulk_create_with_history` builds two model instances per row (the record and its history) and
prepares every value through its field; for a file of a hundred thousand engagements that costs
several times the INSERTs themselves. Here rows are tuples of values, the ids are taken before
the INSERT (so links and historical rows can name their records), and each table receives
ordinary INSERT statements into the table itself (`executemany` on SQLite, statements of up to
1,000 rows on PostgreSQL): triggers and constraints apply as to any insert, and each historical
row carries the user, source and operation of the audit context, as django-simple-history's do.

Ids:

- PostgreSQL: drawn from the table's own sequence (`nextval`, all in one query), so rows created
  concurrently never collide, and later ORM creates carry on after them.
- SQLite: the next ids after the largest ever given (the table's `max(id)` and its AUTOINCREMENT
  counter in `sqlite_sequence`, so the id of a deleted record, still named by its history, is
  never reused). They are read inside the import's transaction after its first write, that is
  under the database's write lock: no other connection can insert in between. Inserting explicit
  ids moves `sqlite_sequence` on, so later ORM creates carry on after them.
"""

# ruff: noqa: S608  (statements are built from table and column names of _meta, never input)
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from legation.core import audit

#: values of these types go to the database as they are for text and integer columns
_AS_IS = frozenset({str, int, type(None)})
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField)


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


def _insert_sql(model: type[models.Model], names: Sequence[str], rows: int = 1) -> str:
    """INSERT of `rows` rows of the columns of `names` (attnames)."""
    qn = connection.ops.quote_name
    column = {f.attname: f.column for f in model._meta.concrete_fields}
    values = f"({', '.join(['%s'] * len(names))})"
    return (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(column[a]) for a in names)}) "
        f"VALUES {', '.join([values] * rows)}"
    )


def _execute(
    cursor: Any, model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT the rows: a statement per row on SQLite, where `executemany` steps one prepared
    statement in C; statements of up to 1,000 rows on PostgreSQL, where each statement costs a
    round trip and statement-level triggers run once per statement.
    """
    if connection.vendor != "postgresql":
        cursor.executemany(_insert_sql(model, names), rows)
        return
    size = max(1, min(1000, 60000 // len(names)))
    full = len(rows) - len(rows) % size
    if full:
        cursor.executemany(
            _insert_sql(model, names, size),
            [[v for row in rows[i : i + size] for v in row] for i in range(0, full, size)],
        )
    if full < len(rows):
        rest = rows[full:]
        cursor.execute(_insert_sql(model, names, len(rest)), [v for row in rest for v in row])


def insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    stamp: Stamp | None,
) -> None:
    """INSERT `rows` (id first, then `columns`' values as `prep` gives them) and their history.

    `columns` must name every concrete field but the pk (see `columns_of`), so each historical
    row holds the whole record, as django-simple-history would write it (type "+", the batch's
    date, user, source and operation, no change reason).
    """
    if not rows:
        return
    missing = set(columns_of(model)) - set(columns)
    if missing:
        raise ValueError(f"No value for {', '.join(sorted(missing))} of {model.__name__}.")
    pk = model._meta.pk.attname
    names = [pk, *columns]
    with connection.cursor() as cursor:
        _execute(cursor, model, names, rows)
        history = getattr(model, "history", None)
        if stamp is None or history is None:
            return
        historical = history.model
        tracked = {f.attname for f in historical.tracked_fields}
        keep = [i for i, name in enumerate(names) if name in tracked]
        tail = (
            prep(historical, "history_date")(stamp.date),
            None,
            "+",
            stamp.user_id,
            prep(historical, "operation")(stamp.operation_id),
            stamp.source,
        )
        extra = [
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
            "operation_id",
            "source",
        ]
        if len(keep) == len(names):
            values = [row + tail for row in rows]
        else:
            values = [tuple(row[i] for i in keep) + tail for row in rows]
        _execute(cursor, historical, [names[i] for i in keep] + extra, values)
