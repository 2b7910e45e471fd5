"""A segment of thousands of people by id or ref: one short statement on both databases (an OR
of one test per person failed on SQLite with "Expression tree is too large")."""

from __future__ import annotations

import pytest

from legation.letters.merge.segments import resolve_filter
from legation.letters.services import segment_create
from legation.people.models import Person


def _people(mission, n):
    Person.objects.bulk_create(
        [
            Person(mission=mission, family_name=f"Listed{i:05d}", given_name="A", ref=f"L-{i}")
            for i in range(n)
        ],
        batch_size=2000,
    )
    return list(Person.objects.filter(mission=mission).order_by("pk").values_list("pk", "ref"))


@pytest.mark.parametrize("n", [2_000, 20_000])
def test_a_segment_of_thousands_of_ids(n, embassy, letters_officer, other_mission):
    people = _people(embassy, n)
    stranger = Person.objects.create(mission=other_mission, family_name="Elsewhere")
    ids = [pk for pk, _ in people]
    text = "person=" + ",".join(str(pk) for pk in [*ids, stranger.pk])
    found = resolve_filter(text, letters_officer)
    assert found.count() == n  # never the other mission's person
    assert list(found.values_list("pk", flat=True)[:3]) == ids[:3]
    segment_create(actor=letters_officer, mission=embassy, name="everyone", filter=text)


def test_a_segment_of_thousands_of_refs_and_ids_mixed(embassy, letters_officer):
    people = _people(embassy, 2_000)
    words = [ref if i % 2 else str(pk) for i, (pk, ref) in enumerate(people)]
    found = resolve_filter("person=" + ",".join([*words, "L-nobody", "999999999"]), letters_officer)
    assert set(found.values_list("pk", flat=True)) == {pk for pk, _ in people}
