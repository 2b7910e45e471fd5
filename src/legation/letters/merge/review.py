"""The review queue: a merge laid out recipient by recipient before anything is produced.

``merge_job_create`` makes a job with one row per recipient (salutation, a personal line
suggested from the last engagement the officer may see, language); the officer edits rows
(``merge_row_update``), approves them one by one or all at once, and ``merge_job_produce`` renders
and records only the approved ones. These are plain service functions taking the acting user, so
the web page (and its background job) call them exactly as the command line would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_update_with_history

from legation.claims.verify import CheckedClaim
from legation.core import access
from legation.core.models import Mission
from legation.core.services import require_visible, writing
from legation.engagements.models import Engagement, Posting
from legation.letters.compose import context as ctx
from legation.letters.compose import library
from legation.letters.compose.letter_template import LetterTemplate, parse_template
from legation.letters.compose.personal import SOURCE_LIMIT, suggest_line, suggestion_source
from legation.letters.merge.gate import StaleLetter, describe, refuse_contradicted
from legation.letters.merge.production import (
    MergeResult,
    Recipient,
    has_channel,
    produce,
)
from legation.letters.merge.segments import SegmentError, resolve_segment
from legation.letters.models import MergeJob, MergeRow, PersonalSource
from legation.letters.render.pools import merge_renderers
from legation.letters.services import SEND_PERMISSION, bulk_history


class ContradictedLetter(ValidationError):
    """A letter of the job states something the ledger contradicts: it is not approved, queued or
    produced. ``claims`` lists each contradicted claim with the ledger's figure."""

    def __init__(self, claims: Sequence[CheckedClaim]) -> None:
        self.claims = list(claims)
        super().__init__(
            {
                "job": "The letter has claims the ledger contradicts: "
                + "; ".join(describe(c) for c in self.claims)
                + ". Correct the template and start a new merge."
            }
        )


def suggest_personal(engagement: Engagement | None, language: str) -> tuple[str, str]:
    """A personal line suggested from an engagement the user may see, and what it came from.

    The line is a sentence of its own in the letter's language (``personal.suggest_line``:
    "I remember with gratitude our meeting in Sacramento on May 3, 2022."), never the record's
    subject or notes; the source shows the officer the subject and the summary's first sentence
    to build on. ``context.last_engagements`` never gives a restricted engagement.
    """
    if engagement is None:
        return "", ""
    return suggest_line(engagement, language), suggestion_source(engagement)


