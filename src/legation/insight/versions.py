"""Each mission's ledger version: a number the database changes whenever that mission's rows do.

The figures' cache (`insight/cache.py`) keys a figure by the versions of the missions it reads,
so a write in one mission leaves every other mission's figures where they are. The database
keeps the versions itself, with triggers on every table a figure reads, so no kind of write can
forget it: services, imports, merges, deletions, restores, raw bulk loads and COPY alike.

Which mission a row belongs to:

| table | mission |
|---|---|
| engagements, people, organisations, postings | their own `mission_id` |
| participants, staff, organisations of an engagement; commitments | the engagement's |
| affiliations, relationships (person to person) | the (first) person's |
| facts | their mission; a shared fact (no mission) is version 0 |
| sectors, regions | version 0: shared by every mission |
| missions | their own id (time zone, country: figures read them) |

A link and the records it joins belong to one mission (the services refuse a participant, a
member of staff or an organisation of another mission), so a link bumps its engagement's
mission only.

How each database keeps them:

- **SQLite** (one writer at a time): a trigger per row sets the mission's version to a fresh
  random 64-bit number at once. Inside the writing transaction the new number is already read,
  so a figure computed there is keyed apart; if the transaction rolls back, that number is never
  seen again (it is random, not a count that a later write would reach).
- **PostgreSQL** (many writers): a trigger per statement records (transaction, mission) in
  `insight_ledgertouch`, without touching any shared row, so writers of one mission never wait
  for each other. A deferred constraint trigger on that table gives the mission's row of
  `insight_ledgerversion` a fresh random number when the transaction commits, all its missions
  at once and in order (no deadlock between two transactions touching the same missions); the
  row lock lasts from then to the end of the commit. Until then the writer's own version does
  not move: `cache.versions` sees the writer's own touches and does not cache what it computes
  then. (Constraints checked early, `SET CONSTRAINTS ALL IMMEDIATE` as a bulk load's set-aside
  does, move it earlier; random numbers mean a rollback leaves none that a later state reaches.)

Neither table is a model: they are the database's own bookkeeping, created by migration 0004
from the SQL `triggers()` builds (frozen there, like the derived tables' triggers), left out of
backups (a restore loads rows, and the triggers count them), and not flushed between tests.
"""

# ruff: noqa: S608  (SQL built from the fixed table list above, never from input)
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from legation.core.db.setaside import SetAside

ENGAGEMENT = "engagements_engagement"


@dataclass(frozen=True)
class Source:
    """A table whose rows figures read, and how a row of it names its mission."""

    short: str  # the trigger's name part
    table: str
    #: the mission, as an SQL expression over `r` (the row) and, for `via`, the joined table `j`
    mission: str
    #: joined table and join condition, when the mission is found through another row
    via: tuple[str, str] | None = None


SOURCES = [
    Source("engagement", ENGAGEMENT, "r.mission_id"),
    Source("part", "engagements_engagementparticipant", "j.mission_id", (ENGAGEMENT, "j.id = r.engagement_id")),
    Source("staff", "engagements_engagementstaff", "j.mission_id", (ENGAGEMENT, "j.id = r.engagement_id")),
    Source("org", "engagements_engagementorganisation", "j.mission_id", (ENGAGEMENT, "j.id = r.engagement_id")),
    Source("commitment", "engagements_commitment", "j.mission_id", (ENGAGEMENT, "j.id = r.engagement_id")),
    Source("posting", "engagements_posting", "r.mission_id"),
    Source("fact", "engagements_fact", "COALESCE(r.mission_id, 0)"),
    Source("mission", "engagements_mission", "r.id"),
    Source("person", "people_person", "r.mission_id"),
    Source("organisation", "people_organisation", "r.mission_id"),
    Source("affiliation", "people_affiliation", "j.mission_id", ("people_person", "j.id = r.person_id")),
    Source("relationship", "people_relationship", "j.mission_id", ("people_person", "j.id = r.from_person_id")),
    Source("sector", "core_sector", "0"),
    Source("region", "core_region", "0"),
]  # fmt: skip

TABLES_SQLITE = [
    "CREATE TABLE insight_ledgerversion (mission_id integer NOT NULL PRIMARY KEY, "
    "version integer NOT NULL)",
]
TABLES_POSTGRES = [
    "CREATE TABLE insight_ledgerversion (mission_id bigint NOT NULL PRIMARY KEY, "
    "version bigint NOT NULL)",
    "CREATE TABLE insight_ledgertouch (txid bigint NOT NULL, mission_id bigint NOT NULL, "
    "PRIMARY KEY (txid, mission_id))",
]
#: a new version: a random number, never a count, so no other state of the ledger (after a
#: rollback, in another database sharing one cache server) ever reaches the same one
FRESH_POSTGRES = "(floor(random() * 1e18))::bigint"

EVENTS = {"ai": "INSERT", "au": "UPDATE", "ad": "DELETE"}


def _select(source: Source, rows: str) -> str:
    """The missions of `rows` (an alias of the row, or a transition table)."""
    join = f" JOIN {source.via[0]} j ON {source.via[1]}" if source.via else ""
    return f"SELECT {source.mission} AS m FROM {rows} r{join}"


