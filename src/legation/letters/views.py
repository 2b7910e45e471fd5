"""Letters pages: pick or write a template, preview it for anyone in both languages.

Reads go through ``visible_to(user)`` (in the engine's context builders); writes through
services. Every page needs the permission to send letters: a reader has nothing to send.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legation.core import access
from legation.core.models import Mission
from legation.core.services import visible_or_404
from legation.engagements.selectors import default_posting
from legation.letters.compose import library
from legation.letters.compose.letter_template import KIND_LABELS, LetterTemplate, parse_template
from legation.letters.compose.sandbox import LetterTemplateError
from legation.letters.forms import PreviewForm, TemplateForm, template_names
from legation.letters.models import MissionTemplate
from legation.letters.render.preview import pdf_for, previews
from legation.letters.services import (
    SEND_PERMISSION,
    letter_template_restore,
    letter_template_save,
)
from legation.ui.forms import attach_errors

STARTER = """---
name: new-letter
language: en
kind: greeting
subject: Greetings from {{ sender.title }} {{ sender.name }}
closing: Sincerely,
---
It has been {{ posting.days_in_post }} days since I arrived in {{ mission.country }}.

{% if personal %}{{ personal }}{% endif %}
"""


def _require_sender(request: HttpRequest) -> None:
    access.require(request.user, SEND_PERMISSION)


def page_mission(request: HttpRequest, value: Any = None) -> Mission | None:
    """The mission whose templates the page shows: the one asked for (among the user's), else
    the user's only one (core.access.mission_for), else the mission of the user's own posting;
    None when the user must choose (the page offers their missions)."""
    value = value if value is not None else request.GET.get("mission", "")
    try:
        return access.mission_for(request.user, value)
    except (access.MissionRequired, PermissionDenied):
        pass
    own = default_posting(request.user)
    return own.mission if own is not None and own.user_id == request.user.pk else None


def _template_rows(request: HttpRequest, mission: Mission | None) -> list[dict[str, Any]]:
    records = {}
    if mission is not None:
        records = {r.label: r for r in library.records(request.user, mission)}
    rows = []
    for name, found in template_names(request.user, mission).items():
        for t in found:
            shipped = library.is_shipped(t)
            record = None if shipped else records.get(t.label)
            kind = KIND_LABELS.get(t.kind, t.kind)
            rows.append({"t": t, "name": name, "shipped": shipped, "record": record, "kind": kind})
    return rows


def _chosen(request: HttpRequest, mission: Mission | None) -> LetterTemplate | None:
    name, lang = request.GET.get("template", ""), request.GET.get("lang", "en")
    for found in template_names(request.user, mission).get(name, []):
        if found.language == lang:
            return found
    return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Templates (shipped and the mission's), the editor, and the preview side by side."""
    _require_sender(request)
    mission = page_mission(request)
    chosen = _chosen(request, mission)
    if chosen is None and "template" not in request.GET:
        farewell = template_names(request.user, mission).get("farewell", [])
        chosen = next((t for t in farewell if t.language == "en"), None)
    initial: dict[str, Any] = {"text": chosen.source if chosen else STARTER}
    person = request.GET.get("person", "")
    if person.isdigit():
        initial["person"] = person
    form = PreviewForm(initial=initial, user=request.user)
    return _index(request, form, chosen, mission)


def _index_context(
    request: HttpRequest, form: PreviewForm, chosen: Any, mission: Mission | None
) -> dict[str, Any]:
    person = None
    pk = form["person"].value()
    if pk and str(pk).isdigit():
        person = form.fields["person"].queryset.filter(pk=pk).first()
    return {
        "section": "letters",
        "templates": _template_rows(request, mission),
        "chosen": chosen,
        "form": form,
        "person": person,
        "mission": mission,
        "missions": Mission.objects.visible_to(request.user).order_by("ref"),
    }


def _index(
    request: HttpRequest,
    form: PreviewForm,
    chosen: LetterTemplate | None,
    mission: Mission | None,
    status: int = 200,
) -> HttpResponse:
    context = _index_context(request, form, chosen, mission)
    return render(request, "letters/index.html", context, status=status)


@login_required
@require_POST
def template_save(request: HttpRequest) -> HttpResponse:
    """Save the text being written as a template of the mission (checked first)."""
    _require_sender(request)
    form = PreviewForm(request.POST, user=request.user)
    editor = TemplateForm(request.POST, user=request.user)
    mission = None
    refusal: ValidationError | None = None
    if not editor.is_valid():  # an empty text, or a mission that is not the user's
        refusal = ValidationError([e for errors in editor.errors.values() for e in errors])
    else:
        try:  # the mission the page sent, or the user's only one: never a guess
            mission = access.mission_for(request.user, editor.cleaned_data["mission"])
        except access.MissionRequired as exc:
            refusal = ValidationError(exc.message)
        except PermissionDenied:
            refusal = ValidationError(_("You belong to no mission to keep the template in."))
    if refusal is None:
        try:
            template = letter_template_save(
                actor=request.user, mission=mission, text=editor.cleaned_data["text"]
            )
        except ValidationError as exc:
            refusal = exc
        else:
            messages.success(request, _("Template %(name)s saved.") % {"name": template.label})
            url = reverse("letters:index")
            person = request.POST.get("person", "")
            query = f"mission={mission.pk}&template={template.name}&lang={template.language}"
            if person.isdigit():
                query += f"&person={person}"
            return redirect(f"{url}?{query}")
    form.is_valid()
    # Saving needs neither a recipient nor a sender: only the preview's checks would name them.
    for name in ("person", "posting"):
        form.errors.pop(name, None)
    attach_errors(form, refusal)
    mission = mission or page_mission(request, request.POST.get("mission", ""))
    return _index(request, form, None, mission, status=400)


def _templates_for(form: PreviewForm) -> dict[str, LetterTemplate]:
    """The text being written, and the same template's other languages as the sender's mission
    has them saved (its own, else the shipped ones)."""
    text = form.cleaned_data["text"].replace("\r\n", "\n")
    draft = parse_template(text, default_name="letter")
    templates = {draft.language: draft}
    mission = form.cleaned_data["posting"].mission
    found = template_names(form.user, mission).get(draft.name, [])
    if found:
        for language, saved in library.variants_for(form.user, mission, found[0]).items():
            templates.setdefault(language, saved)
    return templates


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The preview fragment (htmx): finished text and first page, English beside Chinese."""
    _require_sender(request)
    form = PreviewForm(request.POST, user=request.user)
    context: dict[str, Any] = {"form": form, "items": []}
    if form.is_valid():
        data = form.cleaned_data
        try:
            templates = _templates_for(form)
        except LetterTemplateError as exc:
            context["error"] = str(exc)
        else:
            context["items"] = previews(
                actor=request.user,
                templates=templates,
                person=data["person"],
                posting=data["posting"],
                letter_date=data["letter_date"],
            )
            context["person"] = data["person"]
    if request.headers.get("HX-Request") == "true":
        return render(request, "letters/_preview.html", context)
    # Without JavaScript: the whole page, the preview included.
    mission = form.cleaned_data["posting"].mission if form.is_valid() else page_mission(request)
    page = {**_index_context(request, form, None, mission), **context, "previewed": True}
    return render(request, "letters/index.html", page)


@login_required
@require_POST
def preview_pdf(request: HttpRequest) -> HttpResponse:
    """The previewed letter as a PDF (a draft, watermarked and never recorded)."""
    _require_sender(request)
    form = PreviewForm(request.POST, user=request.user)
    if not form.is_valid():
        return HttpResponse(_("Choose a template and a recipient first."), status=400)
    data = form.cleaned_data
    try:
        templates = _templates_for(form)
        template = templates.get(request.POST.get("lang", "")) or next(iter(templates.values()))
        _letter, pdf = pdf_for(
            actor=request.user,
            template=template,
            person=data["person"],
            posting=data["posting"],
            letter_date=data["letter_date"],
        )
    except LetterTemplateError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{template.label} {data['person']}") or "letter"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
def template_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of a mission's template, newest first, each with its text and Restore."""
    _require_sender(request)
    record = visible_or_404(MissionTemplate.objects.select_related("mission"), request.user, pk)
    versions = list(
        record.history.select_related("history_user", "operation").order_by("-history_date")
    )
    return render(
        request,
        "letters/template_history.html",
        {"section": "letters", "record": record, "versions": versions},
    )


@login_required
@require_POST
def template_restore(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """Make an earlier version the template's text again (a new version; nothing is lost)."""
    _require_sender(request)
    record = visible_or_404(MissionTemplate.objects.all(), request.user, pk)
    try:
        record = letter_template_restore(actor=request.user, template=record, version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("letters:template_history", record.pk)
    messages.success(request, _("Template %(name)s restored.") % {"name": record.label})
    return redirect("letters:template_history", record.pk)
