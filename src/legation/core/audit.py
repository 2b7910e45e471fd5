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
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.http import Http404
from django.utils.translation import gettext, ngettext
from simple_history.signals import post_create_historical_record, pre_create_historical_record

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


@receiver(pre_delete)
def _remember_links(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Before a record with kept links (tags) is deleted, note them: Django removes the links
    before the record, so its "-" version would otherwise show none, and a restore bring none
    back."""
    if not hasattr(sender._meta, "simple_history_manager_attribute") or not m2m_history(sender):
        return
    kept = {}
    for m2m, _links in m2m_history(sender):
        through = m2m.remote_field.through
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        kept[m2m.name] = list(
            through.objects.filter(**{own: instance.pk}).values_list("pk", f"{other}_id")
        )
    instance._legation_links = kept


@receiver(post_create_historical_record)
def _deleted_links(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    kept = getattr(instance, "_legation_links", None)
    if history_instance.history_type != "-" or not kept:
        return
    for m2m, links in m2m_history(type(instance)):
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        links.objects.bulk_create(
            links(history=history_instance, id=pk, **{f"{own}_id": instance.pk, f"{other}_id": o})
            for pk, o in kept.get(m2m.name, [])
        )


def version_links(row: Any) -> dict[str, list[Any]]:
    """The ids of the records each kept many-to-many field (tags) linked to in this version."""
    out = {}
    for m2m, links in m2m_history(row.instance_type):
        other = f"{m2m.m2m_reverse_field_name()}_id"
        out[m2m.name] = list(
            links.objects.filter(history_id=row.pk).order_by(other).values_list(other, flat=True)
        )
    return out


def set_links(instance: Any, links: dict[str, list[Any]]) -> bool:
    """Make `instance`'s kept links (tags) those given, writing the link rows directly (no
    version of their own: the caller's next save records them). Links to records that no
    longer exist are left out. Returns whether anything changed."""
    changed = False
    for m2m, _links in m2m_history(type(instance)):
        if m2m.name not in links:
            continue
        through = m2m.remote_field.through
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        wanted = set(
            m2m.related_model._default_manager.filter(pk__in=links[m2m.name]).values_list(
                "pk", flat=True
            )
        )
        rows = through.objects.filter(**{own: instance.pk})
        have = set(rows.values_list(f"{other}_id", flat=True))
        if have - wanted:
            rows.filter(**{f"{other}__in": have - wanted}).delete()
        through.objects.bulk_create(
            through(**{f"{own}_id": instance.pk, f"{other}_id": pk}) for pk in wanted - have
        )
        changed = changed or have != wanted
    return changed


def snapshot_links(version: Any, instance: Any) -> None:
    """Record on `version` (just written) the links its record has now."""
    for m2m, links in m2m_history(type(instance)):
        through = m2m.remote_field.through
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        links.objects.bulk_create(
            links(history=version, id=pk, **{f"{own}_id": instance.pk, f"{other}_id": o})
            for pk, o in through.objects.filter(**{own: instance.pk}).values_list(
                "pk", f"{other}_id"
            )
        )


def historical_models() -> list[type]:
    """Every historical model of legation's own apps (one version of a record per row; not the
    tables of the tags each version had, which hang on those rows)."""
    return [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical")
        and m._meta.app_label in LEGATION_APPS
        and hasattr(m, "tracked_fields")
    ]


def m2m_history(model: type) -> list[tuple[Any, type]]:
    """The many-to-many fields whose links each version of `model` keeps (simple-history's
    `m2m_fields`), with the table of those links per version."""
    historical = model.history.model
    return [
        (m2m, getattr(historical, m2m.name).model)
        for m2m in getattr(historical, "_history_m2m_fields", [])
    ]


def record_created(model: type, first_pk: int, operation: Operation, *, user_id: Any = None) -> int:
    """Write the "+" version of every record of `model` from `first_pk` on that has none in
    `operation` yet, and the links (tags) each one has: the history of a bulk load, in one
    INSERT … SELECT per table (no row goes through Python). Returns the versions written."""
    from django.db import connection

    historical = model.history.model
    qn = connection.ops.quote_name
    source_cols = [qn(f.column) for f in historical.tracked_fields]
    target_cols = [qn(historical._meta.get_field(f.name).column) for f in historical.tracked_fields]
    prep = historical._meta
    pk = qn(model._meta.pk.column)
    table, hist_table = qn(model._meta.db_table), qn(historical._meta.db_table)
    params = [
        prep.get_field("history_date").get_db_prep_value(operation.created, connection),
        user_id,
        prep.get_field("operation").get_db_prep_value(operation.pk, connection),
        operation.source,
        first_pk,
        prep.get_field("operation").get_db_prep_value(operation.pk, connection),
    ]
    # Names from _meta, values as parameters. NOT IN (a hashed subplan, read once), not NOT
    # EXISTS: on PostgreSQL, with the history table's statistics saying it is empty, NOT EXISTS
    # became a nested loop that scanned, for every row, the versions this same statement had
    # written so far (quadratic: hours for the large demo's million engagements).
    sql = (
        f"INSERT INTO {hist_table} ({', '.join(target_cols)}, history_date, history_type, "  # noqa: S608
        f"history_user_id, operation_id, source) "
        f"SELECT {', '.join('r.' + c for c in source_cols)}, %s, '+', %s, %s, %s "
        f"FROM {table} r WHERE r.{pk} >= %s AND r.{pk} NOT IN (SELECT h.{pk} FROM {hist_table} h "
        f"WHERE h.operation_id = %s AND h.{pk} IS NOT NULL)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
    record_links(model, first_pk, operation)
    return written


def record_links(model: type, first_pk: int, operation: Operation) -> None:
    """Attach to each "+" version written by `operation` (records from `first_pk` on) the links
    its record has now (its tags), where that version has none yet."""
    from django.db import connection

    historical = model.history.model
    qn = connection.ops.quote_name
    op = historical._meta.get_field("operation").get_db_prep_value(operation.pk, connection)
    for m2m, links in m2m_history(model):
        through = m2m.remote_field.through
        own = qn(through._meta.get_field(m2m.m2m_field_name()).column)
        other = qn(through._meta.get_field(m2m.m2m_reverse_field_name()).column)
        hist_pk = qn(historical._meta.pk.column)
        # Names from _meta, values as parameters.
        sql = (
            f"INSERT INTO {qn(links._meta.db_table)} (id, history_id, {own}, {other}) "  # noqa: S608
            f"SELECT t.id, h.{hist_pk}, t.{own}, t.{other} FROM {qn(through._meta.db_table)} t "
            f"JOIN {qn(historical._meta.db_table)} h ON h.id = t.{own} "
            f"WHERE t.{own} >= %s AND h.operation_id = %s AND h.history_type = '+' "
            f"AND h.{hist_pk} NOT IN (SELECT x.history_id FROM {qn(links._meta.db_table)} x "
            f"JOIN {qn(historical._meta.db_table)} v ON v.{hist_pk} = x.history_id "
            f"WHERE v.operation_id = %s AND x.history_id IS NOT NULL)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [first_pk, op, op])


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
        raise RestoreError(
            gettext("%(record)s %(pk)s exists; nothing to restore.")
            % {"record": model._meta.verbose_name, "pk": pk}
        )
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
        for row in rows:  # the tags each record had when it was deleted
            links = version_links(row)
            if not any(links.values()):
                continue
            record = row.instance_type._default_manager.get(pk=row.instance.pk)
            set_links(record, links)
            restored = record.history.order_by("-history_id").first()
            snapshot_links(restored, record)
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
        mission_path, sensitivity_paths = qs.history_rule()
        mission = self._resolve(model, row, mission_path.split("__"), when)
        if mission is _MISSING or (mission is not None and mission not in self.missions):
            return False
        for path in sensitivity_paths:
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


def revert_to_version(
    model: type,
    pk: Any,
    history_id: Any,
    *,
    actor: Any,
    update: Callable[..., Any],
    fields: Any,
    expected_version: Any = None,
    source: str = "command",
) -> Any:
    """Write an earlier version of a live record back, as a new audited change.

    `update` is the model's update service (people.services.person_update…), called with the
    record under its model name, `expected_version` and the version's values of `fields` (the
    fields that service lets a user set: the mission is not among them and stays as it is).
    The record's tags go back too, in the same change. The version and the record must both be
    visible to `actor`, else it is "not found"; the service's own checks (permission, clearance,
    version) apply as to any edit.
    """
    from legation.core.services import locked_visible, writing

    opts = model._meta
    row = (
        model.history.filter(**{opts.pk.attname: pk}, history_id=history_id)
        .exclude(history_type="-")
        .first()
    )
    not_found = f"No version {history_id} of {opts.verbose_name} {pk} in the history."
    if row is None or not HistoryVisibility(actor).row_visible(row):
        raise RestoreError(not_found)
    when = row.history_date.isoformat(timespec="seconds")
    with writing(
        actor,
        f"{opts.app_label}.change_{opts.model_name}",
        description=f"revert {opts.model_name} {pk} to its version of {when}",
        source=source,
    ):
        try:
            current = locked_visible(model._default_manager, actor, pk)
        except model.DoesNotExist:
            raise RestoreError(not_found) from None
        old = row.instance
        values: dict[str, Any] = {}
        for name in fields:
            field = opts.get_field(name)
            value = getattr(old, field.attname)
            if value == getattr(current, field.attname):
                continue
            if field.is_relation and value is not None:
                value = field.related_model._base_manager.filter(pk=value).first()
                if value is None and not field.null:
                    continue  # the record it pointed at is gone: keep today's
            values[name] = value
        set_links(current, version_links(row))
        return update(
            actor=actor, **{opts.model_name: current}, expected_version=expected_version, **values
        )


class DeletedRecord(Http404):
    """'Not found' for a record that was deleted and whose history the user may read: the page
    says when and by whom, and where to restore it."""

    def __init__(self, version: Any) -> None:
        self.version = version
        super().__init__(f"{version.instance_type._meta.verbose_name} {version.id} was deleted.")


def deleted_version(model: type, pk: Any, user: Any) -> Any:
    """The version that deleted this record, if the record is gone and the user may read its
    history (else None: to them it is simply not found)."""
    history = getattr(model, "history", None)
    if history is None or not str(pk).isdigit():
        return None
    row = (
        history.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None or row.history_type != "-" or model._base_manager.filter(pk=pk).exists():
        return None
    return row if history_visible(model, pk, user) else None


def link_new(instance: Any, name: str, objs: Any) -> None:
    """Link a record just created to `objs` (its tags) as part of its creation: the links are
    recorded on its "+" version rather than as a change of their own."""
    set_links(instance, {name: [obj.pk for obj in objs]})
    version = instance.history.filter(history_type="+").order_by("-history_id").first()
    if version is not None:
        snapshot_links(version, instance)


MERGED_INTO = "merged into {keep}"
"""The change reason of a merged-away person's deletion row (people.services.person_merge):
`merged_into` reads the kept person's id back, so the old page can point there."""


def merged_into(row: Any) -> int | None:
    """The id of the person a deleted record (its '-' history row) was merged into, or None
    when the deletion was not a merge."""
    prefix = MERGED_INTO.format(keep="")
    reason = getattr(row, "history_change_reason", None) or ""
    if row.history_type != "-" or not reason.startswith(prefix):
        return None
    rest = reason.removeprefix(prefix)
    return int(rest) if rest.isdigit() else None
