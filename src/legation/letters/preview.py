"""Previews for the web pages: a letter as the finished text and as its PDF's first page.

Nothing here records anything: a preview is a draft, read through ``visible_to(user)`` like any
letter, so a user sees in a preview only what they could put in a letter.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from legation.core.access import require
from legation.engagements.models import Posting
from legation.letters import context as ctx
from legation.letters.compose import Letter, compose, to_text
from legation.letters.render_pdf import PdfError, typesetter
from legation.letters.sandbox import LetterTemplateError
from legation.letters.services import SEND_PERMISSION
from legation.letters.templates import LetterTemplate
from legation.people.models import Person

PREVIEW_PPI = 80.0


@dataclass
class Preview:
    language: str
    template: str
    text: str = ""
    png: str = ""  # base64, for an <img src="data:…">
    error: str = ""
    letter: Letter | None = None


def compose_for(
    *,
    actor: Any,
    template: LetterTemplate,
    person: Person,
    posting: Posting,
    letter_date: dt.date,
    personal: str | None = None,
    salutation: str | None = None,
    draft: bool = True,
) -> Letter:
    """The letter this template makes for this person, as the actor may see the ledger."""
    require(actor, SEND_PERMISSION)
    person, basis, context = ctx.one_letter(
        template, person, posting, actor, letter_date=letter_date, personal=personal
    )
    return compose(template, context, basis.layout, salutation=salutation, draft=draft)


def previews(
    *,
    actor: Any,
    templates: dict[str, LetterTemplate],
    person: Person,
    posting: Posting,
    letter_date: dt.date,
    images: bool = True,
) -> list[Preview]:
    """One preview per language, English first; an error is shown, not raised."""
    out = []
    for language in sorted(templates, key=lambda lang: (lang != "en", lang)):
        template = templates[language]
        item = Preview(language=language, template=template.label)
        try:
            letter = compose_for(
                actor=actor,
                template=template,
                person=person,
                posting=posting,
                letter_date=letter_date,
            )
            item.letter, item.text = letter, to_text(letter)
            if images:
                png = typesetter().png(letter, ppi=PREVIEW_PPI)
                item.png = base64.b64encode(png).decode("ascii")
        except (LetterTemplateError, PdfError) as exc:
            item.error = str(exc)
        out.append(item)
    return out
