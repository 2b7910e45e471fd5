"""List filters on one record reached from a link on its page (`/engagements/?organisation=<id>`).

A list of 100,000 people is never offered as a <select>: the record travels as a hidden input of
the filter form, and the list shows it above the rows as a chip ("Organisation: <name> ×") whose
× link drops the parameter and keeps the others. The record must be one the user may see (the
filter's queryset, `<Model>.objects.visible_to(user)`, set in the FilterSet's __init__): another
id is a form error and the list is empty, never the list unfiltered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.utils.http import urlencode
from django_filters.constants import EMPTY_VALUES


@dataclass
class Chip:
    label: str
    record: Any  # None when the id sent is not one the user may see
    error: str
    remove: str  # the query string without this filter (nor the page)


class LinkedRecordFilter(django_filters.ModelChoiceFilter):
    """One record, as a hidden input; `narrow(queryset, record)` gives the list's rows linked
    to it, each once (how to read them is the queryset's own choice: by id when they are few,
    else by EXISTS; see `EngagementQuerySet.linked_to`)."""

    def __init__(self, *args: Any, narrow: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)
        self.narrow = narrow

    def filter(self, qs: Any, value: Any) -> Any:
        if value in EMPTY_VALUES:
            return qs
        return self.narrow(qs, value)


class LinkedFilters:
    """A FilterSet's mixin: no rows while a linked record or any choice is refused (a tag, a
    sector, an owner that is not one of the choices offered: the list unfiltered under an error
    would look like its answer), and the chips of the linked records (`filter.chips` in
    ui/_filters.html)."""

    def _linked(self) -> list[str]:
        return [n for n, f in self.filters.items() if isinstance(f, LinkedRecordFilter)]

    def _choices(self) -> list[str]:
        kinds = (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)
        return [n for n, f in self.filters.items() if isinstance(f, kinds)]

    def filter_queryset(self, queryset: Any) -> Any:
        if any(name in self.form.errors for name in self._choices()):
            return queryset.none()
        return super().filter_queryset(queryset)

    @property
    def chips(self) -> list[Chip]:
        if not self.is_bound:
            return []
        errors = self.form.errors
        cleaned = getattr(self.form, "cleaned_data", {})
        out = []
        for name in self._linked():
            if not self.data.get(name) and name not in errors:
                continue
            params = self.data.copy()
            params.pop(name, None)
            params.pop("page", None)
            out.append(
                Chip(
                    label=str(self.filters[name].label),
                    record=cleaned.get(name),
                    error=" ".join(errors.get(name, [])),
                    remove=params.urlencode()
                    if hasattr(params, "urlencode")
                    else urlencode(params, doseq=True),
                )
            )
        return out
