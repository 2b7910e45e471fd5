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


def _pg_up(prefix: str, triggers: dict[str, tuple[str, str, str, str]]) -> list[str]:
    """A statement trigger per entry (event, table, transition tables, body), each with its
    function, named `{prefix}_{name}`."""
    return [
        sql
        for name, (event, table, transition, body) in triggers.items()
        for sql in (
            f"CREATE OR REPLACE FUNCTION {prefix}_{name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body} RETURN NULL; END $$",
            f"CREATE TRIGGER {prefix}_{name} AFTER {event} ON {table} REFERENCING {transition} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_{name}()",
        )
    ]


def _pg_down(prefix: str, triggers: dict[str, tuple[str, str, str, str]]) -> list[str]:
    return [
        sql
        for name, (_event, table, _t, _b) in triggers.items()
        for sql in (
            f"DROP TRIGGER IF EXISTS {prefix}_{name} ON {table}",
            f"DROP FUNCTION IF EXISTS {prefix}_{name}()",
        )
    ]


def _for_vendor(vendor: str, sqlite: list[str], postgresql: list[str]) -> list[str]:
    return {"sqlite": sqlite, "postgresql": postgresql}.get(vendor, [])


def _execute(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


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
POSTGRES_UP = [_PG_REFRESH, *_pg_up("insight_es", PG_TRIGGERS)]
POSTGRES_DOWN = [
    *_pg_down("insight_es", PG_TRIGGERS),
    "DROP FUNCTION IF EXISTS insight_es_refresh(bigint[])",
]

REBUILD = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE}(engagement_id, sector_id) " + _sectors_of("1 = 1", "1 = 1"),
]


def install(schema_editor) -> None:
    _execute(schema_editor, _for_vendor(schema_editor.connection.vendor, SQLITE_UP, POSTGRES_UP))
    _execute(schema_editor, REBUILD)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _execute(schema_editor, _for_vendor(vendor, SQLITE_DOWN, POSTGRES_DOWN))


def rebuild() -> None:
    """Recompute every derived row from the ledger (after a repair, or to check the triggers).

    The sector rows first: the per-posting table copies them.
    """
    with connection.cursor() as cursor:
        for sql in REBUILD + ACTIVITY_REBUILD:
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


# -- Per-posting activity (models.PostingActivity, migration 0002) -------------------------------
#
# The rule: for every staff link (posting, engagement), a row for the engagement itself (facet
# 0), one per participant (1), per organisation (2) and per sector reached (3, the rows of the
# engagement-sector table above, whose own triggers then drive these). Each row copies the
# engagement's mission, start, sensitivity, kind, region and duration.
#
# Inserts add only the rows the new rows complete (the last of a staff link, an engagement and
# a participant, organisation or sector row to arrive completes a row); deletes remove only
# the rows the deleted ones carried; an update of an engagement rewrites its copied columns.

ACTIVITY = "insight_postingactivity"
STAFF = "engagements_engagementstaff"
ENGAGEMENT = "engagements_engagement"
ACTIVITY_COLUMNS = (
    "posting_id, facet, item_id, engagement_id, mission_id, start, sensitivity, kind, "
    "region_id, duration"
)
_COPIED = "e.mission_id, e.start, e.sensitivity, e.kind, e.region_id, e.duration"
# (facet, the junction table, its column naming the item)
FACETS = ((1, PART, "person_id"), (2, ORG, "organisation_id"), (3, TABLE, "sector_id"))


def _activity_of(staff: str, where: str) -> str:
    """Every activity row of the staff links `staff` (a table or transition table) holds that
    `where` (on `s`, the staff link, and `e`, its engagement) selects."""
    parts = [
        f"SELECT s.posting_id, 0, e.id, e.id, {_COPIED} FROM {staff} s "
        f"JOIN {ENGAGEMENT} e ON e.id = s.engagement_id WHERE {where}"
    ]
    for facet, table, column in FACETS:
        parts.append(
            f"SELECT s.posting_id, {facet}, x.{column}, e.id, {_COPIED} FROM {staff} s "
            f"JOIN {ENGAGEMENT} e ON e.id = s.engagement_id "
            f"JOIN {table} x ON x.engagement_id = e.id WHERE {where}"
        )
    return " UNION ALL ".join(parts)


def _facet_rows(facet: int, column: str, items: str, where: str) -> str:
    """Activity rows of one facet for the junction rows `items` (a table or transition table,
    aliased `x`) that `where` selects: one per staff link of each row's engagement."""
    return (
        f"SELECT s.posting_id, {facet}, x.{column}, e.id, {_COPIED} FROM {items} x "
        f"JOIN {STAFF} s ON s.engagement_id = x.engagement_id "
        f"JOIN {ENGAGEMENT} e ON e.id = x.engagement_id WHERE {where}"
    )


