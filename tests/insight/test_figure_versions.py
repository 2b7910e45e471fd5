"""Cached figures follow the missions they read: an edit elsewhere leaves them cached, an edit
of their own mission (by any path: services, import, deletion, undelete, raw bulk writes) shows
at once.

Real commits (transactional tests): on PostgreSQL a mission's version moves when the writing
transaction commits, which a test wrapped in one transaction would never reach.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from legation.core.access import SYSTEM
from legation.core.db import bulk
from legation.core.models import Mission, Region, Sector
from legation.engagements import services as engagements
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Fact,
    Posting,
)
from legation.insight import cache as figure_cache
from legation.intake.importers import commit
from legation.people import services as people
from legation.people.models import Affiliation, Organisation, Person, Relationship
from tests import factories
from tests.insight.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2022-12-30"
# Tables only a figure's own computation reads (the page around it reads postings and users).
FIGURE_TABLES = (
    "insight_postingactivity",
    "engagements_engagementparticipant",
    "engagements_commitment",
)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def urls(book) -> dict[str, str]:
    hom = book["hom"].pk
    return {
        "tenure": f"/insight/?posting={hom}&as_of={AS_OF}&format=json",
        "handover": f"/insight/handover/?posting={hom}&as_of={AS_OF}&format=json",
        "quiet": f"/insight/quiet/?posting=all&as_of={AS_OF}&format=json",
    }


def figure_queries(c: Client, url: str) -> tuple[dict, list[str]]:
    """The figure and the queries that computed it (none when it came from the cache)."""
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    assert response.status_code == 200, response.content[:300]
    ran = [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in FIGURE_TABLES)]
    return response.json(), ran


def fresh(c: Client, url: str) -> dict:
    cache.clear()
    return c.get(url).json()


@pytest.fixture
def elsewhere(other_mission, outsider):
    """A person of the other mission, edited by that mission's officer."""
    return people.person_create(actor=outsider, mission=other_mission, family_name="Elsewhere")


def test_an_edit_in_another_mission_leaves_every_figure_cached(
    book, head, other_mission, outsider, elsewhere
):
    c = client_for(head)
    first = {name: figure_queries(c, url) for name, url in urls(book).items()}
    assert all(ran for _, ran in first.values())  # computed the first time
    engagements.engagement_create(
        actor=outsider, mission=other_mission, kind="meeting", subject="Elsewhere",
        start=timezone.now() - dt.timedelta(days=1), people=[elsewhere],
    )  # fmt: skip
    people.person_update(actor=outsider, person=elsewhere, title="Mayor")
    for name, url in urls(book).items():
        data, ran = figure_queries(c, url)
        assert ran == [], name
        assert data == first[name][0]


def test_an_edit_in_the_users_mission_moves_its_version_and_no_other(
    book, head, mission, other_mission, outsider, elsewhere
):
    """The promise is per mission: a person of the mission no figure reads (the governor's
    colleague) still makes new figures, the other mission's stay."""
    before = dict(figure_cache.versions([mission.pk, other_mission.pk]))
    people.person_update(actor=head, person=book["colleague"], title="Dr.")
    after = dict(figure_cache.versions([mission.pk, other_mission.pk]))
    assert after[mission.pk] != before[mission.pk]
    assert after[other_mission.pk] == before[other_mission.pk]
    assert after[figure_cache.SHARED] == before[figure_cache.SHARED]


def test_a_user_of_two_missions_has_figures_keyed_on_both(
    book, mission, other_mission, outsider, elsewhere
):
    both = factories.user_with_role("both", "officer", [mission, other_mission], 2)
    c = client_for(both)
    url = urls(book)["tenure"]
    first, _ = figure_queries(c, url)
    assert figure_queries(c, url)[1] == []
    people.person_update(actor=outsider, person=elsewhere, title="Mayor")
    again, ran = figure_queries(c, url)
    assert ran and again == first


def _new_engagement(book, head, mission):
    engagements.engagement_create(
        actor=head, mission=mission, kind="meeting", subject="Back in touch",
        start=at("2022-11-01"), people=[book["governor"], book["colleague"]],
        staff=[book["hom"]],
    )  # fmt: skip


def _participant_added(book, head, mission):
    meeting = Engagement.objects.get(subject="Governor 2022-01-10")
    engagements.engagement_update(
        actor=head, engagement=meeting, people=[book["governor"], book["colleague"]]
    )


