from __future__ import annotations

import datetime as dt

import pytest

from legation.core.access import SYSTEM
from legation.insight.figures import quiet_relationships, relationship_strength, strengths
from legation.insight.strength import seniority_of
from tests import factories
from tests.insight.conftest import AS_OF, at


def test_score_adds_frequency_recency_and_seniority_as_documented(book):
    s = relationship_strength(book["governor"], SYSTEM, as_of=AS_OF)
    # 4 meetings weigh 12: 40 * ln(13) / ln(61) = 25.0; 264 days: 30 * 0.5 ** (264 / 180)
    # = 10.9; a governor: 0.85 * 30 = 25.5.
    assert (s["frequency"], s["recency"], s["seniority"]) == (25.0, 10.9, 25.5)
    assert s["score"] == 61.3 and s["standing"] == 50.5
    assert s["reasons"][0].startswith("4 engagements (4 meeting), weighted 12.0")
    assert "264 days ago" in s["reasons"][1]
    assert s["reasons"][2].startswith("governor, senator")


@pytest.mark.parametrize(
    ("title", "office", "weight"),
    [
        ("President", "Former President of the United States", 1.0),
        ("Senator", "United States Senator from Ohio", 0.85),
        ("Lieutenant Governor", "Lieutenant Governor of Arizona", 0.65),
        ("Mr.", "Chief Executive Officer, Beacon Steel", 0.65),
        ("Professor", "Professor of History", 0.45),
        ("Dr.", "", 0.45),
        ("Dr.", "Fellow, Brookings Institution", 0.45),
        ("Drummer", "", 0.25),
        ("Ms.", "Program Analyst", 0.25),
    ],
)
def test_seniority_weighs_heads_of_state_and_governors_above_staff(title, office, weight):
    assert seniority_of(title, office)[0] == weight


def test_a_long_in_person_engagement_weighs_more_and_an_email_counts_for_nothing(mission):
    dinner_guest = factories.PersonFactory(mission=mission)
    emailed = factories.PersonFactory(mission=mission)
    factories.EngagementFactory(
        mission=mission, kind="event", duration=dt.timedelta(hours=3), people=[dinner_guest],
        start=at("2022-12-01"),
    )  # fmt: skip
    factories.EngagementFactory(
        mission=mission, kind="email", people=[emailed], start=at("2022-12-01")
    )
    assert relationship_strength(dinner_guest, SYSTEM, as_of=AS_OF)["weight"] == 4.0
    # An email is correspondence (its direction unrecorded, lists are mailed): no weight.
    assert relationship_strength(emailed, SYSTEM, as_of=AS_OF) is None


def test_strengths_rank_the_strongest_first_with_reasons(book):
    ranked = strengths(SYSTEM, as_of=AS_OF, posting=book["hom"], limit=2)
    # The scholar (a "Dr.", 0.45) ranks above the businessman (a "Mr.", 0.25, whose call in May
    # is more recent); the scholar's email does not count, only the meeting in February.
    assert [r["person"] for r in ranked] == [book["governor"], book["scholar"]]
    assert ranked[1]["engagements"] == 1 and ranked[1]["seniority_label"].startswith("director")
    assert all(len(r["reasons"]) == 3 for r in ranked)


@pytest.mark.parametrize("of_posting", [True, False])
def test_equal_scores_are_ranked_by_the_weight_behind_them(mission, ambassador_posting, of_posting):
    # Frequency saturates at a weight of 60: both score the same, but the second-made (a
    # higher id) has twice the meetings behind the score and ranks first.
    lighter = factories.PersonFactory(mission=mission, title="Senator")
    heavier = factories.PersonFactory(mission=mission, title="Senator")
    for i in range(40):
        people = [lighter, heavier] if i % 2 else [heavier]
        factories.EngagementFactory(
            mission=mission, people=people, staff=[ambassador_posting],
            start=at("2022-01-01") + dt.timedelta(days=i),
        )  # fmt: skip
    posting = ambassador_posting if of_posting else None
    ranked = strengths(SYSTEM, as_of=AS_OF, posting=posting, limit=2)
    assert ranked[0]["score"] == ranked[1]["score"]
    assert [r["person"] for r in ranked] == [heavier, lighter]
    assert (ranked[0]["weight"], ranked[1]["weight"]) == (120.0, 60.0)


def test_quiet_relationships_are_strong_ones_past_their_usual_rhythm(book):
    quiet = quiet_relationships(SYSTEM, as_of=AS_OF)
    assert [q["person"] for q in quiet] == [book["governor"]]
    q = quiet[0]
    assert (q["engagements"], q["days_quiet"], q["rhythm_days"]) == (4, 264, 30.0)
    assert q["threshold_days"] == 90
    assert "usually engaged every 30 days" in q["reason"]
    # Within the floor of 90 days the governor is not yet quiet.
    assert quiet_relationships(SYSTEM, as_of=dt.date(2022, 7, 1)) == []


def test_a_slow_rhythm_needs_a_longer_silence(mission):
    senator = factories.PersonFactory(mission=mission, title="Senator")
    for day in ("2020-01-01", "2020-07-01", "2021-01-01", "2021-07-01", "2022-01-01"):
        factories.EngagementFactory(mission=mission, people=[senator], start=at(day))
    # A median interval of about 182 days: quiet only after about 365 days.
    assert quiet_relationships(SYSTEM, as_of=dt.date(2022, 12, 1)) == []
    assert quiet_relationships(SYSTEM, as_of=dt.date(2023, 1, 15))[0]["person"] == senator


def test_reader_without_clearance_gets_strength_without_restricted_engagements(book, reader):
    full = relationship_strength(book["scholar"], SYSTEM, as_of=AS_OF)
    limited = relationship_strength(book["scholar"], reader, as_of=AS_OF)
    assert full["engagements"] == 1 and full["by_kind"] == {"meeting": 1}
    # The restricted meeting is hidden, and the email does not count.
    assert limited is None


def test_quiet_list_is_empty_for_an_outsider(book, outsider):
    assert quiet_relationships(outsider, as_of=AS_OF) == []
