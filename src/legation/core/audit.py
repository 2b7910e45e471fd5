"""The audit context: who is acting, from where, and the operation their changes belong to.

Services open `audit(actor=..., source=...)` around every write; the web middleware, commands,
importers and the API do the same. django-simple-history writes one historical row per created,
changed or deleted record, and the receiver below stamps each row with the acting user, the source
and the operation. Writes made outside any context (a Django shell) are still recorded, with the
source "system".
"""

from __future__ import annotations

import contextvars
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import ngettext
from simple_history.signals import pre_create_historical_record

from legation.core.models import Operation


@dataclass
class AuditContext:
    actor_getter: Callable[[], Any] = field(default=lambda: None)
    source: str = Operation.Source.SYSTEM
    remote_addr: str | None = None
    description: str = ""
    operation: Operation | None = None

    @property
    def actor(self) -> Any:
        user = self.actor_getter()
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None

    def ensure_operation(self) -> Operation:
        """The operation row is written lazily, on the first change, so reads cost nothing."""
        if self.operation is None or self.operation._state.adding:
            actor = self.actor
            self.operation = Operation.objects.create(
                actor=actor,
                actor_name=actor.get_username() if actor else "",
                source=self.source,
                remote_addr=self.remote_addr or None,
                description=self.description[:300],
            )
        return self.operation


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "legation_audit", default=None
)


def current() -> AuditContext | None:
    return _current.get()


