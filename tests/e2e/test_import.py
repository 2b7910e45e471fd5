"""The import page in a real browser: upload the Congress file with its mapping, check, confirm."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from legation.people.models import Person
from tests.e2e.conftest import login, shot
from tests.intake.conftest import CONGRESS, MAPPING

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _home(settings, tmp_path):
    settings.LEGATION_HOME = tmp_path / "home"


def test_upload_preview_and_confirm_the_congress_file(page, site, officer, mission, tmp_path):
    login(page, site, "officer")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import")
    page.get_by_label("What to import").select_option("people")
    page.locator("#id_file").set_input_files(str(CONGRESS))
    page.locator("#id_mapping").set_input_files(str(MAPPING))
    shot(page, "import-form")
    # Checking 540 people takes seconds (on PostgreSQL over 10, row by row through the
    # services): the click waits for the navigation it starts as long as the result does.
    page.get_by_role("button", name="Check the file").click(timeout=60_000)

    expect(page.locator("#count-created")).to_have_text("540", timeout=60_000)
    expect(page.locator("#count-rejected")).to_have_text("0")
    expect(page.locator("#new-organisations")).to_contain_text("United States Senate")
    expect(page.locator("#created-rows")).to_contain_text("Sherrod Brown")
    assert Person.objects.count() == 0
    shot(page, "import-preview")

    page.get_by_role("button", name="Confirm import").click(timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported", timeout=60_000)
    expect(page.locator("#count-created")).to_have_text("540")
    expect(page.locator("#operation-id")).not_to_be_empty()
    shot(page, "import-done")
    assert Person.objects.count() == 540
    page.get_by_role("link", name="Show the records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")

    # A file with bad rows: each is listed with its line, column and reason; nothing is written.
    bad = tmp_path / "contacts.csv"
    bad.write_text(
        "ref,family_name,given_name,sector,email\n"
        "A1,Smith,Ann,,ann@example.org\nA2,Jones,Bob,nowhere,\nA3,Wu,Kim,,not-an-email\n"
    )
    page.get_by_role("link", name="Import", exact=True).click()
    page.locator("#id_file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#count-rejected")).to_have_text("2")
    expect(page.locator("#rejected-rows")).to_contain_text("Unknown sector 'nowhere'")
    shot(page, "import-rejected")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator("#import-message")).to_contain_text("Nothing was written")
    assert Person.objects.count() == 540
