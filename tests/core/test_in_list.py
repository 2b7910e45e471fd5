"""The `in_list` lookup (core.db.lists): a list of any length as one parameter, or a subquery,
with the same rows as `__in` on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legation.people.models import Affiliation, Person
from tests.factories import MissionFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    mission = MissionFactory()
    return [PersonFactory(mission=mission, ref=f"R-{i}", family_name=f"N{i}") for i in range(6)]


def test_ids_and_refs_as_one_parameter(people):
    wanted = [people[0].pk, people[3].pk, people[3].pk, 999_999_999]
    query = Person.objects.filter(pk__in_list=wanted).values_list("pk", flat=True)
    assert len(query.query.sql_with_params()[1]) == 1  # one parameter, not one per value
    found = set(query)
    assert found == {people[0].pk, people[3].pk}
    assert found == set(Person.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    refs = set(Person.objects.filter(ref__in_list=["R-1", "R-5", "nobody"]).values_list("ref"))
    assert refs == {("R-1",), ("R-5",)}
    # ids given as strings are read as numbers; no list is no rows
    assert Person.objects.filter(pk__in_list=[str(people[2].pk)]).get() == people[2]
    assert not Person.objects.filter(pk__in_list=[]).exists()
    assert Person.objects.exclude(pk__in_list=[people[1].pk]).count() == len(people) - 1


def test_twenty_thousand_ids_in_one_short_statement(people):
    ids = [*range(10_000_000, 10_020_000), people[4].pk]
    with CaptureQueriesContext(connection) as ctx:
        assert list(Person.objects.filter(pk__in_list=ids)) == [people[4]]
    assert len(ctx.captured_queries) == 1


def test_a_subquery_never_read_into_python(people):
    org, other = OrganisationFactory(mission=people[0].mission), OrganisationFactory()
    for person in people[:3]:
        Affiliation.objects.create(person=person, organisation=org)
    Affiliation.objects.create(person=people[5], organisation=other)
    members = Affiliation.objects.filter(organisation=org).order_by().values("person_id")
    with CaptureQueriesContext(connection) as ctx:
        found = list(Person.objects.filter(pk__in_list=members).order_by("pk"))
    assert found == people[:3]
    assert len(ctx.captured_queries) == 1  # the members' ids read by the database, in one query
    # on a foreign key too, with values or a subquery
    assert Affiliation.objects.filter(person__in_list=[people[5].pk]).get().organisation == other
    mine = Person.objects.filter(pk__in_list=[people[0].pk, people[1].pk]).values("pk")
    assert Affiliation.objects.filter(person_id__in_list=mine).count() == 2
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in ctx.captured_queries[0]["sql"]
