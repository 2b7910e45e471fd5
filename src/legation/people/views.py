"""Pages for people and organisations. Reads through visible_to, writes through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from legation.core import access
from legation.core.models import Mission
from legation.core.services import ConflictError, visible_or_404
from legation.people import services
from legation.people.filters import OrganisationFilter, PersonFilter
from legation.people.forms import (
    ROW_TITLES,
    NoteForm,
    OrganisationForm,
    PersonForm,
    kept_rows,
    row_formsets,
)
from legation.people.models import Affiliation, Organisation, Person, PersonNote, Relationship
from legation.ui.deleting import confirm_and_delete
from legation.ui.forms import attach_errors
from legation.ui.lists import csv_response, paginate, querystring, sort
from legation.ui.missions import asked_mission, choose_mission, form_mission

#: what a person's name is shown from (`Person.__str__`, `full_name`) where only the name is shown
PERSON_NAME_FIELDS = ("id", "mission_id", "family_name", "given_name", "name_zh", "name_order")
PEOPLE_SORTS = {"name": "family_name,given_name", "pinyin": "pinyin", "created": "created"}
ORG_SORTS = {"name": "name_en", "sector": "sector__position,name_en"}
#: rows a person's or an organisation's page shows; the rest are on the lists, filtered to the
#: record (a link under each list when there are more)
ENGAGEMENTS_SHOWN = 25
MEMBERS_SHOWN = 50


def _first(rows: Any, shown: int) -> tuple[list[Any], bool]:
    """The first `shown` of `rows` (a queryset sliced to one more) and whether there are more."""
    rows = list(rows)
    return rows[:shown], len(rows) > shown


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
    # Engagements sit above people: they are read through the relation they declare
    # (Engagement.people, related_name "engagements"), whose model's manager is the engagements'
    # own, with its `visible_to` and `newest_linked_to` (the newest few, without sorting
    # every engagement of a person met thousands of times); one more than shown says whether
    # to link to all of them (/engagements/?person=), uncounted. The open commitments card is
    # the engagements app's ({% person_commitments %} in engagements_tags).
    engagements, more_engagements = _first(
        person.engagements.model.objects.visible_to(user)
        .select_related("region", "letter")
        .newest_linked_to("people", person, ENGAGEMENTS_SHOWN + 1),
        ENGAGEMENTS_SHOWN,
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
            "more_engagements": more_engagements,
            "relationships": relationships,
            "notes": notes,
            "note_form": NoteForm(user=user),
            "can_change": access.has_perm(user, "people.change_person"),
        },
    )


def _new_record_mission(request: HttpRequest) -> Mission:
    """The mission a new person or organisation goes into: the one asked for among the user's,
    else their only one (core.access.mission_for)."""
    return access.mission_for(request.user, asked_mission(request))


def _shown(value: Any) -> str:
    """A saved value as the page shows it (a choice by its label, yes/no, empty as a dash)."""
    if isinstance(value, bool):
        return pgettext("saved value", "yes") if value else pgettext("saved value", "no")
    if value in (None, ""):
        return "—"
    return str(value)


def _theirs(form: forms.BaseForm, current: Any, tags: str | None = None) -> dict[str, str]:
    """The saved values (`current`, someone else's edit) of the fields where the user's input
    differs, as shown; "tags" compared as a set of names."""
    out = {}
    for name in form._meta.fields:
        mine, saved = form.cleaned_data.get(name), getattr(current, name)
        if (mine or None) == (saved or None) or (mine in ("", None) and saved in ("", None)):
            continue
        field = current._meta.get_field(name)
        out[name] = _shown(getattr(current, f"get_{name}_display")() if field.choices else saved)
    if tags is not None:
        saved_tags = ", ".join(t.name for t in current.tags.all())
        if {t.casefold() for t in form.split("tags")} != {
            t.strip().casefold() for t in saved_tags.split(",") if t.strip()
        }:
            out["tags"] = saved_tags or "—"
    return out


def _attach_row_errors(
    form: forms.BaseForm,
    formsets: dict[str, forms.BaseFormSet],
    indexes: dict[str, list[int]],
    exc: ValidationError,
) -> None:
    """Show the service's errors on the person's fields and on the rows they name
    ("emails-0-email": the email of the first row sent)."""
    person_errors = {}
    for key, messages_ in exc.message_dict.items():
        kind, _sep, rest = key.partition("-")
        if kind in formsets and rest:
            number, _sep, field = rest.partition("-")
            row = formsets[kind].forms[indexes[kind][int(number)]]
            row.add_error(field if field in row.fields else None, messages_)
        else:
            person_errors[key] = messages_
    if person_errors:
        attach_errors(form, ValidationError(person_errors))


@login_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    person = visible_or_404(Person.objects.select_related("mission"), user, pk) if pk else None
    access.require(user, "people.change_person" if person else "people.add_person")
    try:
        mission = None if person else _new_record_mission(request)
    except access.MissionRequired as exc:
        return choose_mission(request, exc)
    data = request.POST.copy() if request.method == "POST" else None
    form = PersonForm(data, instance=person, user=user)
    formsets = row_formsets(data, person, user)
    theirs: dict[str, str] = {}
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in formsets.values() if f.is_bound)
    ):
        fields = {k: v for k, v in form.cleaned_data.items() if k in PersonForm.Meta.fields}
        fields["ref"] = fields.get("ref") or None
        rows, indexes = {}, {}
        for kind, formset in formsets.items():
            rows[kind], indexes[kind] = kept_rows(formset)
        note = (form.cleaned_data["note"], form.cleaned_data["note_sensitivity"])
        try:
            person = services.person_save(
                actor=user,
                person=person,
                mission=mission,
                expected_version=form.cleaned_data.get("version"),
                fields=fields,
                tags=form.split("tags"),
                note=note,
                **rows,
            )
        except ConflictError as exc:
            # Shown again with the user's input, the saved values beside what differs, and the
            # saved version, so that saving again (deliberately) goes through.
            theirs = _theirs(form, exc.current, tags=form.cleaned_data.get("tags", ""))
            data["version"] = exc.current.version
            form = PersonForm(data, instance=exc.current, user=user)
            form.is_valid()
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _attach_row_errors(form, formsets, indexes, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "section": "people",
            "form": form,
            "person": person,
            **form_mission(user, mission),
            "fields": [(f, theirs.get(f.name)) for f in form.visible_fields()],
            "formsets": [(kind, ROW_TITLES[kind], fs) for kind, fs in formsets.items()],
        },
    )


@login_required
def person_note(request: HttpRequest, pk: int) -> HttpResponse:
    person = visible_or_404(Person.objects, request.user, pk)
    form = NoteForm(request.POST, user=request.user)
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
    return confirm_and_delete(
        request,
        person,
        lambda record: services.person_delete(actor=request.user, person=record),
        detail="people:detail",
        listing="people:list",
        section="people",
    )


@login_required
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    org = visible_or_404(Organisation.objects, request.user, pk)
    return confirm_and_delete(
        request,
        org,
        lambda record: services.organisation_delete(actor=request.user, organisation=record),
        detail="people:organisation",
        listing="people:organisations",
        section="organisations",
    )


def _of_mission(qs: Any, request: HttpRequest) -> Any:
    """A picker's records narrowed to the mission of the form it serves (``mission``), if given."""
    mission = request.GET.get("mission", "")
    return qs.filter(mission_id=int(mission)) if mission.isdigit() else qs


@login_required
def person_pick(request: HttpRequest) -> HttpResponse:
    """The htmx person picker: any form of the name, Latin, pinyin or characters.

    The search box sends its own value as "pq" (no script computes the parameter)."""
    query = (request.GET.get("q") or request.GET.get("pq") or "").strip()
    people = []
    if query:
        people = list(
            _of_mission(Person.objects.visible_to(request.user), request)
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
            _of_mission(Organisation.objects.visible_to(request.user), request)
            .search(query)
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
    # One query per section, each reading only what the page shows (the person's name in either
    # script, an engagement's subject, date and kind, a unit's names); one row more than shown
    # says whether to link to the lists filtered to the organisation, uncounted.
    members, more_members = _first(
        Affiliation.objects.visible_to(user)
        .filter(organisation=org)
        .select_related("person")
        .only("id", "role", "person_id", *(f"person__{f}" for f in PERSON_NAME_FIELDS))
        .order_by("person__family_name", "person__given_name", "pk")[: MEMBERS_SHOWN + 1],
        MEMBERS_SHOWN,
    )
    # Through the relation engagements declare (Engagement.organisations), as on a person's page;
    # the newest few of a ministry met 24,000 times without sorting them all.
    engagements, more_engagements = _first(
        org.engagements.model.objects.visible_to(user)
        .only("id", "mission_id", "subject", "start", "kind")
        .newest_linked_to("organisations", org, ENGAGEMENTS_SHOWN + 1),
        ENGAGEMENTS_SHOWN,
    )
    # A few units at most, sorted here by their English name as before (and as the organisations
    # list): ordered in SQL, SQLite walked the whole (mission, name_en) index even when there
    # were none. Found through the parent index in a subquery: beside the mission filter SQLite
    # scanned the table, as its statistics count the organisations without a parent (most of
    # them) as one large group of the parent index.
    children = sorted(
        Organisation.objects.visible_to(user)
        .filter(pk__in=Organisation.objects.filter(parent=org).values("pk"))
        .order_by()
        .only("id", "mission_id", "name_en", "name_zh"),
        key=lambda unit: (unit.name_en.casefold(), unit.pk),
    )
    return render(
        request,
        "people/organisation_detail.html",
        {
            "section": "organisations",
            "org": org,
            "members": members,
            "more_members": more_members,
            "engagements": engagements,
            "more_engagements": more_engagements,
            "children": children,
            "can_change": access.has_perm(user, "people.change_organisation"),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    org = visible_or_404(Organisation.objects, user, pk) if pk else None
    access.require(user, "people.change_organisation" if org else "people.add_organisation")
    try:
        mission = None if org else _new_record_mission(request)
    except access.MissionRequired as exc:
        return choose_mission(request, exc)
    data = request.POST.copy() if request.method == "POST" else None
    form = OrganisationForm(data, instance=org, user=user)
    theirs: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in OrganisationForm.Meta.fields}
        fields["ref"] = fields.get("ref") or None
        try:
            if org:
                org = services.organisation_update(
                    actor=user,
                    organisation=org,
                    expected_version=form.cleaned_data.get("version"),
                    tags=form.split("tags"),
                    **fields,
                )
            else:
                org = services.organisation_create(
                    actor=user, mission=mission, tags=form.split("tags"), **fields
                )
        except ConflictError as exc:
            theirs = _theirs(form, exc.current, tags=form.cleaned_data.get("tags", ""))
            data["version"] = exc.current.version
            form = OrganisationForm(data, instance=exc.current, user=user)
            form.is_valid()
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:organisation", org.pk)
    return render(
        request,
        "people/organisation_form.html",
        {
            "section": "organisations",
            "form": form,
            "org": org,
            **form_mission(user, mission),
            "fields": [(f, theirs.get(f.name)) for f in form.visible_fields()],
        },
    )
