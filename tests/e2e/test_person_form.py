"""The person form in a real browser: add an email row, save, see it; English and Chinese, on a
desktop and on a 390-pixel phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from legation.people import services
from tests import factories
from tests.e2e.conftest import choose_language, login, shot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_adding_an_email_row_and_saving(page, site, mission, officer, language, width):
    carter = factories.PersonFactory(
        mission=mission, family_name="Carter", given_name="Jimmy", name_zh="吉米·卡特"
    )
    services.person_save(actor=officer, person=carter, emails=[{"email": "jimmy@example.org"}])
    page.set_viewport_size({"width": width, "height": 900})
    login(page, site, "officer")
    if language == "zh-hans":
        choose_language(page, "zh-hans")
    page.goto(f"{site}/people/{carter.pk}/edit/")
    emails = page.locator("fieldset#emails")
    rows = emails.locator("[data-row]")
    expect(rows).to_have_count(2)  # the saved address and one empty row
    emails.locator("[data-add-row]").click()
    expect(rows).to_have_count(3)
    new = emails.locator('input[name="emails-2-email"]')
    expect(new).to_be_focused()
    new.fill("rosalynn@example.org")
    emails.locator('input[name="emails-2-label"]').fill("home")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"person-form-{language}-{width}")
    page.locator("form.person-form button[type=submit]").click()
    page.wait_for_url(f"{site}/people/{carter.pk}/")
    expect(page.locator("#h-contact").locator("..")).to_contain_text("rosalynn@example.org")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"person-saved-{language}-{width}")
    assert sorted(carter.emails.values_list("email", flat=True)) == [
        "jimmy@example.org",
        "rosalynn@example.org",
    ]