@contextmanager
def audit(
    *,
    actor: Any = None,
    source: str = Operation.Source.COMMAND,
    description: str = "",
    remote_addr: str | None = None,
    actor_getter: Callable[[], Any] | None = None,
) -> Iterator[AuditContext]:
    """Open an audit context. Nested calls join the outer one (one operation per action)."""
    outer = _current.get()
    if outer is not None:
        if description and not outer.description:
            outer.description = description
        yield outer
        return
    getter = actor_getter if actor_getter is not None else (lambda: actor)
    ctx = AuditContext(
        actor_getter=getter, source=source, remote_addr=remote_addr, description=description
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def new_operation(ctx: AuditContext) -> Iterator[None]:
    """Start a fresh operation within the same context (one per web request's transaction)."""
    saved = ctx.operation
    ctx.operation = None
    try:
        yield
    finally:
        ctx.operation = saved


@receiver(pre_create_historical_record)
def _stamp_history(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    ctx = _current.get()
    if ctx is None:
        history_instance.source = Operation.Source.SYSTEM
        return
    history_instance.operation = ctx.ensure_operation()
    history_instance.source = ctx.source
    if history_instance.history_user_id is None and ctx.actor is not None:
        history_instance.history_user = ctx.actor


def historical_models() -> list[type]:
    """Every historical model of legation's own apps."""
    return [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical") and m._meta.app_label in LEGATION_APPS
    ]


LEGATION_APPS = {"core", "people", "engagements", "letters", "intake"}


class RestoreError(Exception):
    pass


def restore_deleted(model: type, pk: Any, *, actor: Any = None, source: str = "command") -> Any:
    """Bring back a deleted record, and every record its deletion took with it.

    The delete and its cascade share one operation in the history, so everything deleted by that
    operation is restored: a person comes back with their emails, affiliations and their place on
    every engagement they took part in. Restores are themselves audited.

    `actor` (None: the installation's operator) must be cleared for the deleted record, else it
    is "not found", and for every record the restore would bring back, else nothing is restored
    and the error counts those records without naming them.
    """
    from legation.core import access

    checker = HistoryVisibility(access.SYSTEM if actor is None else actor)
    not_found = f"No deleted {model._meta.verbose_name} with id {pk} in the history."
    deleted = (
        model.history.filter(**{model._meta.pk.attname: pk}, history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if deleted is None or not checker.row_visible(deleted):
        raise RestoreError(not_found)
    if model._default_manager.filter(pk=pk).exists():
        raise RestoreError(f"{model._meta.verbose_name} {pk} exists; nothing to restore.")
    rows = [deleted]
    if deleted.operation_id is not None:
        for hist in historical_models():
            if hist is type(deleted):
                continue
            rows.extend(hist.objects.filter(operation_id=deleted.operation_id, history_type="-"))
    hidden = sum(1 for row in rows[1:] if not checker.row_visible(row))
    if hidden:
        raise RestoreError(
            ngettext(
                "Restoring this %(record)s would bring back %(count)d record you are not cleared "
                "to see; ask someone cleared for it to restore it.",
                "Restoring this %(record)s would bring back %(count)d records you are not "
                "cleared to see; ask someone cleared for them to restore it.",
                hidden,
            )
            % {"record": model._meta.verbose_name, "count": hidden}
        )
    with (
        audit(actor=actor, source=source, description=f"restore {model.__name__} {pk}"),
        transaction.atomic(),
    ):
        pending = rows
        # Parents before children: retry rows whose foreign keys are not back yet.
        for _ in range(len(rows) + 1):
            failed = []
            for row in pending:
                try:
                    with transaction.atomic():
                        row.instance.save(force_insert=True)
                except Exception:  # an integrity error: a parent is still missing
                    failed.append(row)
            if not failed:
                break
            if len(failed) == len(pending):
                raise RestoreError(
                    f"Could not restore {len(failed)} related records; nothing was restored."
                )
            pending = failed
    return model._default_manager.get(pk=pk)


_MISSING = object()


class HistoryVisibility:
    """Which historical rows (versions) one user may read, list and restore.

    A version is judged by its own content, not by the record as it is today: a record once
    restricted and later made public keeps its restricted versions from users not cleared for
    them. The rule is each model's `visible_to` rule (its queryset's `mission_path` and
    `sensitivity_paths`) applied to the version:

    - the version's own fields (its sensitivity, its mission) as they were;
    - a rule through a parent record (a commitment's engagement, a note's person) reads the
      parent as it was at the version's time AND as it is now (its last version if deleted);
      for sensitivity the stricter of the two applies, for the mission the one of the version.

    A parent that cannot be found in the history hides the version. Models without an owner
    (tags, sectors) are readable by anyone with a clearance.
    """

    def __init__(self, user: Any) -> None:
        from legation.core import access

        self.level = access.clearance(user)
        self.all_missions = access.sees_all_missions(user)
        self.missions = set() if self.all_missions else access.mission_ids(user)
        self._states: dict[tuple[Any, ...], Any] = {}
        self._history: dict[tuple[Any, ...], list[Any]] = {}

    def row_visible(self, row: Any) -> bool:
        if self.level < 0:
            return False
        if self.all_missions:
            return True
        model = row.instance_type
        qs = model._default_manager.all()
        if not hasattr(qs, "visible_to"):
            return True
        when = row.history_date
        mission = self._resolve(model, row, qs.mission_path.split("__"), when)
        if mission is _MISSING or (mission is not None and mission not in self.missions):
            return False
        for path in qs.sensitivity_paths:
            parts = path.split("__")
            values = [self._resolve(model, row, parts, when)]
            if len(parts) > 1:
                values.append(self._resolve(model, row, parts, None))
            for value in values:
                if value is _MISSING or (value is not None and value > self.level):
                    return False
        return True

    def _resolve(self, model: type, row: Any, parts: list[str], when: Any) -> Any:
        """The value at `parts` (a queryset lookup path) seen from `row`, following parents as
        they were at `when` (None: now)."""
        if len(parts) == 1:
            name = model._meta.pk.attname if parts[0] == "pk" else parts[0]
            return getattr(row, name, _MISSING)
        field = model._meta.get_field(parts[0])
        parent_id = getattr(row, field.attname, None)
        if parent_id is None:
            return None
        parent = self._state(field.related_model, parent_id, when)
        if parent is None:
            return _MISSING
        return self._resolve(field.related_model, parent, parts[1:], when)

    def _versions(self, model: type, pk: Any) -> list[Any]:
        """A parent's versions, oldest first, read once per parent."""
        key = (model, pk)
        if key not in self._history:
            self._history[key] = list(
                model.history.filter(**{model._meta.pk.attname: pk}).order_by(
                    "history_date", "history_id"
                )
            )
        return self._history[key]

    def _state(self, model: type, pk: Any, when: Any) -> Any:
        """A record as it was at `when` (its last version then), or now (live, else its last
        version); None if unknown."""
        key = (model, pk, when)
        if key not in self._states:
            state = None
            history = getattr(model, "history", None)
            pk_name = model._meta.pk.attname
            if when is None:
                state = model._base_manager.filter(pk=pk).first()
                if state is None and history is not None:
                    state = (
                        history.filter(**{pk_name: pk})
                        .order_by("-history_date", "-history_id")
                        .first()
                    )
            else:
                versions = self._versions(model, pk) if history is not None else []
                at = bisect_right([v.history_date for v in versions], when)
                state = versions[at - 1] if at else None
                if state is None:  # written before its history was kept
                    state = self._state(model, pk, None)
            self._states[key] = state
        return self._states[key]


def history_row_visible(row: Any, user: Any) -> bool:
    """Whether the user may read this version of a record (see HistoryVisibility)."""
    return HistoryVisibility(user).row_visible(row)


def visible_history(rows: Any, user: Any) -> list[Any]:
    """The versions among `rows` the user may read, in the same order."""
    checker = HistoryVisibility(user)
    return [row for row in rows if checker.row_visible(row)]


def history_visible(model: type, pk: Any, user: Any) -> bool:
    """Whether the user may open a record's history at all: a live record's follows visible_to,
    a deleted one's follows its last version. Each version is then filtered on its own."""
    from legation.core import access

    if not hasattr(model._default_manager.all(), "visible_to"):  # vocabularies: no owner
        return access.clearance(user) >= 0
    if model._default_manager.visible_to(user).filter(pk=pk).exists():
        return True
    if model._default_manager.filter(pk=pk).exists():
        return False
    last = model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    return last is not None and history_row_visible(last, user)