def _engagement_deleted(book, head, mission):
    engagements.engagement_delete(
        actor=head, engagement=Engagement.objects.get(subject="Governor 2022-04-10")
    )


def _imported(book, head, mission, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        "ref,date,time,kind,region,city,site_type,subject,people,staff,organisations,notes,sensitivity\n"
        "IMP1,2022-11-02,10:00,meeting,US-TX,Austin,,Imported,,P-HOM,Imported Institute,,internal\n"
    )
    report = commit("engagements", path, actor=SYSTEM, mission=mission)
    assert report.counts["created"] == 1, report.issues


def _raw_bulk_participant(book, head, mission):
    """A raw bulk write with no history at all (as with history switched off)."""
    meeting = Engagement.objects.get(subject="Governor 2022-02-09")
    with transaction.atomic():
        Engagement.objects.filter(pk=meeting.pk).select_for_update().first()
        (pk,) = bulk.take_ids(EngagementParticipant, 1)
        bulk.Writer().insert(
            EngagementParticipant,
            ["id", "engagement_id", "person_id"],
            [(pk, meeting.pk, book["colleague"].pk)],
            history=None,
        )


def _queryset_update(book, head, mission):
    """An UPDATE outside the ORM's save: no history row either."""
    Engagement.objects.filter(subject="Governor 2022-03-11").update(kind="call")


def _sector_changed(book, head, mission):
    people.person_update(
        actor=head, person=book["governor"], sector=Sector.objects.get(code="business")
    )


