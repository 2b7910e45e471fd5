"""The merge's gate: the first letter of a merge is checked, and a contradicted claim stops it.

A figure that was right when a template was written goes stale a year later; the merge would
send it to hundreds of people. ``refuse_contradicted`` renders the first letter in each language
of the merge exactly as it would go out (as plain text, a draft: nothing recorded), checks it, and
raises ``StaleLetter`` listing each contradicted claim. ``legation letters merge --force`` skips it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from legation.claims.verify import CheckedClaim, CheckResult, check_text
from legation.letters.merge import production


class StaleLetter(Exception):
    """The first letter of a merge has claims the ledger contradicts (listed in ``claims``)."""

    def __init__(self, message: str, claims: Sequence[CheckedClaim] = ()) -> None:
        super().__init__(message)
        self.claims = list(claims)


def describe(checked: CheckedClaim) -> str:
    """A contradicted claim and what the ledger says instead, on one line."""
    return f"{checked.claim.text!r} (the ledger: {checked.expected}; {checked.explanation})"


def first_letters(
    *, actor: Any, templates: dict[str, Any], recipients: Sequence[Any], posting: Any,
    letter_date: dt.date,
) -> list[tuple[Any, str]]:  # fmt: skip
    """(recipient, finished text) of the first recipient in each language of the merge."""
    default = next(iter(templates))
    firsts: dict[str, Any] = {}
    for r in recipients:
        language = r.language if r.language in templates else default
        firsts.setdefault(language, r)
    out = []
    with tempfile.TemporaryDirectory(prefix="legation-check-") as folder:
        for language, r in firsts.items():
            path = Path(folder) / f"{language}.txt"
            done, _ = production.render_one(
                actor=actor, template=templates[language], person=r.person, posting=posting,
                letter_date=letter_date, fmt="txt", out=path, personal=r.personal, draft=True,
            )  # fmt: skip
            if not done.error:
                out.append((r, path.read_text(encoding="utf-8")))
    return out


def refuse_contradicted(
    *, actor: Any, templates: dict[str, Any], recipients: Sequence[Any], posting: Any,
    letter_date: dt.date,
) -> list[CheckResult]:  # fmt: skip
    """Check the first letter(s); raise ``StaleLetter`` if any claim is contradicted."""
    results = []
    contradicted: list[CheckedClaim] = []
    for _recipient, text in first_letters(
        actor=actor, templates=templates, recipients=recipients, posting=posting,
        letter_date=letter_date,
    ):  # fmt: skip
        result = check_text(text, user=actor, posting=posting, letter_date=letter_date)
        results.append(result)
        contradicted += result.contradicted
    if contradicted:
        raise StaleLetter(
            "The first letter has claims the ledger contradicts: "
            + "; ".join(describe(c) for c in contradicted)
            + ". Correct the template, or merge anyway with --force.",
            contradicted,
        )
    return results
