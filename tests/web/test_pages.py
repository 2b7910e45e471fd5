"""Every page renders for a logged-in user, and shows only what they may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from legation.engagements.models import Commitment, Engagement


@pytest.fixture
def logged_in(client, officer):
    client.force_login(officer)
    return client


def test_every_page_requires_login(client, ledger):
    carter = ledger["carter"]
    for url in [
        "/",
        "/people/",
        f"/people/{carter.pk}/",
        "/people/organisations/",
        "/engagements/",
        "/engagements/log/",
        "/engagements/commitments/",
        "/search/?q=carter",
        f"/history/people.person/{carter.pk}/",
    ]:
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/"), url


def test_main_pages_render(logged_in, ledger):
    carter, senate = ledger["carter"], ledger["senate"]
    engagement = Engagement.objects.get(subject="Talk 1")
    commitment = Commitment.objects.get(description="Follow up 1")
    for url in [
        "/",
        "/people/",
        f"/people/{carter.pk}/",
        f"/people/{carter.pk}/edit/",
        "/people/new/",
        "/people/organisations/",
        f"/people/organisations/{senate.pk}/",
        "/people/organisations/new/",
        "/engagements/",
        f"/engagements/{engagement.pk}/",
        f"/engagements/{engagement.pk}/edit/",
        "/engagements/log/",
        "/engagements/commitments/",
        f"/engagements/commitments/{commitment.pk}/",
        "/search/?q=carter",
        f"/history/people.person/{carter.pk}/",
        "/accounts/password_change/",
    ]:
        page = logged_in.get(url)
        assert page.status_code == 200, url


def test_person_page_shows_names_salutation_timeline_and_notes(logged_in, ledger):
    page = logged_in.get(f"/people/{ledger['carter'].pk}/").content.decode()
    assert "吉米·卡特" in page
    assert "Dear President Carter," in page
    assert "尊敬的卡特前总统：" in page
    assert "Talk 0" in page and "Talk 2" in page
    assert "Confidential remark on health" in page
    assert "Follow up 0" in page


def test_reader_does_not_see_restricted_notes_or_engagements(client, reader, ledger):
    client.force_login(reader)
    page = client.get(f"/people/{ledger['carter'].pk}/").content.decode()
    assert "Open note about peanuts" in page
    assert "Confidential remark on health" not in page
    assert "Talk 2" not in page and "Follow up 2" not in page
    hidden = Engagement.objects.get(subject="Talk 2")
    assert client.get(f"/engagements/{hidden.pk}/").status_code == 404
    assert client.get(f"/history/engagements.engagement/{hidden.pk}/").status_code == 404
    assert "Talk 2" not in client.get("/engagements/").content.decode()
    assert "Talk 2" not in client.get("/search/?q=talk").content.decode()
    assert "Talk 2" not in client.get("/engagements/?format=csv").getvalue().decode()


def test_outsider_gets_not_found_for_our_records(client, outsider, ledger):
    client.force_login(outsider)
    assert client.get(f"/people/{ledger['carter'].pk}/").status_code == 404
    assert client.get(f"/people/organisations/{ledger['senate'].pk}/").status_code == 404
    assert "Carter" not in client.get("/people/?q=carter").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "carter",
        "jimmy carter",
        "王小明",
        "wang xiaoming",
        "Wáng Xiǎomíng",
        "wangxiaoming",
        "秦刚",
        "qin gang",
    ],
)
def test_search_finds_people_by_any_form_of_their_name(logged_in, ledger, query):
    page = logged_in.get(reverse("search"), {"q": query}).content.decode()
    assert 'id="people-results"' in page, query


def test_search_ranks_exact_name_matches_first(logged_in, ledger, mission):
    from tests import factories

    factories.PersonFactory(mission=mission, family_name="Carterson", given_name="Ann")
    page = logged_in.get(reverse("search"), {"q": "carter"}).content.decode()
    assert page.index("Jimmy Carter") < page.index("Ann Carterson")


def test_person_picker_matches_pinyin_without_tones_and_characters(logged_in, ledger):
    for q in ["xiaoming", "王", "wang x"]:
        page = logged_in.get("/people/pick/", {"q": q}).content.decode()
        assert f'data-pick-id="{ledger["wang"].pk}"' in page, q


def test_lists_filter_and_sort(logged_in, ledger):
    page = logged_in.get("/people/", {"sector": ledger["carter"].sector_id}).content.decode()
    assert "Jimmy Carter" in page and "Xiaoming" not in page
    page = logged_in.get("/engagements/", {"kind": "call"}).content.decode()
    assert "Talk 0" not in page
    page = logged_in.get("/engagements/", {"sort": "subject"}).content.decode()
    assert page.index("Talk 0") < page.index("Talk 1") < page.index("Talk 2")
    page = logged_in.get("/engagements/commitments/", {"status": "done"}).content.decode()
    assert "Follow up" not in page


def test_csv_export_is_exactly_what_is_shown_and_neutralises_formulas(logged_in, ledger, mission):
    from legation.core.models import SecurityEvent
    from tests import factories

    factories.PersonFactory(mission=mission, family_name="=HYPERLINK(1)", given_name="Eve")
    response = logged_in.get("/people/", {"q": "hyperlink", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2
    assert "'=HYPERLINK(1)" in lines[1]
    assert SecurityEvent.objects.filter(kind="export").exists()


def test_a_name_too_short_for_the_text_index_finds_the_engagements_with_that_person(
    client, internal_officer, ledger
):
    """卡特 (two characters) is in no engagement's text: the talks are found through Carter."""
    client.force_login(internal_officer)
    page = client.get(reverse("search"), {"q": "卡特"}).content.decode()
    assert "Jimmy Carter" in page
    assert "Talk 1" in page
    assert "Talk 2" not in page  # restricted: never shown without clearance
    # A longer term still searches the text itself, not the people.
    assert "Talk 1" in client.get(reverse("search"), {"q": "talk"}).content.decode()
    assert "Talk 1" not in client.get(reverse("search"), {"q": "xyz"}).content.decode()
