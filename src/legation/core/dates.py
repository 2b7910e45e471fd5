"""The range of dates legation accepts, wherever a date comes in.

A date far from the present is never a real engagement, posting or reference day, and some cost
a great deal (an `as_of` of 5000-01-01 made the insight pages count through three thousand years
of months; 9999-12-31 overflowed the day after). Query parameters, form fields, command options
and imported cells are all checked against the same bounds, with the same message.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATE_MIN = dt.date(1800, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)


class DateOutOfRange(ValueError):
    """A date outside DATE_MIN..DATE_MAX; the message names the bounds."""


def message(value: dt.date | dt.datetime, what: str = "") -> str:
    day = value.date() if isinstance(value, dt.datetime) else value
    where = f"{what}: " if what else ""
    return where + _("%(day)s is out of range: dates run from %(min)s to %(max)s.") % {
        "day": day.isoformat(),
        "min": DATE_MIN.isoformat(),
        "max": DATE_MAX.isoformat(),
    }


def within(value: dt.date | dt.datetime) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def bounded(value: dt.date | dt.datetime, what: str = "") -> dt.date | dt.datetime:
    """`value` itself, or DateOutOfRange when it lies outside the accepted range."""
    if not within(value):
        raise DateOutOfRange(message(value, what))
    return value


def parse(text: str, what: str = "") -> dt.date:
    """A YYYY-MM-DD date within the range; ValueError (DateOutOfRange) with a clear message."""
    text = text.strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        where = f"{what}: " if what else ""
        raise ValueError(
            where + _("%(text)r is not a date (use YYYY-MM-DD).") % {"text": text}
        ) from None
    return bounded(day, what)  # type: ignore[return-value]


def validate(value: dt.date | dt.datetime | None) -> None:
    """A form field validator: the same bounds as everywhere else."""
    if value is not None and not within(value):
        raise ValidationError(message(value), code="date_out_of_range")


def bound_every_form_date() -> None:
    """Every date and date-time field of every form (pages, filters, the admin) refuses a date
    outside the range with the same message, as the commands and importers do."""
    from django import forms

    for field in (forms.DateField, forms.DateTimeField):
        if validate not in field.default_validators:
            field.default_validators = [*field.default_validators, validate]
