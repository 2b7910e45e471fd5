"""Pages for engagements and commitments. Reads through visible_to, writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from legation.core import access
from legation.core.services import ConflictError, visible_or_404
from legation.engagements import services
from legation.engagements.filters import CommitmentFilter, EngagementFilter
from legation.engagements.forms import (
    CommitmentForm,
    CommitmentFormSet,
    EngagementForm,
    show_conflict,
)
from legation.engagements.models import Commitment, Engagement, Posting
from legation.engagements.selectors import default_posting
from legation.people.models import Organisation, Person
from legation.ui.deleting import confirm_and_delete
from legation.ui.forms import attach_errors
from legation.ui.lists import csv_response, paginate, querystring, sort
from legation.ui.missions import asked_mission, choose_mission, form_mission

ENGAGEMENT_SORTS = {"start": "start", "kind": "kind,start", "subject": "subject"}
COMMITMENT_SORTS = {"due": "due", "status": "status,due"}


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    base = Engagement.objects.visible_to(request.user).select_related("region")
    filterset = EngagementFilter(request.GET, queryset=base, user=request.user)
    qs, current = sort(filterset.qs, request, ENGAGEMENT_SORTS, "-start")
    if request.GET.get("format") == "csv":
        return csv_response(
            request,
            name="engagements",
            header=[
                "id",
                "ref",
                "start",
                "kind",
                "region",
                "city",
                "site_type",
                "subject",
                "summary",
            ],
            rows=qs.iterator(chunk_size=2000),
            row=lambda e: [
                e.pk,
                e.ref,
                timezone.localtime(e.start).isoformat(),
                e.kind,
                e.region.code if e.region else "",
                e.city,
                e.site_type,
                e.subject,
                e.summary,
            ],
        )
    return render(
        request,
        "engagements/engagement_list.html",
        {
            "section": "engagements",
            "filter": filterset,
            "page": paginate(qs, request),
            "sort": current,
            "qs": querystring(request, page=None),
            "csv_qs": querystring(request, page=None, format="csv"),
        },
    )


@login_required
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    engagement = visible_or_404(
        Engagement.objects.select_related("region", "mission").prefetch_related(
            Prefetch("people", Person.objects.select_related("sector")),
            Prefetch("staff", Posting.objects.labelled()),
            "organisations",
            "tags",
        ),
        user,
        pk,
    )
    commitments = (
        Commitment.objects.visible_to(user)
        .filter(engagement=engagement)
        .select_related("owner__person")
    )
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "section": "engagements",
            "e": engagement,
            "commitments": commitments,
            "can_change": access.has_perm(user, "engagements.change_engagement"),
        },
    )


ENGAGEMENT_FORM_FIELDS = (
    "kind",
    "region",
    "city",
    "site_type",
    "subject",
    "summary",
    "notes",
    "sensitivity",
)


def _engagement_values(engagement: Engagement) -> dict[str, Any]:
    """The saved engagement in the form's terms (the edit form's initial values, and what a
    conflicting save shows next to the fields)."""
    values: dict[str, Any] = {f: getattr(engagement, f) for f in ENGAGEMENT_FORM_FIELDS}
    values["start"] = timezone.localtime(engagement.start)
    values["people"] = list(engagement.people.all())
    values["organisations"] = list(engagement.organisations.all())
    values["staff"] = list(engagement.staff.select_related("person"))
    values["tags"] = ", ".join(sorted(t.name for t in engagement.tags.all()))
    values["version"] = engagement.version
    return values


@login_required
def engagement_log(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The quick form: who, where, what, notes and the commitments raised, in one page, saved
    by one service call (all of it or nothing)."""
    user = request.user
    engagement = visible_or_404(Engagement.objects, user, pk) if pk else None
    access.require(
        user, "engagements.change_engagement" if engagement else "engagements.add_engagement"
    )
    mission = None
    if engagement is None:  # a new engagement: of the mission asked for, or the user's only one
        asked = asked_mission(request)
        person = request.GET.get("person", "")
        if not asked and person.isdigit():  # logged from a person's page: their mission
            asked = (
                Person.objects.visible_to(user).filter(pk=person).values_list("mission", flat=True)
            ).first()
        try:
            mission = access.mission_for(user, asked)
        except access.MissionRequired as exc:
            return choose_mission(request, exc)
    own = default_posting(user, mission=mission)
    own = own if own is not None and own.user_id == user.pk else None
    initial: dict[str, Any] = {}
    if engagement:
        initial = _engagement_values(engagement)
    else:
        if own:
            initial["staff"] = [own]
        if request.GET.get("person"):
            initial["people"] = list(
                Person.objects.visible_to(user).filter(pk=request.GET["person"])
            )
    mission_of_form = mission or (engagement.mission if engagement else None)
    form = EngagementForm(request.POST or None, initial=initial, user=user, mission=mission_of_form)
    formset = CommitmentFormSet(
        request.POST or None,
        prefix="c",
        form_kwargs={"user": user, "owner": own, "mission": mission_of_form},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        links = {k: list(data.pop(k)) for k in ("people", "staff", "organisations")}
        data.pop("tags")
        version = data.pop("version")
        commitments = [c for c in (f.to_service() for f in formset.forms) if c]
        editing = engagement is not None
        try:
            if engagement:
                engagement = services.engagement_update(
                    actor=user,
                    engagement=engagement,
                    tags=form.split_tags(),
                    commitments=commitments,
                    expected_version=version,
                    **links,
                    **data,
                )
            else:
                engagement = services.engagement_create(
                    actor=user,
                    mission=mission,
                    tags=form.split_tags(),
                    commitments=commitments,
                    **links,
                    **data,
                )
        except ConflictError as exc:
            show_conflict(form, exc, _engagement_values(exc.current))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved.") if editing else _("Engagement recorded."))
            return redirect("engagements:detail", engagement.pk)
    return render(
        request,
        "engagements/engagement_form.html",
        {
            "section": "engagements",
            "form": form,
            "formset": formset,
            "engagement": engagement,
            # The mission the form writes into, named when the user has several; the pickers
            # offer only its people and organisations.
            **form_mission(user, mission_of_form),
            "chosen_people": _chosen(form, "people", Person.objects.visible_to(user)),
            "chosen_organisations": _chosen(
                form, "organisations", Organisation.objects.visible_to(user)
            ),
        },
    )


def _chosen(form: EngagementForm, name: str, queryset: Any) -> Any:
    """The records the form holds in a picker (as loaded, or as the user left them)."""
    chosen = form[name].value() or []
    return queryset.filter(pk__in=[getattr(o, "pk", o) for o in chosen])


@login_required
def engagement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = visible_or_404(Engagement.objects, request.user, pk)
    return confirm_and_delete(
        request,
        engagement,
        lambda e: services.engagement_delete(actor=request.user, engagement=e),
        detail="engagements:detail",
        listing="engagements:list",
        section="engagements",
    )


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    base = Commitment.objects.visible_to(request.user).select_related("engagement", "owner__person")
    filterset = CommitmentFilter(request.GET, queryset=base, user=request.user)
    qs, current = sort(filterset.qs, request, COMMITMENT_SORTS, "due")
    if request.GET.get("format") == "csv":
        return csv_response(
            request,
            name="commitments",
            header=["id", "description", "status", "due", "owner", "engagement", "closed_on"],
            rows=qs.iterator(chunk_size=2000),
            row=lambda c: [
                c.pk,
                c.description,
                c.status,
                c.due,
                c.owner.person if c.owner else "",
                c.engagement.subject,
                c.closed_on,
            ],
        )
    return render(
        request,
        "engagements/commitment_list.html",
        {
            "section": "commitments",
            "filter": filterset,
            "page": paginate(qs, request),
            "sort": current,
            "qs": querystring(request, page=None),
            "csv_qs": querystring(request, page=None, format="csv"),
            "today": timezone.localdate(),
        },
    )


def _commitment_values(commitment: Commitment) -> dict[str, Any]:
    values = {f: getattr(commitment, f) for f in ("description", "status", "owner", "due")}
    values["resolution"] = commitment.resolution
    values["version"] = commitment.version
    return values


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    commitment = visible_or_404(
        Commitment.objects.select_related("engagement", "owner__person", "requested_by"), user, pk
    )
    can_change = access.has_perm(user, "engagements.change_commitment")
    form = CommitmentForm(request.POST or None, user=user, initial=_commitment_values(commitment))
    if request.method == "POST":
        access.require(user, "engagements.change_commitment")
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.commitment_update(
                    actor=user, commitment=commitment, expected_version=version, **data
                )
            except ConflictError as exc:
                show_conflict(form, exc, _commitment_values(exc.current))
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("engagements:commitment", commitment.pk)
    return render(
        request,
        "engagements/commitment_detail.html",
        {
            "section": "commitments",
            "c": commitment,
            "form": form,
            "can_change": can_change,
            "today": timezone.localdate(),
        },
    )
