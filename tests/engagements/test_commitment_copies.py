"""A commitment's copy of its engagement's mission and sensitivity, kept by the database.

Who may see a commitment is decided on its own row (engagements migration 0012): these tests
write through every kind of path (the services, a bulk insert that names no copy, raw updates
of the engagement) and check the copy, what each user sees, and the history's own rule.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legation.core.audit import HistoryVisibility
from legation.core.models import Sensitivity
from legation.engagements import services
from legation.engagements.models import Commitment, Engagement
from legation.web.history import deleted_records
from tests.factories import EngagementFactory, MissionFactory, user_with_role

pytestmark = pytest.mark.django_db


def _copy(commitment: Commitment) -> tuple[int | None, int | None]:
    return tuple(
        Commitment.objects.filter(pk=commitment.pk).values_list(
            "mission_id", "engagement_sensitivity"
        )[0]
    )


@pytest.fixture
def world(seeded):
    ours, theirs = MissionFactory(), MissionFactory()
    officer = user_with_role("cm-officer", "officer", [ours], Sensitivity.INTERNAL)
    other = user_with_role("cm-other", "officer", [theirs], Sensitivity.RESTRICTED)
    head = user_with_role("cm-head", "officer", [ours], Sensitivity.RESTRICTED)
    return ours, theirs, officer, other, head


def test_a_commitment_recorded_through_the_services_carries_its_engagements_mission(world):
    ours, _theirs, officer, other, _head = world
    engagement = EngagementFactory(mission=ours, sensitivity=Sensitivity.PUBLIC)
    commitment = services.commitment_create(
        actor=officer, engagement=engagement, description="Send the brief"
    )
    assert (commitment.mission_id, commitment.engagement_sensitivity) == (ours.pk, 0)
    assert _copy(commitment) == (ours.pk, Sensitivity.PUBLIC)
    assert list(Commitment.objects.visible_to(officer)) == [commitment]
    assert not Commitment.objects.visible_to(other).exists()


def test_a_bulk_insert_that_names_no_copy_gets_it_from_the_database(world):
    ours, theirs, officer, other, _head = world
    engagement = EngagementFactory(mission=theirs, sensitivity=Sensitivity.RESTRICTED)
    # bulk_create skips save(): only the database can fill the copy (or correct a wrong one).
    missing, wrong = Commitment.objects.bulk_create(
        [
            Commitment(engagement=engagement, description="no copy"),
            Commitment(
                engagement=engagement,
                description="a wrong copy",
                mission_id=ours.pk,
                engagement_sensitivity=Sensitivity.PUBLIC,
            ),
        ]
    )
    assert _copy(missing) == (theirs.pk, Sensitivity.RESTRICTED)
    assert _copy(wrong) == (theirs.pk, Sensitivity.RESTRICTED)
    assert not Commitment.objects.visible_to(officer).exists()
    assert set(Commitment.objects.visible_to(other)) == {missing, wrong}
    # and a raw update of the copy alone is put back
    Commitment.objects.filter(pk=missing.pk).update(mission_id=ours.pk, engagement_sensitivity=0)
    assert _copy(missing) == (theirs.pk, Sensitivity.RESTRICTED)


def test_an_engagement_made_restricted_hides_its_commitments_from_those_not_cleared(world):
    ours, _theirs, officer, _other, head = world
    engagement = EngagementFactory(mission=ours, sensitivity=Sensitivity.INTERNAL)
    commitment = services.commitment_create(
        actor=head, engagement=engagement, description="Call back", sensitivity=0
    )
    assert list(Commitment.objects.visible_to(officer)) == [commitment]
    services.engagement_update(
        actor=head, engagement=engagement, sensitivity=Sensitivity.RESTRICTED
    )
    assert _copy(commitment) == (ours.pk, Sensitivity.RESTRICTED)
    assert not Commitment.objects.visible_to(officer).exists()
    assert list(Commitment.objects.visible_to(head)) == [commitment]
    # and back again, by a write that goes round the services
    Engagement.objects.filter(pk=engagement.pk).update(sensitivity=Sensitivity.PUBLIC)
    assert _copy(commitment) == (ours.pk, Sensitivity.PUBLIC)
    assert list(Commitment.objects.visible_to(officer)) == [commitment]


def test_an_engagement_moved_to_another_mission_takes_its_commitments_along(world):
    ours, theirs, officer, other, _head = world
    engagement = EngagementFactory(mission=ours)
    commitment = services.commitment_create(
        actor=officer, engagement=engagement, description="Send the minutes"
    )
    Engagement.objects.filter(pk=engagement.pk).update(mission=theirs)
    assert _copy(commitment) == (theirs.pk, Sensitivity.INTERNAL)
    assert not Commitment.objects.visible_to(officer).exists()
    assert list(Commitment.objects.visible_to(other)) == [commitment]
    # a commitment moved to an engagement of another mission follows it too
    back = EngagementFactory(mission=ours, sensitivity=Sensitivity.PUBLIC)
    Commitment.objects.filter(pk=commitment.pk).update(engagement=back)
    assert _copy(commitment) == (ours.pk, Sensitivity.PUBLIC)
    assert list(Commitment.objects.visible_to(officer)) == [commitment]


def test_the_history_judges_a_commitments_versions_through_its_engagement(world):
    ours, _theirs, officer, other, _head = world
    engagement = EngagementFactory(mission=ours)
    commitment = services.commitment_create(
        actor=officer, engagement=engagement, description="Arrange the visit"
    )
    version = commitment.history.get()
    assert HistoryVisibility(officer).row_visible(version)
    assert not HistoryVisibility(other).row_visible(version)
    pk = commitment.pk
    commitment.delete()  # a version of the deletion, judged as the others
    mine = [e["row"].id for e in deleted_records(officer) if e["label"].endswith("commitment")]
    theirs = [e["row"].id for e in deleted_records(other) if e["label"].endswith("commitment")]
    assert (mine, theirs) == ([pk], [])


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_copy_of_commitments_written_before_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    before = [("engagements", "0011_mission_to_core")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        mission = old.get_model("core", "Mission").objects.create(ref="M-OLD", name_en="Old")
        engagement = old.get_model("engagements", "Engagement").objects.create(
            mission=mission, ref="E-OLD", kind="meeting", subject="Before", sensitivity=2,
            start="2022-03-01T10:00:00Z",
        )  # fmt: skip
        pk = (
            old.get_model("engagements", "Commitment")
            .objects.create(engagement=engagement, description="Old promise", sensitivity=0)
            .pk
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
        row = Commitment.objects.filter(pk=pk).values_list("mission_id", "engagement_sensitivity")
        assert list(row) == [(mission.pk, 2)]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
