"""Pages for people and organisations. Reads through visible_to, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from legation.core import access
from legation.core.deletion import HiddenDependants
from legation.core.services import visible_or_404
from legation.engagements.models import Commitment, Engagement, Mission
from legation.people import services
from legation.people.filters import OrganisationFilter, PersonFilter
from legation.people.forms import NoteForm, OrganisationForm, PersonForm
from legation.people.models import Affiliation, Organisation, Person, PersonNote, Relationship
from legation.web.forms import attach_errors
from legation.web.lists import csv_response, paginate, querystring, sort

PEOPLE_SORTS = {"name": "family_name,given_name", "pinyin": "pinyin", "created": "created"}
ORG_SORTS = {"name": "name_en", "sector": "sector__position,name_en"}


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    base = Person.objects.visible_to(request.user).select_related("sector", "region")
    filterset = PersonFilter(request.GET, queryset=base, user=request.user)
    qs, current = sort(filterset.qs, request, PEOPLE_SORTS, "name")
    if request.GET.get("format") == "csv":
        return csv_response(
            request,
            name="people",
            header=[
                "id",
                "ref",
                "family_name",
                "given_name",
                "name_zh",
                "pinyin",
                "title",
                "office",
                "sector",
                "region",
            ],
            rows=qs.iterator(chunk_size=2000),
            row=lambda p: [
                p.pk,
                p.ref,
                p.family_name,
                p.given_name,
                p.name_zh,
                p.pinyin,
                p.title,
                p.office,
                p.sector.code if p.sector else "",
                p.region.code if p.region else "",
            ],
        )
    return render(
        request,
        "people/person_list.html",
        {
            "section": "people",
            "filter": filterset,
            "page": paginate(qs, request),
            "sort": current,
            "qs": querystring(request, page=None),
            "csv_qs": querystring(request, page=None, format="csv"),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = visible_or_404(
        Person.objects.select_related("sector", "region", "mission").prefetch_related(
            "emails",
            "phones",
            "addresses__region",
            "tags",
            Prefetch("affiliations", Affiliation.objects.select_related("organisation")),
        ),
        user,
        pk,
    )
    engagements = list(
        Engagement.objects.visible_to(user)
        .filter(engagementparticipant__person=person)
        .select_related("region")
        .order_by("-start")[:100]
    )
    commitments = (
        Commitment.objects.visible_to(user)
        # A sub-query, not a join: no duplicate rows to remove, and PostgreSQL can use the
        # indexes on both sides of the OR.
        .filter(
            Q(engagement_id__in=person.participations.values("engagement_id"))
            | Q(requested_by=person)
        )
        .filter(status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS])
        .select_related("owner__person")
        .order_by("due")
    )
    relationships = (
        Relationship.objects.visible_to(user)
        .filter(Q(from_person=person) | Q(to_person=person))
        .select_related("from_person", "to_person")
    )
    notes = PersonNote.objects.visible_to(user).filter(person=person)
    return render(
        request,
        "people/person_detail.html",
        {
            "section": "people",
            "person": person,
            "forms": person.forms_of_address(),
            "engagements": engagements,
            "commitments": commitments,
            "relationships": relationships,
            "notes": notes,
            "note_form": NoteForm(),
            "can_change": access.has_perm(user, "people.change_person"),
        },
    )


def _single_mission(user) -> Mission:
    missions = list(Mission.objects.visible_to(user)[:2])
    if not missions:
        raise PermissionDenied(_("You are not a member of any mission."))
    return missions[0]


@login_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    person = visible_or_404(Person.objects, user, pk) if pk else None
    access.require(user, "people.change_person" if person else "people.add_person")
    form = PersonForm(request.POST or None, instance=person, user=user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in PersonForm.Meta.fields}
        data["ref"] = data.get("ref") or None
        try:
            if person:
                person = services.person_update(actor=user, person=person, **data)
                person.tags.set(services.tags_from(form.split("tags"), person.mission_id))
            else:
                person = services.person_create(
                    actor=user,
                    mission=_single_mission(user),
                    emails=form.split("email"),
                    phones=form.split("phone"),
                    tags=form.split("tags"),
                    **data,
                )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", person.pk)
    return render(
        request, "people/person_form.html", {"section": "people", "form": form, "person": person}
    )


@login_required
def person_note(request: HttpRequest, pk: int) -> HttpResponse:
    person = visible_or_404(Person.objects, request.user, pk)
    form = NoteForm(request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_add_note(actor=request.user, person=person, **form.cleaned_data)
            messages.success(request, _("Note added."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("people:detail", person.pk)


@login_required
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = visible_or_404(Person.objects, request.user, pk)
    if request.method == "POST":
        try:
            services.person_delete(actor=request.user, person=person)
        except HiddenDependants as exc:
            messages.error(request, str(exc))
            return redirect("people:detail", person.pk)
        messages.success(request, _("Deleted. It can be restored from its history."))
        return redirect("people:list")
    cancel = reverse("people:detail", args=[person.pk])
    return render(
        request,
        "web/confirm_delete.html",
        {"object": person, "section": "people", "cancel": cancel},
    )


@login_required
def person_pick(request: HttpRequest) -> HttpResponse:
    """The htmx person picker: any form of the name, Latin, pinyin or characters.

    The search box sends its own value as "pq" (no script computes the parameter)."""
    query = (request.GET.get("q") or request.GET.get("pq") or "").strip()
    people = []
    if query:
        people = list(
            Person.objects.visible_to(request.user)
            .search(query)
            .select_related("region")
            .order_by("family_name", "given_name")[:12]
        )
    return render(request, "people/_pick_results.html", {"people": people, "query": query})


@login_required
def organisation_pick(request: HttpRequest) -> HttpResponse:
    """The htmx organisation picker: part of the English or Chinese name ("oq")."""
    query = (request.GET.get("oq") or "").strip()
    organisations = []
    if query:
        organisations = list(
            Organisation.objects.visible_to(request.user)
            .filter(Q(name_en__icontains=query) | Q(name_zh__icontains=query))
            .order_by("name_en")[:12]
        )
    return render(
        request,
        "people/_pick_organisations.html",
        {"organisations": organisations, "query": query},
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    base = Organisation.objects.visible_to(request.user).select_related("sector", "region")
    filterset = OrganisationFilter(request.GET, queryset=base, user=request.user)
    qs, current = sort(filterset.qs, request, ORG_SORTS, "name")
    if request.GET.get("format") == "csv":
        return csv_response(
            request,
            name="organisations",
            header=["id", "ref", "name_en", "name_zh", "sector", "region", "website"],
            rows=qs.iterator(chunk_size=2000),
            row=lambda o: [
                o.pk,
                o.ref,
                o.name_en,
                o.name_zh,
                o.sector.code if o.sector else "",
                o.region.code if o.region else "",
                o.website,
            ],
        )
    return render(
        request,
        "people/organisation_list.html",
        {
            "section": "organisations",
            "filter": filterset,
            "page": paginate(qs, request),
            "sort": current,
            "qs": querystring(request, page=None),
            "csv_qs": querystring(request, page=None, format="csv"),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    org = visible_or_404(
        Organisation.objects.select_related("sector", "region", "parent"), user, pk
    )
    members = (
        Affiliation.objects.visible_to(user)
        .filter(organisation=org)
        .select_related("person")
        .order_by("person__family_name")[:200]
    )
    engagements = (
        Engagement.objects.visible_to(user)
        .filter(engagementorganisation__organisation=org)
        .select_related("region")
        .order_by("-start")[:100]
    )
    children = Organisation.objects.visible_to(user).filter(parent=org)
    return render(
        request,
        "people/organisation_detail.html",
        {
            "section": "organisations",
            "org": org,
            "members": members,
            "engagements": engagements,
            "children": children,
            "can_change": access.has_perm(user, "people.change_organisation"),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    org = visible_or_404(Organisation.objects, user, pk) if pk else None
    access.require(user, "people.change_organisation" if org else "people.add_organisation")
    form = OrganisationForm(request.POST or None, instance=org, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["ref"] = data.get("ref") or None
        try:
            if org:
                org = services.organisation_update(actor=user, organisation=org, **data)
            else:
                org = services.organisation_create(
                    actor=user, mission=_single_mission(user), **data
                )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:organisation", org.pk)
    return render(
        request,
        "people/organisation_form.html",
        {"section": "organisations", "form": form, "org": org},
    )
