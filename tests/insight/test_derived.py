"""The engagement-sector table the figures read stays equal to the ledger, whatever writes it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from legation.core.audit import restore_deleted
from legation.core.models import Sector
from legation.demo.generator import generate
from legation.engagements import services as engagements
from legation.engagements.models import (
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
)
from legation.insight import derived
from legation.insight.models import EngagementSector, PostingActivity
from legation.people import services as people
from legation.people.models import Person
from legation.people.services import person_merge
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def sector(code: str) -> Sector:
    return Sector.objects.get(code=code)


def ledger_sectors() -> set[tuple[int, int]]:
    """(engagement, sector) by the rule, read from the ledger's rows in Python: the sectors of
    an engagement's participants and of its organisations, sectorless ones left out."""
    people_ = EngagementParticipant.objects.values_list("engagement_id", "person__sector_id")
    orgs = EngagementOrganisation.objects.values_list("engagement_id", "organisation__sector_id")
    return {(e, s) for e, s in [*people_, *orgs] if s is not None}


COPIED = ("mission_id", "start", "sensitivity", "kind", "region_id", "duration")


def ledger_activity() -> Counter:
    """The per-posting rows by the rule, in Python: for each staff link (posting, engagement),
    the engagement (facet 0), each participant (1), organisation (2) and sector reached (3),
    each carrying the engagement's copied columns."""
    engagements_ = {
        e["id"]: tuple(e[c] for c in COPIED) for e in Engagement.objects.values("id", *COPIED)
    }
    items: dict[int, list[tuple[int, int]]] = {e: [(0, e)] for e in engagements_}
    for e, person in EngagementParticipant.objects.values_list("engagement_id", "person_id"):
        items[e].append((1, person))
    for e, org in EngagementOrganisation.objects.values_list("engagement_id", "organisation_id"):
        items[e].append((2, org))
    for e, s in sorted(ledger_sectors()):
        items[e].append((3, s))
    return Counter(
        (posting, facet, item, e, *engagements_[e])
        for e, posting in EngagementStaff.objects.values_list("engagement_id", "posting_id")
        for facet, item in items[e]
    )


def stored_activity() -> Counter:
    return Counter(
        PostingActivity.objects.values_list(
            "posting_id", "facet", "item_id", "engagement_id", *COPIED
        )
    )


def assert_in_step() -> set[tuple[int, int]]:
    """Both derived tables equal what the ledger's rows give; the engagement-sector rows
    returned."""
    stored = set(EngagementSector.objects.values_list("engagement_id", "sector_id"))
    assert stored == ledger_sectors()
    assert stored_activity() == ledger_activity()
    return stored


@pytest.fixture
def ledger(mission, head, ambassador_posting):
    gov = factories.PersonFactory(mission=mission, sector=sector("subnational"))
    scholar = factories.PersonFactory(mission=mission, sector=sector("think_tank"))
    nobody = factories.PersonFactory(mission=mission, sector=None)
    firm = factories.OrganisationFactory(mission=mission, sector=sector("business"))
    start = dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC)
    both = engagements.engagement_create(
        actor=head, mission=mission, kind="meeting", start=start, subject="Both",
        people=[gov, scholar, nobody], staff=[ambassador_posting], organisations=[firm],
    )  # fmt: skip
    alone = engagements.engagement_create(
        actor=head, mission=mission, kind="call", start=start, subject="Alone",
        people=[nobody], staff=[ambassador_posting],
    )  # fmt: skip
    return {"gov": gov, "scholar": scholar, "nobody": nobody, "firm": firm, "both": both,
            "alone": alone}  # fmt: skip


def test_services_fill_it_once_per_sector(ledger):
    rows = assert_in_step()
    both = ledger["both"].pk
    assert {s for e, s in rows if e == both} == {
        sector("subnational").pk,
        sector("think_tank").pk,
        sector("business").pk,
    }
    assert not [r for r in rows if r[0] == ledger["alone"].pk]


