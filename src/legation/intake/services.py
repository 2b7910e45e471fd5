"""Writes made by imports that the domain apps' services do not cover, in the same pattern.

Each function checks the actor's permission and what they may see, writes in one transaction
inside the audit context (`legation.core.services.writing`), and leaves historical rows tied to
the import's operation. `engagements_import` is the large path: rows validated in memory by the
importer are written as plain tuples, with `executemany` (SQLite) or `COPY` (PostgreSQL)
per table and batch (`core.db.bulk`), never through one ORM INSERT per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from legation.core import access, audit
from legation.core.db import bulk
from legation.core.deletion import hidden_links
from legation.core.files import placed
from legation.core.services import ConflictError, check_version, require_visible, writing
from legation.engagements.models import (
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Mission,
    Posting,
)
from legation.intake.models import Attachment
from legation.people.models import Organisation, Person, Tag
from legation.people.services import tags_from

BATCH = 2000


@dataclass
class NewAttachment:
    filename: str
    content: bytes
    content_type: str = ""


@dataclass
class NewEngagement:
    """One engagement to write: model field values (validated), and the ids it links to."""

    fields: dict[str, Any]
    people: Sequence[int] = ()
    staff: Sequence[int] = ()
    organisations: Sequence[int] = ()
    tags: Sequence[str] = ()
    attachment: NewAttachment | None = None


def person_add_tags(*, actor: Any, person: Person, tags: Iterable[str | Tag]) -> None:
    with writing(actor, "people.change_person", description=f"tag person {person.pk}"):
        person = Person.objects.visible_to(actor).get(pk=person.pk)
        person.tags.add(*tags_from(tags, person.mission_id))


def _visible_ids(
    model: type[models.Model], actor: Any, mission: Mission, ids: set[int]
) -> set[int]:
    seen: set[int] = set()
    wanted = sorted(ids)
    for i in range(0, len(wanted), 5000):
        seen.update(
            model.objects.visible_to(actor)
            .filter(pk__in=wanted[i : i + 5000], mission=mission)
            .values_list("pk", flat=True)
        )
    return seen


def _check_links(actor: Any, mission: Mission, rows: Sequence[NewEngagement]) -> None:
    for model, attr in ((Person, "people"), (Posting, "staff"), (Organisation, "organisations")):
        ids = {pk for row in rows for pk in getattr(row, attr)}
        if ids and _visible_ids(model, actor, mission, ids) != ids:
            raise ValidationError(
                {attr: "Unknown record: you can only link records of this mission you can see."}
            )


def store_file(content: bytes, filename: str, folder: str = "attachments") -> tuple[str, str, bool]:
    """Keep a file under MEDIA_ROOT by its checksum: (name, sha256, newly written)."""
    digest = hashlib.sha256(content).hexdigest()
    suffix = "".join(c for c in filename.rsplit(".", 1)[-1][:8] if c.isalnum()) or "bin"
    name = f"{folder}/{digest[:2]}/{digest}.{suffix.lower()}"
    if default_storage.exists(name):
        return name, digest, False
    saved = default_storage.save(name, ContentFile(content))
    placed(Path(default_storage.path(saved)))
    return saved, digest, True


def engagements_import(*, actor: Any, mission: Mission, rows: Sequence[NewEngagement]) -> list[int]:
    """Write many engagements with their links and attachments: one transaction, one operation.

    The same checks as `engagement_create` (permission, every linked record visible and of this
    mission, sensitivity within the actor's clearance), made once for the whole batch. Field
    values must have been validated by the caller; they are not cleaned row by row. Engagements,
    participants, staff, organisations and tags are written as plain tuples by `core.db.bulk`,
    with the historical rows of the audited operation; returns the new engagements' ids, in the
    order of `rows`.
    """
    if not rows:
        return []
    written: list[str] = []
    try:
        with writing(actor, "engagements.add_engagement", description="import engagements"):
            require_visible(Mission.objects, actor, [mission], "mission")
            level = access.clearance(actor)
            if any(r.fields.get("sensitivity", 1) > level for r in rows):
                raise ValidationError({"sensitivity": "Above your own clearance."})
            _check_links(actor, mission, rows)
            stamp = bulk.Stamp.from_context()  # writes the operation: the write lock is held
            ids = bulk.take_ids(Engagement, len(rows))
            columns, values = _engagement_tuples(mission, ids, rows)
            bulk.insert(Engagement, columns, values, stamp=stamp)
            for model, attr, fk in (
                (EngagementParticipant, "people", "person_id"),
                (EngagementStaff, "staff", "posting_id"),
                (EngagementOrganisation, "organisations", "organisation_id"),
            ):
                pairs = [
                    (pk, other)
                    for pk, row in zip(ids, rows, strict=True)
                    for other in dict.fromkeys(getattr(row, attr))
                ]
                link_ids = bulk.take_ids(model, len(pairs))
                bulk.insert(
                    model,
                    ("engagement_id", fk),
                    [(i, e, o) for i, (e, o) in zip(link_ids, pairs, strict=True)],
                    stamp=stamp,
                )
            names = {name for row in rows for name in row.tags}
            if names:
                tag_ids = {t.name: t.pk for t in tags_from(sorted(names), mission)}
                pairs = list(
                    dict.fromkeys(
                        (pk, tag_ids[name.strip()[:60]])
                        for pk, row in zip(ids, rows, strict=True)
                        for name in row.tags
                    )
                )
                through = Engagement.tags.through
                link_ids = bulk.take_ids(through, len(pairs))
                bulk.insert(
                    through,
                    ("engagement_id", "tag_id"),
                    [(i, e, t) for i, (e, t) in zip(link_ids, pairs, strict=True)],
                    stamp=stamp,
                )
                if stamp is not None:  # each new version keeps the tags it was written with
                    ctx = audit.current()
                    assert ctx is not None  # opened by writing()
                    audit.record_links(Engagement, min(ids), ctx.ensure_operation())
            attachments = []
            for pk, row in zip(ids, rows, strict=True):
                if row.attachment is None:
                    continue
                name, digest, new = store_file(row.attachment.content, row.attachment.filename)
                if new:
                    written.append(name)
                attachments.append(
                    Attachment(
                        engagement_id=pk,
                        file=name,
                        filename=row.attachment.filename[:200],
                        content_type=row.attachment.content_type[:100],
                        size=len(row.attachment.content),
                        checksum=digest,
                    )
                )
            if attachments:
                ctx = audit.current()
                assert ctx is not None  # opened by writing()
                bulk_create_with_history(
                    attachments,
                    Attachment,
                    default_user=ctx.actor,
                    custom_historical_attrs={
                        "operation": ctx.ensure_operation(),
                        "source": ctx.source,
                    },
                    batch_size=BATCH,
                )
            return ids
    except BaseException:
        for name in written:  # the rows are gone with the transaction; so go their new files
            default_storage.delete(name)
        raise


def _pk_of(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _engagement_tuples(
    mission: Mission, ids: Sequence[int], rows: Sequence[NewEngagement]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns after the id, and each row's (id, *values) as the database takes them."""
    names = {f.name for f in Engagement._meta.concrete_fields} - {"id", "mission"}
    unknown = {name for row in rows for name in row.fields} - names
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    columns = ["mission_id"]
    spec = []  # (key in fields, default, conversion) per column after mission_id
    for field in Engagement._meta.concrete_fields:
        if field.primary_key or field.name == "mission":
            continue
        convert = _pk_of if field.is_relation else bulk.prep(Engagement, field.name)
        columns.append(field.attname)
        spec.append((field.name, field.get_default(), convert))
    head = (mission.pk,)
    return columns, [
        (pk, *head, *(c(f.get(k, d)) for k, d, c in spec))
        for pk, f in zip(ids, (row.fields for row in rows), strict=True)
    ]


def engagement_link(
    *,
    actor: Any,
    engagement: Engagement,
    organisations: Sequence[Organisation] = (),
    tags: Sequence[str] = (),
) -> None:
    """Add organisations and tags to an engagement (an import's update never removes any)."""
    with writing(
        actor, "engagements.change_engagement", description=f"link engagement {engagement.pk}"
    ):
        engagement = Engagement.objects.visible_to(actor).get(pk=engagement.pk)
        require_visible(Organisation.objects, actor, organisations, "organisations")
        have = set(engagement.organisations.values_list("pk", flat=True))
        for org in organisations:
            if org.mission_id != engagement.mission_id:
                raise ValidationError({"organisations": "The organisation is of another mission."})
            if org.pk not in have:
                EngagementOrganisation.objects.create(engagement=engagement, organisation=org)
                have.add(org.pk)
        if tags:
            engagement.tags.add(*tags_from(tags, engagement.mission_id))


def attachment_add(
    *, actor: Any, engagement: Engagement, filename: str, content: bytes, content_type: str = ""
) -> Attachment:
    with writing(
        actor, "engagements.change_engagement", description=f"attach to engagement {engagement.pk}"
    ):
        engagement = Engagement.objects.visible_to(actor).get(pk=engagement.pk)
        name, digest, _ = store_file(content, filename)
        return Attachment.objects.create(
            engagement=engagement,
            file=name,
            filename=filename[:200],
            content_type=content_type[:100],
            size=len(content),
            checksum=digest,
        )


def start_of(value: dt.date | dt.datetime) -> dt.datetime:
    """The start an engagement on a date alone gets: noon, local time (as engagement_create)."""
    from django.utils import timezone

    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _merge_contacts(keep: Person, other: Person) -> None:
    """Move the other person's emails and phones unless the kept person has them already."""
    from legation.people.models import EmailAddress, PhoneNumber

    emails = {e.casefold() for e in keep.emails.values_list("email", flat=True)}
    has_primary = keep.emails.filter(primary=True).exists()
    for row in EmailAddress.objects.filter(person=other):
        if row.email.casefold() in emails:
            row.delete()
            continue
        row.person = keep
        row.primary = row.primary and not has_primary
        row.save()
    numbers = set(keep.phones.values_list("number", flat=True))
    for row in PhoneNumber.objects.filter(person=other):
        if row.number in numbers:
            row.delete()
        else:
            row.person = keep
            row.save()


def person_merge(
    *,
    actor: Any,
    keep: Person,
    other: Person,
    choices: dict[str, str] | None = None,
    keep_version: Any = None,
    other_version: Any = None,
) -> Person:
    """Merge `other` into `keep`: every engagement, affiliation, note, email, posting, letter and
    relationship of `other` moves to `keep`; fields empty on `keep` take `other`'s values; then
    `other` is deleted. One audited operation, so the merge can be read back in the history.

    `choices` names, field by field, whose value the merged person keeps ("keep" or "other"),
    whatever is empty (the merge page's choice); fields it does not name follow the rule above.
    `keep_version` / `other_version` are the versions the choice was made on: a merge on an older
    version of either is refused (ConflictError).
    """
    from django.db import IntegrityError, transaction

    from legation.people.services import PERSON_FIELDS

    with writing(
        actor,
        "people.change_person",
        "people.delete_person",
        description=f"merge person {other.pk} into {keep.pk}",
    ):
        people = Person.objects.visible_to(actor).select_for_update()
        keep = people.get(pk=keep.pk)
        other = people.get(pk=other.pk)
        if keep.pk == other.pk:
            raise ValidationError({"person": "A person cannot be merged with themselves."})
        if keep.mission_id != other.mission_id:
            raise ValidationError({"person": "The two people belong to different missions."})
        choices = dict(choices or {})
        wrong = sorted(
            name
            for name, side in choices.items()
            if name not in PERSON_FIELDS or side not in ("keep", "other")
        )
        if wrong:
            raise ValidationError(dict.fromkeys(wrong, "Choose keep or other for this field."))
        check_version(keep, keep_version)
        if other_version not in (None, "") and int(other_version) != other.version:
            raise ConflictError(other, int(other_version))
        hidden = hidden_links(other, actor)
        if hidden:
            # Merging moves every note, engagement and commitment of `other`: not those the
            # actor is not cleared to see, and without naming them.
            raise PermissionDenied(
                ngettext(
                    "%(count)d record linked to this person is one you are not cleared to see; "
                    "ask someone cleared for it to merge them.",
                    "%(count)d records linked to this person are ones you are not cleared to "
                    "see; ask someone cleared for them to merge them.",
                    hidden,
                )
                % {"count": hidden}
            )
        side = choices.get("ref")
        moved_ref = other.ref if side == "other" or (side is None and not keep.ref) else None
        if moved_ref:
            other.ref = None
            other.save()
        for name in PERSON_FIELDS:
            side = choices.get(name)
            if name != "ref" and (
                side == "other"
                or (side is None and not getattr(keep, name) and getattr(other, name))
            ):
                setattr(keep, name, getattr(other, name))
        keep.ref = moved_ref or keep.ref
        keep.refresh_derived()
        keep.save()
        _merge_contacts(keep, other)
        keep.tags.add(*other.tags.all())
        for rel in Person._meta.get_fields(include_hidden=True):
            if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
                continue
            model = rel.related_model
            if model.__name__.startswith("Historical"):
                continue
            for obj in model._default_manager.filter(**{rel.field.name: other}):
                setattr(obj, rel.field.name, keep)
                try:
                    with transaction.atomic():
                        obj.save()
                except IntegrityError:
                    # keep has this row already (a meeting both attended, a relationship
                    # between the two): the other's copy goes.
                    model._default_manager.filter(pk=obj.pk).delete()
        gone = Person.objects.filter(pk=other.pk).get()
        gone._change_reason = audit.MERGED_INTO.format(keep=keep.pk)  # its '-' row's marker
        gone.delete()
        return keep


__all__ = [
    "NewAttachment",
    "NewEngagement",
    "attachment_add",
    "engagement_link",
    "engagements_import",
    "person_add_tags",
    "person_merge",
]