def _sqlite_bump(source: Source, row: str) -> str:
    if source.via is None:
        value = source.mission.replace("r.", f"{row}.")
        return (
            f"INSERT INTO insight_ledgerversion(mission_id, version) VALUES ({value}, random()) "
            "ON CONFLICT(mission_id) DO UPDATE SET version = random();"
        )
    table, on = source.via
    on = on.replace("r.", f"{row}.")
    return (
        f"INSERT INTO insight_ledgerversion(mission_id, version) SELECT {source.mission}, "
        f"random() FROM {table} j WHERE {on} "
        "ON CONFLICT(mission_id) DO UPDATE SET version = random();"
    )


def sqlite_up() -> list[str]:
    out = list(TABLES_SQLITE)
    for s in SOURCES:
        for suffix, event in EVENTS.items():
            rows = {"ai": ["new"], "ad": ["old"], "au": ["old", "new"]}[suffix]
            body = " ".join(_sqlite_bump(s, row) for row in rows)
            out.append(
                f"CREATE TRIGGER lv_{s.short}_{suffix} AFTER {event} ON {s.table} BEGIN {body} END"
            )
    return out


def sqlite_down() -> list[str]:
    out = [f"DROP TRIGGER IF EXISTS lv_{s.short}_{x}" for s in SOURCES for x in EVENTS]
    return [*out, "DROP TABLE IF EXISTS insight_ledgerversion"]


COMMIT_FUNCTION = (
    "CREATE OR REPLACE FUNCTION lv_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM insight_ledgertouch WHERE txid = NEW.txid) THEN RETURN NULL; END IF; "
    "INSERT INTO insight_ledgerversion(mission_id, version) SELECT mission_id, "
    f"{FRESH_POSTGRES} FROM insight_ledgertouch WHERE txid = NEW.txid ORDER BY mission_id "
    "ON CONFLICT (mission_id) DO NOTHING; "
    "PERFORM 1 FROM insight_ledgerversion WHERE mission_id IN (SELECT mission_id FROM "
    "insight_ledgertouch WHERE txid = NEW.txid) ORDER BY mission_id FOR UPDATE; "
    f"UPDATE insight_ledgerversion SET version = {FRESH_POSTGRES} WHERE mission_id IN (SELECT "
    "mission_id FROM insight_ledgertouch WHERE txid = NEW.txid); "
    "DELETE FROM insight_ledgertouch WHERE txid = NEW.txid; RETURN NULL; END $$"
)
COMMIT_TRIGGER = (
    "CREATE CONSTRAINT TRIGGER lv_commit AFTER INSERT ON insight_ledgertouch "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lv_commit()"
)


def postgres_up() -> list[str]:
    out = [*TABLES_POSTGRES, COMMIT_FUNCTION, COMMIT_TRIGGER]
    for s in SOURCES:
        for suffix, event in EVENTS.items():
            name = f"lv_{s.short}_{suffix}"
            if suffix == "au":
                missions = f"{_select(s, 'old_rows')} UNION {_select(s, 'new_rows')}"
                refs = "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
            else:
                rows = "new_rows" if suffix == "ai" else "old_rows"
                missions = _select(s, rows)
                refs = f"REFERENCING {'NEW' if suffix == 'ai' else 'OLD'} TABLE AS {rows}"
            out.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "INSERT INTO insight_ledgertouch(txid, mission_id) SELECT DISTINCT txid_current(), "
                f"t.m FROM ({missions}) t WHERE t.m IS NOT NULL ON CONFLICT DO NOTHING; "
                "RETURN NULL; END $$"
            )
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {s.table} {refs} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    return out


def postgres_down() -> list[str]:
    out = []
    for s in SOURCES:
        for x in EVENTS:
            out.append(f"DROP TRIGGER IF EXISTS lv_{s.short}_{x} ON {s.table}")
            out.append(f"DROP FUNCTION IF EXISTS lv_{s.short}_{x}()")
    return [
        *out,
        "DROP TRIGGER IF EXISTS lv_commit ON insight_ledgertouch",
        "DROP FUNCTION IF EXISTS lv_commit()",
        "DROP TABLE IF EXISTS insight_ledgertouch",
        "DROP TABLE IF EXISTS insight_ledgerversion",
    ]


def fill(vendor: str) -> list[str]:
    """A first version for every mission there is, and for the shared rows (0), at random: a
    database migrated with figures already cached elsewhere never meets a number it counted."""
    first = FRESH_POSTGRES if vendor == "postgresql" else "abs(random()) % 1000000000000000"
    return [
        f"INSERT INTO insight_ledgerversion(mission_id, version) SELECT id, {first} "
        "FROM engagements_mission UNION ALL SELECT 0, " + first,
    ]


#: the version triggers (a LIKE pattern for `SetAside.triggers`)
TRIGGERS = "lv\\_%"


def suspend() -> SetAside:
    """Set SQLite's per-row version triggers aside while a bulk load writes millions of rows
    (PostgreSQL's run once per statement and stay). `resume` gives every mission a new version
    and puts them back; both roll back with the load's transaction."""
    aside = SetAside()
    if connection.vendor == "sqlite":
        aside.triggers(TRIGGERS)
    return aside


def resume(aside: SetAside) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for source in (
                "SELECT id, random() FROM engagements_mission WHERE true",
                "SELECT 0, random()",
            ):
                cursor.execute(
                    f"INSERT INTO insight_ledgerversion(mission_id, version) {source} "
                    "ON CONFLICT(mission_id) DO UPDATE SET version = random()"
                )
    aside.restore()