_SET_COPIED = (
    "mission_id = {n}.mission_id, start = {n}.start, sensitivity = {n}.sensitivity, "
    "kind = {n}.kind, region_id = {n}.region_id, duration = {n}.duration"
)
_CHANGED = (
    "({o}.mission_id, {o}.start, {o}.sensitivity, {o}.kind, {o}.region_id, {o}.duration) "
    "IS DISTINCT FROM ({n}.mission_id, {n}.start, {n}.sensitivity, {n}.kind, {n}.region_id, "
    "{n}.duration)"
)


def _sqlite_activity() -> dict[str, str]:
    ins = f"INSERT OR IGNORE INTO {ACTIVITY}({ACTIVITY_COLUMNS}) "
    triggers = {
        "staff_ai": f"AFTER INSERT ON {STAFF} BEGIN "
        + ins
        + _activity_of(STAFF, "s.id = new.id")
        + "; END",
        "staff_ad": f"AFTER DELETE ON {STAFF} BEGIN DELETE FROM {ACTIVITY} WHERE "
        "engagement_id = old.engagement_id AND posting_id = old.posting_id; END",
        "staff_au": f"AFTER UPDATE OF engagement_id, posting_id ON {STAFF} BEGIN "
        f"DELETE FROM {ACTIVITY} WHERE engagement_id = old.engagement_id "
        "AND posting_id = old.posting_id; " + ins + _activity_of(STAFF, "s.id = new.id") + "; END",
        "engagement_ai": f"AFTER INSERT ON {ENGAGEMENT} BEGIN "
        + ins
        + _activity_of(STAFF, "e.id = new.id")
        + "; END",
        "engagement_au": "AFTER UPDATE OF mission_id, start, sensitivity, kind, region_id, "
        f"duration ON {ENGAGEMENT} WHEN "
        + _CHANGED.format(o="old", n="new").replace("IS DISTINCT FROM", "IS NOT")
        + f" BEGIN UPDATE {ACTIVITY} SET "
        + _SET_COPIED.format(n="new")
        + " WHERE engagement_id = new.id; END",
        "engagement_ad": f"AFTER DELETE ON {ENGAGEMENT} BEGIN "
        f"DELETE FROM {ACTIVITY} WHERE engagement_id = old.id; END",
    }
    for facet, table, column in FACETS:
        name = {1: "part", 2: "org", 3: "sector"}[facet]
        delete = (
            f"DELETE FROM {ACTIVITY} WHERE engagement_id = old.engagement_id "
            f"AND facet = {facet} AND item_id = old.{column}; "
        )
        insert = ins + _facet_rows(facet, column, table, "x.id = new.id") + "; "
        triggers[f"{name}_ai"] = f"AFTER INSERT ON {table} BEGIN {insert}END"
        triggers[f"{name}_ad"] = f"AFTER DELETE ON {table} BEGIN {delete}END"
        triggers[f"{name}_au"] = (
            f"AFTER UPDATE OF engagement_id, {column} ON {table} BEGIN {delete}{insert}END"
        )
    return triggers


SQLITE_ACTIVITY = _sqlite_activity()
SQLITE_ACTIVITY_UP = [
    f"CREATE TRIGGER insight_pa_{name} {body}" for name, body in SQLITE_ACTIVITY.items()
]
SQLITE_ACTIVITY_DOWN = [f"DROP TRIGGER IF EXISTS insight_pa_{name}" for name in SQLITE_ACTIVITY]


