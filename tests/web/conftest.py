from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from legation.core.models import Sector, Sensitivity
from legation.people.models import PersonNote
from tests import factories


@pytest.fixture
def ledger(mission, ambassador_posting):
    """A small ledger: people in both scripts, engagements at each level, commitments, notes."""
    senate = factories.OrganisationFactory(
        mission=mission, name_en="United States Senate", name_zh="美国参议院"
    )
    qin = ambassador_posting.person
    carter = factories.PersonFactory(
        mission=mission,
        family_name="Carter",
        given_name="Jimmy",
        name_zh="吉米·卡特",
        title="President",
        former=True,
        sector=Sector.objects.get(code="executive"),
    )
    wang = factories.PersonFactory(
        mission=mission,
        family_name="Wang",
        given_name="Xiaoming",
        name_zh="王小明",
        name_order="eastern",
    )
    PersonNote.objects.create(
        person=carter, text="Open note about peanuts", sensitivity=Sensitivity.INTERNAL
    )
    PersonNote.objects.create(
        person=carter, text="Confidential remark on health", sensitivity=Sensitivity.RESTRICTED
    )
    now = timezone.now()
    for i, level in enumerate([0, 1, 2]):
        e = factories.EngagementFactory(
            mission=mission,
            subject=f"Talk {level}",
            sensitivity=level,
            people=[carter],
            staff=[ambassador_posting],
            start=now - dt.timedelta(days=i),
            region=factories.region("US-GA"),
        )
        e.organisations.add(senate)
        factories.CommitmentFactory(
            engagement=e, description=f"Follow up {level}", due=timezone.localdate(), sensitivity=0
        )
    return {"carter": carter, "wang": wang, "qin": qin, "senate": senate}
