from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legation.core.access import SYSTEM
from legation.core.models import Sensitivity
from legation.engagements import services
from legation.engagements.models import Commitment, Engagement, Fact, Posting
from tests import factories


def test_engagement_is_recorded_with_participants_and_commitments(
    mission, officer, ambassador_posting
):
    person = factories.PersonFactory(mission=mission)
    org = factories.OrganisationFactory(mission=mission)
    engagement = services.engagement_create(
        actor=officer,
        mission=mission,
        kind="site_visit",
        start=dt.datetime(2022, 4, 2, 9),
        region="IA",
        city="Muscatine",
        site_type="farm",
        subject="Soybean harvest",
        people=[person],
        staff=[ambassador_posting],
        organisations=[org],
        tags=["farewell"],
        commitments=[{"description": "Send seeds", "due": dt.date(2022, 5, 1)}],
    )
    assert engagement.start.tzinfo is not None
    assert engagement.region.code == "US-IA"
    assert list(engagement.people.all()) == [person]
    assert list(engagement.staff.all()) == [ambassador_posting]
    assert list(engagement.organisations.all()) == [org]
    assert list(engagement.tags.values_list("name", flat=True)) == ["farewell"]
    commitment = engagement.commitments.get()
    assert commitment.status == "open"
    assert commitment.sensitivity == engagement.sensitivity


def test_impossible_dates_are_refused_naming_the_field(mission, officer):
    with pytest.raises(ValidationError) as err:
        services.engagement_create(
            actor=officer,
            mission=mission,
            kind="meeting",
            start="2022-02-30 10:00",
            subject="Never",
        )
    assert "start" in err.value.message_dict
    assert not Engagement.objects.exists()


def test_unknown_kind_is_refused(mission, officer):
    with pytest.raises(ValidationError) as err:
        services.engagement_create(
            actor=officer,
            mission=mission,
            kind="party",
            start=dt.datetime(2022, 1, 1, 10),
            subject="?",
        )
    assert "kind" in err.value.message_dict


def test_departure_before_arrival_is_refused(mission, officer):
    person = factories.PersonFactory(mission=mission)
    with pytest.raises(ValidationError) as err:
        services.posting_create(
            actor=SYSTEM,
            mission=mission,
            person=person,
            role="officer",
            arrival=dt.date(2022, 1, 1),
            departure=dt.date(2021, 1, 1),
        )
    assert "departure" in err.value.message_dict
    assert not Posting.objects.exists()


def test_officers_cannot_create_postings(mission, officer):
    person = factories.PersonFactory(mission=mission)
    with pytest.raises(PermissionDenied):
        services.posting_create(
            actor=officer,
            mission=mission,
            person=person,
            role="officer",
            arrival=dt.date(2022, 1, 1),
        )


def test_participants_must_be_visible_and_of_the_mission(mission, other_mission, officer):
    stranger = factories.PersonFactory(mission=other_mission)
    with pytest.raises(ValidationError) as err:
        services.engagement_create(
            actor=officer,
            mission=mission,
            kind="call",
            start=dt.datetime(2022, 1, 1, 10),
            subject="x",
            people=[stranger],
        )
    assert "people" in err.value.message_dict


def test_nobody_records_above_their_clearance(mission, assistant):
    with pytest.raises(ValidationError) as err:
        services.engagement_create(
            actor=assistant,
            mission=mission,
            kind="call",
            start=dt.datetime(2022, 1, 1, 10),
            subject="x",
            sensitivity=Sensitivity.RESTRICTED,
        )
    assert "sensitivity" in err.value.message_dict


def test_an_invisible_engagement_cannot_be_changed(mission, officer, internal_officer):
    engagement = services.engagement_create(
        actor=officer,
        mission=mission,
        kind="call",
        start=dt.datetime(2022, 1, 1, 10),
        subject="secret",
        sensitivity=Sensitivity.RESTRICTED,
        people=[factories.PersonFactory(mission=mission)],
    )
    with pytest.raises(Engagement.DoesNotExist):
        services.engagement_update(actor=internal_officer, engagement=engagement, subject="x")
    assert Engagement.objects.get(pk=engagement.pk).subject == "secret"


def test_finishing_a_commitment_dates_its_closing(mission, officer):
    engagement = factories.EngagementFactory(mission=mission)
    commitment = services.commitment_create(
        actor=officer, engagement=engagement, description="Visit the port"
    )
    commitment = services.commitment_update(
        actor=officer, commitment=commitment, status="done", resolution="Visited"
    )
    assert commitment.closed_on is not None
    commitment = services.commitment_update(
        actor=officer, commitment=commitment, status="in_progress"
    )
    assert commitment.closed_on is None
    assert Commitment.history.filter(id=commitment.pk).count() == 3


def test_facts_take_aliases_from_a_semicolon_list(mission, officer):
    fact = services.fact_create(
        actor=officer,
        mission=mission,
        key="diplomatic-relations",
        label_en="establishment of diplomatic relations",
        label_zh="建交",
        date=dt.date(1979, 1, 1),
        aliases="diplomatic relations; 建交",
    )
    assert fact.aliases == ["diplomatic relations", "建交"]
    with pytest.raises(ValidationError):
        services.fact_create(
            actor=officer, mission=mission, key="diplomatic-relations", label_en="again"
        )
    assert Fact.objects.count() == 1


def test_a_mission_is_named_in_the_readers_language(mission):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(mission) == "驻美国大使馆"
    with translation.override("en"):
        assert str(mission) == "Embassy in the United States"
    mission.name_zh = ""
    with translation.override("zh-hans"):
        assert str(mission) == "Embassy in the United States"
