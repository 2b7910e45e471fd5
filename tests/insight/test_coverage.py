from __future__ import annotations

import datetime as dt

from legation.core.access import SYSTEM
from legation.insight.figures import coverage
from tests import factories
from tests.insight.conftest import AS_OF, at, sector


def test_matrix_counts_each_engagement_once_per_sector_in_its_region(book):
    c = coverage(SYSTEM, start=dt.date(2022, 1, 1), end=AS_OF)
    assert c["cells"]["US-TX"] == {"subnational": 4, "think_tank": 1}
    # The site visit: a business person and a business firm, one sector, counted once.
    assert c["cells"]["US-CA"] == {"business": 1}
    assert c["unplaced"] == {"business": 1}  # the call; the email is correspondence, not coverage
    assert c["row_totals"]["US-TX"] == 5 and c["total"] == 6


def test_matrix_of_one_posting_leaves_out_the_others(book):
    c = coverage(SYSTEM, posting=book["hom"], start=dt.date(2022, 1, 1), end=AS_OF)
    assert "US-CA" not in c["cells"]
    assert c["cells"]["US-TX"]["subnational"] == 4


def test_empty_cell_is_named_with_the_last_engagement_before_the_period(book, mission):
    # A period after the governor's meetings: Texas is active through a think-tank meeting,
    # the subnational column through a meeting in California.
    gov_ca = factories.PersonFactory(mission=mission, sector=sector("subnational"))
    tank = factories.PersonFactory(mission=mission, sector=sector("think_tank"))
    for i in range(4):
        factories.EngagementFactory(
            mission=mission, start=at(f"2022-0{6 + i}-05"), region=factories.region("US-CA"),
            people=[gov_ca],
        )  # fmt: skip
        factories.EngagementFactory(
            mission=mission, start=at(f"2022-0{6 + i}-06"), region=factories.region("US-TX"),
            people=[tank],
        )  # fmt: skip
    c = coverage(SYSTEM, start=dt.date(2022, 5, 1), end=AS_OF)
    texts = [g["text"] for g in c["gaps"]]
    assert "no engagement with sub-national government in Texas since April 2022" in texts
    gap = next(g for g in c["gaps"] if g["region"] == "US-TX" and g["sector"] == "subnational")
    assert (gap["kind"], gap["last_before"]) == ("empty", "2022-04-10")
    assert "no engagement with think tank in California, ever" in texts
    assert (
        any(g["kind"] == "region" and g["region"] == "US-WY" for g in c["gaps"])
        or len(c["gaps"]) == 40
    )


def test_reader_without_clearance_does_not_see_restricted_engagements_in_coverage(book, reader):
    c = coverage(reader, start=dt.date(2022, 1, 1), end=AS_OF)
    assert c["cells"]["US-TX"] == {"subnational": 4}
    assert c["total"] == 5


def test_outsider_gets_an_empty_matrix(book, outsider):
    assert coverage(outsider, start=dt.date(2022, 1, 1), end=AS_OF)["total"] == 0