def _pg_activity() -> dict[str, tuple[str, str, str, str]]:
    ins = f"INSERT INTO {ACTIVITY}({ACTIVITY_COLUMNS}) "
    done = " ON CONFLICT DO NOTHING;"
    both = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    drop_links = (
        f"DELETE FROM {ACTIVITY} a USING old_rows o WHERE a.engagement_id = o.engagement_id "
        "AND a.posting_id = o.posting_id;"
    )
    triggers = {
        "staff_ai": ("INSERT", STAFF, "NEW TABLE AS new_rows", ins + _activity_of("new_rows", "TRUE") + done),
        "staff_ad": ("DELETE", STAFF, "OLD TABLE AS old_rows", drop_links),
        "staff_au": ("UPDATE", STAFF, both, drop_links + " " + ins + _activity_of("new_rows", "TRUE") + done),
        "engagement_ai": (
            "INSERT",
            ENGAGEMENT,
            "NEW TABLE AS new_rows",
            ins + _activity_of(STAFF, "e.id IN (SELECT id FROM new_rows)") + done,
        ),
        "engagement_au": (
            "UPDATE",
            ENGAGEMENT,
            both,
            f"UPDATE {ACTIVITY} a SET " + _SET_COPIED.format(n="n")
            + " FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE a.engagement_id = n.id AND "
            + _CHANGED.format(o="o", n="n") + ";",
        ),
        "engagement_ad": (
            "DELETE",
            ENGAGEMENT,
            "OLD TABLE AS old_rows",
            f"DELETE FROM {ACTIVITY} WHERE engagement_id IN (SELECT id FROM old_rows);",
        ),
    }  # fmt: skip
    for facet, table, column in FACETS:
        name = {1: "part", 2: "org", 3: "sector"}[facet]
        delete = (
            f"DELETE FROM {ACTIVITY} a USING old_rows o WHERE a.engagement_id = o.engagement_id "
            f"AND a.facet = {facet} AND a.item_id = o.{column};"
        )
        insert = ins + _facet_rows(facet, column, "new_rows", "TRUE") + done
        triggers[f"{name}_ai"] = ("INSERT", table, "NEW TABLE AS new_rows", insert)
        triggers[f"{name}_ad"] = ("DELETE", table, "OLD TABLE AS old_rows", delete)
        triggers[f"{name}_au"] = ("UPDATE", table, both, delete + " " + insert)
    return triggers


PG_ACTIVITY = _pg_activity()


POSTGRES_ACTIVITY_UP = _pg_up("insight_pa", PG_ACTIVITY)
POSTGRES_ACTIVITY_DOWN = _pg_down("insight_pa", PG_ACTIVITY)
ACTIVITY_REBUILD = [
    f"DELETE FROM {ACTIVITY}",
    f"INSERT INTO {ACTIVITY}({ACTIVITY_COLUMNS}) " + _activity_of(STAFF, "1 = 1"),
]


def install_activity(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _execute(schema_editor, _for_vendor(vendor, SQLITE_ACTIVITY_UP, POSTGRES_ACTIVITY_UP))
    _execute(schema_editor, ACTIVITY_REBUILD)


def uninstall_activity(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _execute(schema_editor, _for_vendor(vendor, SQLITE_ACTIVITY_DOWN, POSTGRES_ACTIVITY_DOWN))


def expected_activity() -> list[tuple]:
    """What the per-posting table must hold, computed from the ledger itself (sorted)."""
    return _activity_rows(_activity_of(STAFF, "1 = 1"))


def stored_activity() -> list[tuple]:
    return _activity_rows(f"SELECT {ACTIVITY_COLUMNS} FROM {ACTIVITY}")


def _activity_rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall(), key=repr)


def suspend_activity() -> None:
    """Set the per-posting triggers aside while a bulk load writes new engagements.

    Kept row by row, the per-posting table costs a bulk load more than the rows themselves;
    `resume_activity` fills it for the new engagements in one statement and puts the triggers
    back. Both databases roll DDL back with the transaction: a failed load gets them back.
    """
    with connection.cursor() as cursor:
        for sql in _for_vendor(connection.vendor, SQLITE_ACTIVITY_DOWN, POSTGRES_ACTIVITY_DOWN):
            cursor.execute(sql)


def resume_activity(first_engagement_id: int) -> None:
    """Add the per-posting rows of engagements from `first_engagement_id` on (all written since
    `suspend_activity`, with their staff, participants, organisations and sectors), and put the
    triggers back."""
    with connection.cursor() as cursor:
        # The covering index is built again after the rows are in, in one sorted pass: kept
        # row by row, its random inserts cost more than the rows (millions at the large size).
        cover = _index_definition(cursor, COVER_INDEX)
        if cover:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(COVER_INDEX)}")
        cursor.execute(
            f"INSERT INTO {ACTIVITY}({ACTIVITY_COLUMNS}) "
            + _activity_of(STAFF, f"e.id >= {int(first_engagement_id)}")
        )
        if cover:
            cursor.execute(cover)
        for sql in _for_vendor(connection.vendor, SQLITE_ACTIVITY_UP, POSTGRES_ACTIVITY_UP):
            cursor.execute(sql)


COVER_INDEX = "posting_activity_cover"


def _index_definition(cursor, name: str) -> str | None:
    """The statement that creates an index, as the database itself keeps it."""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
    elif connection.vendor == "postgresql":
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname = %s",
            [name],
        )
    else:
        return None
    row = cursor.fetchone()
    return row[0] if row else None
