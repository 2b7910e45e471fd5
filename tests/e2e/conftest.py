"""Browser tests: real Chromium (Debian's, never a downloaded one) driven by Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database access
# happens in its own thread, and the test's own set-up is plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = (
    Path(os.environ.get("LEGATION_SCREENSHOTS", ""))
    if os.environ.get("LEGATION_SCREENSHOTS")
    else None
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for browser tests: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def _plain_http_settings() -> None:
    """The live server speaks plain HTTP on localhost; its middleware reads these once."""
    from django.conf import settings

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture
def site(live_server):
    return live_server.url


_plain_http_settings()


# What the browser reports when the Content-Security-Policy blocks something.
VIOLATION = "Content Security Policy"


def watch_policy(page) -> list[str]:
    """Collect the Content-Security-Policy violations the page reports (console and events)."""
    violations: list[str] = []

    def on_console(message) -> None:
        if VIOLATION in message.text or message.text.startswith("Refused to"):
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.expose_function("__legationViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " window.__legationViolation(location.pathname + ': ' + e.violatedDirective + ' '"
        " + e.blockedURI + ' ' + (e.sample || '')); });"
    )
    return violations


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = watch_policy(page)
    yield page
    context.close()
    # Every browser test also checks that the Content-Security-Policy blocked nothing.
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def shot(page, name: str) -> None:
    """Keep a screenshot for people to look at (LEGATION_SCREENSHOTS=dir)."""
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def login(page, site: str, username: str, password: str = "x-Secret-pass-42") -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/")


def choose_language(page, language: str) -> None:
    """Switch the interface language from the header (inside the menu on a phone)."""
    from playwright.sync_api import expect

    toggle = page.locator("header button.menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.locator(f'form.lang button[value="{language}"]').click()
    expect(page.locator("html")).to_have_attribute(
        "lang", "zh-Hans" if language == "zh-hans" else "en"
    )
