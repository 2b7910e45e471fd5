"""The history tab of a record, from the audit trail: restore a deleted record, revert a live one
to an earlier version; the recycle bin of recently deleted records; the page of a deleted one."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from legation.core import access
from legation.core.audit import (
    DeletedRecord,
    HistoryVisibility,
    RestoreError,
    history_visible,
    merged_into,
    restore_deleted,
    revert_to_version,
)
from legation.core.models import Operation, SecurityEvent
from legation.core.signals import security_event
from legation.engagements import services as engagement_services
from legation.people import services as people_services
from legation.people.models import Person

# Records with a history tab, and the page each one lives on.
HISTORY_MODELS = {
    "people.person": "people:detail",
    "people.organisation": "people:organisation",
    "engagements.engagement": "engagements:detail",
    "engagements.commitment": "engagements:commitment",
}


# The update service and the fields a user may set, per record: what a revert writes back.
REVERT = {
    "people.person": (people_services.person_update, people_services.PERSON_FIELDS),
    "people.organisation": (
        people_services.organisation_update,
        people_services.ORGANISATION_FIELDS,
    ),
    "engagements.engagement": (
        engagement_services.engagement_update,
        engagement_services.ENGAGEMENT_FIELDS,
    ),
    "engagements.commitment": (
        engagement_services.commitment_update,
        engagement_services.COMMITMENT_FIELDS,
    ),
}


def _model(label: str) -> type:
    if label not in HISTORY_MODELS:
        raise Http404
    return apps.get_model(label)


def entries(model: type, pk: int, user: Any) -> list[dict[str, Any]]:
    """The record's versions, newest first. A version the user is not cleared for is listed as
    such, with its date only; each visible change is compared with the previous visible version,
    so no hidden value appears as a "before"."""
    rows = list(
        model.history.filter(id=pk)
        .select_related("history_user", "operation")
        .order_by("history_date", "history_id")
    )
    checker = HistoryVisibility(user)
    out = []
    previous = None
    for row in rows:
        if not checker.row_visible(row):
            out.append({"row": row, "hidden": True, "changes": []})
            continue
        changes = []
        if previous is not None and row.history_type == "~":
            delta = row.diff_against(previous)
            changes = [_change(model, c) for c in delta.changes]
        out.append(
            {
                "row": row,
                "hidden": False,
                "changes": changes,
                "source": _source_label(row.source),
                "restored": row.history_type == "+"
                and (getattr(row.operation, "description", "") or "").startswith("restore"),
            }
        )
        previous = row
    return list(reversed(out))


def _change(model: type, change: Any) -> tuple[Any, Any, Any]:
    """(field label, before, after) of one change; tags by their names."""
    field = model._meta.get_field(change.field)
    if field.many_to_many:
        other = field.m2m_reverse_field_name()
        before, after = ([row[other] for row in side] for side in (change.old, change.new))
        names = dict(
            field.related_model._base_manager.filter(pk__in=[*before, *after]).values_list(
                "pk", "name"
            )
        )
        return (
            field.related_model._meta.verbose_name_plural,
            ", ".join(sorted(names.get(pk, f"#{pk}") for pk in before)),
            ", ".join(sorted(names.get(pk, f"#{pk}") for pk in after)),
        )
    return (field.verbose_name, _shown(field, change.old), _shown(field, change.new))


def _source_label(source: str) -> str:
    """Where a change came from, in the reader's language ("web page", "命令行"...)."""
    try:
        return str(Operation.Source(source).label)
    except ValueError:
        return source


def _shown(field: Any, value: Any) -> Any:
    """A stored value as the reader knows it: a choice by its label, a yes/no in words."""
    if value is None or value == "":
        return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


@login_required
def history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    model = _model(label)
    if not history_visible(model, pk, request.user):
        raise Http404
    rows = entries(model, pk, request.user)
    shown = [entry["row"] for entry in rows if not entry["hidden"]]
    current = model._default_manager.filter(pk=pk).first()
    live = current is not None
    if not shown and not live:
        raise Http404
    # A record loaded without history (the demo, a bulk load) has a page all the same.
    title = str(shown[0].instance) if shown else str(current)
    can_restore = not live and access.has_perm(
        request.user, f"{model._meta.app_label}.delete_{model._meta.model_name}"
    )
    can_revert = (
        live
        and label in REVERT
        and access.has_perm(
            request.user, f"{model._meta.app_label}.change_{model._meta.model_name}"
        )
        and model._default_manager.visible_to(request.user).filter(pk=pk).exists()
    )
    newest = True
    for entry in rows:  # every visible version but the newest can be written back
        if entry["hidden"]:
            continue
        entry["revertible"] = can_revert and not newest and entry["row"].history_type != "-"
        newest = False
    return render(
        request,
        "web/history.html",
        {
            "entries": rows,
            "label": label,
            "pk": pk,
            "live": live,
            "can_restore": can_restore,
            "version": getattr(current, "version", None),
            "title": title,
            "detail_url": HISTORY_MODELS[label],
            "section": label.split(".")[1] + "s" if label != "people.person" else "people",
        },
    )


