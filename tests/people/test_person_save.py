"""people.services.person_save: a person and all their rows in one call, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legation.core.models import Sensitivity
from legation.core.services import ConflictError
from legation.people import services
from legation.people.models import Person, PersonNote
from tests import factories


@pytest.fixture
def senate(mission):
    return factories.OrganisationFactory(mission=mission, name_en="United States Senate")


@pytest.fixture
def spouse(mission):
    return factories.PersonFactory(mission=mission, family_name="Carter", given_name="Rosalynn")


def _create(officer, mission, senate, spouse):
    return services.person_save(
        actor=officer,
        mission=mission,
        fields={"family_name": "Carter", "given_name": "Jimmy", "preferred_language": "en"},
        emails=[{"email": "jimmy@example.org"}, {"email": "JC@Carter.ORG", "label": "office"}],
        phones=[{"number": "(404) 555-0100"}],
        addresses=[{"lines": "1 Woodland Drive", "city": "Plains", "region": "US-GA"}],
        affiliations=[
            {"organisation": senate, "role": "Guest", "start": dt.date(2020, 1, 2), "end": None}
        ],
        relationships=[{"to_person": spouse, "kind": "spouse"}],
        tags=["vip"],
        note=("Likes peanuts", Sensitivity.RESTRICTED),
    )


def test_creating_a_person_with_all_their_rows(officer, mission, senate, spouse):
    person = _create(officer, mission, senate, spouse)
    assert person.preferred_language == "en"
    assert [(e.email, e.primary) for e in person.emails.order_by("pk")] == [
        ("jimmy@example.org", True),
        ("JC@carter.org", False),
    ]
    assert list(person.phones.values_list("number", flat=True)) == ["+14045550100"]
    address = person.addresses.get()
    assert (address.city, address.region.code) == ("Plains", "US-GA")
    affiliation = person.affiliations.get()
    assert (affiliation.organisation, affiliation.start) == (senate, dt.date(2020, 1, 2))
    assert person.relationships.get().to_person == spouse
    assert [t.name for t in person.tags.all()] == ["vip"]
    assert PersonNote.objects.get(person=person).sensitivity == Sensitivity.RESTRICTED


def test_editing_removes_changes_and_adds_rows_and_counts_the_version(
    officer, mission, senate, spouse
):
    person = _create(officer, mission, senate, spouse)
    first, _second = person.emails.order_by("pk")
    phone = person.phones.get()
    person = services.person_save(
        actor=officer,
        person=person,
        expected_version=person.version,
        fields={"title": "President", "former": True},
        emails=[{"id": first.pk, "email": first.email, "label": "home", "primary": True}],
        phones=[{"id": phone.pk, "number": phone.number}, {"number": "+86 10 6532 1234"}],
    )
    assert person.version == 2
    assert [(e.email, e.label) for e in person.emails.all()] == [("jimmy@example.org", "home")]
    assert sorted(person.phones.values_list("number", flat=True)) == [
        "+14045550100",
        "+861065321234",
    ]
    assert person.addresses.count() == 1, "a kind not given stays as it is"
    assert (person.title, person.former) == ("President", True)


def test_a_bad_row_saves_nothing_and_names_the_row(officer, mission, senate, spouse):
    person = _create(officer, mission, senate, spouse)
    with pytest.raises(ValidationError) as err:
        services.person_save(
            actor=officer,
            person=person,
            expected_version=person.version,
            fields={"title": "Governor"},
            emails=[{"email": "new@example.org"}, {"email": "not an address"}],
            phones=[{"number": "12"}],
            affiliations=[
                {"organisation": senate, "start": dt.date(2020, 5, 1), "end": dt.date(2020, 1, 1)}
            ],
        )
    errors = err.value.message_dict
    assert set(errors) == {"emails-1-email", "phones-0-number", "affiliations-0-end"}
    person.refresh_from_db()
    assert (person.title, person.version) == ("", 1)
    assert person.emails.count() == 2 and person.phones.count() == 1
    assert person.affiliations.get().start == dt.date(2020, 1, 2)


def test_a_stale_version_is_refused_whole(officer, mission, senate, spouse):
    person = _create(officer, mission, senate, spouse)
    services.person_save(actor=officer, person=person, expected_version=1, fields={"title": "Dr."})
    with pytest.raises(ConflictError) as err:
        services.person_save(
            actor=officer, person=person, expected_version=1, fields={"title": "Mr."}, emails=[]
        )
    assert err.value.current.title == "Dr."
    person.refresh_from_db()
    assert person.title == "Dr." and person.emails.count() == 2


def test_saving_unchanged_writes_nothing(officer, mission, senate, spouse):
    person = _create(officer, mission, senate, spouse)
    history = Person.history.filter(id=person.pk).count()
    rows = {
        "emails": [
            {"id": e.pk, "email": e.email, "label": e.label, "primary": e.primary}
            for e in person.emails.all()
        ],
        "affiliations": [
            {
                "id": a.pk,
                "organisation": a.organisation,
                "role": a.role,
                "start": a.start,
                "end": a.end,
            }
            for a in person.affiliations.all()
        ],
    }
    services.person_save(
        actor=officer,
        person=person,
        expected_version=1,
        fields={"family_name": "Carter", "given_name": "Jimmy"},
        **rows,
    )
    person.refresh_from_db()
    assert person.version == 1
    assert Person.history.filter(id=person.pk).count() == history


def test_links_only_to_visible_records_of_the_mission(officer, mission, other_mission):
    foreign = factories.PersonFactory(mission=other_mission)
    foreign_org = factories.OrganisationFactory(mission=other_mission)
    with pytest.raises(ValidationError) as err:
        services.person_save(
            actor=officer,
            mission=mission,
            fields={"family_name": "Smith"},
            relationships=[{"to_person": foreign, "kind": "friend"}],
            affiliations=[{"organisation": foreign_org}],
        )
    assert set(err.value.message_dict) == {
        "relationships-0-to_person",
        "affiliations-0-organisation",
    }
    assert not Person.objects.filter(family_name="Smith").exists()


def test_a_note_above_the_clearance_and_a_reader_are_refused(
    internal_officer, reader, mission, senate, spouse
):
    with pytest.raises(ValidationError):
        services.person_save(
            actor=internal_officer,
            mission=mission,
            fields={"family_name": "Smith"},
            note=("secret", Sensitivity.RESTRICTED),
        )
    assert not Person.objects.filter(family_name="Smith").exists()
    with pytest.raises(PermissionDenied):
        services.person_save(actor=reader, person=spouse, fields={"title": "Dr."})
