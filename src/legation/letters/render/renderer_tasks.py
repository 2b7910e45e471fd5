"""What renderer processes run: placeholders, typesetting, files (``isolation.py`` starts them).

Nothing here imports Django, so a renderer starts fast and never touches the database; each keeps
one Typst compiler (fonts loaded once) and one copy of the Word template. ``TASKS`` are what a
renderer may be asked to do; each takes plain data and gives (JSON data, bytes or None).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Any

from legation.letters.compose.letter import Layout, Letter, compose, to_text
from legation.letters.compose.letter_template import LetterTemplate


@dataclass
class Job:
    """One letter to produce."""

    index: int
    template: LetterTemplate
    context: dict[str, Any]
    layout: Layout
    format: str  # pdf, docx, eml, txt
    path: str
    salutation: str | None = None
    draft: bool = False
    docx_template: str = ""
    sender_email: str = ""
    keep_letter: bool = False  # send the composed letter back (for a combined print file)


@dataclass
class Done:
    index: int
    path: str = ""
    checksum: str = ""
    size: int = 0
    subject: str = ""
    error: str = ""
    letter: Letter | None = field(default=None, repr=False)
    # Set by the caller from the letter's context (``context.letter_context``'s "warnings").
    warnings: list[str] = field(default_factory=list)


def init(typeset: bool = True) -> None:
    """Renderer start: read the fonts and set a first letter, so what a renderer holds once
    ready (its memory baseline) includes Typst's threads and caches."""
    if not typeset:
        return
    from legation.letters.render.pdf import typesetter

    setter = typesetter()
    warm = Letter(
        language="en", template="warm-up", kind="other", layout=Layout("使馆", "Mission"),
        date="", salutation="", blocks=[{"t": "p", "runs": [["Warm-up 热身", 0]]}], closing=[],
        signature=[],
    )  # fmt: skip
    setter.pdf(warm)
    setter.png(warm, ppi=80.0)


def render_bytes(letter: Letter, job: Job) -> bytes:
    if job.format == "txt":
        return to_text(letter).encode("utf-8")
    if job.format == "docx":
        return _word_template(job.docx_template).render(letter)
    from legation.letters.render.pdf import render_pdf

    pdf = render_pdf(letter)
    if job.format == "pdf":
        return pdf
    return email_message(letter, job, pdf).as_bytes()


_word_stamps: dict[str, tuple[int, int]] = {}


def _word_template(path: str) -> Any:
    """The renderer's copy of a Word template, read again when the file has changed (a
    renderer serves many merges: the mission may have replaced its template meanwhile)."""
    from legation.letters.render.word import word_template

    if path:
        try:
            stat = os.stat(path)
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (0, 0)
        if _word_stamps.get(path, stamp) != stamp:
            word_template.cache_clear()
        _word_stamps[path] = stamp
    return word_template(path)


def email_message(letter: Letter, job: Job, pdf: bytes) -> EmailMessage:
    """A ready-to-send message: the letter as text, the PDF attached."""
    recipient = job.context.get("recipient", {})
    message = EmailMessage(policy=SMTP)
    message["Subject"] = letter.subject or letter.layout.letterhead_en
    if job.sender_email:
        message["From"] = formataddr((letter.layout.letterhead_en, job.sender_email))
    message["To"] = formataddr((recipient.get("name_en") or "", recipient.get("email", "")))
    message["Date"] = format_datetime(_now())
    message["Message-ID"] = make_msgid(domain="legation.invalid")
    message.set_content(to_text(letter))
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"{letter.filename}.pdf"
    )
    return message


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def produce(job: Job) -> Done:
    """Compose, render and write one letter; an error is reported, not raised."""
    from legation.letters.compose.sandbox import LetterTemplateError
    from legation.letters.render.pdf import PdfError
    from legation.letters.render.word import DocxError

    try:
        letter = compose(
            job.template, job.context, job.layout, salutation=job.salutation, draft=job.draft
        )
        data = render_bytes(letter, job)
    except (LetterTemplateError, PdfError, DocxError) as exc:
        return Done(job.index, error=str(exc))
    path = Path(job.path)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return Done(
        job.index,
        path=str(path),
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        subject=letter.subject,
        letter=letter if job.keep_letter else None,
    )


def done_to_json(done: Done) -> dict[str, Any]:
    data = {k: v for k, v in done.__dict__.items() if k != "letter"}
    data["letter"] = done.letter.to_json() if done.letter is not None else None
    return data


def done_from_json(data: dict[str, Any]) -> Done:
    letter = data.pop("letter", None)
    return Done(**data, letter=Letter.from_json(letter) if letter else None)


def _task_produce(job: Job) -> tuple[Any, None]:
    return done_to_json(produce(job)), None


def _composed(
    template: LetterTemplate, context: dict[str, Any], layout: Layout, salutation: str | None,
    draft: bool,
) -> Letter:  # fmt: skip
    return compose(template, context, layout, salutation=salutation, draft=draft)


def _task_compose(*args: Any) -> tuple[Any, None]:
    return _composed(*args).to_json(), None


def _task_pdf(*args: Any) -> tuple[Any, bytes]:
    from legation.letters.compose.sandbox import LetterTemplateError
    from legation.letters.render.pdf import PdfError, render_pdf

    letter = _composed(*args)
    try:
        return letter.to_json(), render_pdf(letter)
    except PdfError as exc:
        raise LetterTemplateError(str(exc)) from None


def _task_png(*args: Any) -> tuple[Any, bytes]:
    from legation.letters.compose.sandbox import LetterTemplateError
    from legation.letters.render.pdf import PdfError, typesetter

    *compose_args, ppi = args
    letter = _composed(*compose_args)
    try:
        return letter.to_json(), typesetter().png(letter, ppi=ppi)
    except PdfError as exc:
        raise LetterTemplateError(str(exc)) from None


TASKS = {"produce": _task_produce, "compose": _task_compose, "pdf": _task_pdf, "png": _task_png}
