"""Service writes stay within the actor's clearance and mission: a commitment names only people
and postings of its engagement's mission that the actor can see and is never raised above the
actor's clearance; shared facts (read by every mission) are the operator's alone."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legation.core.access import SYSTEM
from legation.core.models import Sensitivity
from legation.engagements import services
from legation.engagements.models import Commitment, Fact
from tests import factories


@pytest.fixture
def talk(mission, ambassador_posting):
    return factories.EngagementFactory(mission=mission, sensitivity=Sensitivity.PUBLIC)


def test_a_commitment_cannot_name_another_missions_person_or_posting(talk, officer, other_mission):
    theirs = factories.PersonFactory(mission=other_mission, family_name="Faraway")
    their_posting = factories.PostingFactory(mission=other_mission, person=theirs)
    with pytest.raises(ValidationError) as err:
        services.commitment_create(
            actor=officer, engagement=talk, description="x", requested_by=theirs
        )
    assert "requested_by" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.commitment_create(
            actor=officer, engagement=talk, description="x", owner=their_posting
        )
    assert "owner" in err.value.message_dict
    assert not Commitment.objects.exists()
    # Not even the operator links across missions.
    with pytest.raises(ValidationError):
        services.commitment_create(
            actor=SYSTEM, engagement=talk, description="x", requested_by=theirs
        )


def test_an_update_cannot_link_across_missions_or_raise_above_clearance(
    talk, internal_officer, other_mission, mission
):
    commitment = services.commitment_create(
        actor=internal_officer, engagement=talk, description="Send the book"
    )
    theirs = factories.PersonFactory(mission=other_mission)
    with pytest.raises(ValidationError):
        services.commitment_update(
            actor=internal_officer, commitment=commitment, requested_by=theirs
        )
    with pytest.raises(ValidationError) as err:
        services.commitment_update(
            actor=internal_officer, commitment=commitment, sensitivity=Sensitivity.RESTRICTED
        )
    assert "sensitivity" in err.value.message_dict
    commitment.refresh_from_db()
    assert commitment.requested_by is None
    assert commitment.sensitivity == Sensitivity.PUBLIC
    ours = factories.PersonFactory(mission=mission)
    services.commitment_update(actor=internal_officer, commitment=commitment, requested_by=ours)
    commitment.refresh_from_db()
    assert commitment.requested_by == ours


def test_shared_facts_are_the_operators_alone(officer, mission):
    with pytest.raises(PermissionDenied):
        services.fact_create(actor=officer, mission=None, key="trade", label_en="Trade")
    shared = services.fact_create(actor=SYSTEM, mission=None, key="trade", label_en="Trade")
    with pytest.raises(PermissionDenied):
        services.fact_update(actor=officer, fact=shared, label_en="Changed by one mission")
    shared.refresh_from_db()
    assert shared.label_en == "Trade"
    own = services.fact_create(actor=officer, mission=mission, key="trade", label_en="Trade")
    services.fact_update(actor=officer, fact=own, label_en="Our trade")
    assert Fact.objects.get(pk=own.pk).label_en == "Our trade"


def test_an_officers_import_refuses_shared_facts_row_by_row(officer, mission, tmp_path):
    from legation.intake.importers import preview

    path = tmp_path / "facts.csv"
    path.write_text("key,label_en,shared\ntrade,Trade,yes\nstudents,Students,\n", "utf-8")
    report = preview("facts", path, actor=officer, mission=mission)
    rejected = [o for o in report.outcomes if o.issues]
    assert [o.line for o in rejected] == [2]
    assert "only the operator" in str(rejected[0].issues[0])
    assert not Fact.objects.exists()
