"""The search's newest engagements containing a word: whichever way they are read (a walk bounded
to the newest, then the older ones through the index), the same rows as reading them all and
sorting, newest first, only what the user may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from legation.core import access
from legation.core.models import Sensitivity
from legation.engagements import search
from legation.engagements.models import Engagement
from legation.engagements.search import newest_matching
from tests.factories import EngagementFactory, MissionFactory, user_with_role

pytestmark = pytest.mark.django_db
FIELDS = ("id", "mission_id", "subject", "start", "kind")


@pytest.fixture
def ledger(seeded):
    mission, other = MissionFactory(), MissionFactory()
    officer = user_with_role("nm-officer", "officer", [mission], Sensitivity.INTERNAL)
    base = timezone.make_aware(dt.datetime(2025, 1, 1, 9))
    for k in range(40):
        # "harvest" only in the oldest ten (a past season), "tariff" in every third, "soybean"
        # in the newest five; one in five restricted
        words = ["harvest"] if k < 10 else []
        words += ["tariff"] if k % 3 == 0 else []
        words += ["soybean"] if k >= 35 else []
        EngagementFactory(
            mission=mission,
            start=base + dt.timedelta(days=k),
            subject=" ".join(["Talks", *words]),
            sensitivity=Sensitivity.RESTRICTED if k % 5 == 0 else Sensitivity.INTERNAL,
        )
    EngagementFactory(mission=other, start=base, subject="harvest tariff soybean elsewhere")
    return officer


def _expected(officer, word, limit):
    rows = [e for e in Engagement.objects.visible_to(officer) if word in e.subject]
    rows.sort(key=lambda e: (e.start, e.pk), reverse=True)
    return [e.pk for e in rows[:limit]]


@pytest.mark.parametrize("bound", [search.WALK_BOUND, 0, 4, 12, 39])
@pytest.mark.parametrize("word", ["harvest", "tariff", "soybean", "nothing"])
def test_the_same_rows_whatever_the_bound(ledger, word, bound, monkeypatch):
    monkeypatch.setattr(search, "WALK_BOUND", bound)
    officer = ledger
    missions = sorted(access.mission_ids(officer))
    for limit in (3, 20):
        found = newest_matching(
            Engagement.objects.visible_to(officer), word, limit, FIELDS, missions
        )
        assert [e.pk for e in found] == _expected(officer, word, limit)
        assert all(e.sensitivity <= Sensitivity.INTERNAL for e in found)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_the_text_index_keeps_more_statistics_and_a_rebuild_keeps_them():
    from legation.core.db.text import TextIndexSetAside

    def target():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = 'engagement_text_trgm'::regclass"
            )
            return cursor.fetchone()[0]

    assert target() == 250  # engagements migration 0014
    aside = TextIndexSetAside()  # as a bulk load does: dropped, then built again
    assert aside
    aside.restore(first_id=1)
    assert target() == 250
