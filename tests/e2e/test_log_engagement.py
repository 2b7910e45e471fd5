"""Logging a meeting as officers do, in English and Chinese, on a desktop and on a phone: the
person picked with the keyboard alone, an organisation, a commitment with its owner and due
date; our participant defaults to the user's own posting."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from legation.engagements.models import Engagement
from tests import factories
from tests.e2e.conftest import choose_language, login, shot, watch_policy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(mission, ambassador_posting, officer):
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
    factories.PersonFactory(mission=mission, family_name="Wangari", given_name="Maathai")
    port = factories.OrganisationFactory(
        mission=mission, name_en="Port of Seattle", name_zh="西雅图港"
    )
    return {"wang": wang, "port": port, "posting": ambassador_posting}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_log_a_meeting_with_the_keyboard(browser, site, world, language, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 500, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = watch_policy(page)
    login(page, site, "officer")
    if language == "zh-hans":
        choose_language(page, "zh-hans")
    page.goto(f"{site}/engagements/log/")
    form_url = page.url

    # Our participant: the user's own posting, ticked already.
    expect(page.locator(f'input[name="staff"][value="{world["posting"].pk}"]')).to_be_checked()

    # The person, by keyboard only: type, ArrowDown, Enter. Enter does not submit the form.
    box = page.locator("#person-search")
    box.click()
    box.press_sequentially("xiaoming", delay=20)
    option = page.locator(f"#pick-person-{world['wang'].pk}")
    expect(option).to_be_visible()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", f"pick-person-{world['wang'].pk}")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page.locator("#people-chosen")).to_contain_text("王小明")
    expect(page.locator("#person-results")).to_be_empty()
    assert page.url == form_url and not Engagement.objects.exists()
    # Escape closes the list.
    box.press_sequentially("wang", delay=20)
    expect(page.locator("#person-results [role=option]").first).to_be_visible()
    box.press("Escape")
    expect(page.locator("#person-results")).to_be_empty()
    box.fill("")

    # An organisation, the same way.
    orgs = page.locator("#organisation-search")
    orgs.press_sequentially("西雅图", delay=20)
    expect(page.locator(f"#pick-organisation-{world['port'].pk}")).to_be_visible()
    orgs.press("ArrowDown")
    orgs.press("Enter")
    expect(page.locator("#organisations-chosen")).to_contain_text("Port of Seattle")

    page.locator("#id_kind").select_option("meeting")
    subject = f"Port partnership ({language}, {width})"
    page.locator("#id_subject").fill(subject)
    page.locator("#id_c-0-description").fill("Send the port study")
    expect(page.locator("#id_c-0-owner")).to_have_value(str(world["posting"].pk))
    page.locator("#id_c-0-due").fill("2030-01-15")
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the form is {width_now}px wide on a {width}px screen"
    shot(page, f"log-engagement-{language}-{width}")

    page.locator("#engagement-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    main = page.locator("main")
    expect(main).to_contain_text("Xiaoming")
    expect(main).to_contain_text("西雅图港" if language == "zh-hans" else "Port of Seattle")
    expect(main).to_contain_text("Send the port study")
    # Our participant, named in the reader's script.
    expect(main).to_contain_text("秦刚" if language == "zh-hans" else "Qin Gang")
    engagement = Engagement.objects.get(subject=subject)
    assert list(engagement.staff.all()) == [world["posting"]]
    commitment = engagement.commitments.get()
    assert commitment.owner == world["posting"] and str(commitment.due) == "2030-01-15"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"engagement-{language}-{width}")
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
