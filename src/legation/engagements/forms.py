from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legation.core import access
from legation.core.models import Region, Sensitivity
from legation.core.vocab import regions_for
from legation.engagements.models import Commitment, Kind, Posting, SiteType
from legation.people.models import Organisation, Person
from legation.ui.forms import DateInput, DateTimeInput


def sensitivity_choices(user: Any) -> list[tuple[int, str]]:
    level = access.clearance(user)
    return [(v, label) for v, label in Sensitivity.choices if v <= level]


def mission_postings(user: Any, mission: Any = None) -> Any:
    """The postings a commitment can be given to (of `mission` when the form is for one):
    those still in post first."""
    postings = Posting.objects.visible_to(user)
    if mission is not None:
        postings = postings.filter(mission=mission)
    return postings.labelled().order_by(
        F("departure").desc(nulls_first=True), "person__family_name"
    )


class EngagementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    start = forms.DateTimeField(label=_("When"), widget=DateTimeInput)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    site_type = forms.ChoiceField(label=_("Site type"), choices=SiteType.choices, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    people = forms.ModelMultipleChoiceField(
        label=_("Who we met"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Our participants"),
        queryset=Posting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    sensitivity = forms.TypedChoiceField(
        label=_("Sensitivity"), coerce=int, initial=Sensitivity.INTERNAL
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    # The version the editor loaded: a save made on an older one is refused (ConflictError).
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, mission: Any = None, **kwargs: Any) -> None:
        """`mission`: the mission the engagement belongs to; people, organisations and staff
        are offered from it alone (every mission the user sees when not given)."""
        kwargs.setdefault("label_suffix", "")  # no ASCII colon after labels (Chinese)
        super().__init__(*args, **kwargs)
        self.user = user
        people = Person.objects.visible_to(user)
        organisations = Organisation.objects.visible_to(user)
        if mission is not None:
            people, organisations = (
                people.filter(mission=mission),
                organisations.filter(mission=mission),
            )
        self.fields["region"].queryset = regions_for(user)
        self.fields["people"].queryset = people
        self.fields["organisations"].queryset = organisations
        # Past engagements are logged too: every posting, those still in post first.
        self.fields["staff"].queryset = mission_postings(user, mission)
        self.fields["sensitivity"].choices = sensitivity_choices(user)
        self.fields["start"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def split_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class CommitmentInlineForm(forms.Form):
    """One commitment raised, on the engagement's form: what, whose side, who owns it, when."""

    description = forms.CharField(label=_("Commitment"), required=False, max_length=1000)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Commitment.Direction.choices,
        initial=Commitment.Direction.OURS,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Posting.objects.none(), required=False
    )
    due = forms.DateField(label=_("Due"), required=False, widget=DateInput)

    def __init__(
        self, *args: Any, user: Any, owner: Any = None, mission: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = mission_postings(user, mission)
        self.fields["owner"].initial = owner

    def to_service(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("description"):
            return None
        return {k: data.get(k) for k in ("description", "direction", "owner", "due")}


CommitmentFormSet = forms.formset_factory(CommitmentInlineForm, extra=3, max_num=10)


class CommitmentForm(forms.Form):
    description = forms.CharField(label=_("What"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Posting.objects.none(), required=False
    )
    due = forms.DateField(label=_("Due"), required=False, widget=DateInput)
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = mission_postings(user)


def _comparable(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return {getattr(v, "pk", v) for v in value}
    if value in (None, ""):
        return None
    return getattr(value, "pk", value)


def _shown(field: forms.Field, value: Any) -> str:
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value)) or "—"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M" if hasattr(value, "hour") else "%Y-%m-%d")
    return str(value) if value not in (None, "") else "—"


def show_conflict(form: forms.Form, exc: Any, saved: dict[str, Any]) -> None:
    """A save refused because someone else saved first (core.services.ConflictError): the
    user's input stays on the form with the message, each field the other person saved
    differently shows their value (``field.theirs``), and the form now carries the saved version,
    so saving again, deliberately, goes through."""
    form.add_error(None, exc.messages)
    data = form.data.copy()
    data[form.add_prefix("version")] = exc.current.version
    form.data = data
    mine = form.cleaned_data
    for name, value in saved.items():
        if name in form.fields and _comparable(mine.get(name)) != _comparable(value):
            form[name].theirs = _shown(form.fields[name], value)