def test_a_sector_reached_twice_stays_while_one_way_remains(ledger, head):
    # The scholar's sector moves to business: the firm gives business too, one row only.
    people.person_update(actor=head, person=ledger["scholar"], sector=sector("business"))
    rows = assert_in_step()
    assert (ledger["both"].pk, sector("think_tank").pk) not in rows
    # The firm leaves the engagement; business is still reached through the scholar.
    EngagementOrganisation.objects.filter(engagement=ledger["both"]).delete()
    rows = assert_in_step()
    assert (ledger["both"].pk, sector("business").pk) in rows


def test_organisation_sector_and_participants_changes(ledger, head):
    people.organisation_update(actor=head, organisation=ledger["firm"], sector=sector("media"))
    assert (ledger["both"].pk, sector("media").pk) in assert_in_step()
    engagements.engagement_update(actor=head, engagement=ledger["alone"], people=[ledger["gov"]])
    assert (ledger["alone"].pk, sector("subnational").pk) in assert_in_step()


def test_delete_restore_and_merge(ledger, head):
    engagements.engagement_delete(actor=head, engagement=ledger["both"])
    rows = assert_in_step()
    assert not [r for r in rows if r[0] == ledger["both"].pk]
    restore_deleted(Engagement, ledger["both"].pk, actor=head)
    assert len([r for r in assert_in_step() if r[0] == ledger["both"].pk]) == 3
    # Merging the sectorless person into the governor puts "Alone" in the governor's sector.
    person_merge(actor=head, keep=ledger["gov"], other=ledger["nobody"])
    assert not Person.objects.filter(pk=ledger["nobody"].pk).exists()
    assert (ledger["alone"].pk, sector("subnational").pk) in assert_in_step()


def test_bulk_generated_demo_and_rebuild_agree(seeded):
    generate(size="tiny", seed=7, today=dt.date(2026, 6, 30))
    rows = assert_in_step()
    assert len(rows) > 1_000
    derived.rebuild()
    assert assert_in_step() == rows


def activity_of(engagement_id: int) -> set[tuple[int, int, int]]:
    """(posting, facet, item) of one engagement's per-posting rows."""
    return {(p, f, i) for p, f, i, e, *_ in stored_activity() if e == engagement_id}


def test_posting_activity_holds_each_facet_and_follows_the_engagement(ledger, head,
                                                                      ambassador_posting):  # fmt: skip
    both, post = ledger["both"], ambassador_posting.pk
    assert_in_step()
    assert activity_of(both.pk) == {
        (post, 0, both.pk),
        (post, 1, ledger["gov"].pk),
        (post, 1, ledger["scholar"].pk),
        (post, 1, ledger["nobody"].pk),
        (post, 2, ledger["firm"].pk),
        (post, 3, sector("subnational").pk),
        (post, 3, sector("think_tank").pk),
        (post, 3, sector("business").pk),
    }
    # The copied columns follow the engagement: every facet row moves with it.
    later = dt.datetime(2023, 5, 2, 9, tzinfo=dt.UTC)
    engagements.engagement_update(actor=head, engagement=both, start=later, kind="call")
    assert_in_step()
    rows = PostingActivity.objects.filter(engagement=both)
    assert {(r.start, r.kind) for r in rows} == {(later, "call")}
    # A participant leaves: their person row and the sector only they gave go.
    engagements.engagement_update(
        actor=head, engagement=both, people=[ledger["gov"], ledger["nobody"]]
    )
    assert_in_step()
    assert (post, 1, ledger["scholar"].pk) not in activity_of(both.pk)
    assert (post, 3, sector("think_tank").pk) not in activity_of(both.pk)
    # Off the posting's staff: nothing of it is left in the posting's rows.
    engagements.engagement_update(actor=head, engagement=both, staff=[])
    assert_in_step()
    assert activity_of(both.pk) == set()
    assert activity_of(ledger["alone"].pk) == {
        (post, 0, ledger["alone"].pk),
        (post, 1, ledger["nobody"].pk),
    }
