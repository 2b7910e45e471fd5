from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legation.core.models import Region, Sector
from legation.core.vocab import regions_for
from legation.people.models import Organisation, Person, Tag


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=pgettext_lazy("person", "Name"), method="by_name")
    sector = django_filters.ModelChoiceFilter(label=_("Sector"), queryset=Sector.objects.all())
    region = django_filters.ModelChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=Tag.objects.none()
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions_for(user)
        self.filters["tag"].queryset = Tag.objects.visible_to(user)

    def by_name(self, queryset, name, value):
        return queryset.search(value)


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="by_name")
    sector = django_filters.ModelChoiceFilter(label=_("Sector"), queryset=Sector.objects.all())
    region = django_filters.ModelChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=Tag.objects.none()
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions_for(user)
        self.filters["tag"].queryset = Tag.objects.visible_to(user)

    def by_name(self, queryset, name, value):
        return queryset.search(value)
