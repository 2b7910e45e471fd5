"""A person's or an organisation's newest engagements, read either way (by id, or by a walk
of the engagements by date), are the same: the visible ones, newest first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from legation.core.models import Sensitivity
from legation.engagements.models import Engagement, EngagementQuerySet
from tests.factories import (
    EngagementFactory,
    MissionFactory,
    OrganisationFactory,
    PersonFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(seeded):
    mission, other = MissionFactory(), MissionFactory()
    officer = user_with_role("nl-officer", "officer", [mission], Sensitivity.INTERNAL)
    person = PersonFactory(mission=mission)
    org = OrganisationFactory(mission=mission)
    base = timezone.make_aware(dt.datetime(2024, 1, 1, 9))
    for k in range(30):
        e = EngagementFactory(
            mission=mission,
            start=base + dt.timedelta(days=(k * 7) % 30, hours=k),
            sensitivity=Sensitivity.RESTRICTED if k % 5 == 0 else Sensitivity.INTERNAL,
            people=[person] if k % 2 == 0 else [],
        )
        if k % 3 == 0:
            e.organisations.add(org)
    EngagementFactory(mission=mission, start=base + dt.timedelta(days=90))  # not linked
    EngagementFactory(mission=other, start=base + dt.timedelta(days=91))
    return officer, person, org


def _expected(officer, relation, record, limit):
    rows = [
        e for e in Engagement.objects.visible_to(officer) if record in getattr(e, relation).all()
    ]
    rows.sort(key=lambda e: (e.start, e.pk), reverse=True)
    return [e.pk for e in rows[:limit]]


@pytest.mark.parametrize("walk_from", [EngagementQuerySet.WALK_FROM, 0, 3])
@pytest.mark.parametrize("relation", ["people", "organisations"])
def test_either_way_the_newest_visible_ones(ledger, relation, walk_from, monkeypatch):
    officer, person, org = ledger
    record = person if relation == "people" else org
    monkeypatch.setattr(EngagementQuerySet, "WALK_FROM", walk_from)
    for limit in (4, 100):
        found = Engagement.objects.visible_to(officer).newest_linked_to(relation, record, limit)
        expected = _expected(officer, relation, record, limit)
        assert [e.pk for e in found] == expected != []
        assert all(e.sensitivity <= Sensitivity.INTERNAL for e in found)
