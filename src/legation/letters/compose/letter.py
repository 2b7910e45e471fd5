"""From a template and a context to a finished letter, before any typesetting.

A ``Letter`` holds plain strings and blocks only, so it can be sent to a worker process, turned
into Typst's JSON input, a Word document, an email or the text that tests and reviewers diff.
Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from legation.letters.compose import markup
from legation.letters.compose.closing import complimentary_close
from legation.letters.compose.letter_template import LetterTemplate
from legation.letters.compose.sandbox import LetterSandbox


@dataclass(frozen=True)
class Layout:
    """What belongs to the mission, not the letter: letterhead, page, fonts, emblem."""

    letterhead_zh: str
    letterhead_en: str
    address_lines: tuple[str, ...] = ()
    page_size: str = "us-letter"
    font: str = ""
    emblem: str = ""  # an absolute path to an image, or ""


@dataclass
class Letter:
    language: str
    template: str
    kind: str
    layout: Layout
    date: str
    salutation: str
    blocks: list[dict[str, Any]]
    closing: list[str]
    signature: list[str]
    subject: str = ""
    inside_address: list[str] = field(default_factory=list)
    recipient: str = ""
    filename: str = "letter"
    draft: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["layout"]["address_lines"] = list(self.layout.address_lines)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Letter:
        """The letter back from ``to_json`` (as a renderer process sends it)."""
        layout = dict(data["layout"])
        layout["address_lines"] = tuple(layout.get("address_lines", ()))
        return cls(**{**data, "layout": Layout(**layout)})


@lru_cache(maxsize=1)
def body_env() -> LetterSandbox:
    return LetterSandbox(markdown_values=True, trim_blocks=False)


@lru_cache(maxsize=1)
def line_env() -> LetterSandbox:
    return LetterSandbox(markdown_values=True, trim_blocks=False)


def compose(
    template: LetterTemplate,
    context: dict[str, Any],
    layout: Layout,
    *,
    salutation: str | None = None,
    draft: bool = False,
) -> Letter:
    """Render the placeholders (sandboxed, capped) and assemble the letter's parts."""
    where = template.label
    body = body_env().render_text(template.body, context, what=f"{where} (body)")

    def line(source: str, what: str) -> str:
        text = line_env().render_text(source, context, what=f"{where} ({what})")
        return markup.inline_plain(text)

    recipient = context.get("recipient", {})
    sender = context.get("sender", {})
    signature = [sender.get("name", ""), sender.get("title", "")]
    salutation = salutation if salutation is not None else recipient.get("salutation", "")
    if template.closing_set:
        closing = [line(c, "closing") for c in template.closing]
    else:
        closing = complimentary_close(
            template.kind,
            template.language,
            rank=recipient.get("rank", ""),
            host_country=context.get("mission", {}).get("host_country_code", ""),
            salutation=salutation,
        )
    return Letter(
        language=template.language,
        template=where,
        kind=template.kind,
        layout=layout,
        date=context.get("date", ""),
        salutation=salutation,
        blocks=markup.parse(body),
        closing=closing,
        signature=[s for s in signature if s],
        subject=line(template.subject, "subject") if template.subject else "",
        inside_address=list(recipient.get("address_lines", [])) if template.inside_address else [],
        recipient=recipient.get("full_name", ""),
        filename=recipient.get("file_stem", "letter"),
        draft=draft,
    )


def to_text(letter: Letter) -> str:
    """The finished letter as plain text: letterhead lines, date, salutation, paragraphs, close.

    English letters are dated under the letterhead; Chinese letters under the signature.
    """
    out = [line for line in (letter.layout.letterhead_zh, letter.layout.letterhead_en) if line]
    out.append("")
    if letter.language != "zh":
        out += [letter.date, ""]
    if letter.inside_address:
        out += [*letter.inside_address, ""]
    if letter.salutation:
        out += [letter.salutation, ""]
    out += markup.to_lines(letter.blocks)
    if letter.closing:
        out += ["", *letter.closing]
    out += ["", "", *letter.signature]
    if letter.language == "zh":
        out.append(letter.date)
    return "\n".join(out).rstrip() + "\n"
