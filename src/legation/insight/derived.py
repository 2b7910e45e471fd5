"""The rules that keep the derived tables (see models.py) equal to the ledger, as SQL.

An engagement's sectors are the sectors of its participants and of its organisations; each staff
link of an engagement gives per-posting activity rows. Triggers keep both tables in step on every
write: SQLite runs one trigger per row; PostgreSQL one per statement, reading the rows a statement
touched from its transition tables, so a bulk load or a COPY costs one set-based INSERT rather
than a trigger call per row.

The triggers themselves live in the insight migrations, their SQL frozen there per database
(0001: the engagement-sector table, 0002: the per-posting table): a change to a rule here needs a
new migration that drops and creates the triggers again with its own frozen statements. What is
here runs at runtime: a full rebuild, the expected rows (to check the triggers), and the fill of
the per-posting table after a bulk load that set its triggers aside.
"""

# ruff: noqa: S608  (every statement is built from the table names above, never from input)
from __future__ import annotations

from django.db import connection

from legation.core.db.setaside import ACTIVITY_COVER_INDEX, ACTIVITY_TRIGGERS, SetAside

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


REBUILD = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE}(engagement_id, sector_id) " + _sectors_of("1 = 1", "1 = 1"),
]


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
# The triggers (migration 0002): inserts add only the rows the new rows complete (the last of
# a staff link, an engagement and a participant, organisation or sector row to arrive completes
# a row); deletes remove only the rows the deleted ones carried; an update of an engagement
# rewrites its copied columns.

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


ACTIVITY_REBUILD = [
    f"DELETE FROM {ACTIVITY}",
    f"INSERT INTO {ACTIVITY}({ACTIVITY_COLUMNS}) " + _activity_of(STAFF, "1 = 1"),
]


def expected_activity() -> list[tuple]:
    """What the per-posting table must hold, computed from the ledger itself (sorted)."""
    return _activity_rows(_activity_of(STAFF, "1 = 1"))


def stored_activity() -> list[tuple]:
    return _activity_rows(f"SELECT {ACTIVITY_COLUMNS} FROM {ACTIVITY}")


def _activity_rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall(), key=repr)


def suspend_activity() -> SetAside:
    """Set the per-posting triggers aside while a bulk load writes new engagements.

    Kept row by row, the per-posting table costs a bulk load more than the rows themselves;
    `resume_activity` fills it for the new engagements in one statement and puts the triggers
    back as the database kept them. Both databases roll DDL back with the transaction: a failed
    load gets them back.
    """
    return SetAside().triggers(ACTIVITY_TRIGGERS)


def resume_activity(suspended: SetAside, first_engagement_id: int) -> None:
    """Add the per-posting rows of engagements from `first_engagement_id` on (all written since
    `suspend_activity`, with their staff, participants, organisations and sectors), and put the
    triggers back."""
    # The covering index is built again after the rows are in, in one sorted pass: kept row by
    # row, its random inserts cost more than the rows (millions at the large size).
    cover = SetAside().index(ACTIVITY_COVER_INDEX)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ACTIVITY}({ACTIVITY_COLUMNS}) "
            + _activity_of(STAFF, f"e.id >= {int(first_engagement_id)}")
        )
    cover.restore()
    suspended.restore()
