"""Migration operations shared by the apps' migrations."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations


class KeepingTriggers(migrations.operations.base.Operation):
    """Run `operations`, keeping the SQLite triggers of `tables`.

    SQLite cannot drop a column's UNIQUE or add a table constraint in place: Django rebuilds the
    table (create, copy, drop, rename), and the triggers on the old table (the engagement text
    index, the derived tables of `insight`) go with it, while triggers of other tables that name
    it stop the rename. Every trigger on or naming the tables is read from `sqlite_master`,
    dropped, and created again afterwards. Other databases alter in place: the operations run as
    they are.
    """

    reduces_to_sql = False
    reversible = True

    def __init__(self, tables: list[str], operations: list[Any]) -> None:
        self.tables = list(tables)
        self.operations = list(operations)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"tables": self.tables, "operations": self.operations},
        )

    def describe(self) -> str:
        return f"{len(self.operations)} operations keeping the triggers of {', '.join(self.tables)}"

    def state_forwards(self, app_label: str, state: Any) -> None:
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def _run(self, app_label: str, schema_editor: Any, from_state: Any, ops: list[Any], fwd: bool):
        saved = self._saved(schema_editor)
        if fwd:
            state = from_state
            for operation in ops:
                new = state.clone()
                operation.state_forwards(app_label, new)
                operation.database_forwards(app_label, schema_editor, state, new)
                state = new
        else:
            states = [from_state]
            for operation in self.operations[:-1]:
                new = states[-1].clone()
                operation.state_forwards(app_label, new)
                states.append(new)
            for operation, before in reversed(list(zip(self.operations, states, strict=True))):
                after = before.clone()
                operation.state_forwards(app_label, after)
                operation.database_backwards(app_label, schema_editor, after, before)
        self._restore(schema_editor, saved)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._run(app_label, schema_editor, from_state, self.operations, True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        # from_state is the state after this operation; rebuild the states before each step.
        self._run(app_label, schema_editor, to_state, self.operations, False)

    def _saved(self, schema_editor: Any) -> list[tuple[str, str]]:
        """Drop, and return, every trigger on the tables or naming them in its body (SQLite
        refuses to rename a table while another table's trigger names a missing one)."""
        if schema_editor.connection.vendor != "sqlite":
            return []
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            rows = cursor.fetchall()
        names = [re.compile(rf"\b{re.escape(t)}\b", re.IGNORECASE) for t in self.tables]
        saved = [
            (name, sql)
            for name, table, sql in rows
            if sql and (table in self.tables or any(n.search(sql) for n in names))
        ]
        for name, _sql in saved:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {schema_editor.quote_name(name)}")
        return saved

    def _restore(self, schema_editor: Any, saved: list[tuple[str, str]]) -> None:
        for _name, sql in saved:
            schema_editor.execute(sql, params=None)


# SQLite adds a NOT NULL column with a default by copying the whole table (which breaks the
# triggers naming it and takes minutes at a million rows); a constant default can be added in place.
class AddColumnInPlace(migrations.AddField):
    """`AddField` for a NOT NULL field with a constant default, without a rebuild on SQLite."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        column_sql, params = schema_editor.column_sql(model, field, include_default=True)
        default = schema_editor.effective_default(field)
        sql = (
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"ADD COLUMN {schema_editor.quote_name(field.column)} {column_sql}"
        )
        if "DEFAULT" not in column_sql.upper():
            sql += f" DEFAULT {schema_editor.quote_value(default)}"
        schema_editor.execute(sql, params or None)


class RunSQLPerVendor(migrations.operations.base.Operation):
    """Run frozen SQL statements written for the connection's database, with their reverse.

    `forwards` and `backwards` map a vendor ("sqlite", "postgresql") to its statements, and
    `both` lists statements run after them on either database (a fill of a new table). The SQL
    is pasted into the migration as it was when the migration was written, never built by code
    the project may change later: a migration creates the same triggers forever. A database with
    no entry runs nothing.
    """

    reduces_to_sql = False
    reversible = True

    def __init__(
        self,
        forwards: dict[str, list[str]],
        backwards: dict[str, list[str]],
        both: list[str] | None = None,
    ) -> None:
        self.forwards = {vendor: list(sql) for vendor, sql in forwards.items()}
        self.backwards = {vendor: list(sql) for vendor, sql in backwards.items()}
        self.both = list(both or [])

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"forwards": self.forwards, "backwards": self.backwards}
        if self.both:
            kwargs["both"] = self.both
        return (self.__class__.__qualname__, [], kwargs)

    def describe(self) -> str:
        return "Frozen SQL per database"

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _execute(self, schema_editor: Any, statements: list[str]) -> None:
        for sql in statements:
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        vendor = schema_editor.connection.vendor
        self._execute(schema_editor, self.forwards.get(vendor, []))
        self._execute(schema_editor, self.both)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._execute(schema_editor, self.backwards.get(schema_editor.connection.vendor, []))
