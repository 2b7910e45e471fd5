"""A person's commitments (their page's card): raised in the engagements they took part in, or
asked for by them; found through the indexes on both sides of the OR."""

from __future__ import annotations

import pytest
from django.db import connection

from legation.core.models import Sensitivity
from legation.engagements.models import Commitment
from tests.factories import (
    CommitmentFactory,
    EngagementFactory,
    MissionFactory,
    PersonFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(seeded):
    mission, other = MissionFactory(), MissionFactory()
    officer = user_with_role("cc-officer", "officer", [mission], Sensitivity.INTERNAL)
    person, stranger = PersonFactory(mission=mission), PersonFactory(mission=mission)
    met = EngagementFactory(mission=mission, people=[person])
    secret = EngagementFactory(mission=mission, people=[person], sensitivity=Sensitivity.RESTRICTED)
    elsewhere = EngagementFactory(mission=mission, people=[stranger])
    made = {
        "raised": CommitmentFactory(engagement=met, description="Send the trade figures"),
        "asked": CommitmentFactory(engagement=elsewhere, requested_by=person, description="Visa"),
        "hidden": CommitmentFactory(engagement=secret, description="Restricted follow-up"),
        "other": CommitmentFactory(engagement=elsewhere, description="Someone else's"),
    }
    EngagementFactory(mission=other)
    return officer, person, made


def test_raised_with_them_or_asked_by_them_and_visible(ledger):
    officer, person, made = ledger
    found = set(Commitment.objects.visible_to(officer).concerning(person))
    assert found == {made["raised"], made["asked"]}
    # the restricted one is theirs too, for whoever is cleared for it
    assert made["hidden"] in set(Commitment.objects.all().concerning(person))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_engagements_are_a_list_read_once_not_a_test_per_row(ledger):
    officer, person, _ = ledger
    query = Commitment.objects.visible_to(officer).concerning(person).filter(status="open")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The person's engagements read once (an InitPlan) into a list an index can look up
    # (engagement_id = ANY); with IN (subquery) a SubPlan tested every open commitment of the
    # mission (at the large size 22,000 rows, 16 ms), whatever the tables' sizes.
    assert "InitPlan" in plan, plan
    assert "engagement_id = ANY" in plan, plan
    assert "SubPlan" not in plan, plan
