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
import django_filters.fields
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


class ListedChoices(django_filters.fields.ModelChoiceIterator):
    """A choice box's records read as one list: Django reads them through `QuerySet.iterator()`,
    on PostgreSQL a server-side cursor (DECLARE, FETCH, CLOSE: three round trips, the rows kept
    until the transaction ends) for a few dozen regions, tags or postings."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)


class LinkedFilters:
    """A FilterSet's mixin: choice boxes read as lists (`ListedChoices`); no rows while any value
    is refused (a linked record, a tag, sector or owner not among the choices offered, a date
    that is not one: the list unfiltered under an error would look like its answer); and the
    chips of the linked records (`filter.chips` in ui/_filters.html)."""

    def _linked(self) -> list[str]:
        return [n for n, f in self.filters.items() if isinstance(f, LinkedRecordFilter)]

    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(form, "_listed_choices", False):
            for field in form.fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    field.iterator = ListedChoices
                    field.widget.choices = field.choices  # the widget holds the iterator
            form._listed_choices = True
        return form

    def filter_queryset(self, queryset: Any) -> Any:
        if self.form.errors:  # a refused choice, date or text: nothing, never everything
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
