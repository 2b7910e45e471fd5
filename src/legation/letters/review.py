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
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from legation.core import access
from legation.core.services import require_visible, writing
from legation.engagements.models import Engagement, Mission, Posting
from legation.letters import context as ctx
from legation.letters import library
from legation.letters.merge import (
    MergeResult,
    Recipient,
    has_channel,
    merge_renderers,
    produce,
)
from legation.letters.models import MergeJob, MergeRow
from legation.letters.segments import SegmentError, resolve_segment
from legation.letters.services import SEND_PERMISSION, bulk_history
from legation.letters.templates import LetterTemplate, parse_template

if TYPE_CHECKING:
    from legation.checks.verify import CheckedClaim

SUGGESTION_LIMIT = 280


class ContradictedLetter(ValidationError):
    """A letter of the job states something the ledger contradicts: it is not approved, queued or
    produced. ``claims`` lists each contradicted claim with the ledger's figure."""

    def __init__(self, claims: Sequence[CheckedClaim]) -> None:
        from legation.checks.gate import describe

        self.claims = list(claims)
        super().__init__(
            {
                "job": "The letter has claims the ledger contradicts: "
                + "; ".join(describe(c) for c in self.claims)
                + ". Correct the template and start a new merge."
            }
        )


def suggest_personal(engagement: Engagement | None, language: str) -> tuple[str, str]:
    """A personal line from an engagement the user may see, and what it came from.

    The line names the occasion ("I remember with gratitude our meeting on May 3, 2022 about
    trade."); the source shows the officer the summary's first sentence to build on. The caller
    passes an engagement read through ``visible_to``, so restricted notes never reach a user
    without clearance.
    """
    if engagement is None:
        return "", ""
    data = ctx.engagement_context(engagement, language)
    assert data is not None
    about = engagement.subject.strip().rstrip(".")
    if language == "zh":
        line = f"我至今记得{data['date']}与您的{data['kind']}（{about}），受益良多。"
    else:
        line = f"I remember with gratitude our {data['kind']} on {data['date']} about {about}."
    text = (engagement.summary or engagement.notes or "").strip()
    first = text.split(". ")[0].strip()
    source = f"{data['date_iso']} {engagement.get_kind_display()}: {engagement.subject}"
    if first:
        source += f" — {first}"
    return line[:SUGGESTION_LIMIT], source[:300]


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
        notes = ctx.personal_notes_with_level(ids, actor)
        rows = []
        for person in ctx.load_people(ids, actor):
            language = ctx.person_language(person, template.language)
            language = language if language in languages else template.language
            forms = person.forms_of_address()
            engagement = last.get(person.pk)
            (personal, level), source = notes.get(person.pk, ("", None)), "note on the person"
            if not personal:
                personal, source = suggest_personal(engagement, language)
                level = engagement.sensitivity if personal and engagement else None
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
                    suggestion_source=source if personal else "",
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
        raise ValidationError({"job": "This merge has been produced or cancelled already."})
    return row


def merge_row_update(
    *, actor: Any, row: MergeRow, salutation: str | None = None, personal: str | None = None
) -> MergeRow:
    """Edit a row in place; an edited row must be approved again."""
    with writing(actor, SEND_PERMISSION, description=f"edit merge row {row.pk}"):
        row = _row(actor, row)
        if salutation is not None:
            row.salutation = salutation.strip()[:200]
        if personal is not None:
            row.personal = personal.strip()
        row.approved, row.approved_by, row.approved_at = False, None, None
        row.full_clean()
        row.save()
        return row


def refuse_contradicted_rows(*, actor: Any, job: MergeJob, rows: Sequence[MergeRow]) -> None:
    """The merge's gate (``legation.checks.gate``) on a review job: the first of ``rows`` in each
    language is rendered as the officer left it (personal line included) and checked against the
    ledger on the letter's date; a contradicted claim raises ``ContradictedLetter``.

    The review queue has no ``--force``: a stale figure is corrected in the template.
    """
    from legation.checks.gate import StaleLetter, refuse_contradicted

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
    the approval."""
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
            raise ValidationError({"row": "The row was changed meanwhile: approve it again."})
        _approve(actor, row, approved)
        return row


def merge_job_approve_all(*, actor: Any, job: MergeJob) -> int:
    """Approve every row that can be sent (rows without an address for the channel stay out).

    The first letter in each language is checked first, as the command line's merge does."""
    access.require(actor, SEND_PERMISSION)
    pending = MergeRow.objects.visible_to(actor).filter(
        job=job, approved=False, channel_missing=False
    )
    first = first_rows_by_language(pending)
    if first:
        refuse_contradicted_rows(actor=actor, job=first[0].job, rows=first)
    with writing(actor, SEND_PERMISSION, description=f"approve merge job {job.pk}"):
        rows = pending.all()
        count = 0
        for row in rows.select_related("job"):
            if row.job.status != MergeJob.Status.REVIEW:
                raise ValidationError({"job": "This merge has been produced or cancelled already."})
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
        raise ValidationError({"job": "This merge has been produced or cancelled already."})
    rows = list(
        MergeRow.objects.visible_to(actor).filter(job=job, approved=True).select_related("person")
    )
    if not rows:
        raise ValidationError({"job": "No recipient is approved yet."})
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
