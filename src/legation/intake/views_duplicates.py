"""Likely duplicate people, reviewed and merged in the browser.

The list is ``intake.dedupe.find_duplicates`` (what `legation people duplicates` prints); a pair
opens side by side, the user picks, field by field, whose value the merged person keeps, and the
merge goes through ``people.services.person_merge`` — the service `legation people merge` calls:
one transaction, one audited operation, permission and clearance checked there.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legation.core import access
from legation.core.services import visible_or_404
from legation.engagements.models import Engagement
from legation.intake.dedupe import find_duplicates
from legation.people.models import Person
from legation.people.services import PERSON_FIELDS, person_merge

MERGE_PERMISSIONS = ("people.change_person", "people.delete_person")
PAIRS_SHOWN = 200
# The reasons find_duplicates gives, in the page's language.
REASONS = {
    "same email": gettext_lazy("same email"),
    "same name in characters": gettext_lazy("same name in characters"),
    "same name": gettext_lazy("same name"),
    "similar name": gettext_lazy("similar name"),
    "same organisation": gettext_lazy("same organisation"),
    "different refs": gettext_lazy("different refs"),
    "different regions": gettext_lazy("different regions"),
}


def _require_merger(request: HttpRequest) -> None:
    for perm in MERGE_PERMISSIONS:
        access.require(request.user, perm)


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Likely pairs, best first, with their score and reasons."""
    _require_merger(request)
    pairs = find_duplicates(request.user)
    rows = [
        {"pair": p, "reasons": [str(REASONS.get(r, r)) for r in p.reasons]}
        for p in pairs[:PAIRS_SHOWN]
    ]
    return render(
        request,
        "intake/duplicate_list.html",
        {"section": "people", "rows": rows, "total": len(pairs), "shown": len(rows)},
    )


def _shown(person: Person, name: str) -> str:
    """A field's value as the page shows it ("" when empty)."""
    value = getattr(person, name)
    if isinstance(value, bool):
        return _("yes") if value else ""
    display = getattr(person, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    return "" if value is None else str(value)


def _differing(a: Person, b: Person) -> list[dict[str, Any]]:
    fields = []
    for name in PERSON_FIELDS:
        av, bv = getattr(a, name), getattr(b, name)
        if (av or None) == (bv or None):
            continue
        fields.append(
            {
                "name": name,
                "label": Person._meta.get_field(name).verbose_name,
                "a": _shown(a, name),
                "b": _shown(b, name),
                # The command's rule: the kept person's value, unless it is empty.
                "default": "keep" if av or not bv else "other",
            }
        )
    return fields


class MergeForm(forms.Form):
    """One radio per differing field (A's or B's value), and the versions the choice was made
    on."""

    version_a = forms.IntegerField(widget=forms.HiddenInput)
    version_b = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, fields: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in fields:
            self.fields[f"field_{f['name']}"] = forms.ChoiceField(
                label=f["label"],
                choices=[
                    ("keep", f["a"] or _("(empty)")),
                    ("other", f["b"] or _("(empty)")),
                ],
                initial=f["default"],
                required=False,  # not chosen: the command's rule
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, str]:
        return {
            name.removeprefix("field_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("field_") and value
        }


def _side(person: Person, user: Any) -> dict[str, Any]:
    """What the person brings to the merge: contacts, affiliations, engagements they attended."""
    return {
        "person": person,
        "emails": list(person.emails.all()),
        "phones": list(person.phones.all()),
        "affiliations": list(person.affiliations.select_related("organisation")),
        "engagements": Engagement.objects.visible_to(user)
        .filter(engagementparticipant__person=person)
        .aggregate(n=Count("pk", distinct=True))["n"],
    }


@login_required
def duplicate_merge(request: HttpRequest, a: int, b: int) -> HttpResponse:
    """Two people side by side; merging keeps A, with the values chosen, and removes B."""
    _require_merger(request)
    user = request.user
    keep = visible_or_404(Person.objects.select_related("sector", "region"), user, a)
    other = visible_or_404(Person.objects.select_related("sector", "region"), user, b)
    fields = _differing(keep, other)
    initial = {"version_a": keep.version, "version_b": other.version}
    form = MergeForm(request.POST or None, fields=fields, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            merged = person_merge(
                actor=user,
                keep=keep,
                other=other,
                choices=form.choices(),
                keep_version=form.cleaned_data["version_a"],
                other_version=form.cleaned_data["version_b"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not merge these people."))
            status = 403
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            status = 409 if getattr(exc, "code", None) == "conflict" else 400
        else:
            messages.success(
                request,
                _("Merged #%(other)s into %(person)s.") % {"other": b, "person": merged},
            )
            return redirect("people:detail", merged.pk)
    elif form.errors:
        status = 400
    return render(
        request,
        "intake/duplicate_merge.html",
        {
            "section": "people",
            "form": form,
            "fields": [dict(f, field=form[f"field_{f['name']}"]) for f in fields],
            "a": _side(keep, user),
            "b": _side(other, user),
        },
        status=status,
    )