WRITES = {
    "new engagement": _new_engagement,
    "participant added": _participant_added,
    "engagement deleted": _engagement_deleted,
    "import": _imported,
    "raw bulk load": _raw_bulk_participant,
    "queryset update": _queryset_update,
    "a participant's sector": _sector_changed,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_write_the_figure_reads_shows_at_once(book, head, mission, write, tmp_path):
    c = client_for(head)
    url = urls(book)["tenure"]
    before, _ = figure_queries(c, url)
    assert figure_queries(c, url)[1] == []  # cached
    args = (book, head, mission, tmp_path) if write is _imported else (book, head, mission)
    write(*args)
    after, ran = figure_queries(c, url)
    assert ran, "computed again"
    assert after != before
    assert after == fresh(c, url)


def test_the_handover_brief_and_the_quiet_list_follow_a_new_meeting(book, head, mission):
    c = client_for(head)
    before = {name: c.get(url).json() for name, url in urls(book).items()}
    _new_engagement(book, head, mission)
    for name, url in urls(book).items():
        after = c.get(url).json()
        assert after != before[name], name
        assert after == fresh(c, url), name


def test_undelete_brings_the_figures_back_at_once(book, head, mission):
    c = client_for(head)
    url = urls(book)["tenure"]
    before = c.get(url).json()
    meeting = Engagement.objects.get(subject="Governor 2022-04-10")
    engagements.engagement_delete(actor=head, engagement=meeting)
    assert c.get(url).json()["engagements"] == before["engagements"] - 1
    call_command("undelete", "engagements.engagement", str(meeting.pk))
    assert c.get(url).json() == before


def test_a_figure_computed_in_a_transaction_that_rolls_back_is_never_served(book, head, mission):
    c = client_for(head)
    url = urls(book)["tenure"]
    before = c.get(url).json()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        _new_engagement(book, head, mission)
        inside = c.get(url).json()
        assert inside["engagements"] == before["engagements"] + 1
        raise Undo
    assert c.get(url).json() == before
    # Another write after it: its figure is its own, never the rolled-back one.
    _engagement_deleted(book, head, mission)
    assert c.get(url).json() == fresh(c, url) != inside


def _first_field(obj) -> str:
    return next(f.attname for f in obj._meta.concrete_fields if not f.primary_key)


def _rows(book, mission) -> list:
    call = Engagement.objects.get(subject="Call")
    visit = Engagement.objects.get(subject="Factory visit")
    relationship = Relationship.objects.create(
        from_person=book["governor"], to_person=book["scholar"], kind="colleague"
    )
    fact = Fact.objects.create(mission=mission, key="gdp", label_en="GDP")
    return [
        call,
        EngagementParticipant.objects.filter(engagement=call).first(),
        EngagementStaff.objects.filter(engagement=call).first(),
        EngagementOrganisation.objects.filter(engagement=visit).first(),
        Commitment.objects.filter(engagement=call).first(),
        Posting.objects.get(pk=book["hom"].pk),
        fact,
        Mission.objects.get(pk=mission.pk),
        Person.objects.get(pk=book["governor"].pk),
        Organisation.objects.get(pk=book["firm"].pk),
        Affiliation.objects.filter(person=book["businessman"]).first(),
        relationship,
    ]


def test_every_table_a_figure_reads_moves_its_missions_version(book, mission, other_mission):
    """Raw UPDATEs and DELETEs (no service, no history), table by table: the mission's version
    moves, the other mission's does not; sectors and regions move the shared version."""
    ids = [mission.pk, other_mission.pk]
    for obj in _rows(book, mission):
        before = dict(figure_cache.versions(ids))
        field = _first_field(obj)
        type(obj).objects.filter(pk=obj.pk).update(**{field: getattr(obj, field)})
        after = dict(figure_cache.versions(ids))
        assert after[mission.pk] != before[mission.pk], type(obj).__name__
        assert after[other_mission.pk] == before[other_mission.pk], type(obj).__name__
    for model in (Sector, Region):
        before = dict(figure_cache.versions(ids))
        row = model.objects.first()
        field = _first_field(row)
        model.objects.filter(pk=row.pk).update(**{field: getattr(row, field)})
        after = dict(figure_cache.versions(ids))
        assert after[figure_cache.SHARED] != before[figure_cache.SHARED], model.__name__
        assert after[mission.pk] == before[mission.pk], model.__name__
    before = dict(figure_cache.versions(ids))
    Relationship.objects.all().delete()
    assert dict(figure_cache.versions(ids))[mission.pk] != before[mission.pk]


def test_inside_an_uncommitted_write_the_figures_are_not_kept(book, head, mission, other_mission):
    with transaction.atomic():
        Person.objects.filter(pk=book["colleague"].pk).update(title="Dr.")
        state = figure_cache.versions([mission.pk])
        if connection.vendor == "postgresql":
            assert state is None  # this transaction's own write: computed, not kept
            assert figure_cache.versions([other_mission.pk]) is not None
        else:
            assert state is not None  # SQLite: a fresh random version, never reached again


def test_the_migration_installs_its_frozen_triggers_on_every_table_figures_read():
    """Migration 0004's literal statements are what the database keeps: a trigger for each
    insert, update and delete of every source table, and on PostgreSQL the commit trigger."""
    from legation.insight import versions

    m = importlib.import_module("legation.insight.migrations.0004_ledger_version")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'lv\\_%' ESCAPE '\\'"
            )
            installed = sorted(row[0] for row in cursor.fetchall())
            assert installed == sorted(s for s in m.SQLITE_UP if s.startswith("CREATE TRIGGER"))
        else:
            cursor.execute(
                "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'lv\\_%' "
                "AND pronamespace = current_schema()::regnamespace"
            )
            bodies = {
                s.split()[4].split("(")[0]: s.split("$$")[1]
                for s in m.POSTGRES_UP
                if s.startswith("CREATE OR REPLACE FUNCTION")
            }
            assert dict(cursor.fetchall()) == bodies
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgname LIKE 'lv\\_%'"
            )
            installed = sorted(f"{name} {table}" for name, table in cursor.fetchall())
            assert len(installed) == len(bodies)
    tables = {s.table for s in versions.SOURCES}
    assert len(installed) >= 3 * len(tables)


def test_a_bulk_load_that_sets_the_version_triggers_aside_moves_every_version(
    book, mission, other_mission
):
    """The demo's bulk load sets SQLite's per-row version triggers aside (PostgreSQL's stay):
    when it is done every mission has a new version and the triggers are back."""
    from legation.insight import versions

    ids = [mission.pk, other_mission.pk]
    before = dict(figure_cache.versions(ids))
    with transaction.atomic():
        aside = versions.suspend()
        Person.objects.filter(pk=book["colleague"].pk).update(title="Dr.")
        versions.resume(aside)
    after = dict(figure_cache.versions(ids))
    assert after[mission.pk] != before[mission.pk]
    if connection.vendor == "sqlite":  # set aside, then every mission anew
        assert all(after[m] != before[m] for m in (other_mission.pk, figure_cache.SHARED))
    Person.objects.filter(pk=book["colleague"].pk).update(title="Mr.")
    assert dict(figure_cache.versions(ids))[mission.pk] != after[mission.pk]
