"""The draft as HTML with every claim marked by its verdict, for the letters' web preview.

``highlight(text, claims)`` escapes the text and wraps each claim in
``<mark class="claim supported|contradicted|unverifiable" title="…">``; the template snippet
``claims/_claims.html`` shows it with the list of claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from legation.claims.verify import CheckedClaim


def title_of(c: CheckedClaim) -> str:
    expected = "" if c.expected is None else f" (the ledger: {c.expected})"
    return f"{c.claim.kind}, {c.verdict}{expected}: {c.explanation}"


def highlight(text: str, claims: Sequence[CheckedClaim]) -> SafeString:
    """Escaped text, each claim's span in a <mark> with its verdict as class and title."""
    parts: list[str] = []
    pos = 0
    for c in sorted(claims, key=lambda c: c.claim.span):
        start, end = c.claim.span
        if start < pos:  # overlapping spans never come out of extraction; skip defensively
            continue
        parts.append(escape(text[pos:start]))
        parts.append(
            format_html(
                '<mark class="claim {}" title="{}">{}</mark>',
                c.verdict,
                title_of(c),
                text[start:end],
            )
        )
        pos = end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def claims_context(result: Any) -> dict[str, Any]:
    """What ``claims/_claims.html`` reads: the highlighted text and the claims."""
    return {
        "highlighted": highlight(result.text, result.claims),
        "claims": [c.to_json() for c in result.claims],
        "contradicted": len(result.contradicted),
        "letter_date": result.letter_date,
    }
