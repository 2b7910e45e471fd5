"""Every page on a 390-pixel phone, in English and in Chinese: nothing wider than the screen, a
compact header whose menu button opens the navigation (and, without JavaScript, the navigation
still there)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from legation.people.models import EmailAddress
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

PHONE = {"width": 390, "height": 844}
LONG_EMAIL = (
    "correspondence.office.of.the.honourable.representative@house-of-representatives.example.gov"
)
LONG_SITE = (
    "https://www.example.org/committees/foreign-affairs/subcommittee-on-east-asia-and-the-pacific"
)


@pytest.fixture
def ledger(embassy, posting, farewell_world, letters_officer):
    """Enough of a ledger that every list, table and chart has rows: a person and an organisation
    with long addresses, an engagement with a commitment, a merge job in review."""
    from legation.letters.compose.letter_template import find_template
    from legation.letters.merge.review import merge_job_create

    org = factories.OrganisationFactory(
        mission=embassy,
        name_en="Subcommittee on East Asia, the Pacific and International Cybersecurity Policy",
        name_zh="东亚太平洋与国际网络安全政策小组委员会",
        website=LONG_SITE,
    )
    person = factories.PersonFactory(
        mission=embassy, family_name="Ouyang", given_name="Xiaoming-Alexandra",
        name_zh="欧阳晓明", title="Representative", ref="P-OUYANG",
    )  # fmt: skip
    add_address(person, city="San Francisco", region="US-CA")
    EmailAddress.objects.create(person=person, email=LONG_EMAIL, primary=True)
    factories.AffiliationFactory(person=person, organisation=org, role="Ranking Member")
    engagement = factories.EngagementFactory(
        mission=embassy, people=[person, farewell_world], staff=[posting],
        subject="Exchange on university partnerships and the science and technology agreement",
        start=letters_fixtures.at(dt.date(2022, 12, 1)),
    )  # fmt: skip
    commitment = factories.CommitmentFactory(
        engagement=engagement, description="Send the list of partner schools", owner=posting,
        due=dt.date(2023, 1, 15),
    )  # fmt: skip
    job = merge_job_create(
        actor=letters_officer, template=find_template("farewell.en"),
        segment="person=P-CARTER,P-OUYANG", posting=posting,
        letter_date=dt.date(2022, 12, 30), fmt="pdf",
    )  # fmt: skip
    assert job.rows.count() == 2
    return {
        "person": person,
        "org": org,
        "engagement": engagement,
        "commitment": commitment,
        "job": job,
        "carter": farewell_world,
    }


def pages(ledger) -> list[str]:
    person, org, eng = ledger["person"].pk, ledger["org"].pk, ledger["engagement"].pk
    return [
        "/",
        "/search/?q=ouyang",
        "/people/",
        f"/people/{person}/",
        f"/people/{person}/edit/",
        "/people/new/",
        "/people/organisations/",
        f"/people/organisations/{org}/",
        f"/people/organisations/{org}/edit/",
        "/engagements/",
        f"/engagements/{eng}/",
        "/engagements/log/",
        f"/engagements/{eng}/edit/",
        "/engagements/commitments/",
        f"/engagements/commitments/{ledger['commitment'].pk}/",
        "/insight/",
        "/insight/coverage/",
        "/insight/quiet/",
        f"/insight/people/{person}/",
        "/insight/handover/",
        "/letters/",
        f"/letters/?template=farewell&lang=en&person={ledger['carter'].pk}",
        "/letters/jobs/",
        f"/letters/jobs/{ledger['job'].pk}/",
        "/intake/import/",
        f"/history/people.person/{person}/",
        f"/history/people.organisation/{org}/",
        f"/history/engagements.engagement/{eng}/",
        "/accounts/password_change/",
    ]


def fits(page) -> dict:
    """How the page sits on the screen: its width against the screen's, the header's height."""
    return page.evaluate(
        "() => ({width: document.documentElement.scrollWidth, screen: window.innerWidth,"
        " header: document.querySelector('header.top').getBoundingClientRect().height})"
    )


def name_of(path: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in path).strip("-") or "home"


@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_every_page_fits_a_phone(browser, site, ui, ledger, tmp_path):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = watch_policy(page)
    login(page, site, "lofficer")
    page.context.add_cookies([{"name": "django_language", "value": ui, "url": site}])
    problems = {}

    def check(label: str) -> None:
        got = fits(page)
        if got["width"] > got["screen"]:
            problems[label] = f"{got['width']}px wide"
        if got["header"] > 0.2 * PHONE["height"]:
            problems[label] = f"header {got['header']}px high"
        shot(page, f"phone-{ui}-{name_of(label)}")

    for path in pages(ledger):
        response = page.goto(f"{site}{path}")
        assert response.ok, f"{path}: {response.status}"
        expect(page.locator("html")).to_have_attribute(
            "lang", "zh-Hans" if ui == "zh-hans" else "en"
        )
        check(path)

    # The letter preview, English beside Chinese, with its page images.
    page.goto(f"{site}/letters/?template=farewell&lang=en&person={ledger['carter'].pk}")
    page.locator("#preview-button").click()
    expect(page.locator("#preview-en img.letter-page")).to_be_visible(timeout=30_000)
    check("letters-preview")

    # An import report with rejected rows (a long e-mail address among them).
    bad = tmp_path / "contacts.csv"
    bad.write_text(
        "ref,family_name,given_name,sector,email\n"
        f"A1,Smith,Ann,,{LONG_EMAIL}\nA2,Jones,Bob,nowhere,\nA3,Wu,Kim,,{'not-an-email' * 6}\n"
    )
    page.goto(f"{site}/intake/import/")
    page.locator("#id_file").set_input_files(str(bad))
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("#count-rejected")).to_have_text("2")
    check("import-report")

    assert not problems, f"on a 390px phone ({ui}): {problems}"
    context.close()
    assert not violations, violations


@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_the_menu_button_opens_the_navigation(browser, site, ui, ledger):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    violations = watch_policy(page)
    login(page, site, "lofficer")
    page.context.add_cookies([{"name": "django_language", "value": ui, "url": site}])
    page.goto(f"{site}/engagements/")
    people = page.locator("header nav a").first
    toggle = page.locator("header button.menu-toggle")
    # Folded away: the search box and Log an engagement are one tap away, the rest behind Menu.
    expect(people).to_be_hidden()
    expect(page.locator("header #q")).to_be_visible()
    expect(page.locator("header a.log")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "site-menu")
    assert fits(page)["header"] <= 0.15 * PHONE["height"]
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(people).to_be_visible()
    expect(page.locator("header form.lang button")).to_be_visible()
    shot(page, f"phone-{ui}-menu-open")
    # Escape folds it again; the language switch, inside the menu, works.
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(people).to_be_hidden()
    toggle.click()
    page.locator("header form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en" if ui == "zh-hans" else "zh-Hans")
    people.evaluate("a => a.click()")
    page.wait_for_url(f"{site}/people/")
    context.close()
    assert not violations, violations


def test_without_javascript_the_navigation_is_open(browser, site, ledger):
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    login(page, site, "lofficer")
    expect(page.locator("header button.menu-toggle")).to_be_hidden()
    expect(page.locator("header nav a").first).to_be_visible()
    expect(page.locator("header form.lang button")).to_be_visible()
    assert fits(page)["width"] <= PHONE["width"]
    context.close()


def test_the_wide_screen_header_has_no_menu_button(page, site, ledger):
    login(page, site, "lofficer")
    expect(page.locator("header button.menu-toggle")).to_be_hidden()
    expect(page.locator("header nav a").first).to_be_visible()
    expect(page.locator("header #q")).to_be_visible()
    shot(page, "wide-header")
