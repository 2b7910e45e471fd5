"""The migration to refs and tags per mission keeps every record, link and trigger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("people", "0002_relationship_from_person_to_person"),
    ("engagements", "0004_fact_citation"),
]
AFTER = [("people", "0003_refs_and_tags_per_mission"), ("engagements", "0005_refs_per_mission")]


def _triggers() -> set[str]:
    if connection.vendor != "sqlite":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_tags_get_the_mission_of_their_records_and_refs_are_kept():
    triggers = _triggers()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        # the triggers at that point (later migrations' own, such as the name indexes', are
        # not there yet): the migration's table rebuilds must keep every one of them
        before = _triggers()
        Mission = old.get_model("engagements", "Mission")
        Person = old.get_model("people", "Person")
        Organisation = old.get_model("people", "Organisation")
        Engagement = old.get_model("engagements", "Engagement")
        Tag = old.get_model("people", "Tag")
        ours = Mission.objects.create(ref="M-1", name_en="Ours")
        theirs = Mission.objects.create(ref="M-2", name_en="Theirs")
        shared, solo, _unused = (Tag.objects.create(name=n) for n in ("shared", "solo", "unused"))
        person = Person.objects.create(mission=ours, ref="P-1", family_name="Near")
        person.tags.add(shared)
        org = Organisation.objects.create(mission=theirs, ref="O-1", name_en="Far Org")
        org.tags.add(solo, shared)
        engagement = Engagement.objects.create(
            mission=theirs,
            ref="E-1",
            kind="meeting",
            subject="Far talk",
            start=timezone.make_aware(dt.datetime(2022, 3, 1, 10)),
            duration=dt.timedelta(hours=1),
        )
        engagement.tags.add(shared)

        new = _migrate(AFTER)
        Tag = new.get_model("people", "Tag")
        Person = new.get_model("people", "Person")
        Organisation = new.get_model("people", "Organisation")
        Engagement = new.get_model("engagements", "Engagement")
        HistoricalTag = new.get_model("people", "HistoricalTag")
        by_mission = sorted(Tag.objects.values_list("name", "mission__ref"))
        assert by_mission == [
            ("shared", "M-1"),
            ("shared", "M-2"),
            ("solo", "M-2"),
            ("unused", "M-1"),
            ("unused", "M-2"),
        ]
        assert Tag.objects.get(pk=shared.pk).mission.ref == "M-1"  # the first keeps its id
        person = Person.objects.get(ref="P-1")
        assert [(t.name, t.mission.ref) for t in person.tags.all()] == [("shared", "M-1")]
        org = Organisation.objects.get(ref="O-1")
        assert sorted((t.name, t.mission.ref) for t in org.tags.all()) == [
            ("shared", "M-2"),
            ("solo", "M-2"),
        ]
        engagement = Engagement.objects.get(ref="E-1")
        assert [(t.name, t.mission.ref) for t in engagement.tags.all()] == [("shared", "M-2")]
        assert HistoricalTag.objects.filter(history_change_reason="tags per mission").count() == 5
        assert _triggers() == before
    finally:
        _migrate(latest)
    assert _triggers() == triggers