@login_required
@require_POST
def restore(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    model = _model(label)
    if not history_visible(model, pk, request.user):
        raise Http404
    access.require(request.user, f"{model._meta.app_label}.delete_{model._meta.model_name}")
    try:
        obj = restore_deleted(model, pk, actor=request.user, source="web")
    except RestoreError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("history", args=[label, pk]))
    security_event(
        SecurityEvent.Kind.RESTORE,
        user=request.user,
        request=request,
        model=model._meta.label,
        pk=pk,
    )
    messages.success(request, _("Restored."))
    return redirect(HISTORY_MODELS[label], obj.pk)


@login_required
@require_POST
def revert(request: HttpRequest, label: str, pk: int, history_id: int) -> HttpResponse:
    """Write an earlier version back (its fields a user may set, and its tags) as a new change."""
    model = _model(label)
    if label not in REVERT or not history_visible(model, pk, request.user):
        raise Http404
    access.require(request.user, f"{model._meta.app_label}.change_{model._meta.model_name}")
    update, fields = REVERT[label]
    try:
        revert_to_version(
            model,
            pk,
            history_id,
            actor=request.user,
            update=update,
            fields=fields,
            expected_version=request.POST.get("version") or None,
            source="web",
        )
    except RestoreError:
        raise Http404 from None
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(reverse("history", args=[label, pk]))
    messages.success(request, _("Reverted to the earlier version."))
    return redirect(reverse("history", args=[label, pk]))


#: how far back the recycle bin looks, per kind of record
RECYCLE_LIMIT = 500


def deleted_records(user: Any) -> list[dict[str, Any]]:
    """Records deleted and not restored since, that `user` may see (each judged by its last
    version, as the history page is), newest first; the last RECYCLE_LIMIT of each kind."""
    checker = HistoryVisibility(user)
    if checker.level < 0:
        return []
    found = []
    for label in HISTORY_MODELS:
        model = apps.get_model(label)
        rows = model.history.filter(history_type="-")
        # The versions' own mission column, where they keep one (a commitment's copy of its
        # engagement's is not kept in its versions).
        kept = model.history.model._meta.fields
        if not checker.all_missions and any(f.name == "mission" for f in kept):
            rows = rows.filter(mission_id__in=checker.missions)
        rows = list(
            rows.select_related("history_user").order_by("-history_date", "-history_id")[
                :RECYCLE_LIMIT
            ]
        )
        alive = set(
            model._base_manager.filter(pk__in={r.id for r in rows}).values_list("pk", flat=True)
        )
        seen = set()
        for row in rows:
            if row.id in alive or row.id in seen:
                continue
            seen.add(row.id)
            if not checker.row_visible(row) or merged_into(row):
                continue  # a merged-away person lives on in the kept one: nothing to restore
            found.append(
                {
                    "row": row,
                    "label": label,
                    "kind": model._meta.verbose_name,
                    "can_restore": access.has_perm(
                        user, f"{model._meta.app_label}.delete_{model._meta.model_name}"
                    ),
                }
            )
    found.sort(key=lambda e: (e["row"].history_date, e["row"].history_id), reverse=True)
    return found


@login_required
def recycle_bin(request: HttpRequest) -> HttpResponse:
    page = Paginator(deleted_records(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "web/recycle_bin.html", {"page": page, "section": "recycle"})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a deleted record the user may trace says so and where to restore it; anything
    else is the usual 'not found'."""
    if isinstance(exception, DeletedRecord):
        row = exception.version
        label = row.instance_type._meta.label_lower
        user = getattr(request, "user", None)
        keep_id = merged_into(row) if label == "people.person" else None
        keep = (
            Person.objects.visible_to(user).filter(pk=keep_id).first()
            if keep_id and user is not None
            else None
        )
        if keep is not None:
            return render(
                request,
                "web/merged.html",
                {"row": row, "keep": keep, "title": str(row.instance)},
                status=404,
            )
        if label in HISTORY_MODELS and user is not None:
            return render(
                request,
                "web/deleted.html",
                {
                    "row": row,
                    "label": label,
                    "kind": row.instance_type._meta.verbose_name,
                    "title": str(row.instance),
                },
                status=404,
            )
    return defaults.page_not_found(request, exception)
