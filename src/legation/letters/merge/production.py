"""Producing letters: one recipient (``render_one``) or many (``produce``), then recording them.

The database work (recipients, context, recording) happens in the calling process; placeholders,
typesetting and writing files happen in ``render.renderer_tasks`` functions, always in renderer
processes (``render.pools``) under the limits of ``render.isolation`` (one Typst compiler per
process, fonts loaded once per process), which get plain data and never touch the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from legation.core.access import require
from legation.core.files import local_copy, removed_if_rolled_back, replace_file
from legation.core.models import Sensitivity
from legation.core.signals import security_event
from legation.core.spreadsheets import safe_cell
from legation.engagements.models import Posting
from legation.letters import services
from legation.letters.compose import context as ctx
from legation.letters.compose.letter_template import LetterTemplate
from legation.letters.render import isolation, renderer_tasks
from legation.letters.render.pdf import render_combined
from legation.letters.render.pools import BATCH, merge_renderers, renderers
from legation.people.models import Person

CHANNEL_OF_FORMAT = {"pdf": "address", "docx": "address", "eml": "email", "txt": "none"}
MIN_BATCH = 8
Progress = Callable[[int, int], None]


@dataclass
class Recipient:
    """One addressee, with what the officer chose for them (None: computed)."""

    person: Person
    personal: str | None = None
    salutation: str | None = None
    language: str | None = None
    # The sensitivity of what ``personal`` was taken from (a review row's), None: the officer's.
    sensitivity: int | None = None


@dataclass
class Outcome:
    person: Person
    language: str = ""
    path: str = ""
    checksum: str = ""
    status: str = "rendered"
    engagement_id: int | None = None
    sensitivity: int = Sensitivity.INTERNAL
    # What the officer should know about the letter (no Chinese name, a personal line left out).
    warnings: list[str] = field(default_factory=list)


@dataclass
class MergeResult:
    out_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    manifest: Path | None = None
    combined: Path | None = None
    recorded: int = 0

    @property
    def rendered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "rendered"]

    @property
    def missing(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status.startswith("skipped")]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status.startswith("error")]


# A mission's own Word template is a stored file (docs/storage.md), so every server and worker
# reads the same one; `legation letters word-template` saves or removes it.
WORD_TEMPLATES = "templates/word"


def word_template_name(mission: Any) -> str:
    return f"{WORD_TEMPLATES}/{mission.ref}.docx"


def docx_template_for(posting: Posting) -> str:
    """A real file holding the mission's Word template (stored as templates/word/<MISSION
    REF>.docx), else "" for the default. A file left at $LEGATION_HOME/letters/<MISSION REF>.docx
    by an older legation is still read while nothing is stored (one server only: save it with
    `legation letters word-template` to share it)."""
    stored = local_copy(word_template_name(posting.mission))
    if stored is not None:
        return str(stored)
    own = Path(settings.LEGATION_HOME) / "letters" / f"{posting.mission.ref}.docx"
    return str(own) if own.is_file() else ""


def word_template_save(mission: Any, data: bytes | None) -> str:
    """Store (or, with None, remove) the mission's Word template; returns its storage name.
    The file is checked as the renderer will read it (size, members, a zip at all)."""
    from legation.letters.render.word import check_zip

    name = word_template_name(mission)
    if data is None:
        if default_storage.exists(name):
            default_storage.delete(name)
        return name
    check_zip(data, f"{mission.ref}.docx")
    return replace_file(name, data)


def has_channel(person: Person, fmt: str) -> bool:
    channel = CHANNEL_OF_FORMAT[fmt]
    if channel == "address":
        return bool(list(person.addresses.all()))
    if channel == "email":
        return bool(list(person.emails.all()))
    return True


def _done(reply: isolation.Reply, index: int) -> renderer_tasks.Done:
    if reply.stopped is not None:
        return renderer_tasks.Done(index, error=str(reply.stopped))
    if reply.error:  # not a letter's error (those come in the answer): the renderer's own
        return renderer_tasks.Done(index, error=reply.error)
    return renderer_tasks.done_from_json(reply.value)


def _run(
    pool: isolation.RenderPool,
    jobs: Iterable[renderer_tasks.Job],
    total: int,
    progress: Progress | None,
) -> list[renderer_tasks.Done]:
    """Produce the letters in the pool's renderer processes, in batches sent as they are
    built, so building contexts here overlaps typesetting there."""
    done: list[renderer_tasks.Done] = []
    # Batches small enough that the renderers finish together (the last batch does not keep one
    # busy while the others wait), large enough that sending them costs little.
    size = max(MIN_BATCH, min(BATCH, -(-total // (pool.size * 8))))
    batches = isolation.iter_batches(jobs, size)
    first = next(batches, None)
    if first is None:
        return done

    def work() -> Iterator[tuple[list[tuple[Any, ...]], list[str], list[renderer_tasks.Job]]]:
        for batch in itertools.chain([first], batches):
            labels = [f"{job.template.label} ({Path(job.path).name})" for job in batch]
            yield [(job,) for job in batch], labels, batch

    def collect(replies: list[isolation.Reply], batch: list[renderer_tasks.Job]) -> None:
        done.extend(_done(reply, job.index) for reply, job in zip(replies, batch, strict=True))
        if progress:
            progress(len(done), total)

    pool.map("produce", work(), collect)
    return done


def produce(
    *,
    actor: Any,
    templates: dict[str, LetterTemplate],
    recipients: Sequence[Recipient],
    posting: Posting,
    letter_date: dt.date,
    fmt: str,
    out_dir: Path,
    draft: bool = False,
    combined: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
    job: Any = None,
    segment: str = "",
    on_recorded: Callable[[MergeResult], None] | None = None,
) -> MergeResult:
    """Render letters for ``recipients`` into ``out_dir``, record them unless ``draft``.

    ``templates`` maps a language to the template in that language; a recipient's language is
    theirs if a template exists in it, else the first template's. People with no address for the
    channel are listed in the result and the manifest, never silently skipped.

    The letters are typeset by the renderers of an enclosing ``merge_renderers`` block, else by
    the merge's own, started before the ledger is read.
    """
    if not draft:
        require(actor, services.SEND_PERMISSION)
    with merge_renderers(fmt=fmt, count=len(recipients), workers=workers) as pool:
        return _produce(
            pool,
            actor=actor,
            templates=templates,
            recipients=recipients,
            posting=posting,
            letter_date=letter_date,
            fmt=fmt,
            out_dir=out_dir,
            draft=draft,
            combined=combined,
            progress=progress,
            job=job,
            segment=segment,
            on_recorded=on_recorded,
        )


def _produce(
    pool: isolation.RenderPool,
    *,
    actor: Any,
    templates: dict[str, LetterTemplate],
    recipients: Sequence[Recipient],
    posting: Posting,
    letter_date: dt.date,
    fmt: str,
    out_dir: Path,
    draft: bool,
    combined: bool,
    progress: Progress | None,
    job: Any,
    segment: str,
    on_recorded: Callable[[MergeResult], None] | None,
) -> MergeResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    default_language = next(iter(templates))
    basis = ctx.LetterBasis.build(posting, actor=actor, letter_date=letter_date)
    ids = [r.person.pk for r in recipients]
    people = {p.pk: p for p in ctx.load_people(ids, actor)}
    last = ctx.last_engagements(ids, actor)
    notes = ctx.personal_notes_by_language(ids, actor)
    shared = {lang: basis.shared(lang) for lang in templates}
    docx_path = docx_template_for(posting) if fmt == "docx" else ""
    sender_email = getattr(settings, "DEFAULT_FROM_EMAIL", "")
    result = MergeResult(out_dir=out_dir)
    todo: list[tuple[int, Recipient, Person]] = []
    for r in recipients:
        person = people.get(r.person.pk)
        if person is None:  # not visible to the actor: never written to
            continue
        language = r.language if r.language in templates else default_language
        result.outcomes.append(Outcome(person=person, language=language))
        if not has_channel(person, fmt):
            result.outcomes[-1].status = f"skipped: no {CHANNEL_OF_FORMAT[fmt]}"
        else:
            todo.append((len(result.outcomes) - 1, r, person))

    def jobs() -> Iterator[renderer_tasks.Job]:
        for index, r, person in todo:
            language = result.outcomes[index].language
            if r.personal is not None:
                personal, level = r.personal, r.sensitivity
            else:
                personal, level = ctx.pick_note(notes.get(person.pk, {}), language) or ("", None)
            # The letter is as sensitive as what it quotes; its engagement and file inherit it.
            result.outcomes[index].sensitivity = ctx.letter_sensitivity(
                templates[language], personal_level=level if personal else None,
                last=last.get(person.pk),
            )  # fmt: skip
            context = ctx.letter_context(
                basis,
                person,
                language=language,
                personal=personal,
                last=last.get(person.pk),
                shared=shared[language],
            )
            result.outcomes[index].warnings = list(context["warnings"])
            yield renderer_tasks.Job(
                index=index,
                template=templates[language],
                context=context,
                layout=basis.layout,
                format=fmt,
                path=str(out_dir / f"{context['recipient']['file_stem']}.{fmt}"),
                salutation=r.salutation,
                draft=draft,
                docx_template=docx_path,
                sender_email=sender_email,
                keep_letter=combined,
            )

    done = _run(pool, jobs(), len(todo), progress)
    sent: list[tuple[Outcome, services.SentLetter]] = []
    letters_for_print = []
    for item in done:
        outcome = result.outcomes[item.index]
        if item.error:
            outcome.status = f"error: {item.error}"
            continue
        outcome.path, outcome.checksum = item.path, item.checksum
        if item.letter is not None:
            letters_for_print.append(item.letter)
        template = templates[outcome.language]
        sent.append(
            (
                outcome,
                services.SentLetter(
                    person=outcome.person,
                    path=item.path,
                    checksum=item.checksum,
                    size=item.size,
                    subject=item.subject,
                    language=outcome.language,
                    template_name=template.label,
                    template_checksum=template.checksum,
                    format=fmt,
                    sensitivity=outcome.sensitivity,
                ),
            )
        )
    if combined and letters_for_print:
        result.combined = out_dir / "combined.pdf"
        result.combined.write_bytes(render_combined(letters_for_print))
    if not draft and sent:
        # One transaction for the letters and whatever the caller records with them (a review
        # job's status), so an interruption leaves either all of it or none: if it is rolled
        # back, the files saved in storage go too.
        with removed_if_rolled_back(), transaction.atomic():
            engagements = services.letters_record_bulk(
                actor=actor,
                posting=posting,
                letters=[s for _, s in sent],
                letter_date=letter_date,
                job=job,
                description=f"letters merge {next(iter(templates.values())).name}",
            )
            for (outcome, _), engagement in zip(sent, engagements, strict=True):
                outcome.engagement_id = engagement.pk
            result.recorded = len(engagements)
            if on_recorded is not None:
                on_recorded(result)
    result.manifest = write_manifest(out_dir / "manifest.csv", result.outcomes)
    security_event(
        "merge",
        user=actor,
        username=actor.get_username(),
        template=next(iter(templates.values())).name,
        languages=sorted(templates),
        segment=segment,
        format=fmt,
        draft=draft,
        rendered=len(result.rendered),
        skipped=len(result.missing),
        failed=len(result.failed),
        recorded=result.recorded,
        job=getattr(job, "pk", None),
    )
    return result


def write_manifest(path: Path, outcomes: Sequence[Outcome]) -> Path:
    """Who got what: one row per recipient, with the file, its checksum and the engagement."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["person_id", "ref", "name", "name_zh", "language", "status", "file", "sha256",
             "engagement_id", "warnings"]
        )  # fmt: skip
        for o in outcomes:
            out.writerow(
                safe_cell(v)
                for v in (
                    o.person.pk,
                    o.person.ref or "",
                    o.person.full_name,
                    o.person.name_zh,
                    o.language,
                    o.status,
                    Path(o.path).name if o.path else "",
                    o.checksum,
                    o.engagement_id or "",
                    " | ".join(o.warnings),
                )
            )
    return path


