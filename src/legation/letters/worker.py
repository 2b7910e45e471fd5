"""The part of a merge that runs in worker processes: placeholders, typesetting, files.

Nothing here imports Django, so a worker process starts fast and never touches the database;
each keeps one Typst compiler (fonts loaded once) and one copy of the Word template.
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

from legation.letters.compose import Layout, Letter, compose, to_text
from legation.letters.templates import LetterTemplate


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


def init() -> None:
    """Worker start: read the fonts and the layout once, before the first letter."""
    from legation.letters.render_pdf import typesetter

    typesetter()


def render_bytes(letter: Letter, job: Job) -> bytes:
    if job.format == "txt":
        return to_text(letter).encode("utf-8")
    if job.format == "docx":
        from legation.letters.render_docx import word_template

        return word_template(job.docx_template).render(letter)
    from legation.letters.render_pdf import render_pdf

    pdf = render_pdf(letter)
    if job.format == "pdf":
        return pdf
    return email_message(letter, job, pdf).as_bytes()


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
    from legation.letters.render_docx import DocxError
    from legation.letters.render_pdf import PdfError
    from legation.letters.sandbox import LetterTemplateError

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


def produce_batch(jobs: list[Job]) -> list[Done]:
    return [produce(job) for job in jobs]
