"""Cached figures: the home page's quiet box, never older than the ledger, never shared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from legation.engagements import services as engagements

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_home_page_loads_the_quiet_box_afterwards_with_a_link_without_javascript(head):
    html = client_for(head).get("/").content.decode()
    assert 'hx-get="/home/quiet/"' in html
    assert 'href="/insight/quiet/"' in html


def test_quiet_box_names_the_quiet_governor_until_the_ledger_changes(book, head, mission):
    c = client_for(head)
    first = c.get("/home/quiet/").content.decode()
    assert "Abbott" in first
    # Served again from the cache: the same answer.
    assert c.get("/home/quiet/").content.decode() == first
    # A new meeting with the governor: the box follows it at once.
    engagements.engagement_create(
        actor=head, mission=mission, kind="meeting", subject="Back in touch",
        start=timezone.now() - dt.timedelta(days=1), people=[book["governor"]],
        staff=[book["hom"]],
    )  # fmt: skip
    assert "Abbott" not in c.get("/home/quiet/").content.decode()


def test_a_cached_answer_is_never_served_to_someone_else(book, head, outsider):
    assert "Abbott" in client_for(head).get("/home/quiet/").content.decode()
    theirs = client_for(outsider).get("/home/quiet/").content.decode()
    assert "Abbott" not in theirs
    assert "Relationships of the whole mission" in theirs  # no head of mission there


def test_the_quiet_box_needs_a_login(book):
    response = Client().get("/home/quiet/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_box_shows_the_relationships_of_the_users_own_posting(book, head, mission):
    """The counsellor's posting holds only the factory visit: the governor is not theirs."""
    from tests import factories

    counsellor = factories.user_with_role("couns", "officer", [mission], 2)
    book["counsellor"].user = counsellor
    book["counsellor"].save()
    page = client_for(counsellor).get("/home/quiet/").content.decode()
    assert "Relationships you hold" in page
    assert "Abbott" not in page
    # The head's login holds no posting: the box shows the current head of mission's.
    held = client_for(head).get("/home/quiet/").content.decode()
    assert f"Relationships held by {book['hom'].person}" in held
    assert "Abbott" in held


def test_insight_pages_are_kept_until_the_ledger_changes(book, head, mission):
    c = client_for(head)
    url = f"/insight/?posting={book['hom'].pk}&format=json"
    first = c.get(url).json()
    assert c.get(url).json() == first
    engagements.engagement_create(
        actor=head, mission=mission, kind="call", subject="One more call",
        start=timezone.now() - dt.timedelta(days=1), people=[book["scholar"]],
        staff=[book["hom"]],
    )  # fmt: skip
    assert c.get(url).json()["engagements"] == first["engagements"] + 1