def render_one(
    *,
    actor: Any,
    template: LetterTemplate,
    person: Person,
    posting: Posting,
    letter_date: dt.date,
    fmt: str,
    out: Path,
    personal: str | None = None,
    draft: bool = False,
) -> tuple[renderer_tasks.Done, Any]:
    """One letter to one person; recorded through ``engagement_create`` unless ``draft``."""
    if not draft:
        require(actor, services.SEND_PERMISSION)
    person, basis, context = ctx.one_letter(
        template, person, posting, actor, letter_date=letter_date, personal=personal
    )
    # As sensitive as what it quotes: the personal note it took, the engagement it cites.
    note = (
        ctx.personal_notes_with_level([person.pk], actor, template.language).get(person.pk)
        if personal is None
        else None
    )
    level = ctx.letter_sensitivity(
        template,
        personal_level=note[1] if note else None,
        last=ctx.last_engagements([person.pk], actor).get(person.pk),
    )
    job = renderer_tasks.Job(
        index=0,
        template=template,
        context=context,
        layout=basis.layout,
        format=fmt,
        path=str(out),
        draft=draft,
        docx_template=docx_template_for(posting) if fmt == "docx" else "",
        sender_email=getattr(settings, "DEFAULT_FROM_EMAIL", ""),
    )
    reply = renderers().run("produce", [(job,)], [template.label])[0]
    done = _done(reply, 0)
    done.warnings = list(context["warnings"])
    engagement = None
    if not done.error and not draft:
        engagement = services.letter_record(
            actor=actor,
            posting=posting,
            letter=services.SentLetter(
                person=person,
                path=done.path,
                checksum=done.checksum,
                size=done.size,
                subject=done.subject,
                language=template.language,
                template_name=template.label,
                template_checksum=template.checksum,
                format=fmt,
                sensitivity=level,
            ),
            letter_date=letter_date,
        )
    return done, engagement
