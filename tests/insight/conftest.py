"""A hand-built ledger whose figures are known, shared by the insight tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from legation.core.models import Sector
from tests import factories

AS_OF = dt.date(2022, 12, 30)


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def sector(code: str) -> Sector:
    return Sector.objects.get(code=code)


@pytest.fixture
def book(mission, ambassador_posting):
    """Two postings, a governor, a think-tank scholar and a businessman, in three states.

    - governor (Texas, subnational): 4 meetings with the ambassador, every 30 days from
      2022-01-10, then nothing: quiet since 2022-04-10.
    - scholar (think tank): a meeting in Texas on 2022-02-01 (restricted) and an email in 2022-06.
    - businessman (business) of a firm (business): a site visit in California 2022-03-01 with
      the counsellor, and the ambassador's call in 2022-05-01.
    """
    counsellor = factories.PostingFactory(
        mission=mission, ref="P-COUNS", role="counsellor", title="Counsellor",
        arrival=dt.date(2020, 1, 1),
    )  # fmt: skip
    governor = factories.PersonFactory(
        mission=mission, family_name="Abbott", given_name="Greg", title="Governor",
        office="Governor of Texas", sector=sector("subnational"),
    )  # fmt: skip
    scholar = factories.PersonFactory(
        mission=mission, family_name="Scholar", given_name="Sam", title="Dr.",
        office="Senior Fellow", sector=sector("think_tank"),
    )  # fmt: skip
    businessman = factories.PersonFactory(
        mission=mission, family_name="Trader", given_name="Tom", title="Mr.",
        office="Partner", sector=sector("business"),
    )  # fmt: skip
    firm = factories.OrganisationFactory(mission=mission, name_en="Firm", sector=sector("business"))
    factories.AffiliationFactory(person=businessman, organisation=firm, role="Partner")
    colleague = factories.PersonFactory(mission=mission, family_name="Colleague")
    factories.AffiliationFactory(person=colleague, organisation=firm, role="Analyst")
    tx, ca = factories.region("US-TX"), factories.region("US-CA")
    for day in ("2022-01-10", "2022-02-09", "2022-03-11", "2022-04-10"):
        factories.EngagementFactory(
            mission=mission, start=at(day), region=tx, people=[governor],
            staff=[ambassador_posting], subject=f"Governor {day}",
        )  # fmt: skip
    restricted = factories.EngagementFactory(
        mission=mission, start=at("2022-02-01"), region=tx, people=[scholar],
        staff=[ambassador_posting], sensitivity=2, subject="Restricted talk",
    )  # fmt: skip
    factories.EngagementFactory(
        mission=mission, kind="email", start=at("2022-06-15"), people=[scholar],
        staff=[ambassador_posting], subject="Email to the scholar",
    )  # fmt: skip
    visit = factories.EngagementFactory(
        mission=mission, kind="site_visit", start=at("2022-03-01"), region=ca,
        people=[businessman], staff=[counsellor], subject="Factory visit",
    )  # fmt: skip
    visit.organisations.add(firm)
    call = factories.EngagementFactory(
        mission=mission, kind="call", start=at("2022-05-01"), people=[businessman],
        staff=[ambassador_posting], subject="Call",
    )  # fmt: skip
    factories.CommitmentFactory(engagement=call, description="Send data", status="open",
                                due=dt.date(2022, 6, 1), owner=ambassador_posting)  # fmt: skip
    factories.CommitmentFactory(engagement=call, description="Invite", status="done",
                                closed_on=dt.date(2022, 5, 20))  # fmt: skip
    factories.CommitmentFactory(engagement=restricted, description="Secret follow-up",
                                status="open", sensitivity=0)  # fmt: skip
    return {
        "hom": ambassador_posting, "counsellor": counsellor, "governor": governor,
        "scholar": scholar, "businessman": businessman, "firm": firm, "colleague": colleague,
    }  # fmt: skip
