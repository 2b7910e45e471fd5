"""Nothing is lost, in a real browser: a deleted person is found in the recycle bin from the
main menu and restored with their tags; an edit is reverted from the history page. In English
and in Chinese, and the recycle bin fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from legation.people import services
from legation.people.models import Person
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {"bin": "Recycle bin", "restore": "Restore it", "revert": "Revert to this version"},
    "zh": {"bin": "回收站", "restore": "恢复此记录", "revert": "恢复到此版本"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_delete_find_in_the_bin_restore_then_revert_an_edit(page, site, mission, officer, lang):
    words = WORDS[lang]
    person = services.person_create(
        actor=officer,
        mission=mission,
        family_name="Carter",
        given_name="Jimmy",
        title="President",
        tags=["peanuts", "georgia"],
    )
    login(page, site, "officer")
    if lang == "zh":
        page.get_by_role("button", name="简体中文").click()

    # Delete the person from their page's delete form.
    page.goto(f"{site}/people/{person.pk}/delete/")
    page.locator("main form button[type=submit]").click()
    assert not Person.objects.filter(pk=person.pk).exists()

    # Their page now says where they went.
    response = page.goto(f"{site}/people/{person.pk}/")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text(words["bin"])

    # The recycle bin, from the main menu, lists them; one click restores them.
    page.locator("header nav").get_by_role("link", name=words["bin"]).click()
    item = page.locator("#deleted li", has_text="Carter")
    expect(item).to_be_visible()
    shot(page, f"recycle-bin-{lang}")
    item.get_by_role("button", name=words["restore"]).click()
    page.wait_for_url(f"{site}/people/{person.pk}/")
    restored = Person.objects.get(pk=person.pk)
    assert set(restored.tags.values_list("name", flat=True)) == {"peanuts", "georgia"}
    expect(page.locator("main")).to_contain_text("peanuts")

    # An edit, then revert to the version before it.
    services.person_update(actor=officer, person=restored, title="Governor")
    page.goto(f"{site}/history/people.person/{person.pk}/")
    page.get_by_role("button", name=words["revert"]).first.click()
    expect(page.locator(".messages")).to_be_visible()
    restored.refresh_from_db()
    assert restored.title == "President"
    assert set(restored.tags.values_list("name", flat=True)) == {"peanuts", "georgia"}
    shot(page, f"history-reverted-{lang}")


def test_the_recycle_bin_fits_a_phone(browser, site, mission, officer):
    for name in ("Carter", "Brown"):
        person = services.person_create(
            actor=officer, mission=mission, family_name=name, tags=["a-rather-long-tag-name"]
        )
        services.person_delete(actor=officer, person=person)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        login(page, site, "officer")
        page.goto(f"{site}/recycle-bin/")
        expect(page.locator("#deleted li")).to_have_count(2)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the recycle bin is {width}px wide on a 390px screen"
        shot(page, "recycle-bin-phone")
    finally:
        context.close()
