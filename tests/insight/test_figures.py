from __future__ import annotations

import datetime as dt

from django.utils import timezone

from legation.core.access import SYSTEM
from legation.engagements.models import Kind
from legation.insight.figures import days_in_post, last_engagement_with, posting_figures
from tests import factories


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def test_days_in_post_of_the_example_letter(ambassador_posting):
    # Arrived 2021-07-28; the farewell letter is dated 2022-12-30: "500-plus days".
    assert days_in_post(ambassador_posting, dt.date(2022, 12, 30)) == 520
    assert days_in_post(ambassador_posting, dt.date(2021, 7, 28)) == 0
    assert days_in_post(ambassador_posting, dt.date(2020, 1, 1)) == 0
    # After departure the count stops at the departure date.
    assert days_in_post(ambassador_posting, dt.date(2024, 1, 1)) == 520


def test_states_visited_counts_states_only_and_in_person_engagements(mission, ambassador_posting):
    def visit(code: str, kind: str = Kind.MEETING, day: str = "2022-03-01") -> None:
        factories.EngagementFactory(
            mission=mission,
            kind=kind,
            start=at(day),
            region=factories.region(code),
            staff=[ambassador_posting],
        )

    visit("US-CA")
    visit("US-CA", Kind.SITE_VISIT, "2022-06-01")
    visit("US-DC")  # a district: a region, but not a state
    visit("US-TX", Kind.CALL)  # a call is not a visit
    visit("US-IA", Kind.EVENT, "2023-02-01")  # after the reference date
    figures = posting_figures(ambassador_posting, user=SYSTEM, as_of=dt.date(2022, 12, 30))
    assert figures["regions_visited"] == ["US-CA", "US-DC"]
    assert figures["states_visited"] == 1
    ca = figures["regions"][0]
    assert (ca["visits"], ca["first"], ca["last"]) == (2, "2022-03-01", "2022-06-01")
    assert figures["engagements"] == 4
    assert figures["engagements_by_kind"] == {"meeting": 2, "site_visit": 1, "call": 1}


def test_engagements_on_the_reference_day_count(mission, ambassador_posting):
    factories.EngagementFactory(
        mission=mission,
        start=at("2022-12-30", 23),
        region=factories.region("US-NY"),
        staff=[ambassador_posting],
    )
    figures = posting_figures(ambassador_posting, user=SYSTEM, as_of=dt.date(2022, 12, 30))
    assert figures["regions_visited"] == ["US-NY"]


def test_people_organisations_and_sectors_engaged(mission, ambassador_posting):
    from legation.core.models import Sector

    senator = factories.PersonFactory(
        mission=mission, sector=Sector.objects.get(code="legislature")
    )
    firm = factories.OrganisationFactory(
        mission=mission, sector=Sector.objects.get(code="business")
    )
    e = factories.EngagementFactory(mission=mission, people=[senator], staff=[ambassador_posting])
    e.organisations.add(firm)
    factories.EngagementFactory(mission=mission, people=[senator], staff=[ambassador_posting])
    figures = posting_figures(ambassador_posting, user=SYSTEM, as_of=dt.date(2022, 12, 30))
    assert figures["people_met"] == 1
    assert figures["organisations_met"] == 1
    assert figures["sectors_engaged"] == ["legislature", "business"]


def test_last_engagement_with_a_person_is_the_latest_visible(mission, public_reader):
    person = factories.PersonFactory(mission=mission)
    factories.EngagementFactory(
        mission=mission, people=[person], start=at("2022-01-01"), subject="old", sensitivity=0
    )
    factories.EngagementFactory(
        mission=mission,
        people=[person],
        start=at("2022-06-01"),
        subject="newer but internal",
        sensitivity=1,
    )
    assert last_engagement_with(person, SYSTEM).subject == "newer but internal"
    assert last_engagement_with(person, public_reader).subject == "old"
