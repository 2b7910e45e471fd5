from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.constants import EMPTY_VALUES

from legation.core.dates import days_filter
from legation.core.models import Region, Sector
from legation.core.vocab import regions_for
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementParticipant,
    Kind,
    Posting,
)
from legation.people.models import Organisation, Person, Tag
from legation.ui.filters import LinkedFilters, LinkedRecordFilter
from legation.ui.forms import DateInput


class LocalDayFilter(django_filters.DateFilter):
    """A local day on a date-time column: `gte` from the day's first instant, `lte` up to the
    next day's first instant excluded; an index-friendly range, never a date function per row
    (`legation.core.dates.days_filter`)."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.lookup_expr == "gte":
            lookups = days_filter(self.field_name, since=value)
        elif self.lookup_expr == "lte":
            lookups = days_filter(self.field_name, until=value)
        else:
            raise ValueError(f"LocalDayFilter: gte or lte, not {self.lookup_expr}")
        if self.distinct:
            qs = qs.distinct()
        return self.get_method(qs)(**lookups)


class EngagementFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("“Until” is before “From”: nothing can match."))
            data["until"] = until  # still applied: the list shows the nothing the message says
        return data


class EngagementFilter(LinkedFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Subject"), field_name="subject", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    region = django_filters.ModelChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"), queryset=Sector.objects.all(), method="by_sector"
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.none(), method="by_link"
    )
    staff = django_filters.ModelChoiceFilter(
        label=_("Our participant"), queryset=Posting.objects.none(), method="by_link"
    )
    # Reached from a person's or an organisation's page ("All engagements with …"): hidden
    # inputs and chips, never a <select> of every person (legation.ui.filters).
    person = LinkedRecordFilter(
        label=_("Person"),
        queryset=Person.objects.none(),
        narrow=lambda engagements, person: engagements.linked_to("people", person),
        error_messages={"invalid_choice": _("No such person among those you may see.")},
    )
    organisation = LinkedRecordFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        narrow=lambda engagements, org: engagements.linked_to("organisations", org),
        error_messages={"invalid_choice": _("No such organisation among those you may see.")},
    )
    since = LocalDayFilter(
        label=pgettext_lazy("date range", "From"),
        field_name="start",
        lookup_expr="gte",
        widget=DateInput,
    )
    until = LocalDayFilter(
        label=pgettext_lazy("date range", "Until"),
        field_name="start",
        lookup_expr="lte",
        widget=DateInput,
    )

    class Meta:
        model = Engagement
        fields: list[str] = []
        form = EngagementFilterForm

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions_for(user)
        self.filters["staff"].queryset = Posting.objects.visible_to(user).labelled()
        self.filters["tag"].queryset = Tag.objects.in_sight_of(user)
        self.filters["person"].queryset = Person.objects.visible_to(user)
        self.filters["organisation"].queryset = Organisation.objects.visible_to(user)

    def by_link(self, queryset, name, value):
        """Tagged with the tag, or with the posting among our participants: the way to read
        them chosen by how many there are (`EngagementQuerySet.linked_to`)."""
        return queryset.linked_to({"tag": "tags", "staff": "staff"}[name], value)

    def by_sector(self, queryset, name, value):
        met = EngagementParticipant.objects.filter(engagement=OuterRef("pk"), person__sector=value)
        return queryset.filter(Exists(met))


class CommitmentFilter(LinkedFilters, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("unfinished", _("Open or in progress")), *Commitment.Status.choices],
        method="by_status",
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=Posting.objects.none())
    # "All" or "Mine": the home page links to ?mine=true.
    mine = django_filters.ChoiceFilter(
        label=_("Whose"),
        choices=[("true", pgettext_lazy("commitments", "Mine"))],
        empty_label=pgettext_lazy("commitments", "All"),
        method="by_mine",
    )
    due_after = django_filters.DateFilter(
        label=_("Due from"), field_name="due", lookup_expr="gte", widget=DateInput
    )
    due_before = django_filters.DateFilter(
        label=_("Due by"), field_name="due", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Commitment
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = Posting.objects.visible_to(user).labelled()
        self.user = user

    def by_status(self, queryset, name, value):
        if value == "unfinished":
            return queryset.filter(
                status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS]
            )
        return queryset.filter(status=value)

    def by_mine(self, queryset, name, value):
        """Owned by one of the user's own postings (the home page's "All your commitments")."""
        if value != "true":
            return queryset
        return queryset.filter(owner_id__in=Posting.objects.ids_of(self.user))
