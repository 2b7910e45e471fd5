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
from legation.people.models import Person
from legation.web.forms import DateInput, DateTimeInput


def sensitivity_choices(user: Any) -> list[tuple[int, str]]:
    level = access.clearance(user)
    return [(v, label) for v, label in Sensitivity.choices if v <= level]


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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = regions_for(user)
        self.fields["people"].queryset = Person.objects.visible_to(user)
        # Past engagements are logged too: every posting, those still in post first.
        self.fields["staff"].queryset = (
            Posting.objects.visible_to(user)
            .select_related("person")
            .order_by(F("departure").desc(nulls_first=True), "person__family_name")
        )
        self.fields["sensitivity"].choices = sensitivity_choices(user)
        self.fields["start"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def split_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class CommitmentInlineForm(forms.Form):
    description = forms.CharField(label=_("Commitment"), required=False, max_length=1000)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Commitment.Direction.choices,
        initial=Commitment.Direction.OURS,
    )
    due = forms.DateField(label=_("Due"), required=False, widget=DateInput)


CommitmentFormSet = forms.formset_factory(CommitmentInlineForm, extra=2, max_num=10)


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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Posting.objects.visible_to(user).select_related("person")
