"""Full-text search of engagement text, on the index of each database."""

from __future__ import annotations

import pytest

from legation.core.access import SYSTEM
from legation.engagements import services
from legation.engagements.models import Engagement
from legation.engagements.search import matching_text
from tests import factories


def found(user, text: str) -> set[str]:
    return set(
        matching_text(Engagement.objects.visible_to(user), text).values_list("subject", flat=True)
    )


@pytest.fixture
def talks(mission):
    factories.EngagementFactory(
        mission=mission,
        subject="Soybean trade",
        notes="秦刚大使与艾奥瓦州农场主交流大豆贸易",
        sensitivity=1,
    )
    factories.EngagementFactory(
        mission=mission,
        subject="Port visit",
        notes="Discussed container throughput at Long Beach",
        sensitivity=2,
    )
    factories.EngagementFactory(
        mission=mission,
        subject="University exchange",
        summary="Student scholarships",
        sensitivity=0,
    )


def test_notes_are_found_by_words_and_chinese_substrings(talks):
    assert found(SYSTEM, "throughput") == {"Port visit"}
    assert found(SYSTEM, "艾奥瓦州农场") == {"Soybean trade"}
    assert found(SYSTEM, "大豆") == {"Soybean trade"}  # two characters: a substring scan
    assert found(SYSTEM, "scholarships student") == {"University exchange"}
    assert found(SYSTEM, "long beach") == {"Port visit"}
    assert found(SYSTEM, 'quote"d') == set()


def test_text_search_respects_clearance(talks, public_reader, internal_officer):
    assert found(public_reader, "throughput") == set()
    assert found(internal_officer, "throughput") == set()
    assert found(internal_officer, "大豆贸易") == {"Soybean trade"}


def test_changed_and_deleted_engagements_follow_in_the_index(mission, officer, talks):
    port = Engagement.objects.get(subject="Port visit")
    services.engagement_update(actor=officer, engagement=port, notes="Now about railways")
    assert found(SYSTEM, "throughput") == set()
    assert found(SYSTEM, "railways") == {"Port visit"}
    services.engagement_delete(actor=officer, engagement=port)
    assert found(SYSTEM, "railways") == set()
