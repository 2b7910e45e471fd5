"""Letters pages: pick or write a template, preview it for anyone in both languages.

Reads go through ``visible_to(user)`` (in the engine's context builders); writes through
services. Every page needs the permission to send letters: a reader has nothing to send.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legation.core import access
from legation.letters.forms import PreviewForm, TemplateForm, template_names
from legation.letters.merge import template_dirs
from legation.letters.preview import pdf_for, previews
from legation.letters.sandbox import LetterTemplateError
from legation.letters.services import SEND_PERMISSION, letter_template_save
from legation.letters.templates import DEFAULT_DIR, LetterTemplate, parse_template, variants
from legation.web.forms import attach_errors

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


def _template_rows() -> list[dict[str, Any]]:
    rows = []
    for name, found in template_names().items():
        for t in found:
            shipped = t.path.startswith(str(DEFAULT_DIR))
            rows.append({"t": t, "name": name, "shipped": shipped})
    return rows


def _chosen(request: HttpRequest) -> LetterTemplate | None:
    name, lang = request.GET.get("template", ""), request.GET.get("lang", "en")
    for found in template_names().get(name, []):
        if found.language == lang:
            return found
    return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Templates (shipped and the mission's), the editor, and the preview side by side."""
    _require_sender(request)
    chosen = _chosen(request)
    if chosen is None and "template" not in request.GET:
        chosen = next((t for t in template_names().get("farewell", []) if t.language == "en"), None)
    initial: dict[str, Any] = {"text": chosen.source if chosen else STARTER}
    person = request.GET.get("person", "")
    if person.isdigit():
        initial["person"] = person
    form = PreviewForm(initial=initial, user=request.user)
    return _index(request, form, chosen)


def _index_context(request: HttpRequest, form: PreviewForm, chosen: Any) -> dict[str, Any]:
    person = None
    pk = form["person"].value()
    if pk and str(pk).isdigit():
        person = form.fields["person"].queryset.filter(pk=pk).first()
    return {
        "section": "letters",
        "templates": _template_rows(),
        "chosen": chosen,
        "form": form,
        "person": person,
        "own_dir": template_dirs()[0],
    }


def _index(
    request: HttpRequest, form: PreviewForm, chosen: LetterTemplate | None, status: int = 200
) -> HttpResponse:
    context = _index_context(request, form, chosen)
    return render(request, "letters/index.html", context, status=status)


@login_required
@require_POST
def template_save(request: HttpRequest) -> HttpResponse:
    """Save the text being written as a template of the installation (checked first)."""
    _require_sender(request)
    form = PreviewForm(request.POST, user=request.user)
    editor = TemplateForm(request.POST)
    if editor.is_valid():
        try:
            template = letter_template_save(actor=request.user, text=editor.cleaned_data["text"])
        except ValidationError as exc:
            form.is_valid()
            form.errors.pop("person", None)
            attach_errors(form, exc)
        else:
            messages.success(request, _("Template %(name)s saved.") % {"name": template.label})
            url = reverse("letters:index")
            person = request.POST.get("person", "")
            query = f"template={template.name}&lang={template.language}"
            if person.isdigit():
                query += f"&person={person}"
            return redirect(f"{url}?{query}")
    return _index(request, form, None, status=400)


def _templates_for(form: PreviewForm) -> dict[str, LetterTemplate]:
    """The text being written, and the same template's other languages as saved."""
    text = form.cleaned_data["text"].replace("\r\n", "\n")
    draft = parse_template(text, default_name="letter")
    templates = {draft.language: draft}
    found = template_names().get(draft.name, [])
    if found:
        for language, saved in variants(found[0], template_dirs()).items():
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
    page = {**_index_context(request, form, None), **context, "previewed": True}
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
