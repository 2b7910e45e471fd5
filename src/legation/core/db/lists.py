"""A long list of values as one SQL parameter, for ``field__in=``.

``pk__in=[…]`` with thousands of values binds one parameter per value (SQLite refuses more than
32,766, PostgreSQL 65,535), and a chain of ``Q(pk=…) | Q(pk=…)`` fails long before that with
"Expression tree is too large" (SQLite's depth limit is 1,000). `ValueList` binds the whole list
as one parameter: a JSON array read by ``json_each`` on SQLite, an array ``unnest``-ed on
PostgreSQL, so a segment of 20,000 people by id is one short statement on both databases.

    Person.objects.filter(pk__in=ValueList(ids))
    Person.objects.filter(ref__in=ValueList(refs, text=True))
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import BigIntegerField, Expression, TextField


class ValueList(Expression):
    """``(SELECT value FROM <the list>)``: integers, or strings with ``text=True``."""

    def __init__(self, values: Iterable[Any], *, text: bool = False):
        super().__init__(output_field=TextField() if text else BigIntegerField())
        self.text = text
        self.values = [str(v) for v in values] if text else [int(v) for v in values]

    def __repr__(self) -> str:
        return f"ValueList({len(self.values)} {'strings' if self.text else 'integers'})"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # SQLite (and any database with json_each); PostgreSQL below.
        return "(SELECT value FROM json_each(%s))", [json.dumps(self.values)]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        kind = "text" if self.text else "bigint"
        return f"(SELECT unnest(%s::{kind}[]))", [self.values]
