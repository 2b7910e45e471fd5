"""The farewell scenario of the example letter: an ambassador, President Carter, 22 states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from legation.core.models import Sensitivity
from legation.engagements.models import Fact
from legation.people.models import EmailAddress, PostalAddress
from tests import factories

STATES = [
    "US-CA", "US-NY", "US-TX", "US-FL", "US-IL", "US-WA", "US-GA", "US-MA", "US-MI", "US-OH",
    "US-PA", "US-IA", "US-MN", "US-CO", "US-AZ", "US-UT", "US-OR", "US-KY", "US-MO", "US-NC",
    "US-TN", "US-NE",
]  # fmt: skip
PERSONAL = (
    "I will never forget our enlightening conversation, and your enthusiasm in building hope "
    "for the world which is badly needed in our times."
)
LETTER_DATE = dt.date(2022, 12, 30)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@pytest.fixture
def embassy(seeded):
    return factories.MissionFactory(
        ref="EMB-CN-US",
        name_en="Embassy of the People's Republic of China in the United States of America",
        name_zh="中华人民共和国驻美利坚合众国大使馆",
    )


@pytest.fixture
def posting(embassy):
    person = factories.PersonFactory(
        mission=embassy, family_name="Qin", given_name="Gang", name_zh="秦刚",
        name_order="eastern", title="Ambassador",
    )  # fmt: skip
    return factories.PostingFactory(
        mission=embassy, person=person, ref="P-QIN", role="head_of_mission",
        title="Ambassador", title_zh="大使", arrival=dt.date(2021, 7, 28),
    )  # fmt: skip


def add_address(person, city="Atlanta", region="US-GA", email=None):
    PostalAddress.objects.create(
        person=person, lines="453 John Lewis Freedom Parkway NE", city=city,
        region=factories.region(region), postal_code="30307", country="US",
    )  # fmt: skip
    if email:
        EmailAddress.objects.create(person=person, email=email, primary=True)


@pytest.fixture
def carter(embassy):
    person = factories.PersonFactory(
        mission=embassy, family_name="Carter", given_name="Jimmy", name_zh="吉米·卡特",
        title="President", former=True, ref="P-CARTER",
    )  # fmt: skip
    add_address(person, email="jimmy@example.org")
    return person


@pytest.fixture
def farewell_world(embassy, posting, carter):
    """Engagements in 22 states and Washington, D.C. (a district, not a state), and the fact."""
    for i, code in enumerate(STATES):
        factories.EngagementFactory(
            mission=embassy, region=factories.region(code), staff=[posting],
            start=at(dt.date(2021, 9, 1) + dt.timedelta(days=14 * i)),
        )  # fmt: skip
    factories.EngagementFactory(
        mission=embassy, region=factories.region("US-DC"), staff=[posting],
        start=at(dt.date(2022, 11, 1)), people=[carter], subject="Conversation on hope",
        summary="An enlightening conversation. He spoke about hope for the world.",
    )  # fmt: skip
    Fact.objects.create(
        key="diplomatic-relations", label_en="Diplomatic relations established",
        label_zh="中美建交", date=dt.date(1979, 1, 1),
    )  # fmt: skip
    return carter


@pytest.fixture
def letters_officer(embassy):
    return factories.user_with_role("lofficer", "officer", [embassy], Sensitivity.RESTRICTED)


@pytest.fixture
def letters_internal_officer(embassy):
    return factories.user_with_role("lofficer2", "officer", [embassy], Sensitivity.INTERNAL)


@pytest.fixture
def letters_reader(embassy):
    return factories.user_with_role("lreader", "reader", [embassy], Sensitivity.INTERNAL)
