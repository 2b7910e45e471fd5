from __future__ import annotations

import datetime as dt

from legation.core.access import SYSTEM
from legation.insight.figures import tenure
from tests.insight.conftest import AS_OF


def test_tenure_counts_kinds_months_people_and_regions(book):
    t = tenure(book["hom"], user=SYSTEM, as_of=AS_OF)
    # The email is correspondence, counted apart; the call is an engagement, but nobody was met.
    assert t["engagements"] == 6
    assert t["engagements_by_kind"] == {"meeting": 5, "call": 1}
    months = {m["month"]: m["engagements"] for m in t["engagements_by_month"]}
    assert months["2021-07"] == 0 and months["2022-12"] == 0
    assert (months["2022-01"], months["2022-02"], months["2022-05"], months["2022-06"]) == (
        1, 2, 1, 0,
    )  # fmt: skip
    assert len(t["engagements_by_month"]) == 18  # July 2021 to December 2022
    assert t["people_met"] == 2  # the governor and the scholar; the businessman was called
    mail = t["correspondence"]
    assert (mail["letters_sent"], mail["letters_received"], mail["emails"]) == (0, 0, 1)
    assert len(mail["by_month"]) == 18
    assert {m["month"]: m["emails"] for m in mail["by_month"]}["2022-06"] == 1
    assert t["regions_visited"] == ["US-TX"]
    assert t["regions"][0]["visits"] == 5
    assert (t["regions"][0]["first"], t["regions"][0]["last"]) == ("2022-01-10", "2022-04-10")


def test_tenure_counts_each_engagement_once_per_sector(book):
    t = tenure(book["hom"], user=SYSTEM, as_of=AS_OF)
    sectors = {s["code"]: s["engagements"] for s in t["sectors"]}
    assert sectors == {"subnational": 4, "think_tank": 1, "business": 1}  # not the email
    assert t["sectors_engaged"] == ["business", "think_tank", "subnational"]


def test_commitments_are_opened_solved_and_still_open_as_of_the_date(book):
    t = tenure(book["hom"], user=SYSTEM, as_of=AS_OF)
    assert t["commitments"] == {
        "opened": 3, "solved": 1, "dropped": 0, "still_open": 2, "overdue": 1,
    }  # fmt: skip
    before_closing = tenure(book["hom"], user=SYSTEM, as_of=dt.date(2022, 5, 10))
    assert before_closing["commitments"]["solved"] == 0
    assert before_closing["commitments"]["still_open"] == 3


def test_reader_without_clearance_gets_tenure_without_restricted_engagements(book, reader):
    t = tenure(book["hom"], user=reader, as_of=AS_OF)
    assert t["engagements"] == 5
    assert t["regions"][0]["visits"] == 4
    # The restricted meeting was the only engagement of the think tank (the email does not count).
    assert "think_tank" not in t["sectors_engaged"]
    # The commitment raised in the restricted engagement would reveal it.
    assert t["commitments"]["opened"] == 2


def test_outsider_sees_no_tenure_figures(book, outsider):
    t = tenure(book["hom"], user=outsider, as_of=AS_OF)
    assert t["engagements"] == 0 and t["people_met"] == 0 and t["sectors"] == []
