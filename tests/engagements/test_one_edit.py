"""An engagement is written whole: its fields, participants, tags and new commitments in one
transaction, on the version the editor loaded, and always with someone on the other side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from legation.core.services import ConflictError
from legation.engagements import services
from legation.engagements.models import Commitment, Engagement
from tests import factories


@pytest.fixture
def meeting(mission, officer, ambassador_posting):
    return services.engagement_create(
        actor=officer,
        mission=mission,
        kind="meeting",
        start=dt.datetime(2022, 4, 2, 9),
        subject="Harbour talks",
        people=[factories.PersonFactory(mission=mission)],
        staff=[ambassador_posting],
        tags=["ports"],
    )


def test_an_update_writes_participants_tags_and_new_commitments(
    meeting, mission, officer, ambassador_posting
):
    org = factories.OrganisationFactory(mission=mission)
    guest = factories.PersonFactory(mission=mission)
    updated = services.engagement_update(
        actor=officer,
        engagement=meeting,
        subject="Harbour and rail talks",
        people=[guest],
        staff=[],
        organisations=[org],
        tags=["ports", "rail"],
        commitments=[
            {"description": "Send the rail study", "owner": ambassador_posting},
            {"description": "Invite the mayor", "due": dt.date(2022, 6, 1)},
        ],
        expected_version=meeting.version,
    )
    assert updated.version == meeting.version + 1
    meeting.refresh_from_db()
    assert meeting.subject == "Harbour and rail talks"
    assert list(meeting.people.all()) == [guest]
    assert not meeting.staff.exists()
    assert list(meeting.organisations.all()) == [org]
    assert sorted(meeting.tags.values_list("name", flat=True)) == ["ports", "rail"]
    assert sorted(meeting.commitments.values_list("description", flat=True)) == [
        "Invite the mayor",
        "Send the rail study",
    ]


def test_a_refused_commitment_saves_nothing_of_the_edit(meeting, mission, other_mission, officer):
    stranger_posting = factories.PostingFactory(mission=other_mission)
    before_version = Engagement.objects.get(pk=meeting.pk).version
    with pytest.raises(ValidationError) as caught:
        services.engagement_update(
            actor=officer,
            engagement=meeting,
            subject="Changed",
            tags=["changed"],
            organisations=[factories.OrganisationFactory(mission=mission)],
            commitments=[
                {"description": "Fine"},
                {"description": "Owned by another mission", "owner": stranger_posting},
            ],
        )
    assert "Commitment 2" in " ".join(caught.value.messages)
    meeting.refresh_from_db()
    assert meeting.subject == "Harbour talks"
    assert meeting.version == before_version
    assert list(meeting.tags.values_list("name", flat=True)) == ["ports"]
    assert not meeting.organisations.exists()
    assert not Commitment.objects.exists()


def test_a_refused_commitment_records_no_engagement(mission, officer):
    with pytest.raises(ValidationError):
        services.engagement_create(
            actor=officer,
            mission=mission,
            kind="call",
            start=dt.datetime(2022, 1, 1, 10),
            subject="Never",
            people=[factories.PersonFactory(mission=mission)],
            commitments=[{"description": ""}],
        )
    assert not Engagement.objects.exists()


def test_an_edit_on_an_older_version_is_refused_whole(meeting, officer):
    loaded = meeting.version
    services.engagement_update(
        actor=officer, engagement=meeting, subject="First", expected_version=loaded
    )
    with pytest.raises(ConflictError) as caught:
        services.engagement_update(
            actor=officer,
            engagement=meeting,
            subject="Second",
            tags=[],
            commitments=[{"description": "Lost"}],
            expected_version=loaded,
        )
    assert caught.value.current.subject == "First"
    meeting.refresh_from_db()
    assert meeting.subject == "First"
    assert meeting.tags.exists() and not Commitment.objects.exists()


def test_an_engagement_with_nobody_and_no_organisation_is_refused(mission, officer, meeting):
    with pytest.raises(ValidationError) as caught:
        services.engagement_create(
            actor=officer,
            mission=mission,
            kind="call",
            start=dt.datetime(2022, 1, 1, 10),
            subject="With whom?",
        )
    assert "people" in caught.value.message_dict
    # An organisation alone is someone to meet.
    services.engagement_create(
        actor=officer,
        mission=mission,
        kind="event",
        start=dt.datetime(2022, 1, 1, 10),
        subject="Trade fair",
        organisations=[factories.OrganisationFactory(mission=mission)],
    )
    # Taking everyone off an engagement is refused; changes that leave people alone are not.
    with pytest.raises(ValidationError) as caught:
        services.engagement_update(actor=officer, engagement=meeting, people=[])
    assert "people" in caught.value.message_dict
    services.engagement_update(actor=officer, engagement=meeting, staff=[], subject="Still on")
    assert meeting.people.exists()


def test_field_errors_and_the_missing_participant_are_reported_together(mission, officer):
    with pytest.raises(ValidationError) as caught:
        services.engagement_create(
            actor=officer, mission=mission, kind="party", start=dt.datetime(2022, 1, 1), subject="x"
        )
    assert {"kind", "people"} <= set(caught.value.message_dict)
