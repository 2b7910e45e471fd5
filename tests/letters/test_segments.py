"""Segments: filters of people, saved by name, always within what the user can see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from legation.core.vocab import resolve_sector
from legation.letters.merge.segments import SegmentError, resolve_filter, resolve_segment
from legation.letters.services import segment_create
from tests import factories
from tests.letters.conftest import add_address, at


@pytest.fixture
def crowd(embassy, posting):
    senator = factories.PersonFactory(mission=embassy, family_name="Padilla", given_name="Alex",
                                      sector=resolve_sector("legislature"), title="Senator")  # fmt: skip
    senator.tags.create(name="farewell", mission=embassy)
    add_address(senator, city="Sacramento", region="US-CA")
    writer = factories.PersonFactory(mission=embassy, family_name="Friedman", given_name="Tom",
                                     sector=resolve_sector("media"))  # fmt: skip
    factories.EngagementFactory(mission=embassy, people=[writer], staff=[posting],
                                start=at(dt.date(2022, 1, 5)))  # fmt: skip
    return senator, writer


def names(qs):
    return [p.family_name for p in qs]


def test_filter_words_select_by_sector_region_tag_and_meetings(crowd, letters_officer):
    def find(text):
        return names(resolve_filter(text, letters_officer))

    assert find("sector=legislature region=US-CA tag=farewell") == ["Padilla"]
    assert find("sector=legislature,media") == ["Friedman", "Padilla"]
    assert find("met-since=2021-07-28") == ["Friedman"]
    assert find("met-by=P-QIN") == ["Friedman"]
    assert find("region=CA") == ["Padilla"]
    assert find("has=address sector=media") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("colour=red", "Unknown filter key"), ("sector", "not key=value"),
     ("met-since=yesterday", "not a date"), ("region=Atlantis", "region"), ("", "empty")],
)  # fmt: skip
def test_a_bad_filter_says_which_word_is_wrong(text, message, letters_officer, embassy):
    with pytest.raises(SegmentError, match=message):
        resolve_filter(text, letters_officer)


def test_a_saved_segment_is_found_by_name(crowd, embassy, letters_officer):
    segment_create(actor=letters_officer, mission=embassy, name="farewell-list",
                   filter="tag=farewell")  # fmt: skip
    text, people = resolve_segment("farewell-list", letters_officer, mission=embassy)
    assert text == "tag=farewell" and names(people) == ["Padilla"]
    with pytest.raises(ValidationError):
        segment_create(actor=letters_officer, mission=embassy, name="bad", filter="colour=red")


def test_a_segment_never_reaches_people_of_another_mission(crowd, outsider):
    assert names(resolve_filter("all=yes", outsider)) == []
