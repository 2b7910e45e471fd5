"""The engagement and commitment pages in daily use: one save per submit, concurrent edits
refused with the other editor's values shown, our participant and owners defaulted, overdue
commitments marked, the user's own commitments first on the home page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from legation.core.models import Sensitivity
from legation.engagements import services
from legation.engagements.models import Commitment, Engagement
from tests import factories

LANGUAGES = {
    "en": {
        "conflict": "Someone else changed this record",
        "theirs": "Saved by someone else:",
        "nobody": "Name at least one person you met or one organisation",
        "overdue": "Overdue",
    },
    "zh-hans": {
        "conflict": "他人已修改此记录",
        "theirs": "他人保存的值：",
        "nobody": "请至少填写一位会见对象或一个参与机构",
        "overdue": "逾期",
    },
}


@pytest.fixture
def own_posting(officer, ambassador_posting):
    """The officer is the head of mission, in post today."""
    ambassador_posting.user = officer
    ambassador_posting.departure = None
    ambassador_posting.save()
    return ambassador_posting


def _speaking(client: Client, user, language: str) -> Client:
    client.force_login(user)
    client.post("/language/", {"language": language, "next": "/"})
    return client


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def _engagement_post(engagement: Engagement, **changes) -> dict:
    data = {
        "kind": engagement.kind,
        "start": timezone.localtime(engagement.start).strftime("%Y-%m-%dT%H:%M"),
        "region": engagement.region_id or "",
        "city": engagement.city,
        "site_type": engagement.site_type,
        "subject": engagement.subject,
        "people": [p.pk for p in engagement.people.all()],
        "organisations": [o.pk for o in engagement.organisations.all()],
        "staff": [s.pk for s in engagement.staff.all()],
        "summary": engagement.summary,
        "notes": engagement.notes,
        "sensitivity": engagement.sensitivity,
        "tags": ", ".join(t.name for t in engagement.tags.all()),
        "c-TOTAL_FORMS": "1",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "10",
        "c-0-description": "",
        "c-0-direction": "ours",
        "c-0-owner": "",
        "c-0-due": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stale_engagement_edit_is_refused_showing_the_saved_values(
    client, officer, mission, ledger, language
):
    said = LANGUAGES[language]
    engagement = Engagement.objects.get(subject="Talk 1")
    url = f"/engagements/{engagement.pk}/edit/"
    a = _speaking(client, officer, language)
    loaded = _version(a.get(url).content.decode())

    other = factories.user_with_role("colleague", "officer", [mission], Sensitivity.RESTRICTED)
    b = _speaking(Client(), other, language)
    saved = b.post(
        url, _engagement_post(engagement, subject="Talk one, as B saw it", version=loaded)
    )
    assert saved.status_code == 302

    page = a.post(
        url,
        _engagement_post(
            engagement,
            subject="Talk one, as A saw it",
            tags="mine",
            version=loaded,
            **{"c-0-description": "A's promise"},
        ),
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert said["conflict"] in html
    assert said["theirs"] in html and "Talk one, as B saw it" in html
    assert 'value="Talk one, as A saw it"' in html  # the user's input is kept
    engagement.refresh_from_db()
    assert engagement.subject == "Talk one, as B saw it"
    assert not engagement.tags.filter(name="mine").exists()
    assert not Commitment.objects.filter(description="A's promise").exists()
    # The form now carries the saved version: saving again, deliberately, goes through.
    assert _version(html) == str(engagement.version)
    again = a.post(
        url,
        _engagement_post(engagement, subject="Talk one, as A saw it", version=_version(html)),
    )
    assert again.status_code == 302
    engagement.refresh_from_db()
    assert engagement.subject == "Talk one, as A saw it"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stale_commitment_edit_is_refused_showing_the_saved_values(
    client, officer, mission, ledger, language
):
    said = LANGUAGES[language]
    commitment = Commitment.objects.get(description="Follow up 1")
    url = f"/engagements/commitments/{commitment.pk}/"
    a = _speaking(client, officer, language)
    loaded = _version(a.get(url).content.decode())
    fields = {"description": commitment.description, "owner": "", "due": "", "resolution": ""}

    other = factories.user_with_role("colleague", "officer", [mission], Sensitivity.RESTRICTED)
    b = _speaking(Client(), other, language)
    assert (
        b.post(url, {**fields, "status": "done", "resolution": "Sent", "version": loaded})
    ).status_code == 302

    page = a.post(url, {**fields, "status": "dropped", "version": loaded})
    html = page.content.decode()
    assert page.status_code == 200 and said["conflict"] in html and said["theirs"] in html
    commitment.refresh_from_db()
    assert commitment.status == "done" and commitment.resolution == "Sent"
    assert _version(html) == str(commitment.version)
    assert (
        a.post(url, {**fields, "status": "dropped", "version": _version(html)}).status_code == 302
    )
    commitment.refresh_from_db()
    assert commitment.status == "dropped"


def test_one_submit_is_one_service_call_and_a_failure_saves_nothing(
    client, officer, ledger, monkeypatch
):
    engagement = Engagement.objects.get(subject="Talk 1")
    client.force_login(officer)

    def refuse(**kwargs):
        raise ValidationError({"description": "Refused for the test."})

    monkeypatch.setattr(services, "commitment_create", refuse)
    page = client.post(
        f"/engagements/{engagement.pk}/edit/",
        _engagement_post(
            engagement,
            subject="Renamed",
            tags="renamed",
            version=engagement.version,
            **{"c-0-description": "Will fail"},
        ),
    )
    assert page.status_code == 200 and "Refused for the test." in page.content.decode()
    engagement.refresh_from_db()
    assert engagement.subject == "Talk 1"
    assert not engagement.tags.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_logging_with_nobody_and_no_organisation_is_refused(client, officer, ledger, language):
    _speaking(client, officer, language)
    before = Engagement.objects.count()
    page = client.post(
        "/engagements/log/",
        {
            "kind": "meeting",
            "start": "2022-11-02T10:30",
            "subject": "Alone",
            "sensitivity": "1",
            "c-TOTAL_FORMS": "0",
            "c-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 200
    assert LANGUAGES[language]["nobody"] in page.content.decode()
    assert Engagement.objects.count() == before


def test_a_new_engagement_defaults_our_participant_and_owners_to_the_users_posting(
    client, officer, ledger, own_posting
):
    client.force_login(officer)
    html = client.get("/engagements/log/").content.decode()
    assert re.search(rf'value="{own_posting.pk}"[^>]*checked', html)  # our participants
    assert re.search(rf'<option value="{own_posting.pk}" selected', html)  # commitment owner
    assert 'id="organisation-search"' in html and 'role="combobox"' in html


def test_logging_organisations_and_commitments_with_owner_and_due_date(
    client, officer, mission, ledger, own_posting
):
    client.force_login(officer)
    deputy = factories.PostingFactory(mission=mission, role="deputy")
    page = client.post(
        "/engagements/log/",
        {
            "kind": "event",
            "start": "2030-01-02T10:30",
            "subject": "Trade fair",
            "sensitivity": "1",
            "organisations": [ledger["senate"].pk],
            "staff": [own_posting.pk],
            "c-TOTAL_FORMS": "3",
            "c-INITIAL_FORMS": "0",
            "c-0-description": "Send the brochure",
            "c-0-direction": "ours",
            "c-0-owner": own_posting.pk,
            "c-0-due": "2030-01-10",
            "c-1-description": "Answer the senator",
            "c-1-direction": "theirs",
            "c-1-owner": deputy.pk,
            "c-1-due": "2030-01-20",
            "c-2-description": "",
            "c-2-direction": "ours",
            "c-2-owner": own_posting.pk,
        },
    )
    assert page.status_code == 302
    engagement = Engagement.objects.get(subject="Trade fair")
    assert list(engagement.organisations.all()) == [ledger["senate"]]
    assert not engagement.people.exists()
    owned = {c.description: (c.owner, c.due) for c in engagement.commitments.all()}
    assert owned == {
        "Send the brochure": (own_posting, dt.date(2030, 1, 10)),
        "Answer the senator": (deputy, dt.date(2030, 1, 20)),
    }
    detail = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "United States Senate" in detail and "Answer the senator" in detail


def test_the_organisation_picker_offers_a_listbox_of_matches(client, officer, ledger):
    client.force_login(officer)
    html = client.get("/people/pick/organisations/", {"oq": "参议院"}).content.decode()
    assert 'role="listbox"' in html
    assert f'id="pick-organisation-{ledger["senate"].pk}"' in html and 'role="option"' in html
    assert (
        "No organisation matches"
        in client.get("/people/pick/organisations/", {"oq": "zzz"}).content.decode()
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_overdue_commitments_are_marked_wherever_they_appear(
    client, officer, mission, ledger, own_posting, language
):
    word = LANGUAGES[language]["overdue"]
    engagement = Engagement.objects.get(subject="Talk 0")
    late = factories.CommitmentFactory(
        engagement=engagement,
        description="Late reply",
        due=timezone.localdate() - dt.timedelta(days=3),
        owner=own_posting,
    )
    factories.CommitmentFactory(
        engagement=engagement,
        description="Closed late",
        due=timezone.localdate() - dt.timedelta(days=3),
        status="done",
    )
    _speaking(client, officer, language)
    badge = f'<span class="badge overdue">⚠ {word}</span>'
    for url in (
        "/",
        "/engagements/commitments/",
        f"/engagements/{engagement.pk}/",
        f"/people/{ledger['carter'].pk}/",
        f"/engagements/commitments/{late.pk}/",
    ):
        html = client.get(url).content.decode()
        assert badge in html, url
        # Only the open one past its date: one badge per page (the others are due today).
        assert html.count(badge) == 1, url


def test_home_lists_the_users_own_open_commitments_first_most_urgent_first(
    client, officer, mission, ledger, own_posting
):
    engagement = Engagement.objects.get(subject="Talk 0")
    today = timezone.localdate()
    for description, due, owner in [
        ("Mine later", today + dt.timedelta(days=40), own_posting),
        ("Mine undated", None, own_posting),
        ("Mine overdue", today - dt.timedelta(days=5), own_posting),
        ("Mine soon", today + dt.timedelta(days=2), own_posting),
        ("Someone else's", today - dt.timedelta(days=9), None),
    ]:
        factories.CommitmentFactory(
            engagement=engagement, description=description, due=due, owner=owner
        )
    factories.CommitmentFactory(
        engagement=engagement, description="Mine done", owner=own_posting, status="done"
    )
    client.force_login(officer)
    html = client.get("/").content.decode()
    mine = html[html.index('id="my-commitments"') : html.index('id="h-due"')]
    order = re.findall(r">(Mine [a-z]+)<", mine)
    assert order == ["Mine overdue", "Mine soon", "Mine later", "Mine undated"]
    assert "Someone else" not in mine
    rest = html[html.index('id="h-due"') :]
    assert "Someone else&#x27;s" in rest and "Mine soon" not in rest
    assert 'href="/engagements/commitments/?mine=true&amp;status=unfinished"' in html
    listed = client.get("/engagements/commitments/", {"mine": "true"}).content.decode()
    assert "Mine undated" in listed and "Mine done" in listed
    assert "Someone else" not in listed and "Follow up 0" not in listed


def test_this_week_on_the_home_page_runs_from_monday_to_sunday(client, officer, mission, ledger):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    person = ledger["wang"]
    for subject, day, hour in [
        ("Monday breakfast", monday, 8),
        ("Sunday dinner", monday + dt.timedelta(days=6), 20),
        ("Last Sunday", monday - dt.timedelta(days=1), 20),
        ("Next Monday", monday + dt.timedelta(days=7), 8),
    ]:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        factories.EngagementFactory(mission=mission, subject=subject, start=start, people=[person])
    client.force_login(officer)
    html = client.get("/").content.decode()
    week = html[html.index('id="h-week"') : html.index('id="h-recent"')]
    assert "Monday breakfast" in week and "Sunday dinner" in week
    assert "Last Sunday" not in week and "Next Monday" not in week


@pytest.mark.parametrize(("language", "said"), [("en", "Saved."), ("zh-hans", "已保存。")])
def test_editing_an_engagement_says_saved_not_recorded(client, officer, ledger, language, said):
    engagement = Engagement.objects.get(subject="Talk 1")
    _speaking(client, officer, language)
    page = client.post(
        f"/engagements/{engagement.pk}/edit/",
        _engagement_post(engagement, subject="Talk one", version=engagement.version),
        follow=True,
    )
    html = page.content.decode()
    assert said in html and "Engagement recorded." not in html and "交往已记录" not in html
