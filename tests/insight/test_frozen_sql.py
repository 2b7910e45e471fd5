"""The insight migrations create the triggers their frozen SQL says, and only those.

The expectation is independent of the code that once built the statements: a checked-in list of
trigger names with their tables and events, and on each database the definitions it keeps
(`sqlite_master`, `pg_trigger` and `pg_proc`) compared with the migrations' literal text.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

_ES = "engagements_engagement"
_PART = "engagements_engagementparticipant"
_ORG = "engagements_engagementorganisation"
_STAFF = "engagements_engagementstaff"
_SECTOR = "insight_engagementsector"

# name -> (table, event): the snapshot of what migrations 0001 and 0002 create.
TRIGGERS = {
    "insight_es_part_ai": (_PART, "INSERT"),
    "insight_es_org_ai": (_ORG, "INSERT"),
    "insight_es_part_ad": (_PART, "DELETE"),
    "insight_es_org_ad": (_ORG, "DELETE"),
    "insight_es_part_au": (_PART, "UPDATE"),
    "insight_es_org_au": (_ORG, "UPDATE"),
    "insight_es_person_au": ("people_person", "UPDATE"),
    "insight_es_organisation_au": ("people_organisation", "UPDATE"),
    "insight_es_engagement_ad": (_ES, "DELETE"),
    "insight_pa_staff_ai": (_STAFF, "INSERT"),
    "insight_pa_staff_ad": (_STAFF, "DELETE"),
    "insight_pa_staff_au": (_STAFF, "UPDATE"),
    "insight_pa_engagement_ai": (_ES, "INSERT"),
    "insight_pa_engagement_au": (_ES, "UPDATE"),
    "insight_pa_engagement_ad": (_ES, "DELETE"),
    "insight_pa_part_ai": (_PART, "INSERT"),
    "insight_pa_part_ad": (_PART, "DELETE"),
    "insight_pa_part_au": (_PART, "UPDATE"),
    "insight_pa_org_ai": (_ORG, "INSERT"),
    "insight_pa_org_ad": (_ORG, "DELETE"),
    "insight_pa_org_au": (_ORG, "UPDATE"),
    "insight_pa_sector_ai": (_SECTOR, "INSERT"),
    "insight_pa_sector_ad": (_SECTOR, "DELETE"),
    "insight_pa_sector_au": (_SECTOR, "UPDATE"),
}


def _frozen(vendor: str) -> list[str]:
    key = {"sqlite": "SQLITE_UP", "postgresql": "POSTGRES_UP"}[vendor]
    return [
        sql
        for name in ("0001_initial", "0002_posting_activity")
        for sql in getattr(importlib.import_module(f"legation.insight.migrations.{name}"), key)
    ]


def _installed_triggers() -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'insight\\_%' ESCAPE '\\'"
            )
            return {
                name: (table, sql.split(" ON ")[0].split(" AFTER ")[1].split()[0])
                for name, table, sql in cursor.fetchall()
            }
        cursor.execute(
            "SELECT t.tgname, c.relname, t.tgtype FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
            "AND t.tgname LIKE 'insight\\_%'"
        )
        events = {4: "INSERT", 8: "DELETE", 16: "UPDATE"}
        return {
            name: (table, next(e for bit, e in events.items() if tgtype & bit))
            for name, table, tgtype in cursor.fetchall()
        }


def test_the_migrations_create_the_snapshotted_triggers():
    assert _installed_triggers() == TRIGGERS


def test_each_trigger_is_the_frozen_statement():
    frozen = _frozen(connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'insight\\_%' ESCAPE '\\'"
            )
            assert sorted(row[0] for row in cursor.fetchall()) == sorted(frozen)
            return
        # PostgreSQL keeps each function's body as written, between the dollar quotes.
        bodies = {}
        for sql in frozen:
            if sql.startswith("CREATE OR REPLACE FUNCTION"):
                name = sql.split()[4].split("(")[0]
                bodies[name] = sql.split("$$")[1]
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'insight\\_%' "
            "AND pronamespace = current_schema()::regnamespace"
        )
        assert dict(cursor.fetchall()) == bodies
        assert set(bodies) == {*TRIGGERS, "insight_es_refresh"}
        cursor.execute(
            "SELECT t.tgname, p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgname LIKE 'insight\\_%'"
        )
        assert all(trigger == function for trigger, function in cursor.fetchall())
