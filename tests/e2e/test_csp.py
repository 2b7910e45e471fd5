"""The strict Content-Security-Policy blocks nothing the application itself uses, admin included.

The `page` fixture fails any test whose pages report a violation ("Refused to …" in the console,
or a securitypolicyviolation event); this test walks the main pages and their scripted parts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from legation.core.models import Sensitivity
from tests import factories
from tests.e2e.conftest import login

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
        region=factories.region("US-CA"),
    )
    engagement = factories.EngagementFactory(
        mission=mission,
        subject="Exchange on universities",
        people=[wang],
        staff=[ambassador_posting],
        region=factories.region("US-CA"),
    )
    factories.user_with_role("chief", "administrator", [mission], Sensitivity.INTERNAL)
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password="x-Secret-pass-42")
    return {"wang": wang, "engagement": engagement}


def test_main_pages_respect_the_policy(page, site, world):
    policy = page.goto(f"{site}/accounts/login/").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    login(page, site, "officer")
    # The quiet relationships arrive after the page, through htmx.
    expect(page.locator("#h-quiet + div, #h-quiet ~ div").first).to_contain_text(
        "Relationships you hold"
    )
    wang, engagement = world["wang"], world["engagement"]
    for path in [
        "/people/",
        f"/people/{wang.pk}/",
        f"/people/{wang.pk}/edit/",
        f"/people/{wang.pk}/delete/",
        "/people/organisations/",
        "/engagements/",
        f"/engagements/{engagement.pk}/",
        "/engagements/commitments/",
        "/search/?q=wang",
        "/insight/",
        "/insight/coverage/",
        "/insight/quiet/",
        "/insight/handover/",
        f"/insight/people/{wang.pk}/",
        "/intake/import/",
        f"/history/people.person/{wang.pk}/",
        "/accounts/password_change/",
    ]:
        assert page.goto(f"{site}{path}").ok, path

    # The person picker (htmx, without eval) and the chosen-people chips (the static script).
    page.goto(f"{site}/engagements/log/")
    page.get_by_label("Who we met").fill("xiaoming")
    page.locator("[data-pick-id]").first.click()
    expect(page.locator("#people-chosen")).to_contain_text("王小明")
    page.locator("#people-chosen [data-remove]").first.click()
    expect(page.locator("#people-chosen li")).to_have_count(0)

    # The letters page: pick a recipient, Enter in the box does not submit the letter.
    page.goto(f"{site}/letters/")
    page.get_by_label("Recipient").fill("wang")
    page.get_by_label("Recipient").press("Enter")
    page.locator("[data-pick-id]").first.click()
    expect(page.locator("#person-chosen")).to_contain_text("Wang")

    # The language switch posts a form to ourselves.
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


@pytest.mark.parametrize("username", ["root", "chief"])
def test_the_admin_respects_the_policy(page, site, world, username):
    login(page, site, username)
    wang = world["wang"]
    for path in [
        "/admin/",
        "/admin/people/person/",
        "/admin/people/person/?q=wang",
        f"/admin/people/person/{wang.pk}/change/",
        f"/admin/people/person/{wang.pk}/history/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/engagements/engagement/",
        f"/admin/engagements/engagement/{world['engagement'].pk}/change/",
        "/admin/core/securityevent/",
        "/admin/core/operation/",
        "/admin/core/loginlock/",
    ]:
        page.goto(f"{site}{path}")
    # The admin's scripts run: the action bar's select-all and a date shortcut.
    page.goto(f"{site}/admin/engagements/engagement/{world['engagement'].pk}/change/")
    today = page.get_by_role("link", name="Today").first
    if today.count():
        today.click()
    page.goto(f"{site}/admin/people/person/")
    select_all = page.locator("#action-toggle")
    if select_all.count():
        select_all.check()
        expect(page.locator(".action-counter")).to_contain_text("selected")
