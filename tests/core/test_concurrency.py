"""Two people editing one record: the second save, made on an older version, is refused whole."""

from __future__ import annotations

import datetime as dt

import pytest

from legation.core.services import ConflictError
from legation.engagements import services as engagement_services
from legation.people import services


def test_a_save_on_an_older_version_is_refused_and_changes_nothing(mission, officer, head):
    person = services.person_create(actor=officer, mission=mission, family_name="Brown")
    loaded = person.version
    services.person_update(actor=head, person=person, expected_version=loaded, title="Senator")
    with pytest.raises(ConflictError) as caught:
        services.person_update(
            actor=officer, person=person, expected_version=loaded, title="Governor"
        )
    assert caught.value.current.title == "Senator"
    assert caught.value.current.version == loaded + 1
    person.refresh_from_db()
    assert person.title == "Senator"
    # Reloaded, the edit goes through.
    services.person_update(
        actor=officer, person=person, expected_version=person.version, title="Governor"
    )
    person.refresh_from_db()
    assert (person.title, person.version) == ("Governor", loaded + 2)


@pytest.mark.parametrize("kind", ["organisation", "engagement", "commitment"])
def test_every_edited_record_carries_a_version(mission, officer, kind):
    org = services.organisation_create(actor=officer, mission=mission, name_en="Farm Bureau")
    engagement = engagement_services.engagement_create(
        actor=officer,
        mission=mission,
        kind="meeting",
        subject="Visit",
        start=dt.datetime(2022, 5, 1, 10),
        organisations=[org],
    )
    commitment = engagement_services.commitment_create(
        actor=officer, engagement=engagement, description="Send seeds"
    )
    update, obj, field = {
        "organisation": (services.organisation_update, org, "name_en"),
        "engagement": (engagement_services.engagement_update, engagement, "subject"),
        "commitment": (engagement_services.commitment_update, commitment, "description"),
    }[kind]
    key = {"organisation": "organisation"}.get(kind, kind)
    update(actor=officer, **{key: obj}, expected_version=obj.version, **{field: "First"})
    with pytest.raises(ConflictError):
        update(actor=officer, **{key: obj}, expected_version=obj.version, **{field: "Second"})
    obj.refresh_from_db()
    assert getattr(obj, field) == "First"
    assert obj.version == 2
    # Commands and importers pass no version: no check, but the count still rises.
    update(actor=officer, **{key: obj}, **{field: "Third"})
    obj.refresh_from_db()
    assert obj.version == 3
