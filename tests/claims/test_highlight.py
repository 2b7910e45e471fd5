"""The web preview's marks: every claim wrapped with its verdict, the text escaped."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from legation.claims.highlight import claims_context, highlight
from legation.claims.verify import check_text
from legation.core.access import SYSTEM


def test_each_claim_is_marked_with_its_verdict_and_the_text_is_escaped(world):
    text = "<b>Hi</b> I have visited 22 states and 15 cities."
    result = check_text(text, user=SYSTEM, posting=world["qin"], letter_date=dt.date(2022, 12, 30))
    html = str(highlight(text, result.claims))
    assert html.startswith("&lt;b&gt;Hi&lt;/b&gt;")
    assert '<mark class="claim supported" title="count, supported (the ledger: 22)' in html
    assert '<mark class="claim contradicted"' in html and ">15 cities</mark>" in html


def test_the_template_snippet_shows_the_claims(world):
    text = "I have visited 15 cities."
    result = check_text(text, user=SYSTEM, posting=world["qin"], letter_date=dt.date(2022, 12, 30))
    page = render_to_string("claims/_claims.html", claims_context(result))
    assert '<mark class="claim contradicted"' in page and "1 claim is contradicted" in page
