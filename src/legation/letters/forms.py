"""Forms of the letters pages: they collect; the engine and the services validate."""

from __future__ import annotations

import shlex
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legation.core.models import Mission, Region, Sector
from legation.core.vocab import regions_for, resolve_region, resolve_sector
from legation.engagements.models import Kind, Posting
from legation.engagements.selectors import default_posting
from legation.letters.compose import library
from legation.letters.compose.letter_template import LetterTemplate, available_templates
from legation.letters.merge.segments import SegmentError, parse_filter
from legation.letters.models import Format, Segment
from legation.people.models import Organisation, Person, Tag
from legation.ui.forms import DateInput


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
        postings = Posting.objects.visible_to(user).labelled()
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
        # The number of recipients, shown before the merge starts (``_segment_count.html``).
        count = {
            "hx-get": reverse("letters:segment_count"),
            "hx-target": "#segment-count",
            "hx-swap": "outerHTML",
        }
        self.fields["segment"].widget.attrs |= count | {"hx-trigger": "change"}
        self.fields["filter"].widget.attrs |= count | {
            "hx-trigger": "input changed delay:500ms",
            "hx-include": "#id_posting",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("segment") and not (data.get("filter") or "").strip():
            raise forms.ValidationError(_("Choose a saved segment or write a filter."))
        return data

    def segment_text(self) -> str:
        segment = self.cleaned_data.get("segment")
        return segment.filter if segment else self.cleaned_data["filter"].strip()


class SegmentForm(forms.Form):
    """A segment built from the people list's filters; ``filter_text`` writes them as the
    ``key=value`` words the merge reads (``letters.segments``), ``from_filter`` reads them back."""

    name = forms.SlugField(
        label=_("Name"), max_length=80, help_text=_("Letters, digits and hyphens: farewell-2022")
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    mission = forms.ModelChoiceField(queryset=Mission.objects.none(), label=_("Mission"))
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.all(), label=_("Sector"), required=False
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("Region"), required=False
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    not_tag = forms.ChoiceField(label=_("Without the tag"), required=False)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation"), required=False
    )
    kind = forms.ChoiceField(label=_("Kind of engagement"), required=False)
    met_since = forms.DateField(label=_("Met since"), required=False, widget=DateInput)
    met_before = forms.DateField(label=_("Met before"), required=False, widget=DateInput)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any")), ("en", "English"), ("zh", "中文")],
    )
    has = forms.ChoiceField(
        label=_("Reachable by"),
        required=False,
        choices=[("", _("Any")), ("email", _("email")), ("address", _("postal address"))],
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=100)
    q = forms.CharField(label=_("Name of the person"), required=False, max_length=100)
    more = forms.CharField(
        label=_("More filter words"),
        required=False,
        max_length=1000,
        help_text=_("For example: met-by=P-QIN person=P-CARTER all=yes"),
    )

    # form field -> filter key; the value written for it
    KEYS = {
        "sector": ("sector", lambda v: v.code),
        "region": ("region", lambda v: v.code),
        "tag": ("tag", str),
        "not_tag": ("not-tag", str),
        "organisation": ("organisation", lambda v: v.ref or v.name_en),
        "kind": ("kind", str),
        "met_since": ("met-since", lambda v: v.isoformat()),
        "met_before": ("met-before", lambda v: v.isoformat()),
        "language": ("language", str),
        "has": ("has", str),
        "title": ("title", str),
        "q": ("name", str),
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        missions = Mission.objects.visible_to(user)
        self.fields["mission"].queryset = missions
        if len(missions) == 1:
            self.fields["mission"].widget = forms.HiddenInput()
            self.fields["mission"].initial = missions[0].pk
        self.fields["region"].queryset = regions_for(user)
        tags = sorted(set(Tag.objects.in_sight_of(user).values_list("name", flat=True)))
        self.fields["tag"].choices = self.fields["not_tag"].choices = [("", "---------")] + [
            (t, t) for t in tags
        ]
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user).order_by(
            "name_en"
        )
        self.fields["kind"].choices = [("", "---------")] + [
            (value, label) for value, label in Kind.choices if value != Kind.LETTER_SENT
        ]

    def filter_text(self) -> str:
        """The filter words of the chosen fields ("" when nothing is chosen)."""
        data = self.cleaned_data
        words = []
        for field, (key, write) in self.KEYS.items():
            value = data.get(field)
            if value not in (None, ""):
                words.append(f"{key}={shlex.quote(write(value))}")
        more = (data.get("more") or "").strip()
        return " ".join([*words, more]).strip()

    @classmethod
    def from_filter(cls, text: str, mission: Mission, user: Any) -> dict[str, Any]:
        """Initial values for a saved filter of `mission`: each key the form has, once; the rest
        in "more". An organisation is looked up as the segment resolves it: among the mission's
        organisations the user may see."""
        try:
            terms = parse_filter(text)
        except SegmentError:
            return {"more": text}
        fields = {key: field for field, (key, _write) in cls.KEYS.items()}
        initial: dict[str, Any] = {}
        rest = []
        for key, values in terms.items():
            field = fields.get(key)
            value = _initial(key, values[0], mission, user) if field and len(values) == 1 else None
            if value is None:
                rest += [f"{key}={shlex.quote(v)}" for v in values]
            else:
                initial[field] = value
        initial["more"] = " ".join(rest)
        return initial


def _initial(key: str, value: str, mission: Mission, user: Any) -> Any:
    """A filter value as the form's field holds it, or None when the form cannot show it."""
    from django.core.exceptions import ValidationError
    from django.db.models import Q

    try:
        if key == "sector":
            return resolve_sector(value)
        if key == "region":
            return resolve_region(value, mission.host_country)
    except ValidationError:
        return None
    if key == "organisation":
        return (
            Organisation.objects.visible_to(user)
            .filter(mission=mission)
            .filter(Q(ref=value) | Q(name_en__iexact=value) | Q(name_zh=value))
            .first()
        )
    return value
