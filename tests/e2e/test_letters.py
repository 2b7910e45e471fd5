"""Letters in a real browser: preview, review queue, a background merge with its progress bar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from legation.letters.models import MergeJob
from tests import factories
from tests.e2e.conftest import login, shot, watch_policy
from tests.letters import conftest as letters_fixtures
from tests.letters.conftest import add_address

# The letters tests' fixtures (an embassy, its ambassador, President Carter, 22 states…).
embassy = letters_fixtures.embassy
posting = letters_fixtures.posting
carter = letters_fixtures.carter
farewell_world = letters_fixtures.farewell_world
letters_officer = letters_fixtures.letters_officer

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_preview_review_and_produce_a_farewell_merge(
    page, site, farewell_world, pelosi, letters_officer
):
    login(page, site, "lofficer")
    page.get_by_role("link", name="Letters", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters")

    # Preview the farewell letter for President Carter, English beside Chinese.
    page.get_by_label("Recipient").fill("carter")
    page.locator("[data-pick-id]").first.click()
    expect(page.locator("#person-chosen")).to_contain_text("Carter")
    page.get_by_label("Letter date").fill("2022-12-30")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-en")).to_contain_text("Dear President Carter,")
    expect(page.locator("#preview-en")).to_contain_text("500-plus days")
    expect(page.locator("#preview-zh")).to_contain_text("尊敬的卡特前总统")
    expect(page.locator("#preview-en img.letter-page")).to_be_visible()
    shot(page, "letters-preview")

    # A review job for a small segment: those the head of mission met.
    page.get_by_role("link", name="Merges and review").click()
    page.wait_for_url(f"{site}/letters/jobs/")
    page.get_by_label("Or a filter").fill("met-by=P-QIN")
    page.get_by_label("Letter date").fill("2022-12-30")
    shot(page, "letters-new-merge")
    page.get_by_role("button", name="Create the review queue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review queue")
    job = MergeJob.objects.latest("pk")
    row = job.rows.get(person=farewell_world)
    other = job.rows.get(person=pelosi)
    expect(page.locator(f"#salutation-{row.pk}")).to_have_value("Dear President Carter,")
    expect(page.locator(f"#salutation-{other.pk}")).to_have_value("Dear Speaker Pelosi,")
    # Suggested lines are marked as suggestions, never the record's subject pasted in.
    expect(page.locator(f"#personal-{other.pk}")).to_have_value(
        "I remember with gratitude our meeting on March 1, 2022."
    )
    expect(page.locator(f"#suggested-{other.pk}")).to_have_text("suggested")
    expect(page.locator("#suggested-count")).to_contain_text("2 suggested lines not yet read")

    # Edit a personal line in place; it is saved without leaving the page, and the page's count
    # of unread suggestions follows (swapped out of band).
    line = "Our conversation on hope stays with me."
    page.locator(f"#personal-{row.pk}").fill(line)
    with page.expect_response(lambda r: r.url.endswith(f"/rows/{row.pk}/")) as saved:
        page.locator(f"#row-{row.pk}").get_by_role("button", name="Save line").click()
    assert saved.value.ok
    expect(page.locator(f"#personal-{row.pk}")).to_have_value(line)
    expect(page.locator(f"#suggested-{row.pk}")).to_have_count(0)
    expect(page.locator("#suggested-count")).to_contain_text("1 suggested line not yet read")
    row.refresh_from_db()
    assert row.personal == line

    # Approve all leaves the unread suggestion pending and says why.
    page.get_by_role("button", name="Approve all").click()
    expect(page.locator("#approved-count")).to_contain_text("1 of 2")
    expect(page.get_by_text("1 recipient is still pending")).to_be_visible()
    page.locator(f"#row-{other.pk}").get_by_role("button", name="Use this suggestion").click()
    expect(page.locator(f"#suggested-{other.pk}")).to_have_count(0)
    expect(page.locator("#suggested-count")).to_have_text("")
    page.get_by_role("button", name="Approve all").click()
    expect(page.locator("#approved-count")).to_contain_text("2 of 2")
    shot(page, "letters-review-queue")
    page.get_by_role("button", name="Produce 2 approved letters").click()
    expect(page.locator("#progress")).to_contain_text("Waiting for the worker")
    expect(page.locator("#progress-bar")).to_be_visible()
    shot(page, "letters-progress")
    # The worker `legation serve` runs beside the server; here it runs in the test's thread,
    # which shares the in-memory SQLite test database with the live server.
    call_command("worker", batch=True, startup_delay=False, verbosity=0)
    expect(page.locator("#download")).to_be_visible(timeout=30_000)
    expect(page.locator("#progress")).to_contain_text("2 letters produced")
    shot(page, "letters-produced")
    with page.expect_download() as download:
        page.locator("#download").click()
    assert download.value.suggested_filename.endswith(".zip")


PHONE = 390


@pytest.fixture
def long_names(embassy, posting):
    """What made the pages wider than a phone: a posting whose description fills a select, a
    long saved segment, and a merge whose filter is one long word."""
    from legation.letters.models import Segment

    person = factories.PersonFactory(
        mission=embassy, family_name="Ouyang", given_name="Xiaoming-Alexandra", name_zh="欧阳晓明"
    )
    factories.PostingFactory(
        mission=embassy, person=person, ref="P-OUYANG-SCIENCE-TECHNOLOGY",
        title="Minister-Counsellor for Science, Technology and Innovation Cooperation",
        title_zh="科技创新合作公使衔参赞",
    )  # fmt: skip
    Segment.objects.create(
        mission=embassy, name="state-legislators-met-during-the-farewell-season",
        filter="met-by=P-QIN", description="State legislators met during the farewell season",
    )  # fmt: skip


@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_letters_and_insight_fit_a_phone_and_the_approve_buttons_are_on_screen(
    browser, site, ui, farewell_world, pelosi, letters_officer, long_names, posting
):
    from legation.letters.compose.letter_template import find_template
    from legation.letters.merge.review import merge_job_create

    pelosi.ref = "P-PELOSI-NANCY-SPEAKER-OF-THE-HOUSE"
    pelosi.save()
    job = merge_job_create(
        actor=letters_officer, template=find_template("farewell.en"),
        segment="person=P-CARTER,P-PELOSI-NANCY-SPEAKER-OF-THE-HOUSE",
        posting=posting, letter_date=dt.date(2022, 12, 30), fmt="pdf",
    )  # fmt: skip
    assert job.rows.count() == 2
    context = browser.new_context(viewport={"width": PHONE, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = watch_policy(page)
    login(page, site, "lofficer")
    page.context.add_cookies([{"name": "django_language", "value": ui, "url": site}])
    too_wide = {}
    for path in ["/letters/", "/letters/jobs/", "/insight/", f"/letters/jobs/{job.pk}/"]:
        page.goto(f"{site}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            too_wide[path] = width
    # On the review queue each Approve button is on the screen as the page scrolls down, not
    # off to the right inside a table that scrolls sideways.
    approve = page.locator("button[name=approved]")
    expect(approve).to_have_count(2)
    for i in range(2):
        button = approve.nth(i)
        button.evaluate("b => window.scrollTo(0, b.getBoundingClientRect().top + scrollY - 200)")
        box = button.bounding_box()
        assert box is not None
        if box["x"] < 0 or box["x"] + box["width"] > PHONE:
            too_wide[f"approve button {i + 1}"] = round(box["x"] + box["width"])
    assert not too_wide, f"wider than a {PHONE}px screen ({ui}): {too_wide}"
    approve.first.click()
    expect(page.locator("tr.approved")).to_have_count(1)
    shot(page, f"letters-review-phone-{ui}")
    context.close()
    assert not violations, violations
