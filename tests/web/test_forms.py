"""Writing from the pages: through the services, with errors next to the fields."""

from __future__ import annotations

import pytest

from legation.core.models import Profile
from legation.engagements.models import Commitment, Engagement
from legation.people.models import Person
from tests import factories
from tests.people.formdata import add_row, empty_person


def test_creating_a_person_from_the_page(client, officer, ledger):
    client.force_login(officer)
    data = empty_person(family_name="", given_name="", name_zh="李明", name_order="eastern")
    data["title"] = "Dr."
    add_row(data, "emails", email="li.ming@example.org")
    add_row(data, "phones", number="+1 202 555 0147")
    page = client.post("/people/new/", data)
    person = Person.objects.get(name_zh="李明")
    assert page.status_code == 302 and page["Location"] == f"/people/{person.pk}/"
    assert person.full_name == "Li Ming"
    assert person.emails.get().email == "li.ming@example.org"
    assert Person.history.get(id=person.pk).history_user == officer


def test_validation_errors_appear_next_to_the_field_and_nothing_is_saved(client, officer, ledger):
    client.force_login(officer)
    before = Person.objects.count()
    page = client.post(
        "/people/new/", add_row(empty_person(family_name="Bad"), "phones", number="12")
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_phones-0-number_error"' in html and "not a valid phone number" in html
    assert Person.objects.count() == before


def test_logging_an_engagement_with_a_commitment(client, officer, ledger, ambassador_posting):
    client.force_login(officer)
    page = client.post(
        "/engagements/log/",
        {
            "kind": "meeting",
            "start": "2022-11-02T10:30",
            "region": "",
            "city": "Plains",
            "site_type": "",
            "subject": "Farewell call",
            "people": [ledger["carter"].pk],
            "staff": [ambassador_posting.pk],
            "summary": "",
            "notes": "Talked about peanuts",
            "sensitivity": "1",
            "tags": "farewell",
            "c-TOTAL_FORMS": "2",
            "c-INITIAL_FORMS": "0",
            "c-MIN_NUM_FORMS": "0",
            "c-MAX_NUM_FORMS": "10",
            "c-0-description": "Send the book",
            "c-0-direction": "ours",
            "c-0-due": "2022-12-01",
            "c-0-owner": ambassador_posting.pk,
            "c-1-description": "",
            "c-1-direction": "ours",
            "c-1-due": "",
        },
    )
    engagement = Engagement.objects.get(subject="Farewell call")
    assert page.status_code == 302
    assert list(engagement.people.all()) == [ledger["carter"]]
    commitment = engagement.commitments.get()
    assert commitment.description == "Send the book"
    assert commitment.owner == ambassador_posting
    timeline = client.get(f"/people/{ledger['carter'].pk}/").content.decode()
    assert "Farewell call" in timeline


def test_reader_cannot_log_engagements(client, reader, ledger):
    client.force_login(reader)
    assert client.get("/engagements/log/").status_code == 403
    assert client.post("/engagements/log/", {"subject": "x"}).status_code == 403


def test_closing_a_commitment_from_its_page(client, officer, ledger):
    client.force_login(officer)
    commitment = Commitment.objects.get(description="Follow up 1")
    client.post(
        f"/engagements/commitments/{commitment.pk}/",
        {
            "description": commitment.description,
            "status": "done",
            "owner": "",
            "due": "",
            "resolution": "Sent",
        },
    )
    commitment.refresh_from_db()
    assert commitment.status == "done" and commitment.closed_on is not None


def test_history_tab_shows_changes_and_restores_a_deleted_person(client, officer, ledger):
    client.force_login(officer)
    wang = ledger["wang"]
    client.post(
        f"/people/{wang.pk}/edit/",
        {
            "family_name": "Wang",
            "given_name": "Xiaoming",
            "name_zh": "王小明",
            "name_order": "eastern",
            "title": "Professor",
            "tags": "",
        },
    )
    page = client.get(f"/history/people.person/{wang.pk}/").content.decode()
    assert "Professor" in page and "officer" in page
    client.post(f"/people/{wang.pk}/delete/")
    assert not Person.objects.filter(pk=wang.pk).exists()
    page = client.get(f"/history/people.person/{wang.pk}/").content.decode()
    assert "This record has been deleted." in page
    restored = client.post(f"/history/people.person/{wang.pk}/restore/")
    assert restored.status_code == 302
    assert Person.objects.get(pk=wang.pk).title == "Professor"


def test_language_choice_is_remembered_for_the_user(client, officer, ledger):
    client.force_login(officer)
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    assert Profile.objects.get(user=officer).language == "zh-hans"
    other_device = type(client)()
    other_device.force_login(officer)
    page = other_device.get("/").content.decode()
    assert '<html lang="zh-Hans">' in page


def test_language_switch_refuses_foreign_redirects(client, officer):
    client.force_login(officer)
    page = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert page["Location"] == "/"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_history_of_a_record_loaded_without_history_has_a_page(
    client, officer, outsider, mission, language
):
    """Demo and bulk-loaded records have no versions yet: their History tab still opens (for
    those who can see the record) and says so; others still get 'not found'."""
    from legation.people.models import Person

    person = factories.PersonFactory.build(mission=mission, family_name="Bulkloaded")
    person.refresh_derived()
    (person,) = Person.objects.bulk_create([person])  # as the demo loads: no history rows
    assert not Person.history.filter(id=person.pk).exists()
    client.force_login(officer)
    client.post("/language/", {"language": language, "next": "/"})
    page = client.get(f"/history/people.person/{person.pk}/")
    assert page.status_code == 200
    expected = "No changes recorded yet" if language == "en" else "尚无修改记录"
    assert expected in page.content.decode() and "Bulkloaded" in page.content.decode()
    client.force_login(outsider)
    assert client.get(f"/history/people.person/{person.pk}/").status_code == 404


def test_readers_are_not_offered_to_log_engagements(client, reader, officer, ledger):
    person = ledger["carter"]
    client.force_login(reader)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "/engagements/log/" not in page
    client.force_login(officer)
    assert "/engagements/log/" in client.get(f"/people/{person.pk}/").content.decode()


def test_regions_of_another_missions_host_country_are_not_offered(client, officer, outsider):
    """A mission in France would be revealed by French regions in a US mission's filters."""
    from legation.core.models import Mission
    from legation.core.vocab import seed_regions

    seed_regions("FR")
    Mission.objects.filter(pk__in=outsider.legation_missions.values("pk")).update(host_country="FR")
    client.force_login(officer)
    for url in ("/people/", "/engagements/", "/people/organisations/", "/engagements/log/"):
        page = client.get(url).content.decode()
        assert "California" in page, url
        assert "Normandie" not in page, url
    client.force_login(outsider)
    page = client.get("/people/").content.decode()
    assert "Normandie" in page and "California" not in page


@pytest.mark.parametrize(
    "language, not_found, not_allowed",
    [("en", "Not found", "Not allowed"), ("zh-hans", "未找到", "不允许")],
)
def test_error_pages_speak_the_users_language(client, reader, language, not_found, not_allowed):
    client.force_login(reader)
    client.post("/language/", {"language": language, "next": "/"})
    page = client.get("/people/999999/")
    assert page.status_code == 404 and not_found in page.content.decode()
    page = client.get("/engagements/log/")
    assert page.status_code == 403 and not_allowed in page.content.decode()


def test_password_change_is_the_applications_own_page(client, officer):
    client.force_login(officer)
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    page = client.get("/accounts/password_change/").content.decode()
    assert "Django" not in page and 'name="new_password1"' in page
