"""The audit context: who is acting, from where, and the operation their changes belong to.

Services open `audit(actor=..., source=...)` around every write; the web middleware, commands,
importers and the API do the same. django-simple-history writes one historical row per created,
changed or deleted record, and the receiver below stamps each row with the acting user, the source
and the operation. Writes made outside any context (a Django shell) are still recorded, with the
source "system".
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.dispatch import receiver
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
    """
    deleted = (
        model.history.filter(**{model._meta.pk.attname: pk}, history_type="-")
        .order_by("-history_date")
        .first()
    )
    if deleted is None:
        raise RestoreError(f"No deleted {model._meta.verbose_name} with id {pk} in the history.")
    if model._default_manager.filter(pk=pk).exists():
        raise RestoreError(f"{model._meta.verbose_name} {pk} exists; nothing to restore.")
    rows = [deleted]
    if deleted.operation_id is not None:
        for hist in historical_models():
            if hist is type(deleted):
                continue
            rows.extend(hist.objects.filter(operation_id=deleted.operation_id, history_type="-"))
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


def _mission_of_history_row(row: Any) -> int | None:
    """The mission a historical row belonged to, through its parent if it has no mission."""
    if hasattr(row, "mission_id"):
        return row.mission_id
    for parent_field in ("engagement", "person", "from_person"):
        parent_id = getattr(row, f"{parent_field}_id", None)
        if parent_id is None:
            continue
        parent_model = type(row)._meta.get_field(parent_field).related_model
        parent = (
            parent_model.history.filter(id=parent_id).order_by("-history_date").first()
            if hasattr(parent_model, "history")
            else None
        )
        if parent is not None:
            return _mission_of_history_row(parent)
    return None


def history_row_visible(row: Any, user: Any) -> bool:
    """Whether a historical state is one the user could have seen: mission and clearance."""
    from legation.core import access

    if access.clearance(user) < 0:
        return False
    if access.sees_all_missions(user):
        return True
    if _mission_of_history_row(row) not in access.mission_ids(user):
        return False
    return getattr(row, "sensitivity", 0) <= access.clearance(user)


def history_visible(model: type, pk: Any, user: Any) -> bool:
    """A live record's history follows visible_to; a deleted one follows its last state."""
    from legation.core import access

    if not hasattr(model._default_manager.all(), "visible_to"):  # vocabularies: no owner
        return access.clearance(user) >= 0
    if model._default_manager.visible_to(user).filter(pk=pk).exists():
        return True
    if model._default_manager.filter(pk=pk).exists():
        return False
    last = model.history.filter(id=pk).order_by("-history_date").first()
    return last is not None and history_row_visible(last, user)
