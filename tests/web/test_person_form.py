"""The person and organisation pages edit everything, in both languages, with their version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from legation.core.models import Sensitivity
from legation.people import services
from legation.people.models import Organisation, Person
from tests import factories
from tests.people.formdata import add_row, form_data

LANGUAGES = ["en", "zh-hans"]
WORDS = {
    "en": {
        "bad_phone": "is not a valid phone number",
        "conflict": "Someone else changed this record",
        "theirs": "Saved by the other editor",
        "emails": "Email addresses",
    },
    "zh-hans": {
        "bad_phone": "不是有效的电话号码",
        "conflict": "他人已修改此记录",
        "theirs": "另一位编辑保存的是",
        "emails": "电子邮件地址",
    },
}


def _login(client, user, language):
    client.force_login(user)
    client.post("/language/", {"language": language, "next": "/"})


def _snapshot(person: Person) -> dict:
    person = Person.objects.get(pk=person.pk)
    return {
        "person": model_to_dict(person, exclude=["tags"]),
        "tags": sorted(t.name for t in person.tags.all()),
        "emails": list(person.emails.order_by("pk").values()),
        "phones": list(person.phones.order_by("pk").values()),
        "addresses": list(person.addresses.order_by("pk").values()),
        "affiliations": list(person.affiliations.order_by("pk").values()),
        "relationships": list(person.relationships.order_by("pk").values()),
        "notes": list(person.notes.order_by("pk").values()),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_creating_a_person_with_all_their_rows_through_the_page(client, officer, ledger, language):
    _login(client, officer, language)
    page = client.get("/people/new/").content.decode()
    assert WORDS[language]["emails"] in page
    data = form_data(page)
    data.update(family_name="Rosalynn", given_name="Smith", preferred_language="zh")
    add_row(data, "emails", email="rs@example.org")
    add_row(data, "emails", email="rosalynn@example.org", label="home")
    add_row(data, "phones", number="+1 202 555 0147")
    add_row(data, "addresses", lines="1 Woodland Drive", city="Plains", postal_code="31780")
    add_row(
        data,
        "affiliations",
        organisation="United States Senate",
        role="Adviser",
        start="2019-03-04",
    )
    carter = ledger["carter"]
    add_row(data, "relationships", kind="spouse", to_person=f"{carter} (#{carter.pk})")
    data.update(note="Met at the reception", note_sensitivity="2")
    response = client.post("/people/new/", data)
    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get(family_name="Rosalynn")
    assert response["Location"] == f"/people/{person.pk}/"
    assert person.preferred_language == "zh"
    assert sorted(person.emails.values_list("email", flat=True)) == [
        "rosalynn@example.org",
        "rs@example.org",
    ]
    assert list(person.phones.values_list("number", flat=True)) == ["+12025550147"]
    assert person.addresses.get().city == "Plains"
    affiliation = person.affiliations.get()
    assert (affiliation.organisation, affiliation.start) == (ledger["senate"], dt.date(2019, 3, 4))
    assert person.relationships.get().to_person == carter
    assert person.notes.get().sensitivity == Sensitivity.RESTRICTED
    detail = client.get(response["Location"]).content.decode()
    assert "rosalynn@example.org" in detail and "+12025550147" in detail


@pytest.fixture
def jimmy(ledger, officer):
    person = ledger["carter"]
    services.person_save(
        actor=officer,
        person=person,
        fields={"preferred_language": "en"},
        emails=[{"email": "jimmy@example.org", "primary": True}, {"email": "old@example.org"}],
        addresses=[{"lines": "1 Woodland Drive\nBox 1", "city": "Plains", "region": "US-GA"}],
        affiliations=[
            {
                "organisation": ledger["senate"],
                "role": "Guest",
                "start": dt.date(2019, 12, 19),
                "end": dt.date(2021, 1, 2),
            }
        ],
        relationships=[{"to_person": ledger["wang"], "kind": "friend", "note": "since 1979"}],
        tags=["vip", "farewell"],
    )
    return Person.objects.get(pk=person.pk)


@pytest.mark.parametrize("language", LANGUAGES)
def test_editing_removes_an_email_and_adds_a_phone(client, officer, jimmy, language):
    _login(client, officer, language)
    data = form_data(client.get(f"/people/{jimmy.pk}/edit/").content.decode())
    old = next(k for k, v in data.items() if v == "old@example.org")
    data[old.replace("-email", "-DELETE")] = "on"
    add_row(data, "phones", number="(404) 555-0199")
    response = client.post(f"/people/{jimmy.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    assert list(jimmy.emails.values_list("email", flat=True)) == ["jimmy@example.org"]
    assert list(jimmy.phones.values_list("number", flat=True)) == ["+14045550199"]
    assert jimmy.affiliations.get().start == dt.date(2019, 12, 19)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_invalid_phone_saves_nothing_and_is_shown_on_its_row(client, officer, jimmy, language):
    _login(client, officer, language)
    before = _snapshot(jimmy)
    data = form_data(client.get(f"/people/{jimmy.pk}/edit/").content.decode())
    data["title"] = "Governor"
    add_row(data, "emails", email="third@example.org")
    add_row(data, "phones", number="12")
    response = client.post(f"/people/{jimmy.pk}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_phones-0-number_error"' in html and WORDS[language]["bad_phone"] in html
    assert _snapshot(jimmy) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_sent_unchanged_leaves_the_person_identical(client, officer, jimmy, language):
    _login(client, officer, language)
    before = _snapshot(jimmy)
    history = Person.history.filter(id=jimmy.pk).count()
    data = form_data(client.get(f"/people/{jimmy.pk}/edit/").content.decode())
    assert data["affiliations-0-start"] == "2019-12-19"
    # A browser sends a text box's lines with CRLF.
    assert data["addresses-0-lines"] == "1 Woodland Drive\nBox 1"
    data["addresses-0-lines"] = "1 Woodland Drive\r\nBox 1"
    response = client.post(f"/people/{jimmy.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    assert _snapshot(jimmy) == before
    assert Person.history.filter(id=jimmy.pk).count() == history


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stale_edit_is_refused_and_shows_the_saved_values(
    client, officer, internal_officer, jimmy, language
):
    _login(client, officer, language)
    data = form_data(client.get(f"/people/{jimmy.pk}/edit/").content.decode())
    other = Client()
    _login(other, internal_officer, language)
    theirs = form_data(other.get(f"/people/{jimmy.pk}/edit/").content.decode())
    theirs["office"] = "Governor of Georgia"
    assert other.post(f"/people/{jimmy.pk}/edit/", theirs).status_code == 302

    data["office"] = "Former President"
    response = client.post(f"/people/{jimmy.pk}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert WORDS[language]["conflict"] in html
    assert 'id="id_office_theirs"' in html and "Governor of Georgia" in html
    assert 'value="Former President"' in html
    jimmy.refresh_from_db()
    assert jimmy.office == "Governor of Georgia"
    # Saving again, deliberately, goes through: the page carries the saved version now.
    again = form_data(html)
    assert int(again["version"]) == jimmy.version
    assert client.post(f"/people/{jimmy.pk}/edit/", again).status_code == 302
    jimmy.refresh_from_db()
    assert jimmy.office == "Former President"


def test_readers_and_outsiders_cannot_edit(client, reader, outsider, jimmy):
    client.force_login(reader)
    assert client.get(f"/people/{jimmy.pk}/edit/").status_code == 403
    assert client.post(f"/people/{jimmy.pk}/edit/", {"family_name": "X"}).status_code == 403
    client.force_login(outsider)
    assert client.get(f"/people/{jimmy.pk}/edit/").status_code == 404
    assert client.post(f"/people/{jimmy.pk}/edit/", {"family_name": "X"}).status_code == 404
    jimmy.refresh_from_db()
    assert jimmy.family_name == "Carter"


def test_a_restricted_note_is_hidden_from_a_public_reader_and_not_offered_above_clearance(
    client, public_reader, internal_officer, jimmy
):
    client.force_login(public_reader)
    page = client.get(f"/people/{jimmy.pk}/").content.decode()
    assert "Confidential remark" not in page and "Open note about peanuts" not in page
    client.force_login(internal_officer)
    page = client.get(f"/people/{jimmy.pk}/").content.decode()
    assert "Open note about peanuts" in page and "Confidential remark" not in page
    edit = client.get(f"/people/{jimmy.pk}/edit/").content.decode()
    levels = edit.split('name="note_sensitivity"')[1].split("</select>")[0]
    assert (
        '<option value="1"' in levels and f'<option value="{Sensitivity.RESTRICTED}"' not in levels
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_organisation_edit_keeps_tags_and_refuses_a_stale_version(
    client, officer, internal_officer, ledger, language
):
    senate = ledger["senate"]
    services.organisation_update(actor=officer, organisation=senate, tags=["congress"])
    _login(client, officer, language)
    url = f"/people/organisations/{senate.pk}/edit/"
    data = form_data(client.get(url).content.decode())
    assert data["tags"] == "congress"
    other = Client()
    _login(other, internal_officer, language)
    theirs = form_data(other.get(url).content.decode())
    theirs["website"] = "https://www.senate.gov"
    assert other.post(url, theirs).status_code == 302
    data["notes"] = "Upper house"
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and WORDS[language]["conflict"] in html
    assert 'id="id_website_theirs"' in html
    senate = Organisation.objects.get(pk=senate.pk)
    assert (senate.website, senate.notes) == ("https://www.senate.gov", "")
    assert client.post(url, form_data(html)).status_code == 302
    senate.refresh_from_db()
    assert senate.notes == "Upper house" and [t.name for t in senate.tags.all()] == ["congress"]


def test_a_person_in_another_mission_cannot_be_linked(client, officer, other_mission, ledger):
    stranger = factories.PersonFactory(mission=other_mission, family_name="Stranger")
    client.force_login(officer)
    data = form_data(client.get(f"/people/{ledger['wang'].pk}/edit/").content.decode())
    add_row(data, "relationships", kind="friend", to_person=f"Stranger (#{stranger.pk})")
    response = client.post(f"/people/{ledger['wang'].pk}/edit/", data)
    assert response.status_code == 200
    assert 'id="id_relationships-0-to_person_error"' in response.content.decode()
    assert not ledger["wang"].relationships.exists()
