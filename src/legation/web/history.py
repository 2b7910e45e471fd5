"""The history tab of a record, from the audit trail, with restore for deleted records."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legation.core import access
from legation.core.audit import (
    HistoryVisibility,
    RestoreError,
    history_visible,
    restore_deleted,
)
from legation.core.models import SecurityEvent
from legation.core.signals import security_event

# Records with a history tab, and the page each one lives on.
HISTORY_MODELS = {
    "people.person": "people:detail",
    "people.organisation": "people:organisation",
    "engagements.engagement": "engagements:detail",
    "engagements.commitment": "engagements:commitment",
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
            changes = [
                (model._meta.get_field(c.field).verbose_name, c.old, c.new) for c in delta.changes
            ]
        out.append({"row": row, "hidden": False, "changes": changes})
        previous = row
    return list(reversed(out))


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
    return render(
        request,
        "web/history.html",
        {
            "entries": rows,
            "label": label,
            "pk": pk,
            "live": live,
            "can_restore": can_restore,
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
