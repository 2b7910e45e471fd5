"""List and detail pages run a constant number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legation.core.models import Region, Sector
from legation.engagements.models import Commitment
from legation.people.models import Tag
from tests import factories


def add_rows(mission, posting, person, org, n: int) -> None:
    """n more of every kind of row, and of every filter's choices (postings, tags)."""
    sector = Sector.objects.first()
    for _ in range(n):
        factories.PostingFactory(mission=mission)
        Tag.objects.create(mission=mission, name=f"tag {Tag.objects.count()}")
        p = factories.PersonFactory(
            mission=mission, sector=sector, region=Region.objects.get(code="US-CA")
        )
        e = factories.EngagementFactory(
            mission=mission,
            people=[person, p],
            staff=[posting],
            region=Region.objects.get(code="US-TX"),
        )
        e.organisations.add(org)
        factories.CommitmentFactory(engagement=e, owner=posting, requested_by=person)
        factories.OrganisationFactory(mission=mission, sector=sector)
        factories.AffiliationFactory(person=p, organisation=org)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def world(mission, ambassador_posting):
    person = factories.PersonFactory(mission=mission, family_name="Hub")
    org = factories.OrganisationFactory(mission=mission, name_en="Hub Org")
    return mission, ambassador_posting, person, org


PAGES = [
    "/",
    "/people/",
    "/people/organisations/",
    "/engagements/",
    "/engagements/?person={person}",
    "/engagements/?organisation={org}",
    "/people/?organisation={org}",
    "/engagements/commitments/",
    "/search/?q=family",
    "/people/{person}/",
    "/people/organisations/{org}/",
    "/engagements/{engagement}/",
    "/engagements/log/",
    "/engagements/{engagement}/edit/",
    "/engagements/commitments/{commitment}/",
    "/history/people.person/{person}/",
]


@pytest.mark.parametrize("template", PAGES)
def test_query_count_does_not_grow_with_rows(client, officer, world, template):
    mission, posting, person, org = world
    client.force_login(officer)

    def url() -> str:
        commitment = Commitment.objects.filter(requested_by=person).first()
        return template.format(
            person=person.pk,
            org=org.pk,
            engagement=commitment.engagement_id,
            commitment=commitment.pk,
        )

    add_rows(mission, posting, person, org, 4)
    count(client, url())  # warm caches (content types, sessions)
    few = count(client, url())
    add_rows(mission, posting, person, org, 6)
    many = count(client, url())
    assert many == few, f"{template}: {few} queries with few rows, {many} with more"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's cursors")
@pytest.mark.parametrize("url", ["/engagements/", "/people/", "/engagements/commitments/"])
def test_choice_boxes_are_read_as_lists_not_through_cursors(client, officer, mission, url):
    factories.PostingFactory(mission=mission)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    assert "<select" in html
    cursors = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("DECLARE")]
    assert cursors == [], cursors
