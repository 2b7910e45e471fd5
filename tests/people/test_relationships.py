"""Relationships between people: written through the services, audited, shown, merged, restored."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from legation.core.access import SYSTEM
from legation.core.audit import audit, restore_deleted
from legation.people import services
from legation.people.models import Person, Relationship
from legation.people.services import person_merge
from tests import factories


@pytest.fixture
def pair(mission):
    senator = factories.PersonFactory(mission=mission, family_name="Brown", given_name="Sherrod")
    aide = factories.PersonFactory(mission=mission, family_name="Jones", given_name="Pat")
    return senator, aide


def relate(actor, aide, senator, kind="chief_of_staff", **extra):
    return services.relationship_create(
        actor=actor, from_person=aide, to_person=senator, kind=kind, **extra
    )


def test_a_relationship_is_written_with_its_audit_source_in_the_history(pair, officer):
    senator, aide = pair
    with audit(actor=officer, source="web"):
        rel = relate(officer, aide, senator, note="since 2019")
    assert (rel.from_person, rel.to_person) == (aide, senator)
    row = rel.history.get()
    assert row.history_type == "+"
    assert row.source == "web"  # the audit source, not a person
    assert (row.from_person_id, row.to_person_id) == (aide.pk, senator.pk)
    assert row.operation.source == "web" and row.history_user == officer
    assert list(aide.relationships.all()) == [rel]


def test_a_relationship_outside_any_context_is_recorded_as_the_system(pair):
    senator, aide = pair
    rel = Relationship.objects.create(from_person=aide, to_person=senator, kind="staff")
    assert rel.history.get().source == "system"


def test_relationship_checks_permission_visibility_and_self(pair, officer, reader, outsider):
    senator, aide = pair
    with pytest.raises(PermissionDenied):
        relate(reader, aide, senator)
    with pytest.raises(ValidationError):
        relate(outsider, aide, senator)  # neither person is visible to another mission
    with pytest.raises(ValidationError) as err:
        relate(officer, aide, aide)
    assert "to_person" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        relate(officer, aide, senator, kind="nemesis")
    assert "kind" in err.value.message_dict
    assert not Relationship.objects.exists()


def test_a_deleted_relationship_is_audited_and_can_be_restored(pair, officer):
    senator, aide = pair
    rel = relate(officer, aide, senator)
    with audit(actor=officer, source="command"):
        services.relationship_delete(actor=officer, relationship=rel)
    assert not Relationship.objects.exists()
    gone = Relationship.history.get(history_type="-")
    assert gone.source == "command" and gone.from_person_id == aide.pk
    restored = restore_deleted(Relationship, rel.pk, actor=SYSTEM)
    assert (restored.from_person, restored.to_person) == (aide, senator)


def test_deleting_a_person_takes_their_relationships_with_it_in_the_history(pair, officer):
    senator, aide = pair
    relate(officer, aide, senator)
    services.person_delete(actor=officer, person=senator)
    assert not Relationship.objects.exists()
    assert Relationship.history.filter(history_type="-").count() == 1


def test_the_person_page_shows_relationships_in_both_directions(client, pair, officer):
    senator, aide = pair
    relate(officer, aide, senator)
    client.force_login(officer)
    for person in (senator, aide):
        page = client.get(f"/people/{person.pk}/").content.decode()
        assert "chief of staff of" in page
        assert f'href="/people/{aide.pk}/"' in page and f'href="/people/{senator.pk}/"' in page


def test_merging_people_keeps_their_relationships(pair, mission, officer):
    senator, aide = pair
    twin = factories.PersonFactory(mission=mission, family_name="Brown", given_name="S.")
    spouse = factories.PersonFactory(mission=mission, family_name="Schultz", given_name="Connie")
    relate(officer, aide, twin)
    relate(officer, spouse, twin, kind="spouse")
    relate(officer, twin, senator, kind="other")  # between the two merged: nothing to keep
    person_merge(actor=officer, keep=senator, other=twin)
    assert not Person.objects.filter(pk=twin.pk).exists()
    kept = {
        (r.from_person_id, r.kind, r.to_person_id) for r in Relationship.objects.visible_to(officer)
    }
    assert kept == {(aide.pk, "chief_of_staff", senator.pk), (spouse.pk, "spouse", senator.pk)}


def test_relationships_and_their_history_survive_a_backup_round_trip(pair, officer, settings):
    from legation.intake.backup import backed_up_models, restore_backup, snapshot, write_backup

    senator, aide = pair
    with audit(actor=officer, source="import"):
        relate(officer, aide, senator)
    before = snapshot()
    assert len(before["people.relationship"]) == 1
    assert '"import"' in before["people.historicalrelationship"][0]
    archive = io.BytesIO()
    write_backup(archive)
    with connection.cursor() as cursor:
        for model in reversed(backed_up_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    archive.seek(0)
    restore_backup(archive)
    assert snapshot() == before
    rel = Relationship.objects.get()
    assert (rel.from_person_id, rel.to_person_id) == (aide.pk, senator.pk)
    assert rel.history.get().source == "import"
