"""Form helpers shared by the domain apps' pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's validation errors next to the fields they name."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class DateInput(forms.DateInput):
    """A browser date box: its value is always ISO (YYYY-MM-DD), whatever the page's language
    (Chinese formats dates as 2023/12/19, which the box refuses and then submits empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")

    def format_value(self, value: Any) -> str | None:
        """A date typed in another accepted form (11/30/2026 in a link) is shown as the box
        needs it, ISO; left as typed, the box would show it empty while the filter applies."""
        if isinstance(value, str) and value:
            for fmt in formats.get_format("DATE_INPUT_FORMATS"):
                try:
                    return dt.datetime.strptime(value.strip(), fmt).date().isoformat()
                except ValueError:
                    continue
        return super().format_value(value)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%dT%H:%M")
        return value
