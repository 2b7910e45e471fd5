"""Writes of the letters app: segments, and letters recorded as sent.

A letter sent is an engagement of kind "letter sent" on the recipient's timeline, staffed by the
sender's posting, with a ``LetterRecord`` holding the file (in storage), the template and the
file's SHA-256. One letter goes through ``engagement_create``; a merge records all its letters in
bulk, in one transaction and one audited operation (historical rows included), because a merge of
thousands would otherwise spend more time recording than typesetting. Files are saved in storage
(``core.files``) inside that transaction; if it is rolled back, they are deleted again
(``core.files.removed_if_rolled_back``), so no file is left that no record names.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from legation.core import audit
from legation.core.deletion import refuse_hidden_dependants
from legation.core.files import removed_if_rolled_back, save_file
from legation.core.models import Mission, Sensitivity
from legation.core.services import require_visible, writing
from legation.engagements.models import (
    Engagement,
    EngagementParticipant,
    EngagementStaff,
    Kind,
    Posting,
)
from legation.engagements.services import engagement_create
from legation.letters.compose.letter_template import LetterTemplate, parse_template
from legation.letters.compose.sandbox import LetterTemplateError
from legation.letters.merge.segments import SegmentError, resolve_filter
from legation.letters.models import LetterRecord, MergeJob, MissionTemplate, Segment
from legation.people.models import Person

SEND_PERMISSION = "engagements.add_engagement"


def segment_create(
    *, actor: Any, mission: Mission, name: str, filter: str, description: str = ""
) -> Segment:
    """Save a filter under a name; the filter is checked by resolving it for the actor."""
    with writing(actor, SEND_PERMISSION, description=f"save segment {name}"):
        require_visible(Mission.objects, actor, [mission], "mission")
        _check_filter(filter, actor, mission)
        segment = Segment(
            mission=mission, name=name, filter=filter.strip(), description=description
        )
        segment.full_clean()
        segment.save()
        return segment


def segment_update(*, actor: Any, segment: Segment, **fields: Any) -> Segment:
    with writing(actor, SEND_PERMISSION, description=f"update segment {segment.pk}"):
        segment = Segment.objects.visible_to(actor).get(pk=segment.pk)
        for key in ("name", "filter", "description"):
            if key in fields:
                setattr(segment, key, fields.pop(key))
        if fields:
            raise ValidationError(dict.fromkeys(fields, gettext("This field cannot be set here.")))
        _check_filter(segment.filter, actor, segment.mission)
        segment.full_clean()
        segment.save()
        return segment


def segment_delete(*, actor: Any, segment: Segment) -> None:
    with writing(actor, SEND_PERMISSION, description=f"delete segment {segment.pk}"):
        segment = Segment.objects.visible_to(actor).get(pk=segment.pk)
        refuse_hidden_dependants(segment, actor)
        segment.delete()


def _check_filter(text: str, actor: Any, mission: Mission) -> None:
    try:
        resolve_filter(text, actor, country=mission.host_country).exists()
    except SegmentError as exc:
        raise ValidationError({"filter": str(exc)}) from None


@dataclass
class SentLetter:
    """A letter produced for sending, ready to be recorded."""

    person: Person
    path: str
    checksum: str
    size: int
    subject: str
    language: str
    template_name: str
    template_checksum: str
    format: str
    # As sensitive as the most sensitive record the letter quotes (internal at least): the
    # "letter sent" engagement, and with it the file, reach only users cleared for it.
    sensitivity: int = Sensitivity.INTERNAL


def _media_copy(source: str, folder: str) -> str:
    """Save the file in storage (a hard link into a folder storage when possible); returns the
    storage name, reported as placed (deleted again if the recording rolls back)."""
    return save_file(f"letters/{folder}/{Path(source).name}", source, link=True)


def _folder(day: dt.date) -> str:
    return f"{day:%Y/%m}/{uuid.uuid4().hex[:12]}"


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _subject(letter: SentLetter) -> str:
    return (letter.subject or f"Letter ({letter.template_name})")[:300]


def letter_record(
    *, actor: Any, posting: Posting, letter: SentLetter, letter_date: dt.date, job: Any = None
) -> Engagement:
    """Record one letter sent: its engagement (through ``engagement_create``) and its file."""
    with (
        removed_if_rolled_back(),
        writing(actor, SEND_PERMISSION, description=f"letter to person {letter.person.pk}"),
    ):
        engagement = engagement_create(
            actor=actor,
            mission=posting.mission,
            people=[letter.person],
            staff=[posting],
            kind=Kind.LETTER_SENT,
            start=_start(letter_date),
            duration=dt.timedelta(0),
            subject=_subject(letter),
            summary=f"{letter.template_name} ({letter.format})",
            sensitivity=max(letter.sensitivity, Sensitivity.INTERNAL),
        )
        LetterRecord.objects.create(
            engagement=engagement,
            mission=posting.mission,
            person=letter.person,
            template_name=letter.template_name,
            template_checksum=letter.template_checksum,
            language=letter.language,
            format=letter.format,
            file=_media_copy(letter.path, _folder(letter_date)),
            checksum=letter.checksum,
            size=letter.size,
            job=job,
        )
        return engagement


def bulk_history() -> dict[str, Any]:
    """What bulk writes with history pass to ``bulk_create_with_history`` and
    ``bulk_update_with_history``: every historical row stamped with the open audited operation,
    its source and its user, as a single save's would be (``core.audit``)."""
    ctx = audit.current()
    assert ctx is not None  # opened by writing()
    return {
        "default_user": ctx.actor,
        "custom_historical_attrs": {"operation": ctx.ensure_operation(), "source": ctx.source},
        "batch_size": 500,
    }


