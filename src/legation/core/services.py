"""The shared frame of every write: permission, one transaction, one audited operation.

One way in: each domain record is written by its own app's services module
(`people.services` for people, organisations, their contacts, notes, tags and merges;
`engagements.services` for missions, postings, engagements, commitments and facts;
`letters.services` for segments, templates and letters recorded as sent), each write taking the
whole edit in one `writing()` and checking the same rules on create and update (mission,
clearance, participants, versions). Pages, forms, commands and importers call those functions and
write nothing themselves; "which mission" is decided by `core.access.mission_for`.

Writers outside the services, by design:
- the bulk loaders, which check once per batch and write rows as tuples with their history:
  `intake.services.engagements_import` (through `core.db.bulk`), `letters.services.
  letters_record_bulk`, and the demo generator;
- the audit and history machinery itself (`core.audit`: operations, historical rows, restores);
- the Django admin, the stop-gap UI, whose forms carry the services' checks
  (`core.admin_access`) and whose edits count a version (`core.admin.VisibleAdmin`);
- logins, roles and vocabularies (`core.access.sync_roles`, `core.vocab`, `createuser`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext

from legation.core import access
from legation.core.audit import audit


@contextmanager
def writing(
    actor: Any, *perms: str, description: str = "", source: str = "command"
) -> Iterator[None]:
    """Check the actor's permissions, then open one audited transaction.

    `source` applies only when no outer context exists (the web middleware and the commands
    open one with their own source).
    """
    for perm in perms:
        access.require(actor, perm)
    with (
        audit(
            actor=None if actor is access.SYSTEM else actor,
            source=source,
            description=description,
        ),
        transaction.atomic(),
    ):
        yield


class ConflictError(ValidationError):
    """Someone else saved the record since the editor loaded it: the edit is refused whole."""

    def __init__(self, current: models.Model, expected: int) -> None:
        self.current = current
        self.expected = expected
        super().__init__(
            gettext(
                "Someone else changed this record while you were editing it (your version %(mine)s, "
                "now %(theirs)s). Your changes were not saved: review theirs below, then edit again."
            )
            % {"mine": expected, "theirs": current.version},
            code="conflict",
        )


def check_version(instance: models.Model, expected: Any) -> None:
    """Refuse a write made on an older version of `instance` (read inside the write's
    transaction, locked), then raise its version for this write. `expected=None` (commands,
    importers) skips the check but still counts the version."""
    if expected not in (None, "") and int(expected) != instance.version:
        raise ConflictError(instance, int(expected))
    instance.version = (instance.version or 0) + 1


def count_unsaved_edit(instance: models.Model, *, links_changed: bool) -> None:
    """For an update whose record row was not saved (its fields unchanged), after
    `check_version` counted it: a change of its links alone (tags, participants, contact rows)
    still counts as an edit, so a later save on the older version is refused; an edit that
    changed nothing is not counted."""
    if links_changed:
        type(instance)._base_manager.filter(pk=instance.pk).update(version=instance.version)
    else:
        instance.version -= 1


def locked_visible(queryset: models.QuerySet, actor: Any, pk: Any) -> models.Model:
    """The record as `actor` may see it, read again under a row lock for the rest of the
    write's transaction (visibility filters may join, which a lock may not)."""
    queryset.visible_to(actor).filter(pk=pk).values("pk").get()
    return queryset.select_for_update().get(pk=pk)


def apply_fields(
    instance: models.Model, fields: dict[str, Any], allowed: Iterable[str]
) -> list[str]:
    """Set the given fields; refuse unknown names with a clear error. Returns what changed."""
    allowed = set(allowed)
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext("This field cannot be set here.")))
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def visible_or_404(queryset: models.QuerySet, user: Any, pk: Any) -> models.Model:
    """Look a record up through visible_to: an invisible record is 'not found', never 'denied'."""
    from django.http import Http404

    obj = queryset.visible_to(user).filter(pk=pk).first()
    if obj is None:
        from legation.core.audit import DeletedRecord, deleted_version

        deleted = deleted_version(queryset.model, pk, user)
        if deleted is not None:  # the user may read its history: say where it went
            raise DeletedRecord(deleted)
        raise Http404(f"No {queryset.model._meta.verbose_name} with id {pk}.")
    return obj


def require_visible(
    queryset: models.QuerySet, user: Any, objs: Iterable[models.Model], field: str
) -> None:
    """Refuse to link records the actor cannot see (they would leak through the link)."""
    ids = {o.pk for o in objs}
    if not ids:
        return
    seen = set(queryset.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    if seen != ids:
        raise ValidationError(
            {field: gettext("Unknown record: you can only link records you can see.")}
        )
