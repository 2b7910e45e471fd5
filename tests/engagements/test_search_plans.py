"""The ways of finding the newest engagements containing some words (through the index, looking
rows up in it along the date order, matching the text along that order) find the same ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from legation.core.db import text as text_index
from legation.engagements.models import Engagement
from legation.engagements.search import matching_text
from tests import factories


@pytest.fixture
def engagements(mission, other_mission):
    day = timezone.make_aware(dt.datetime(2023, 1, 1, 9))
    for k in range(60):
        for m in (mission, other_mission):
            subject = "Meeting on trade" if k % 2 else "Meeting with Wang Xiaoming"
            factories.EngagementFactory(
                mission=m,
                subject=subject,
                start=day + dt.timedelta(days=k % 7),  # many on one day: ties broken by id
                summary="rare kumquat" if k == 13 else "",
            )


@pytest.mark.parametrize("text", ["meeting", "wang xiaoming", "kumquat", "trade meeting", "nope"])
def test_every_plan_finds_the_same_newest_engagements(engagements, officer, text):
    visible = Engagement.objects.visible_to(officer)

    def newest(plan: str) -> list[int]:
        found = matching_text(visible, text, plan).order_by("-start", "-pk")[:20]
        return list(found.values_list("pk", flat=True))

    expected = newest("index")
    assert newest("probe") == expected
    assert newest("scan") == expected
    assert text_index.newest_first_plan(text.split(), 20) in {"index", "probe", "scan"}
    assert not Engagement.objects.filter(pk__in=expected).exclude(mission__members=officer)
