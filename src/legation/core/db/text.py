"""The engagements' full-text index: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL.

Created by migration engagements 0003 (its SQL frozen there); this module is what runtime code
needs of it: the condition that matches a term through the index, and how a bulk load sets the
index aside and fills it in one statement. Terms shorter than three characters cannot use a
trigram index: callers scan for them.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from legation.core.db.setaside import SetAside

TABLE = "engagements_engagement"
COLUMNS = ("subject", "summary", "notes")
#: SQLite: the FTS5 table (content = the engagements table) and the trigger filling it on insert
FTS_TABLE = "engagement_fts"
FTS_INSERT_TRIGGER = "engagement_fts_ai"
#: PostgreSQL: the GIN index over this expression (the query must repeat it to use the index)
TRGM_INDEX = "engagement_text_trgm"
TEXT_SQL = "(subject || ' ' || summary || ' ' || notes)"
#: the shortest term a trigram index can answer
MIN_TERM = 3


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def indexed_match(term: str) -> RawSQL | None:
    """A condition (for `QuerySet.filter`) true for engagements whose text contains `term`,
    answered by the index; None on a database without one."""
    if connection.vendor == "sqlite":
        return RawSQL(  # noqa: S611 - constant names, the term bound
            f"{connection.ops.quote_name(TABLE)}.id IN "  # noqa: S608
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [_fts_phrase(term)],
            output_field=BooleanField(),
        )
    if connection.vendor == "postgresql":
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return RawSQL(  # noqa: S611 - constant names, the term bound
            f"{TEXT_SQL} ILIKE %s", [f"%{escaped}%"], output_field=BooleanField()
        )
    return None


class TextIndexSetAside:
    """The text index set aside for a bulk load of engagements, filled and put back by `restore`.

    SQLite: the insert trigger is dropped, and the new rows are added to the FTS table in one
    ``INSERT … SELECT``; the delete and update triggers stay. PostgreSQL: the GIN index is
    dropped and built again from its own definition.
    """

    def __init__(self) -> None:
        self.saved = SetAside()
        if connection.vendor == "sqlite":
            self.saved.triggers(FTS_INSERT_TRIGGER.replace("_", "\\_"))
        elif connection.vendor == "postgresql":
            self.saved.index(TRGM_INDEX)

    def __bool__(self) -> bool:
        return bool(self.saved.statements)

    def restore(self, first_id: int) -> None:
        """Index the engagements from `first_id` on, and put the trigger or index back."""
        if not self.saved.statements:
            return
        if connection.vendor == "sqlite":
            columns = ", ".join(COLUMNS)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, {columns}) "  # noqa: S608 - constant names
                    f"SELECT id, {columns} FROM {TABLE} WHERE id >= %s",
                    [first_id],
                )
        self.saved.restore()
