"""Segments in the browser: the saved recipient filters of the user's missions, built from the
people list's filters, with the number of recipients and a sample of names updated as they change.

Reads go through ``visible_to(user)`` (another mission's segment is "not found", the count counts
only people the user may see); writes through ``letters.services`` (audited, permission checked).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legation.core import access
from legation.core.models import Mission
from legation.core.services import visible_or_404
from legation.engagements.models import Posting
from legation.letters.forms import SegmentForm
from legation.letters.merge.segments import SegmentError, resolve_filter
from legation.letters.models import Segment
from legation.letters.services import segment_create, segment_delete, segment_update
from legation.letters.views import _require_sender, page_mission
from legation.ui.forms import attach_errors

SAMPLE = 8


def recipients(user: Any, text: str, mission: Mission | None) -> dict[str, Any]:
    """The count and a sample of the people a filter selects, of the mission, as the user sees
    them; or why the filter cannot be read."""
    if not text.strip():
        return {"empty": True}
    country = mission.host_country if mission is not None else "US"
    try:
        people = resolve_filter(text, user, country=country)
        if mission is not None:
            people = people.filter(mission=mission)
        return {"count": people.count(), "sample": list(people[:SAMPLE]), "filter": text}
    except SegmentError as exc:
        return {"error": str(exc), "filter": text}


@login_required
def segment_list(request: HttpRequest) -> HttpResponse:
    _require_sender(request)
    segments = Segment.objects.visible_to(request.user).select_related("mission")
    return render(
        request,
        "letters/segment_list.html",
        {"section": "letters", "segments": segments.order_by("mission__ref", "name")},
    )


@login_required
def segment_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a segment, or change one; the count below the filters follows every change."""
    _require_sender(request)
    user = request.user
    segment = visible_or_404(Segment.objects, user, pk) if pk is not None else None
    if segment is not None:
        initial = SegmentForm.from_filter(segment.filter, segment.mission, user)
        initial |= {
            "name": segment.name,
            "description": segment.description,
            "mission": segment.mission_id,
        }
    else:
        mission = page_mission(request)
        initial = {"mission": mission.pk if mission else None}
    form = SegmentForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = form.filter_text()
        try:
            if not text:
                raise ValidationError(_("Choose at least one filter (or write all=yes)."))
            if segment is None:
                segment = segment_create(
                    actor=user,
                    mission=data["mission"],
                    name=data["name"],
                    filter=text,
                    description=data["description"],
                )
            else:
                segment = segment_update(
                    actor=user,
                    segment=segment,
                    name=data["name"],
                    filter=text,
                    description=data["description"],
                )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
            return redirect("letters:segments")
    mission = _form_mission(form, segment)
    if form.is_bound and hasattr(form, "cleaned_data"):
        text = form.filter_text()
    else:
        text = segment.filter if segment is not None else ""
    return render(
        request,
        "letters/segment_form.html",
        {
            "section": "letters",
            "form": form,
            "segment": segment,
            "result": recipients(user, text, mission),
        },
        status=400 if form.errors else 200,
    )


def _form_mission(form: SegmentForm, segment: Segment | None) -> Mission | None:
    missions = form.fields["mission"].queryset
    value = form.data.get("mission") if form.is_bound else form.initial.get("mission")
    found = missions.filter(pk=value).first() if str(value or "").isdigit() else None
    if found is None and segment is not None:
        return segment.mission
    if found is None:  # none chosen yet: the user's only mission, else all of theirs (None)
        try:
            return access.mission_for(form.user)
        except (access.MissionRequired, PermissionDenied):
            return None
    return found


@login_required
def segment_count(request: HttpRequest) -> HttpResponse:
    """The count and sample of the filters being built (htmx), or of a saved segment
    (``?segment=<id>``, the merge form), or of a written filter (``?filter=``)."""
    _require_sender(request)
    user = request.user
    chosen = request.GET.get("segment", "")
    if "name" in request.GET:  # the builder: its fields, whatever the name says
        form = SegmentForm(request.GET, user=user)
        form.is_valid()
        text = form.filter_text() if hasattr(form, "cleaned_data") else ""
        mission = _form_mission(form, None)
    elif chosen.isdigit():
        segment = visible_or_404(Segment.objects.select_related("mission"), user, chosen)
        text, mission = segment.filter, segment.mission
    else:
        text = request.GET.get("filter", "")
        posting = request.GET.get("posting", "")
        found = (
            Posting.objects.visible_to(user).filter(pk=posting).first()
            if posting.isdigit()
            else None
        )
        mission = found.mission if found is not None else page_mission(request)
    return render(
        request, "letters/_segment_count.html", {"result": recipients(user, text, mission)}
    )


@login_required
@require_POST
def segment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sender(request)
    segment = visible_or_404(Segment.objects, request.user, pk)
    try:
        segment_delete(actor=request.user, segment=segment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Segment “%(name)s” deleted.") % {"name": segment.name})
    return redirect("letters:segments")
