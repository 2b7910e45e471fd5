"""The bulk writes of imports, and the import's own records (attachments).

Every other write an import makes goes through the services of the record's own app
(`people.services`, `engagements.services`), as the pages' do. `engagements_import` is the one
exception, by design: the large path of the engagements importer, it checks what
`engagement_create` checks (permission, every linked record visible and of this mission,
sensitivity within the actor's clearance) once for the whole batch, then writes rows validated
in memory by the importer as plain tuples, with `executemany` (SQLite) or statements of 1,000
rows (PostgreSQL) per table and batch (`core.db.bulk`), never through one ORM INSERT per row. It
still writes in one transaction inside the audit context (`legation.core.services.writing`), with
the historical rows tied to the import's operation.
Each function checks the actor's permission and what they may see, writes in one transaction
inside the audit context (`legation.core.services.writing`), and leaves historical rows tied to
the import's operation. `engagements_import` is the large path: rows validated in memory by the
importer are written as plain tuples, with `executemany` (SQLite) or `COPY` (PostgreSQL)
per table and batch (`core.db.bulk`), never through one ORM INSERT per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from simple_history.utils import bulk_create_with_history

from legation.core import access, audit
from legation.core.db import bulk
from legation.core.files import placed
from legation.core.models import Mission
from legation.core.services import require_visible, writing
from legation.engagements.models import (
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Posting,
)
from legation.intake.models import Attachment
from legation.people.models import Organisation, Person
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
    """Keep a file in storage by its checksum: (name, sha256, newly written)."""
    digest = hashlib.sha256(content).hexdigest()
    suffix = "".join(c for c in filename.rsplit(".", 1)[-1][:8] if c.isalnum()) or "bin"
    name = f"{folder}/{digest[:2]}/{digest}.{suffix.lower()}"
    if default_storage.exists(name):
        return name, digest, False
    saved = default_storage.save(name, ContentFile(content))
    placed(saved)
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


__all__ = [
    "NewAttachment",
    "NewEngagement",
    "attachment_add",
    "engagements_import",
]