def letters_record_bulk(
    *,
    actor: Any,
    posting: Posting,
    letters: Sequence[SentLetter],
    letter_date: dt.date,
    job: MergeJob | None = None,
    description: str = "letters merge",
) -> list[Engagement]:
    """Record many letters sent in one transaction and one audited operation.

    The same checks as ``engagement_create``: the actor's permission, every recipient visible to
    them and of the sender's mission.
    """
    if not letters:
        return []
    mission = posting.mission
    with removed_if_rolled_back(), writing(actor, SEND_PERMISSION, description=description):
        require_visible(Mission.objects, actor, [mission], "mission")
        require_visible(Posting.objects, actor, [posting], "staff")
        people = [letter.person for letter in letters]
        require_visible(Person.objects, actor, people, "people")
        if any(p.mission_id != mission.pk for p in people):
            raise ValidationError(
                {"people": "Every recipient must belong to the sender's mission."}
            )
        history = bulk_history()
        start = _start(letter_date)
        engagements = [
            Engagement(
                mission=mission,
                kind=Kind.LETTER_SENT,
                start=start,
                duration=dt.timedelta(0),
                subject=_subject(letter),
                summary=f"{letter.template_name} ({letter.format})",
                sensitivity=max(letter.sensitivity, Sensitivity.INTERNAL),
            )
            for letter in letters
        ]
        engagements[0].full_clean(exclude=["mission"])
        engagements = bulk_create_with_history(engagements, Engagement, **history)
        bulk_create_with_history(
            [
                EngagementParticipant(engagement=e, person=letter.person)
                for e, letter in zip(engagements, letters, strict=True)
            ],
            EngagementParticipant,
            **history,
        )
        bulk_create_with_history(
            [EngagementStaff(engagement=e, posting=posting) for e in engagements],
            EngagementStaff,
            **history,
        )
        folder = _folder(letter_date)
        bulk_create_with_history(
            [
                LetterRecord(
                    engagement=e,
                    mission=mission,
                    person=letter.person,
                    template_name=letter.template_name,
                    template_checksum=letter.template_checksum,
                    language=letter.language,
                    format=letter.format,
                    file=_media_copy(letter.path, folder),
                    checksum=letter.checksum,
                    size=letter.size,
                    job=job,
                )
                for e, letter in zip(engagements, letters, strict=True)
            ],
            LetterRecord,
            **history,
        )
        return engagements


TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")


def letter_template_save(*, actor: Any, mission: Mission, text: str) -> MissionTemplate:
    """Check a template with the engine, then keep it as the mission's own (a new version).

    The mission's record of that name and language takes the place of a shipped template for
    that mission only; another mission never sees it. The save is an audited operation and a
    version in the record's history, which ``letter_template_restore`` can bring back.
    """
    with writing(actor, SEND_PERMISSION, description="save letter template"):
        require_visible(Mission.objects, actor, [mission], "mission")
        template = _checked_template(text)
        record = MissionTemplate.objects.filter(
            mission=mission, name=template.name, language=template.language
        ).first()
        user = actor if getattr(actor, "is_authenticated", False) else None
        if record is None:
            record = MissionTemplate(
                mission=mission, name=template.name, language=template.language, created_by=user
            )
        record.text, record.kind, record.updated_by = template.source, template.kind, user
        record.full_clean()
        _describe(f"save letter template {mission.ref}:{template.label}")
        record.save()
        return record


def letter_template_restore(
    *, actor: Any, template: MissionTemplate, version: int
) -> MissionTemplate:
    """Bring back an earlier text of a mission's template (a version from its history).

    The restored text is checked again and saved as a new version; the versions in between are
    kept. A version of another template is refused.
    """
    with writing(actor, SEND_PERMISSION, description=f"restore letter template {template.pk}"):
        record = MissionTemplate.objects.visible_to(actor).get(pk=template.pk)
        old = record.history.filter(history_id=version).first()
        if old is None:
            raise ValidationError(
                {"version": f"No version {version} of the template {record.label}."}
            )
        checked = _checked_template(old.text)
        if (checked.name, checked.language) != (record.name, record.language):
            raise ValidationError({"version": "That version names another template."})
        record.text, record.kind = checked.source, checked.kind
        record.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        _describe(f"restore letter template {record.mission.ref}:{record.label} to {version}")
        record.save()
        return record


def _describe(description: str) -> None:
    """Name the operation about to be written (the outer context may have named it vaguely)."""
    ctx = audit.current()
    assert ctx is not None  # opened by writing()
    if ctx.operation is None or ctx.operation._state.adding:
        ctx.description = description


def _checked_template(text: str) -> LetterTemplate:
    text = text.replace("\r\n", "\n").rstrip() + "\n"
    try:
        template = parse_template(text, default_name="")
    except LetterTemplateError as exc:
        raise ValidationError({"text": str(exc)}) from None
    if not TEMPLATE_NAME.fullmatch(template.name):
        raise ValidationError(
            {"text": "Give the template a name in the front matter (name: lower-case letters, "
             "digits, - or _)."}
        )  # fmt: skip
    return template
