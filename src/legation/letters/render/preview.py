"""Previews for the web pages: a letter as the finished text and as its PDF's first page.

Nothing here records anything: a preview is a draft, read through ``visible_to(user)`` like any
letter, so a user sees in a preview only what they could put in a letter. The template is rendered
(and the letter typeset) in a renderer process under the limits of ``isolation.py``; a letter
stopped at a limit is a ``LetterTemplateError`` saying which.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from legation.core.access import require
from legation.engagements.models import Posting
from legation.letters.compose import context as ctx
from legation.letters.compose.letter import Letter, to_text
from legation.letters.compose.letter_template import LetterTemplate
from legation.letters.compose.sandbox import LetterTemplateError
from legation.letters.render.pools import renderers
from legation.letters.services import SEND_PERMISSION
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


def _render(
    task: str,
    *,
    actor: Any,
    template: LetterTemplate,
    person: Person,
    posting: Posting,
    letter_date: dt.date,
    personal: str | None = None,
    salutation: str | None = None,
    draft: bool = True,
    extra: tuple[Any, ...] = (),
) -> tuple[Letter, bytes | None]:
    require(actor, SEND_PERMISSION)
    person, basis, context = ctx.one_letter(
        template, person, posting, actor, letter_date=letter_date, personal=personal
    )
    args = (template, context, basis.layout, salutation, draft, *extra)
    reply = renderers().call(task, args, template.label)
    return Letter.from_json(reply.value), reply.blob


def pdf_for(**kwargs: Any) -> tuple[Letter, bytes]:
    """The same letter and its PDF, typeset in the renderer too."""
    letter, pdf = _render("pdf", **kwargs)
    assert pdf is not None
    return letter, pdf


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
        task, extra = ("png", (PREVIEW_PPI,)) if images else ("compose", ())
        try:
            letter, png = _render(
                task,
                actor=actor,
                template=template,
                person=person,
                posting=posting,
                letter_date=letter_date,
                extra=extra,
            )
        except LetterTemplateError as exc:
            item.error = str(exc)
        else:
            item.letter, item.text = letter, to_text(letter)
            if png is not None:
                item.png = base64.b64encode(png).decode("ascii")
        out.append(item)
    return out
