from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legation.core.models import Region, Sector
from legation.core.vocab import regions_for
from legation.people.models import Affiliation, Organisation, Person, Tag
from legation.ui.filters import LinkedFilters, LinkedRecordFilter


class PersonFilter(LinkedFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(label=pgettext_lazy("person", "Name"), method="by_name")
    sector = django_filters.ModelChoiceFilter(label=_("Sector"), queryset=Sector.objects.all())
    region = django_filters.ModelChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=Tag.objects.none()
    )
    # Reached from an organisation's page ("All people of this organisation"): a hidden input
    # and a chip, never a <select> of every organisation (legation.ui.filters).
    organisation = LinkedRecordFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        narrow=None,  # set in __init__: through the affiliations the user may see
        error_messages={"invalid_choice": _("No such organisation among those you may see.")},
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions_for(user)
        self.filters["tag"].queryset = Tag.objects.in_sight_of(user)
        self.filters["organisation"].queryset = Organisation.objects.visible_to(user)
        affiliations = Affiliation.objects.visible_to(user)

        def members(people, org):
            # By id (an organisation's members are a few thousand at most): a name-ordered list
            # with an EXISTS per row walked all 100,000 people for a small organisation.
            return people.filter(
                pk__in_list=affiliations.filter(organisation=org).order_by().values("person_id")
            )

        self.filters["organisation"].narrow = members

    def by_name(self, queryset, name, value):
        return queryset.search(value)


class OrganisationFilter(LinkedFilters, django_filters.FilterSet):
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
        self.filters["tag"].queryset = Tag.objects.in_sight_of(user)

    def by_name(self, queryset, name, value):
        return queryset.search(value)
