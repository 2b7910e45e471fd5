"""In a real browser, in English and Chinese, on a desk and on a phone: build a segment and watch
its count, start a merge from it, approve rows and watch the counters change without a reload,
then merge two duplicate people choosing a field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from legation.letters.models import MergeJob, Segment
from legation.people.models import EmailAddress, Person
from tests import factories
from tests.e2e.conftest import login, shot, watch_policy
from tests.letters import conftest as letters_fixtures
from tests.letters.conftest import add_address

embassy = letters_fixtures.embassy
posting = letters_fixtures.posting
carter = letters_fixtures.carter
farewell_world = letters_fixtures.farewell_world
letters_officer = letters_fixtures.letters_officer

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "en": {"one": "1 recipient", "two": "2 recipients", "start": "Start a merge",
           "half": "1 of 2", "all": "2 of 2", "merged": "Merged #"},
    "zh-hans": {"one": "1位收件人", "two": "2位收件人", "start": "开始合并发信",
                "half": "1 / 2", "all": "2 / 2", "merged": "已将 #"},
}  # fmt: skip


@pytest.fixture
def pelosi(embassy, posting):
    person = factories.PersonFactory(
        mission=embassy, family_name="Pelosi", given_name="Nancy", title="Speaker"
    )
    add_address(person, city="San Francisco", region="US-CA")
    factories.EngagementFactory(
        mission=embassy, people=[person], staff=[posting], subject="Trade and farming"
    )
    return person


@pytest.fixture
def twins(embassy):
    a = factories.PersonFactory(
        mission=embassy, family_name="Smith", given_name="Ann", title="Senator"
    )
    b = factories.PersonFactory(
        mission=embassy, family_name="Smith", given_name="Anne", title="Governor"
    )
    EmailAddress.objects.create(person=a, email="ann@example.org")
    EmailAddress.objects.create(person=b, email="ann@example.org")
    return a, b


def fits(page, width: int, where: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{where} is {scroll}px wide on a {width}px screen"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_segment_merge_review_and_duplicates(
    browser, site, ui, width, farewell_world, pelosi, twins, letters_officer
):
    text = TEXT[ui]
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 500, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = watch_policy(page)
    login(page, site, "lofficer")
    page.context.add_cookies([{"name": "django_language", "value": ui, "url": site}])
    name = f"{ui}-{width}"

    # Build a segment: the count and the names follow each change.
    page.goto(f"{site}/letters/segments/new/")
    page.locator("#id_name").fill("farewell-hill")
    page.locator("#id_q").fill("Pelosi")
    expect(page.locator("#segment-count .recipient-count")).to_have_text(text["one"])
    expect(page.locator("#segment-count .segment-sample")).to_contain_text("Pelosi")
    page.locator("#id_q").fill("")
    page.locator("#id_more").fill("met-by=P-QIN")
    expect(page.locator("#segment-count .recipient-count")).to_have_text(text["two"])
    expect(page.locator("#segment-count .segment-sample")).to_contain_text("Carter")
    fits(page, width, "the segment page")
    shot(page, f"segment-build-{name}")
    page.locator("#save-segment").click()
    expect(page.locator("#segment-list")).to_contain_text("farewell-hill")
    assert Segment.objects.get().filter == "met-by=P-QIN"

    # Start a merge from it: the form says how many before anything starts.
    page.get_by_role("link", name=text["start"]).click()
    expect(page.locator("#segment-count .recipient-count")).to_have_text(text["two"])
    page.locator("#id_letter_date").fill("2022-12-30")
    fits(page, width, "the merge form")
    shot(page, f"segment-merge-form-{name}")
    page.locator("#job-form button[type=submit]").click()
    page.wait_for_url(f"{site}/letters/jobs/*/")
    job = MergeJob.objects.latest("pk")
    first, second = job.rows.order_by("pk")

    # Approve each row: the counters and the produce button change, the page is never reloaded.
    page.evaluate("window.__notReloaded = true")
    expect(page.locator("#produce")).to_be_disabled()
    page.locator(f"#row-{first.pk} button[name=approved]").click()
    expect(page.locator("#approved-count")).to_contain_text(text["half"])
    expect(page.locator("#produce")).to_be_enabled()
    expect(page.locator("#all-approved")).to_have_count(0)
    page.locator(f"#row-{second.pk} button[name=approved]").click()
    expect(page.locator("#approved-count")).to_contain_text(text["all"])
    expect(page.locator("#all-approved")).to_be_visible()
    assert page.evaluate("window.__notReloaded === true")
    fits(page, width, "the review queue")
    shot(page, f"segment-review-{name}")

    # Merge two duplicates, taking B's title.
    a, b = twins
    page.goto(f"{site}/people/")
    page.locator("#duplicates-link").click()
    page.locator(f'a[href="/people/duplicates/{a.pk}/{b.pk}/"]').first.click()
    expect(page.locator("#merge-fields")).to_contain_text("Governor")
    fits(page, width, "the merge page")
    page.locator("#id_field_title_1").check()
    shot(page, f"duplicates-merge-{name}")
    page.locator("#merge").click()
    page.wait_for_url(f"{site}/people/{a.pk}/")
    expect(page.locator(".messages")).to_contain_text(text["merged"])
    a.refresh_from_db()
    assert a.title == "Governor" and a.given_name == "Ann"
    assert not Person.objects.filter(pk=b.pk).exists()
    context.close()
    assert not violations, violations
