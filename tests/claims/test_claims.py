"""Extraction without the ledger: vague forms as intervals, dates relative to the letter's date."""

from __future__ import annotations

import datetime as dt

import pytest

from legation.claims.dates import find_dates, resolve
from legation.claims.extraction import extract

LETTER = dt.date(2022, 12, 30)


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("the past 500-plus days", [500, 599], [499, 600]),
        ("over 20 states", [21, 40], [20]),
        ("more than 20 states", [21], [20]),
        ("nearly 30 states", [25, 29], [24, 30]),
        ("about 40 states", [36, 44], [35, 45]),
        ("dozens of meetings", [24, 99], [12, 100]),
        ("四十多年前", [40, 49.9], [39.9, 50]),
        ("近30个州", [25, 29], [30]),
        ("22个州", [22], [21, 23]),
        ("1.7 billion people", [1.65e9, 1.74e9, 1.79e9], [1.6e9, 1.8e9]),
        ("half a dozen meetings", [6], [5, 7]),
        ("two dozen cities", [22, 26], [21, 27]),
        ("nearly two dozen cities", [20, 23], [19, 24]),
        ("more than a dozen cities", [13], [12]),
        ("半年多来", [0.5, 0.99], [0.49, 1]),
        ("九个多月来", [9, 9.99], [8.99, 10]),
        ("一年半", [1.5, 1.99], [1.49, 2]),
        ("nine busy months", [9, 9.99], [8.99, 10]),
    ],
)
def test_vague_forms_are_intervals(text, inside, outside):
    (claim,) = extract(text, letter_date=LETTER).claims
    assert all(v in claim.interval for v in inside)
    assert not any(v in claim.interval for v in outside)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("last spring", "2022-03-01", "2022-05-31"),
        ("earlier this month", "2022-12-01", "2022-12-30"),
        ("last winter", "2021-12-01", "2022-02-28"),
        ("去年春天", "2021-03-01", "2021-05-31"),
        ("上个月", "2022-11-01", "2022-11-30"),
        ("on July 28, 2021", "2021-07-28", "2021-07-28"),
        ("二〇二一年七月二十八日", "2021-07-28", "2021-07-28"),
        ("yesterday", "2022-12-29", "2022-12-29"),
        ("this Monday", "2022-12-26", "2022-12-26"),
        ("last Monday", "2022-12-26", "2022-12-26"),
        ("in March", "2022-03-01", "2022-03-31"),
        ("last December", "2021-12-01", "2021-12-31"),
        ("in December", "2022-12-01", "2022-12-31"),
        ("in March last year", "2021-03-01", "2021-03-31"),
        ("on December 31", "2021-12-31", "2021-12-31"),
        ("昨天", "2022-12-29", "2022-12-29"),
        ("本周一", "2022-12-26", "2022-12-26"),
        ("上周一", "2022-12-19", "2022-12-19"),
        ("今年3月", "2022-03-01", "2022-03-31"),
        ("去年4月", "2021-04-01", "2021-04-30"),
        ("12月8日", "2022-12-08", "2022-12-08"),
    ],
)
def test_relative_dates_count_from_the_letter(text, start, end):
    (mention,) = list(find_dates(text))
    period = resolve(mention, LETTER)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_the_letter_date_is_found_on_its_own_line_and_not_counted_as_a_claim():
    draft = extract("Embassy\n\nDecember 30, 2022\n\nI arrived on July 28, 2021.\n")
    assert draft.letter_date == LETTER
    assert [c.text for c in draft.claims] == ["July 28, 2021"]


def test_a_date_inside_a_sentence_is_not_the_letter_date():
    assert extract("I arrived on July 28, 2021.").letter_date is None


def test_a_date_without_a_year_in_a_sentence_about_the_future_is_the_next_one():
    (mention,) = list(find_dates("in March"))
    assert resolve(mention, LETTER, forward=True).start == dt.date(2023, 3, 1)


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Georgia is the ninth state I have visited.", [("ninth state", "count", "states")]),
        ("It was my third visit to Washington State.", [("third visit", "count", "visits")]),
        ("波士顿是我访问的第十个城市。", [("第十个城市", "count", "cities")]),
        ("我第二次到访西雅图。", [("第二次", "count", "visits")]),
        ("President Xi made his second state visit.", []),
        ("我们每周一次会见。", []),
        ("I have held 2 speeches this year.", [("2 speeches", "count", "speeches")]),
        ("Almost seven years later, our countries moved on.", []),
        ("I toured a farm; 我参观了一个农场。", []),
    ],
)
def test_what_is_a_claim_and_what_it_counts(text, claims):
    found = [(c.text, c.kind, c.noun) for c in extract(text, letter_date=LETTER).claims]
    assert found == claims
