"""The daily work of the ledger in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from legation.core.models import Sensitivity
from legation.engagements.models import Commitment
from legation.people.models import PersonNote
from tests import factories
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(mission, ambassador_posting, officer, reader):
    ambassador_posting.user = officer
    ambassador_posting.departure = None
    ambassador_posting.save()
    wang = factories.PersonFactory(
        mission=mission,
        family_name="Wang",
        given_name="Xiaoming",
        name_zh="王小明",
        name_order="eastern",
        title="Professor",
    )
    carter = factories.PersonFactory(
        mission=mission,
        family_name="Carter",
        given_name="Jimmy",
        name_zh="吉米·卡特",
        title="President",
        former=True,
    )
    PersonNote.objects.create(
        person=carter, text="Shared note on the peace centre", sensitivity=Sensitivity.INTERNAL
    )
    PersonNote.objects.create(
        person=carter, text="Restricted remark on his health", sensitivity=Sensitivity.RESTRICTED
    )
    return {"wang": wang, "carter": carter}


def test_search_log_an_engagement_and_see_it_in_chinese(page, site, world):
    login(page, site, "officer")
    # The quiet relationships arrive after the page (htmx) and replace the plain link.
    expect(page.locator("#h-quiet + div, #h-quiet ~ div").first).to_contain_text(
        "Relationships you hold"
    )
    shot(page, "home")

    # Search by pinyin, then by characters, from the box on every page.
    page.get_by_placeholder(re.compile("Search")).fill("wang xiaoming")
    page.keyboard.press("Enter")
    expect(page.locator("#people-results")).to_contain_text("王小明")
    page.get_by_placeholder(re.compile("Search")).fill("王小明")
    page.keyboard.press("Enter")
    expect(page.locator("#people-results")).to_contain_text("Xiaoming")
    shot(page, "search")

    # Log an engagement with a commitment, picking the person by toneless pinyin.
    page.get_by_role("link", name="Log an engagement").first.click()
    page.get_by_label("Who we met").fill("xiaoming")
    page.locator("[data-pick-id]").first.click()
    expect(page.locator("#people-chosen")).to_contain_text("王小明")
    page.get_by_label("Kind").select_option("meeting")
    page.get_by_label("Region").select_option(label="California")
    page.get_by_label("Subject").fill("Exchange on university partnerships")
    page.locator("#id_notes").fill("Agreed to send the list of partner schools.")
    page.locator("#id_c-0-description").fill("Send the list of partner schools")
    page.locator("#id_c-0-due").fill("2030-01-15")
    shot(page, "log-engagement")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exchange on university partnerships")
    assert Commitment.objects.get().description == "Send the list of partner schools"
    shot(page, "engagement")

    # Switch to Chinese and see the engagement on the person's timeline.
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto(f"{site}/people/{world['wang'].pk}/")
    expect(page.locator("#timeline")).to_contain_text("Exchange on university partnerships")
    expect(page.get_by_role("link", name="English")).to_have_count(0)
    shot(page, "person-zh")


def test_reader_cannot_see_a_restricted_note(page, site, world):
    login(page, site, "reader")
    page.goto(f"{site}/people/{world['carter'].pk}/")
    expect(page.locator("#notes")).to_contain_text("Shared note on the peace centre")
    expect(page.locator("#notes")).not_to_contain_text("Restricted remark")
    expect(page.locator("#salutation-en")).to_have_text("Dear President Carter,")
    shot(page, "person-reader")


def test_officer_sees_the_restricted_note(page, site, world):
    login(page, site, "officer")
    page.goto(f"{site}/people/{world['carter'].pk}/")
    expect(page.locator("#notes")).to_contain_text("Restricted remark on his health")


def test_keyboard_reaches_the_search_box_and_main_content(page, site, world):
    login(page, site, "officer")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Tab")  # the brand link home
    expect(page.locator(":focus")).to_have_text("legation")
    page.keyboard.press("Tab")
    expect(page.locator("#q")).to_be_focused()  # the search box, third in the tab order
    # The skip link, followed, takes the next Tab into the page's own content.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
