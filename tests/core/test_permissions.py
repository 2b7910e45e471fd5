"""What each role may change, through the same services every page and command uses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from legation.engagements import services as engagements
from legation.people import services as people
from tests import factories

ALLOWED = {
    # role fixture: (create person, change engagement, delete engagement, create posting)
    "head": (True, True, True, True),
    "officer": (True, True, True, False),
    "assistant": (True, True, False, False),
    "reader": (False, False, False, False),
}


def attempt(action) -> bool:
    try:
        action()
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("persona", sorted(ALLOWED))
def test_each_role_may_change_exactly_what_it_is_documented_to(request, mission, persona):
    user = request.getfixturevalue(persona)
    engagement = factories.EngagementFactory(mission=mission, sensitivity=0)
    person = factories.PersonFactory(mission=mission)
    outcome = (
        attempt(lambda: people.person_create(actor=user, mission=mission, family_name="New")),
        attempt(
            lambda: engagements.engagement_update(
                actor=user, engagement=engagement, subject="Changed"
            )
        ),
        attempt(lambda: engagements.engagement_delete(actor=user, engagement=engagement)),
        attempt(
            lambda: engagements.posting_create(
                actor=user,
                mission=mission,
                person=person,
                role="officer",
                arrival=dt.date(2022, 1, 1),
            )
        ),
    )
    assert outcome == ALLOWED[persona]


def test_nobody_changes_a_record_of_another_mission(mission, outsider):
    engagement = factories.EngagementFactory(mission=mission, sensitivity=0)
    from legation.engagements.models import Engagement

    with pytest.raises(Engagement.DoesNotExist):
        engagements.engagement_update(actor=outsider, engagement=engagement, subject="x")
    with pytest.raises(Engagement.DoesNotExist):
        engagements.engagement_delete(actor=outsider, engagement=engagement)
