"""The SQL that keeps the derived tables (see models.py) equal to the ledger.

Both engines get the same rule, written twice: an engagement's sectors are the sectors of its
participants and of its organisations. SQLite runs one trigger per row; PostgreSQL one per
statement, reading the rows a statement touched from its transition tables, so a bulk load or a
COPY costs one set-based INSERT rather than a trigger call per row.

Migration 0001 installs what is here; a change to these statements needs a new migration that
drops and creates the triggers again.
"""

# ruff: noqa: S608  (every statement is built from the table names above, never from input)
from __future__ import annotations

from django.db import connection

TABLE = "insight_engagementsector"
PART = "engagements_engagementparticipant"
ORG = "engagements_engagementorganisation"


def _sectors_of(where_part: str, where_org: str) -> str:
    """(engagement, sector) rows of the engagements the two conditions select."""
    return (
        f"SELECT p.engagement_id, pe.sector_id FROM {PART} p "
        f"JOIN people_person pe ON pe.id = p.person_id "
        f"WHERE {where_part} AND pe.sector_id IS NOT NULL "
        f"UNION SELECT o.engagement_id, og.sector_id FROM {ORG} o "
        f"JOIN people_organisation og ON og.id = o.organisation_id "
        f"WHERE {where_org} AND og.sector_id IS NOT NULL"
    )


def _sqlite_refresh(ids: str) -> str:
    """Trigger body: recompute the engagements whose ids `ids` (an SQL condition tail) selects."""
    return (
        f"DELETE FROM {TABLE} WHERE engagement_id {ids}; "
        f"INSERT OR IGNORE INTO {TABLE}(engagement_id, sector_id) "
        + _sectors_of(f"p.engagement_id {ids}", f"o.engagement_id {ids}")
        + ";"
    )


SQLITE_UP = [
    f"CREATE TRIGGER insight_es_part_ai AFTER INSERT ON {PART} BEGIN "
    f"INSERT OR IGNORE INTO {TABLE}(engagement_id, sector_id) SELECT new.engagement_id, "
    "sector_id FROM people_person WHERE id = new.person_id AND sector_id IS NOT NULL; END",
    f"CREATE TRIGGER insight_es_org_ai AFTER INSERT ON {ORG} BEGIN "
    f"INSERT OR IGNORE INTO {TABLE}(engagement_id, sector_id) SELECT new.engagement_id, "
    "sector_id FROM people_organisation WHERE id = new.organisation_id "
    "AND sector_id IS NOT NULL; END",
    f"CREATE TRIGGER insight_es_part_ad AFTER DELETE ON {PART} BEGIN "
    + _sqlite_refresh("= old.engagement_id")
    + " END",
    f"CREATE TRIGGER insight_es_org_ad AFTER DELETE ON {ORG} BEGIN "
    + _sqlite_refresh("= old.engagement_id")
    + " END",
    f"CREATE TRIGGER insight_es_part_au AFTER UPDATE OF engagement_id, person_id ON {PART} BEGIN "
    + _sqlite_refresh("IN (old.engagement_id, new.engagement_id)")
    + " END",
    f"CREATE TRIGGER insight_es_org_au AFTER UPDATE OF engagement_id, organisation_id ON {ORG} "
    "BEGIN " + _sqlite_refresh("IN (old.engagement_id, new.engagement_id)") + " END",
    "CREATE TRIGGER insight_es_person_au AFTER UPDATE OF sector_id ON people_person "
    "WHEN old.sector_id IS NOT new.sector_id BEGIN "
    + _sqlite_refresh(f"IN (SELECT engagement_id FROM {PART} WHERE person_id = new.id)")
    + " END",
    "CREATE TRIGGER insight_es_organisation_au AFTER UPDATE OF sector_id ON people_organisation "
    "WHEN old.sector_id IS NOT new.sector_id BEGIN "
    + _sqlite_refresh(f"IN (SELECT engagement_id FROM {ORG} WHERE organisation_id = new.id)")
    + " END",
    "CREATE TRIGGER insight_es_engagement_ad AFTER DELETE ON engagements_engagement BEGIN "
    f"DELETE FROM {TABLE} WHERE engagement_id = old.id; END",
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS insight_es_{name}"
    for name in (
        "part_ai",
        "org_ai",
        "part_ad",
        "org_ad",
        "part_au",
        "org_au",
        "person_au",
        "organisation_au",
        "engagement_ad",
    )
]

