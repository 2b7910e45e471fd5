from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from legation.core import access
from legation.core.models import Region, Sector, Sensitivity
from legation.core.vocab import regions_for
from legation.people.models import Organisation, Person, Relationship
from legation.ui.forms import DateInput


class RecordField(forms.CharField):
    """A record typed by name: "Name (#12)" as shown, a number "#12", a reference, or a name
    that only one visible record has (people: any form of the name, as the search finds it)."""

    def __init__(self, *args: Any, queryset: Any = None, **kwargs: Any) -> None:
        self.queryset = queryset
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "pk"):
            return f"{value} (#{value.pk})"
        return value

    def to_python(self, value: Any) -> Any:
        if hasattr(value, "pk"):
            return value
        text = super().to_python(value)
        if not text:
            return None
        qs = self.queryset
        number = re.search(r"#(\d+)\)?\s*$", text)
        if number:
            found = qs.filter(pk=int(number.group(1))).first()
            if found is None:
                raise ValidationError(_("No record numbered %(number)s.") % {"number": number[1]})
            return found
        if qs.model is Person:
            matches = (
                list(qs.filter(Q(ref=text) | Q(name_zh=text))[:2])
                or [
                    p
                    for p in qs.search(text)[:20]
                    if text.casefold() in (str(p).casefold(), p.pinyin)
                ]
                or list(qs.search(text)[:2])
            )
        else:
            matches = list(qs.filter(Q(ref=text) | Q(name_en__iexact=text) | Q(name_zh=text))[:2])
        if not matches:
            raise ValidationError(_("Nothing of that name: check the spelling."))
        if len(matches) > 1:
            raise ValidationError(
                _("Several records have that name: add the number, as in “%(example)s”.")
                % {"example": f"{matches[0]} (#{matches[0].pk})"}
            )
        return matches[0]


class PersonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    note = forms.CharField(
        label=_("New note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note_sensitivity = forms.TypedChoiceField(
        label=_("Sensitivity of the new note"),
        choices=Sensitivity.choices,
        coerce=int,
        initial=Sensitivity.INTERNAL,
        required=False,
        empty_value=Sensitivity.INTERNAL,
    )

    class Meta:
        model = Person
        fields = [
            "ref",
            "family_name",
            "given_name",
            "name_zh",
            "name_order",
            "gender",
            "title",
            "office",
            "former",
            "preferred_language",
            "sector",
            "region",
            "salutation_en",
            "salutation_zh",
            "address_block_en",
            "address_block_zh",
        ]
        widgets = {
            "address_block_en": forms.Textarea(attrs={"rows": 3}),
            "address_block_zh": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        self.fields["sector"].queryset = Sector.objects.all()
        limit_sensitivity(self.fields["note_sensitivity"], user)
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict:
        # The services validate; the form only collects. Uniqueness of ref is checked there too.
        # Browsers send a text box's lines with CRLF: kept as saved ("\n"), so that a form sent
        # unchanged changes nothing.
        for name in ("address_block_en", "address_block_zh", "note"):
            if isinstance(self.cleaned_data.get(name), str):
                self.cleaned_data[name] = unix_lines(self.cleaned_data[name])
        return self.cleaned_data

    def validate_unique(self) -> None:
        return None

    def split(self, name: str) -> list[str]:
        return [v.strip() for v in self.cleaned_data.get(name, "").split(",") if v.strip()]


def unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def limit_sensitivity(field: forms.ChoiceField, user: Any) -> None:
    """Offer only the levels up to the user's clearance (a note above it would be hidden from
    its own author, and the services refuse it)."""
    if user is not None:
        level = access.clearance(user)
        field.choices = [(v, label) for v, label in Sensitivity.choices if v <= level]


class RowForm(forms.Form):
    """One row of a person's contacts or links; `id` names an existing row."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class EmailRowForm(RowForm):
    email = forms.CharField(label=_("Email"), max_length=254)
    label = forms.CharField(label=_("Label"), max_length=30, required=False)
    primary = forms.BooleanField(label=_("Primary"), required=False)


class PhoneRowForm(RowForm):
    number = forms.CharField(label=_("Phone"), max_length=40)
    label = forms.CharField(label=_("Label"), max_length=30, required=False)


class AddressRowForm(RowForm):
    label = forms.CharField(label=_("Label"), max_length=30, required=False)
    lines = forms.CharField(label=_("Street"), widget=forms.Textarea(attrs={"rows": 2}))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("Two letters: US, CN.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(self.user)

    def clean_lines(self) -> str:
        return unix_lines(self.cleaned_data["lines"])

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()


class AffiliationRowForm(RowForm):
    organisation = RecordField(
        label=_("Organisation"), help_text=_("Its name or reference; “Name (#12)” when several.")
    )
    role = forms.CharField(label=_("Role or title"), max_length=150, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(self.user)


class RelationshipRowForm(RowForm):
    # A blank first choice: the page's empty row is left out unless something is filled in.
    kind = forms.ChoiceField(
        label=_("Relationship"), choices=[("", "—"), *Relationship.Kind.choices]
    )
    to_person = RecordField(
        label=_("Person"), help_text=_("Any form of the name; “Name (#12)” when several.")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_person"].queryset = Person.objects.visible_to(self.user)


ROW_FORMS = {
    "emails": EmailRowForm,
    "phones": PhoneRowForm,
    "addresses": AddressRowForm,
    "affiliations": AffiliationRowForm,
    "relationships": RelationshipRowForm,
}
ROW_TITLES = {
    "emails": _("Email addresses"),
    "phones": _("Phone numbers"),
    "addresses": _("Postal addresses"),
    "affiliations": _("Affiliations"),
    "relationships": _("Relationships"),
}


def row_formsets(data: Any, person: Person | None, user: Any) -> dict[str, forms.BaseFormSet]:
    """One formset per kind of row, holding the person's rows (plus one empty row to add)."""
    initial: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ROW_FORMS}
    if person is not None and person.pk:
        initial = {
            "emails": [
                {"id": e.pk, "email": e.email, "label": e.label, "primary": e.primary}
                for e in person.emails.all()
            ],
            "phones": [
                {"id": p.pk, "number": p.number, "label": p.label} for p in person.phones.all()
            ],
            "addresses": [
                {
                    "id": a.pk,
                    "label": a.label,
                    "lines": a.lines,
                    "city": a.city,
                    "region": a.region_id,
                    "postal_code": a.postal_code,
                    "country": a.country,
                }
                for a in person.addresses.all()
            ],
            "affiliations": [
                {
                    "id": a.pk,
                    "organisation": a.organisation,
                    "role": a.role,
                    "start": a.start,
                    "end": a.end,
                }
                for a in person.affiliations.select_related("organisation").order_by("pk")
            ],
            "relationships": [
                {"id": r.pk, "kind": r.kind, "to_person": r.to_person, "note": r.note}
                for r in person.relationships.select_related("to_person").order_by("pk")
            ],
        }
    out = {}
    for kind, form_class in ROW_FORMS.items():
        formset_class = forms.formset_factory(form_class, extra=1, can_delete=True, max_num=50)
        # A form sent without a kind's rows (a script changing the names only) leaves them be.
        sent = data is not None and f"{kind}-TOTAL_FORMS" in data
        out[kind] = formset_class(
            data if sent else None, initial=initial[kind], prefix=kind, form_kwargs={"user": user}
        )
    return out


def kept_rows(formset: forms.BaseFormSet) -> tuple[list[dict[str, Any]] | None, list[int]]:
    """The rows to keep (cleaned, removed and blank added rows left out) and their form indexes;
    None when the form did not send this kind of row."""
    if not formset.is_bound:
        return None, []
    rows, indexes = [], []
    for i, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("DELETE") or (not form.initial and not form.has_changed()):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
        indexes.append(i)
    return rows, indexes


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    sensitivity = forms.TypedChoiceField(
        label=_("Sensitivity"),
        choices=Sensitivity.choices,
        coerce=int,
        initial=Sensitivity.INTERNAL,
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_sensitivity(self.fields["sensitivity"], user)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["ref", "name_en", "name_zh", "sector", "region", "parent", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"website": forms.URLField}

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.visible_to(user)
        self.fields["region"].queryset = regions_for(user)
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())
            self.fields["version"].initial = self.instance.version

    def split(self, name: str) -> list[str]:
        return [v.strip() for v in self.cleaned_data.get(name, "").split(",") if v.strip()]

    def validate_unique(self) -> None:
        return None
