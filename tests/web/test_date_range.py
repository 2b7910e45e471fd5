"""Every date a page accepts is bounded like the commands' and importers' dates: a date outside
1800-01-01..2199-12-31 is refused next to its field, in English and in Chinese, and nothing is
saved; filters show the refusal instead of silently dropping it."""

from __future__ import annotations

import pytest

from legation.engagements.models import Engagement

EN = "is out of range: dates run from 1800-01-01 to 2199-12-31."
ZH = "超出范围：日期须在 1800-01-01 至 2199-12-31 之间。"


def _log(client, posting, person, start, due=""):
    return client.post(
        "/engagements/log/",
        {
            "kind": "meeting",
            "start": start,
            "region": "",
            "city": "Plains",
            "site_type": "",
            "subject": "Far-off call",
            "people": [person.pk],
            "staff": [posting.pk],
            "summary": "",
            "notes": "",
            "sensitivity": "1",
            "tags": "",
            "c-TOTAL_FORMS": "1",
            "c-INITIAL_FORMS": "0",
            "c-MIN_NUM_FORMS": "0",
            "c-MAX_NUM_FORMS": "10",
            "c-0-description": "Send the book" if due else "",
            "c-0-direction": "ours",
            "c-0-due": due,
        },
    )


@pytest.fixture(params=["en", "zh-hans"])
def language(request, client, officer):
    client.force_login(officer)
    client.post("/language/", {"language": request.param, "next": "/"})
    return request.param


def _expected(language: str) -> str:
    return EN if language == "en" else ZH


@pytest.mark.parametrize(
    "start, due",
    [("9999-12-31T10:30", ""), ("1066-10-14T09:00", ""), ("2022-11-02T10:30", "5000-01-01")],
)
def test_a_form_refuses_a_date_out_of_range_and_saves_nothing(
    client, language, ledger, ambassador_posting, start, due
):
    before = Engagement.objects.count()
    page = _log(client, ambassador_posting, ledger["carter"], start, due)
    assert page.status_code == 200
    assert _expected(language) in page.content.decode()
    assert Engagement.objects.count() == before


def test_a_date_at_the_edge_of_the_range_is_accepted(client, language, ledger, ambassador_posting):
    page = _log(client, ambassador_posting, ledger["carter"], "2199-12-31T10:30")
    assert page.status_code == 302
    assert Engagement.objects.filter(subject="Far-off call").exists()


@pytest.mark.parametrize(
    "url", ["/engagements/?since=9999-12-31", "/engagements/commitments/?due_before=5000-01-01"]
)
def test_a_filter_shows_its_refusal(client, language, ledger, url):
    page = client.get(url)
    assert page.status_code == 200
    assert _expected(language) in page.content.decode()


def test_the_admin_refuses_a_date_out_of_range(admin_client, ledger):
    engagement = Engagement.objects.filter(mission=ledger["carter"].mission).first()
    page = admin_client.post(
        f"/admin/engagements/engagement/{engagement.pk}/change/",
        {"start_0": "9999-12-31", "start_1": "10:00"},
    )
    assert page.status_code == 200
    assert EN in page.content.decode()


def test_date_boxes_keep_their_dates_in_every_language(client, language, ledger, mission):
    """The browser's date box takes only YYYY-MM-DD: a Chinese page must not format the value
    it shows as 2023/12/19, or the box is empty and saving erases the date."""
    import datetime as dt

    from legation.engagements.models import Commitment

    engagement = Engagement.objects.filter(mission=mission).first()
    commitment = Commitment.objects.create(
        engagement=engagement, description="Send the book", due=dt.date(2023, 12, 19)
    )
    page = client.get(f"/engagements/commitments/{commitment.pk}/").content.decode()
    assert 'value="2023-12-19"' in page
    assert "2023/12/19" not in page
    letters = client.get("/letters/").content.decode()
    assert 'type="date"' in letters
    assert not __import__("re").search(r'type="date"[^>]*value="\d{4}/', letters)
