"""Extraction without the ledger: vague forms as intervals, dates relative to the letter's date."""

from __future__ import annotations

import datetime as dt

import pytest

from legation.checks.claims import extract
from legation.checks.dates import find_dates, resolve

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
