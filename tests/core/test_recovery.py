"""Nothing is lost: every record has a history from its creation, a restore brings its tags back,
and any earlier version can be written back as a new change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from legation.core.audit import RestoreError, restore_deleted, revert_to_version, version_links
from legation.engagements import services as engagement_services
from legation.engagements.models import Engagement
from legation.people import services
from legation.people.models import Person
from tests import factories


def _tags(record) -> set[str]:
    return set(record.tags.values_list("name", flat=True))


def _revert_person(person, row, actor, **kwargs):
    return revert_to_version(
        Person,
        person.pk,
        row.history_id,
        actor=actor,
        update=services.person_update,
        fields=services.PERSON_FIELDS,
        **kwargs,
    )


def test_a_deleted_person_comes_back_with_their_tags(mission, officer):
    person = services.person_create(
        actor=officer, mission=mission, family_name="Carter", tags=["governor", "peanuts"]
    )
    pk = person.pk
    services.person_delete(actor=officer, person=person)
    deleted = Person.history.filter(id=pk, history_type="-").get()
    assert len(version_links(deleted)["tags"]) == 2  # the deleted version keeps its tags
    restored = restore_deleted(Person, pk, actor=officer)
    assert _tags(restored) == {"governor", "peanuts"}
    # The restore is one "+" version that lists the tags it brought back.
    last = Person.history.filter(id=pk).order_by("-history_id").first()
    assert last.history_type == "+" and len(version_links(last)["tags"]) == 2


def test_a_deleted_engagement_comes_back_with_its_tags(mission, officer, ambassador_posting):
    engagement = engagement_services.engagement_create(
        actor=officer,
        mission=mission,
        organisations=[
            services.organisation_create(actor=officer, mission=mission, name_en="Farm Bureau")
        ],
        kind="meeting",
        start=timezone.now() - dt.timedelta(days=1),
        subject="Trade talks",
        staff=[ambassador_posting],
        tags=["trade"],
    )
    pk = engagement.pk
    engagement_services.engagement_delete(actor=officer, engagement=engagement)
    restored = restore_deleted(Engagement, pk, actor=officer)
    assert _tags(restored) == {"trade"}


def test_revert_writes_fields_and_tags_back_as_a_new_change(mission, officer):
    person = services.person_create(
        actor=officer, mission=mission, family_name="Brown", title="Senator", tags=["ohio"]
    )
    first = Person.history.filter(id=person.pk).order_by("-history_id").first()  # with the tag
    person = services.person_update(actor=officer, person=person, title="Governor")
    Person.objects.get(pk=person.pk).tags.clear()
    version = Person.objects.get(pk=person.pk).version
    reverted = _revert_person(person, first, officer, expected_version=version)
    assert reverted.title == "Senator"
    assert reverted.version == version + 1
    assert _tags(Person.objects.get(pk=person.pk)) == {"ohio"}
    last = Person.history.filter(id=person.pk).order_by("-history_id")[:2]
    delta = last[0].diff_against(last[1])
    assert {c.field for c in delta.changes} == {"title", "tags"}
    assert last[0].operation.description.startswith(f"revert person {person.pk}")


def test_revert_keeps_the_mission(mission, other_mission, officer):
    both = factories.user_with_role("both", "officer", [mission, other_mission], 2)
    person = services.person_create(actor=both, mission=mission, family_name="Moved", title="A")
    first = Person.history.filter(id=person.pk).first()
    services.person_update(actor=both, person=person, title="B")
    Person.objects.filter(pk=person.pk).update(mission=other_mission)
    reverted = _revert_person(person, first, both)
    assert reverted.title == "A" and reverted.mission == other_mission
    with pytest.raises(RestoreError):  # of another mission now: not the officer's to revert
        _revert_person(person, first, officer)


def test_revert_is_refused_to_a_reader_an_outsider_and_the_uncleared(
    mission, officer, reader, outsider, internal_officer
):
    person = services.person_create(actor=officer, mission=mission, family_name="Secret")
    first = Person.history.filter(id=person.pk).first()
    services.person_update(actor=officer, person=person, title="Spy")
    with pytest.raises(PermissionDenied):
        _revert_person(person, first, reader)
    with pytest.raises(RestoreError):
        _revert_person(person, first, outsider)
    engagement = engagement_services.engagement_create(
        actor=officer,
        mission=mission,
        organisations=[
            services.organisation_create(actor=officer, mission=mission, name_en="Farm Bureau")
        ],
        kind="meeting",
        start=timezone.now(),
        subject="Hidden",
        sensitivity=2,
    )
    row = Engagement.history.filter(id=engagement.pk).first()
    engagement_services.engagement_update(actor=officer, engagement=engagement, subject="Other")
    with pytest.raises(RestoreError):
        revert_to_version(
            Engagement,
            engagement.pk,
            row.history_id,
            actor=internal_officer,
            update=engagement_services.engagement_update,
            fields=engagement_services.ENGAGEMENT_FIELDS,
        )
    assert Person.objects.get(pk=person.pk).title == "Spy"
