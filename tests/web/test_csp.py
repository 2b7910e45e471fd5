"""Content-Security-Policy: a strict header on every response, and templates it does not break."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import legation

TEMPLATES = sorted(Path(legation.__file__).parent.glob("*/templates/**/*.html"))
# A report downloaded as one self-contained file (never served inline): its styles travel with it.
SELF_CONTAINED = {"insight/templates/insight/report.html"}

REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split(None, 1)[0]: [*p.split(None, 1), ""][1] for p in parts}


def assert_strict(response) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.wsgi_request.path}"
    found = directives(header)
    for name, value in REQUIRED.items():
        assert found.get(name) == value, (name, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.fixture
def logged_in(client, officer):
    client.force_login(officer)
    return client


def test_every_page_carries_the_policy(logged_in, ledger):
    carter = ledger["carter"]
    for url in [
        "/",
        "/home/quiet/",
        "/people/",
        f"/people/{carter.pk}/",
        "/people/pick/?q=carter",
        "/people/organisations/",
        "/engagements/",
        "/engagements/log/",
        "/engagements/commitments/",
        "/search/?q=carter",
        "/insight/tenure/",
        "/letters/",
        f"/history/people.person/{carter.pk}/",
        "/admin/",
        "/admin/people/person/",
        f"/admin/people/person/{carter.pk}/change/",
        "/no-such-page/",
    ]:
        assert_strict(logged_in.get(url))


def test_anonymous_pages_and_redirects_carry_the_policy(client, db):
    assert_strict(client.get("/accounts/login/"))
    assert_strict(client.get("/"))  # the redirect to the login page
    assert_strict(client.get("/healthz"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[3])))
def test_templates_have_no_inline_script_or_style(template):
    relative = str(template.relative_to(Path(legation.__file__).parent))
    if relative in SELF_CONTAINED:
        return
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text, "<style> element"
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "event handler attribute"
    assert "javascript:" not in text, "javascript: address"
    assert "js:" not in text and "hx-on" not in text, "htmx evaluating script"


def test_htmx_is_configured_without_eval(logged_in, ledger):
    page = logged_in.get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', page)
    assert config, "no htmx-config meta tag"
    import json

    values = json.loads(config.group(1))
    assert values["allowEval"] is False
    assert values["includeIndicatorStyles"] is False
    assert values["allowScriptTags"] is False


def test_the_person_picker_needs_no_script_values(logged_in, ledger):
    """The picker's input sends its own value (name "pq"), no hx-vals evaluated as script."""
    page = logged_in.get("/people/pick/?pq=carter")
    assert "Carter" in page.content.decode()
