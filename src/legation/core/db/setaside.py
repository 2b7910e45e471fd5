"""Triggers and indexes a bulk load sets aside while it writes, and puts back afterwards.

Kept row by row, some triggers and indexes cost a bulk load more than the rows themselves (the
engagements' text index, the per-posting activity table and its covering index: tens of seconds
a million rows); filled in one statement after the load and created again, they cost a fraction
of that. What is dropped is read from the database itself (`sqlite_master`; `pg_get_triggerdef`
and `pg_indexes` on PostgreSQL), so it comes back exactly as it was, whatever built it. On
PostgreSQL a trigger's function stays; only the trigger is dropped. Both databases roll DDL
back with the transaction: a failed load gets them back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# What a bulk load of engagements may set aside (name patterns: LIKE, `_` escaped).
#: the per-posting activity triggers (insight migrations 0002 on)
ACTIVITY_TRIGGERS = "insight\\_pa\\_%"
#: the per-posting activity table's covering index
ACTIVITY_COVER_INDEX = "posting_activity_cover"


class SetAside:
    """The statements that create again what `triggers` and `index` dropped, in order."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def triggers(self, like: str) -> SetAside:
        """Drop the triggers whose names match `like` (a LIKE pattern, `\\` escapes)."""
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND name LIKE %s ESCAPE '\\' ORDER BY name",
                    [like],
                )
                for name, sql in cursor.fetchall():
                    cursor.execute(f"DROP TRIGGER {qn(name)}")
                    self.statements.append(sql)
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT t.tgisinternal AND t.tgname LIKE %s "
                    "AND c.relnamespace = current_schema()::regnamespace ORDER BY t.tgname",
                    [like],
                )
                for name, table, definition in cursor.fetchall():
                    cursor.execute(f"DROP TRIGGER {qn(name)} ON {qn(table)}")
                    self.statements.append(definition)
        return self

    def index(self, name: str) -> SetAside:
        """Drop the index `name`, if there is one."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name]
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND indexname = %s",
                    [name],
                )
            else:
                return self
            row = cursor.fetchone()
            if not (row and row[0]):
                return self
            quoted = connection.ops.quote_name(name)
            after = []
            if connection.vendor == "postgresql":
                # Statistics targets set on the index's columns (engagements 0014) are not in
                # its definition: set again once it is built.
                cursor.execute(
                    "SELECT attnum, attstattarget FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attstattarget > 0 ORDER BY attnum",
                    [name],
                )
                after = [
                    f"ALTER INDEX {quoted} ALTER COLUMN {n} SET STATISTICS {int(target)}"
                    for n, target in cursor.fetchall()
                ]
            cursor.execute(f"DROP INDEX {quoted}")
            self.statements += [row[0], *after]
        return self

    def restore(self) -> None:
        """Create again what was dropped (after the rows and any fill are in)."""
        with connection.cursor() as cursor, checks_run_now():
            for sql in self.statements:
                cursor.execute(sql)
        self.statements = []


@contextmanager
def checks_run_now() -> Iterator[None]:
    """PostgreSQL: run the foreign-key checks that wait for the commit now, and defer them again
    afterwards. An index or trigger cannot be created on a table with such checks pending."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
