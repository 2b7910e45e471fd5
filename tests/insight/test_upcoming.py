"""The handover brief's coming anniversaries: a mission's own fact wins over a shared one.

As in letters (``letters.context.mission_facts``), and on every database: NULLs sort first on
SQLite and last on PostgreSQL, so the choice must not depend on the order.
"""

from __future__ import annotations

import datetime as dt

from legation.core.access import SYSTEM
from legation.engagements.models import Fact
from legation.insight.handover import upcoming
from tests import factories
from tests.insight.conftest import AS_OF

RELATIONS = dt.date(1979, 1, 1)


def anniversaries(posting, user=SYSTEM) -> list[str]:
    return [i["label_en"] for i in upcoming(posting, user, AS_OF) if i["kind"] == "anniversary"]


def test_a_missions_own_fact_replaces_a_shared_fact_of_the_same_key(
    mission, ambassador_posting, officer
):
    other = factories.MissionFactory(ref="CG-NY")
    # Shared first and own last for one key, the other way round for the next, so neither the
    # insertion order nor where NULLs sort can pick the winner by accident.
    Fact.objects.create(key="relations", label_en="Relations (shared)", date=RELATIONS)
    Fact.objects.create(mission=mission, key="relations", label_en="Relations (embassy)",
                        date=RELATIONS)  # fmt: skip
    Fact.objects.create(mission=mission, key="consulate", label_en="Consulate (embassy)",
                        date=dt.date(1980, 2, 1))  # fmt: skip
    Fact.objects.create(key="consulate", label_en="Consulate (shared)", date=dt.date(1980, 2, 1))
    Fact.objects.create(key="treaty", label_en="Treaty (shared only)", date=dt.date(1990, 3, 1))
    Fact.objects.create(mission=other, key="relations", label_en="Relations (other mission)",
                        date=RELATIONS)  # fmt: skip
    # The mission's own fact has no date: it still hides the shared one, as in its letters.
    Fact.objects.create(mission=mission, key="trade", label_en="Trade (embassy, undated)")
    Fact.objects.create(key="trade", label_en="Trade (shared)", date=dt.date(2000, 1, 15))
    expected = ["Relations (embassy)", "Consulate (embassy)", "Treaty (shared only)"]
    assert anniversaries(ambassador_posting) == expected
    assert anniversaries(ambassador_posting, officer) == expected
