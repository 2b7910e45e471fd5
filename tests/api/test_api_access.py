"""The access cases of tests/core/test_access.py, through the API: a record the user may not
see is absent from lists and "not found" on its own; a read token and a reader's role change
nothing; writes are audited as the token's user, from the API, naming the token."""

from __future__ import annotations

import pytest

from legation.engagements.models import Engagement
from legation.people.models import Person
from tests.api.helpers import api_as, every_page
from tests.core.test_access import EXPECTED_LEVELS, ledger  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", sorted(EXPECTED_LEVELS))
def test_each_persona_reads_exactly_what_their_clearance_allows(request, ledger, persona):  # noqa: F811
    user = request.getfixturevalue(persona)
    api = api_as(user, scope="read")
    levels = EXPECTED_LEVELS[persona]
    subjects = {e["subject"] for e in every_page(api, "/api/v1/engagements/", {"page_size": 2})}
    assert subjects == {f"talk-{level}" for level in levels}
    promises = {c["description"] for c in every_page(api, "/api/v1/commitments/")}
    assert promises == {f"promise-{level}" for level in levels}
    person = api.get(f"/api/v1/people/{ledger.pk}/")
    assert person.status_code == 200
    assert {n["text"] for n in person.json()["notes"]} == {f"note-{level}" for level in levels}
    # A hidden engagement is not found, exactly like one that does not exist.
    for engagement in Engagement.objects.filter(mission=ledger.mission):
        answer = api.get(f"/api/v1/engagements/{engagement.pk}/")
        if engagement.sensitivity in levels:
            assert answer.status_code == 200
        else:
            assert answer.status_code == 404
            assert answer.json()["type"] == "urn:legation:problem:not_found"
            assert engagement.subject not in answer.content.decode()


@pytest.mark.parametrize("persona", sorted(EXPECTED_LEVELS))
def test_nobody_reads_another_missions_records(request, ledger, persona):  # noqa: F811
    user = request.getfixturevalue(persona)
    api = api_as(user, scope="read")
    far = Person.objects.get(family_name="Faraway")
    assert api.get(f"/api/v1/people/{far.pk}/").status_code == 404
    names = {p["family_name"] for p in every_page(api, "/api/v1/people/")}
    assert "Faraway" not in names
    orgs = {o["name_en"] for o in every_page(api, "/api/v1/organisations/")}
    assert orgs == {"Our Org"}
    assert {m["ref"] for m in api.get("/api/v1/missions/").json()["results"]} == {
        ledger.mission.ref
    }
    elsewhere = Engagement.objects.get(subject="elsewhere")
    assert api.get(f"/api/v1/engagements/{elsewhere.pk}/").status_code == 404
    # Searching by its words finds nothing either.
    assert every_page(api, "/api/v1/engagements/", {"q": "elsewhere"}) == []


def test_an_outsider_cannot_link_or_filter_by_our_records(ledger, outsider):  # noqa: F811
    api = api_as(outsider)
    answer = api.post(
        "/api/v1/engagements/",
        {"kind": "meeting", "start": "2026-01-05T10:00:00Z", "subject": "probe",
         "people": [ledger.pk]},
    )  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"field": "people", "message": f"No such record among those you may see: {ledger.pk}."}
    ]
    filtered = api.get("/api/v1/engagements/", {"person": ledger.pk})
    assert filtered.status_code == 400
    assert filtered.json()["errors"][0]["field"] == "person"
    assert not Engagement.objects.filter(subject="probe").exists()


@pytest.mark.parametrize("persona", ["reader", "public_reader"])
def test_a_readers_write_token_changes_nothing(request, ledger, persona):  # noqa: F811
    user = request.getfixturevalue(persona)
    api = api_as(user, scope="write")
    before = Person.objects.count()
    answer = api.post("/api/v1/people/", {"family_name": "Intruder"})
    assert answer.status_code == 403
    assert answer.json()["type"] == "urn:legation:problem:forbidden"
    read = api.get(f"/api/v1/people/{ledger.pk}/")
    changed = api.patch(
        f"/api/v1/people/{ledger.pk}/", {"office": "Changed"}, if_match=read["ETag"]
    )
    assert changed.status_code == 403
    assert api.delete(f"/api/v1/people/{ledger.pk}/", if_match=read["ETag"]).status_code == 403
    assert Person.objects.count() == before
    assert Person.objects.get(pk=ledger.pk).office != "Changed"


def test_a_read_token_cannot_write_even_for_an_officer(ledger, officer):  # noqa: F811
    api = api_as(officer, scope="read")
    answer = api.post("/api/v1/people/", {"family_name": "Nobody"})
    assert answer.status_code == 403
    assert "read" in answer.json()["detail"]
    assert not Person.objects.filter(family_name="Nobody").exists()


def test_writes_are_audited_as_the_user_from_the_api_naming_the_token(ledger, officer):  # noqa: F811
    api = api_as(officer)
    answer = api.post(
        "/api/v1/engagements/",
        {"kind": "call", "start": "2026-02-03T15:00:00Z", "subject": "Budget call",
         "people": [ledger.pk], "sensitivity": 2},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    engagement = Engagement.objects.get(pk=answer.json()["id"])
    created = engagement.history.get(history_type="+")
    operation = created.operation
    assert operation.actor == officer
    assert operation.source == "api"
    assert "token tests write lgn_" in operation.description
