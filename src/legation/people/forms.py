from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from legation.core.models import Sector, Sensitivity
from legation.core.vocab import regions_for
from legation.people.models import Organisation, Person


class PersonForm(forms.ModelForm):
    email = forms.CharField(
        label=_("Email"),
        required=False,
        help_text=_("Several addresses: separate them with commas."),
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, help_text=_("Several numbers: separate them with commas.")
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
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
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())
            del self.fields["email"], self.fields["phone"]

    def clean(self) -> dict:
        # The services validate; the form only collects. Uniqueness of ref is checked there too.
        return self.cleaned_data

    def validate_unique(self) -> None:
        return None

    def split(self, name: str) -> list[str]:
        return [v.strip() for v in self.cleaned_data.get(name, "").split(",") if v.strip()]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    sensitivity = forms.TypedChoiceField(
        label=_("Sensitivity"),
        choices=Sensitivity.choices,
        coerce=int,
        initial=Sensitivity.INTERNAL,
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["ref", "name_en", "name_zh", "sector", "region", "parent", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"website": forms.URLField}

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.visible_to(user)
        self.fields["region"].queryset = regions_for(user)

    def validate_unique(self) -> None:
        return None