# PostgreSQL: one function recomputes a set of engagements; each trigger hands it the ids its
# statement touched (transition tables: `new_rows`, `old_rows`).
_PG_REFRESH = (
    "CREATE OR REPLACE FUNCTION insight_es_refresh(ids bigint[]) RETURNS void "
    f"LANGUAGE sql AS $$ DELETE FROM {TABLE} WHERE engagement_id = ANY(ids); "
    f"INSERT INTO {TABLE}(engagement_id, sector_id) "
    + _sectors_of("p.engagement_id = ANY(ids)", "o.engagement_id = ANY(ids)")
    + " ON CONFLICT DO NOTHING; $$"
)


def _pg_trigger(name: str, event: str, table: str, transition: str, body: str) -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION insight_es_{name}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {body} RETURN NULL; END $$",
        f"CREATE TRIGGER insight_es_{name} AFTER {event} ON {table} REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION insight_es_{name}()",
    ]


def _pg_ids(sql: str) -> str:
    return f"PERFORM insight_es_refresh(ARRAY(SELECT DISTINCT x FROM ({sql}) AS t(x)));"


PG_TRIGGERS = {
    "part_ai": (
        "INSERT",
        PART,
        "NEW TABLE AS new_rows",
        f"INSERT INTO {TABLE}(engagement_id, sector_id) SELECT DISTINCT n.engagement_id, "
        "pe.sector_id FROM new_rows n JOIN people_person pe ON pe.id = n.person_id "
        "WHERE pe.sector_id IS NOT NULL ON CONFLICT DO NOTHING;",
    ),
    "org_ai": (
        "INSERT",
        ORG,
        "NEW TABLE AS new_rows",
        f"INSERT INTO {TABLE}(engagement_id, sector_id) SELECT DISTINCT n.engagement_id, "
        "og.sector_id FROM new_rows n JOIN people_organisation og ON og.id = n.organisation_id "
        "WHERE og.sector_id IS NOT NULL ON CONFLICT DO NOTHING;",
    ),
    "part_ad": (
        "DELETE",
        PART,
        "OLD TABLE AS old_rows",
        _pg_ids("SELECT engagement_id FROM old_rows"),
    ),
    "org_ad": (
        "DELETE",
        ORG,
        "OLD TABLE AS old_rows",
        _pg_ids("SELECT engagement_id FROM old_rows"),
    ),
    "part_au": (
        "UPDATE",
        PART,
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _pg_ids("SELECT engagement_id FROM old_rows UNION SELECT engagement_id FROM new_rows"),
    ),
    "org_au": (
        "UPDATE",
        ORG,
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _pg_ids("SELECT engagement_id FROM old_rows UNION SELECT engagement_id FROM new_rows"),
    ),
    "person_au": (
        "UPDATE",
        "people_person",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _pg_ids(
            f"SELECT p.engagement_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
            f"JOIN {PART} p ON p.person_id = n.id WHERE n.sector_id IS DISTINCT FROM o.sector_id"
        ),
    ),
    "organisation_au": (
        "UPDATE",
        "people_organisation",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        _pg_ids(
            f"SELECT x.engagement_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
            f"JOIN {ORG} x ON x.organisation_id = n.id WHERE n.sector_id IS DISTINCT FROM o.sector_id"
        ),
    ),
    "engagement_ad": (
        "DELETE",
        "engagements_engagement",
        "OLD TABLE AS old_rows",
        f"DELETE FROM {TABLE} WHERE engagement_id IN (SELECT id FROM old_rows);",
    ),
}
POSTGRES_UP = [_PG_REFRESH] + [
    sql for name, spec in PG_TRIGGERS.items() for sql in _pg_trigger(name, *spec)
]
POSTGRES_DOWN = [
    sql
    for name, (_event, table, _t, _b) in PG_TRIGGERS.items()
    for sql in (
        f"DROP TRIGGER IF EXISTS insight_es_{name} ON {table}",
        f"DROP FUNCTION IF EXISTS insight_es_{name}()",
    )
] + ["DROP FUNCTION IF EXISTS insight_es_refresh(bigint[])"]

REBUILD = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE}(engagement_id, sector_id) " + _sectors_of("1 = 1", "1 = 1"),
]


def install(schema_editor) -> None:
    statements = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)
    for sql in REBUILD:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor) -> None:
    statements = {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def rebuild() -> None:
    """Recompute every derived row from the ledger (after a repair, or to check the triggers)."""
    with connection.cursor() as cursor:
        for sql in REBUILD:
            cursor.execute(sql)


def expected_rows() -> set[tuple[int, int]]:
    """What the derived table must hold, computed from the ledger itself."""
    with connection.cursor() as cursor:
        cursor.execute(_sectors_of("1 = 1", "1 = 1"))
        return {(int(e), int(s)) for e, s in cursor.fetchall()}


def stored_rows() -> set[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT engagement_id, sector_id FROM {TABLE}")
        return {(int(e), int(s)) for e, s in cursor.fetchall()}
