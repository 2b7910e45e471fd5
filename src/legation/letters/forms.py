"""Forms of the letters pages: they collect; the engine and the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legation.engagements.models import Mission, Posting
from legation.engagements.selectors import default_posting
from legation.letters import library
from legation.letters.models import Format, Segment
from legation.letters.templates import LetterTemplate, available_templates
from legation.people.models import Person
from legation.web.forms import DateInput


def template_names(user: Any, mission: Mission | None) -> dict[str, list[LetterTemplate]]:
    """Every template name of the mission (its own and the shipped ones), with its languages."""
    if mission is None:
        names: dict[str, list[LetterTemplate]] = {}
        for template in available_templates():
            names.setdefault(template.name, []).append(template)
        return dict(sorted(names.items()))
    return library.names_for(user, mission)


def template_choices(user: Any) -> list[tuple[str, str]]:
    """Template names of all the user's missions (a job looks the name up in its sender's)."""
    languages: dict[str, set[str]] = {}
    missions = list(Mission.objects.visible_to(user)) or [None]
    for mission in missions:
        for name, found in template_names(user, mission).items():
            languages.setdefault(name, set()).update(t.language for t in found)
    return [
        (name, f"{name} ({', '.join(sorted(langs))})") for name, langs in sorted(languages.items())
    ]


class _LetterForm(forms.Form):
    """The sender's posting and the letter's date, shared by the preview and the job forms."""

    posting = forms.ModelChoiceField(
        queryset=Posting.objects.none(), label=pgettext_lazy("letter sender", "From")
    )
    letter_date = forms.DateField(label=_("Letter date"), widget=DateInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        postings = Posting.objects.visible_to(user).select_related("person", "mission")
        self.fields["posting"].queryset = postings.order_by("-arrival")
        own = default_posting(user)
        self.fields["posting"].initial = own.pk if own else None
        self.fields["letter_date"].initial = timezone.localdate()


class PreviewForm(_LetterForm):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("Recipient"), widget=forms.HiddenInput
    )
    text = forms.CharField(
        label=_("Template text"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text=_(
            "The front matter between the --- lines (name, language, kind, subject, closing), "
            "then the body with placeholders such as {{ recipient.name }}."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user)


class TemplateForm(forms.Form):
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), required=False)
    text = forms.CharField(label=_("Template text"), strip=False, widget=forms.Textarea)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.visible_to(user)


class JobForm(_LetterForm):
    field_order = ["template", "segment", "filter", "posting", "letter_date", "format"]
    template = forms.ChoiceField(label=_("Template"))
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.none(), label=_("Saved segment"), required=False
    )
    filter = forms.CharField(
        label=_("Or a filter"),
        required=False,
        help_text=_("For example: sector=legislature region=US-CA tag=farewell"),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.PDF)
    auto_language = forms.BooleanField(
        label=_("Each recipient in their language"),
        required=False,
        help_text=_("People tagged lang:zh get the Chinese version when it exists."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["template"].choices = template_choices(user)
        self.fields["segment"].queryset = Segment.objects.visible_to(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("segment") and not (data.get("filter") or "").strip():
            raise forms.ValidationError(_("Choose a saved segment or write a filter."))
        return data

    def segment_text(self) -> str:
        segment = self.cleaned_data.get("segment")
        return segment.filter if segment else self.cleaned_data["filter"].strip()