def merge_job_create(
    *,
    actor: Any,
    template: LetterTemplate,
    segment: str,
    posting: Posting,
    letter_date: dt.date,
    fmt: str = "pdf",
    auto_language: bool = False,
) -> MergeJob:
    """A job in review with one row per recipient of the segment the actor may see."""
    with writing(actor, SEND_PERMISSION, description=f"merge job {template.label}"):
        require_visible(Mission.objects, actor, [posting.mission], "mission")
        require_visible(Posting.objects, actor, [posting], "posting")
        try:
            filter_text, people = resolve_segment(segment, actor, mission=posting.mission)
        except SegmentError as exc:
            raise ValidationError({"segment": str(exc)}) from None
        people = people.filter(mission=posting.mission)
        languages = (
            library.variants_for(actor, posting.mission, template)
            if auto_language
            else {template.language: template}
        )
        job = MergeJob.objects.create(
            mission=posting.mission,
            posting=posting,
            template_name=template.name,
            template_text=_texts(languages),
            language="auto" if auto_language else template.language,
            letter_date=letter_date,
            format=fmt,
            segment=filter_text,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        ids = list(people.values_list("pk", flat=True))
        last = ctx.last_engagements(ids, actor)
        notes = ctx.personal_notes_by_language(ids, actor)
        rows = []
        for person in ctx.load_people(ids, actor):
            language = ctx.person_language(person, template.language)
            language = language if language in languages else template.language
            forms = person.forms_of_address()
            engagement = last.get(person.pk)
            note = ctx.pick_note(notes.get(person.pk, {}), language) or ("", None)
            (personal, level), source = note, "note on the person"
            origin = PersonalSource.NOTE
            mismatched = bool(personal) and not ctx.personal_fits(personal, language)
            if mismatched:
                personal = ""  # a note in the other language is never used silently
            if not personal:
                personal, source = suggest_personal(engagement, language)
                if mismatched:
                    # Beside the row: why the note was not taken, and what was offered instead.
                    source = f"{ctx.personal_warning(language)} {source}".strip()
                level = engagement.sensitivity if personal and engagement else None
                origin = PersonalSource.MACHINE
            # The row is as sensitive as what its line came from, and as the engagement its
            # letter cites (if the template reads ``last_engagement``): the job takes the most.
            sensitivity = max(
                ctx.letter_sensitivity(t, personal_level=level, last=engagement)
                for t in languages.values()
            )
            rows.append(
                MergeRow(
                    job=job,
                    person=person,
                    language=language,
                    salutation=forms.salutation_zh if language == "zh" else forms.salutation_en,
                    personal=personal,
                    suggestion_source=(source if personal or mismatched else "")[:SOURCE_LIMIT],
                    personal_source=origin if personal else PersonalSource.NONE,
                    channel_missing=not has_channel(person, fmt),
                    sensitivity=sensitivity,
                )
            )
        for row in rows:  # one by one, so every row has its historical "+" entry
            row.save()
        level = max([job.sensitivity, *(row.sensitivity for row in rows)])
        if level != job.sensitivity:
            job.sensitivity = level
            job.save(update_fields=["sensitivity"])
        return job


_SEPARATOR = "\n\x1e\n"  # between the languages of a job's template text


def _texts(languages: dict[str, LetterTemplate]) -> str:
    return _SEPARATOR.join(template.source for template in languages.values())


def job_templates(job: MergeJob) -> dict[str, LetterTemplate]:
    """The job's templates as they were when it was created, by language."""
    out = {}
    for text in job.template_text.split(_SEPARATOR):
        if text.strip():
            template = parse_template(text, default_name=job.template_name)
            out[template.language] = template
    return out


def _row(actor: Any, row: MergeRow) -> MergeRow:
    row = MergeRow.objects.visible_to(actor).select_related("job").get(pk=row.pk)
    if row.job.status != MergeJob.Status.REVIEW:
        raise ValidationError(
            {"job": gettext("This merge has been produced or cancelled already.")}
        )
    return row


def merge_row_update(
    *,
    actor: Any,
    row: MergeRow,
    salutation: str | None = None,
    personal: str | None = None,
    confirm: bool = False,
) -> MergeRow:
    """Edit a row in place; an edited row must be approved again.

    The personal line's source follows what the officer did: a changed line is theirs
    (``person``), an emptied one ``cleared``, and ``confirm`` takes a machine suggestion as it
    stands (``confirmed``). Saving the row unchanged (say, only its salutation) leaves a
    suggestion a suggestion."""
    with writing(actor, SEND_PERMISSION, description=f"edit merge row {row.pk}"):
        row = _row(actor, row)
        if salutation is not None:
            row.salutation = salutation.strip()[:200]
        if personal is not None:
            line = personal.strip()
            if not line:
                if row.personal or row.personal_source == PersonalSource.MACHINE:
                    row.personal_source = PersonalSource.CLEARED
            elif line != row.personal:
                row.personal_source = PersonalSource.PERSON
            row.personal = line
        if confirm and row.personal_source == PersonalSource.MACHINE:
            row.personal_source = PersonalSource.CONFIRMED
        row.approved, row.approved_by, row.approved_at = False, None, None
        row.full_clean()
        row.save()
        return row


def refuse_contradicted_rows(*, actor: Any, job: MergeJob, rows: Sequence[MergeRow]) -> None:
    """The merge's gate (``legation.letters.merge.gate``) on a review job: the first of ``rows`` in each
    language is rendered as the officer left it (personal line included) and checked against the
    ledger on the letter's date; a contradicted claim raises ``ContradictedLetter``.

    The review queue has no ``--force``: a stale figure is corrected in the template.
    """
    if not rows:
        return
    try:
        refuse_contradicted(
            actor=actor,
            templates=job_templates(job),
            recipients=[
                Recipient(
                    r.person, personal=r.personal, salutation=r.salutation, language=r.language
                )
                for r in rows
            ],
            posting=job.posting,
            letter_date=job.letter_date,
        )
    except StaleLetter as exc:
        raise ContradictedLetter(exc.claims) from None


def _as_checked(row: MergeRow) -> tuple[Any, ...]:
    return (row.person_id, row.language, row.personal, row.salutation)


def merge_row_approve(*, actor: Any, row: MergeRow, approved: bool = True) -> MergeRow:
    """Approve a row (its letter is checked first: see ``refuse_contradicted_rows``) or withdraw
    the approval. Approving one row, its line in front of the officer, confirms a machine
    suggestion it carries (the row's history records it)."""
    checked = None
    if approved:
        # Checked before the write transaction, which would otherwise hold the database's write
        # lock while the letter is rendered and checked.
        access.require(actor, SEND_PERMISSION)
        checked = _row(actor, row)
        refuse_contradicted_rows(actor=actor, job=checked.job, rows=[checked])
    with writing(actor, SEND_PERMISSION, description=f"approve merge row {row.pk}"):
        row = _row(actor, row)
        if checked is not None and _as_checked(row) != _as_checked(checked):
            raise ValidationError(
                {"row": gettext("The row was changed meanwhile: approve it again.")}
            )
        _approve(actor, row, approved)
        return row


def unconfirmed_suggestions(rows: Any) -> Any:
    """The rows whose personal line is a machine suggestion no person has confirmed."""
    return rows.filter(personal_source=PersonalSource.MACHINE).exclude(personal="")


def merge_job_approve_all(*, actor: Any, job: MergeJob) -> int:
    """Approve every row that can be sent and whose personal line a person wrote, confirmed or
    cleared (or that has none): rows without an address for the channel, and rows with an
    unconfirmed machine suggestion, stay pending.

    The first letter in each language is checked first, as the command line's merge does."""
    access.require(actor, SEND_PERMISSION)
    job = MergeJob.objects.visible_to(actor).get(pk=job.pk)
    if job.status != MergeJob.Status.REVIEW:
        raise ValidationError(
            {"job": gettext("This merge has been produced or cancelled already.")}
        )
    pending = MergeRow.objects.visible_to(actor).filter(
        job=job, approved=False, channel_missing=False
    )
    pending = pending.exclude(pk__in=unconfirmed_suggestions(pending).values("pk"))
    first = first_rows_by_language(pending)
    if first:
        refuse_contradicted_rows(actor=actor, job=first[0].job, rows=first)
    with writing(actor, SEND_PERMISSION, description=f"approve merge job {job.pk}"):
        rows = pending.all()
        count = 0
        for row in rows.select_related("job"):
            if row.job.status != MergeJob.Status.REVIEW:
                raise ValidationError(
                    {"job": gettext("This merge has been produced or cancelled already.")}
                )
            _approve(actor, row, True)
            count += 1
        return count


def first_rows_by_language(rows: Any) -> list[MergeRow]:
    """The first row (by id) in each language: the letters the gate checks."""
    languages = sorted(set(rows.order_by().values_list("language", flat=True).distinct()))
    rows = rows.select_related("job__posting__mission", "person").order_by("pk")
    return [rows.filter(language=language).first() for language in languages]


def _approve(actor: Any, row: MergeRow, approved: bool) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    if approved and row.is_suggestion:
        row.personal_source = PersonalSource.CONFIRMED
    row.approved = approved
    row.approved_by = user if approved else None
    row.approved_at = timezone.now() if approved else None
    row.save()


def merge_job_produce(
    *,
    actor: Any,
    job: MergeJob,
    out_dir: Path,
    draft: bool = False,
    combined: bool = False,
    workers: int = 1,
    progress: Any = None,
) -> MergeResult:
    """Render and record the approved rows only, with their salutations and personal lines."""
    job = MergeJob.objects.visible_to(actor).select_related("posting__mission").get(pk=job.pk)
    if job.status != MergeJob.Status.REVIEW:
        raise ValidationError(
            {"job": gettext("This merge has been produced or cancelled already.")}
        )
    rows = list(
        MergeRow.objects.visible_to(actor).filter(job=job, approved=True).select_related("person")
    )
    if not rows:
        raise ValidationError({"job": gettext("No recipient is approved yet.")})
    if any(r.is_suggestion for r in rows):  # approved before suggestions had to be confirmed
        raise ValidationError(
            {"job": "An approved row carries a suggested personal line no one has confirmed."}
        )
    # The renderers start now, in the background, while the first letters are checked and the
    # ledger is read; the gate's letters and the merge's are typeset by them.
    with merge_renderers(fmt=job.format, count=len(rows), workers=workers):
        return _produce_rows(
            actor=actor, job=job, rows=rows, out_dir=out_dir, draft=draft, combined=combined,
            workers=workers, progress=progress,
        )  # fmt: skip


def _produce_rows(
    *, actor: Any, job: MergeJob, rows: list[MergeRow], out_dir: Path, draft: bool,
    combined: bool, workers: int, progress: Any,
) -> MergeResult:  # fmt: skip
    # Checked again before anything goes out: the ledger may have changed since the approval.
    refuse_contradicted_rows(actor=actor, job=job, rows=rows)
    marked = []

    def mark_produced(result: MergeResult) -> None:
        """Rows and job status, in the transaction that records the letters."""
        by_person = {o.person.pk: o for o in result.outcomes}
        with writing(actor, SEND_PERMISSION, description=f"produced merge job {job.pk}"):
            for row in rows:
                outcome = by_person.get(row.person_id)
                row.engagement_id = outcome.engagement_id if outcome else None
                # A letter may quote more than the row did (an engagement added since): the row
                # and the job are raised to it, never lowered.
                if outcome is not None and outcome.engagement_id:
                    row.sensitivity = max(row.sensitivity, outcome.sensitivity)
            # In bulk, each row with its historical "~" entry in the operation (one query per
            # 500 rows rather than two per row).
            bulk_update_with_history(
                rows, MergeRow, ["engagement", "sensitivity"], **bulk_history()
            )
            job.status = MergeJob.Status.PRODUCED
            job.produced_at = timezone.now()
            job.sensitivity = max([job.sensitivity, *(row.sensitivity for row in rows)])
            job.save(update_fields=["status", "produced_at", "sensitivity"])
        marked.append(True)

    result = produce(
        actor=actor,
        templates=job_templates(job),
        recipients=[
            Recipient(
                r.person,
                personal=r.personal,
                salutation=r.salutation,
                language=r.language,
                sensitivity=r.sensitivity,
            )
            for r in rows
        ],
        posting=job.posting,
        letter_date=job.letter_date,
        fmt=job.format,
        out_dir=out_dir,
        draft=draft,
        combined=combined,
        workers=workers,
        progress=progress,
        job=None if draft else job,
        segment=job.segment,
        on_recorded=None if draft else mark_produced,
    )
    if not draft and not marked:  # nothing could be sent: the job is done all the same
        with transaction.atomic():
            mark_produced(result)
    return result
