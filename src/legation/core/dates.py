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


# Local days as ranges of instants
#
# A filter on a date-time column by local day ("engagements until 2024-03-31") is a half-open
# range of instants, `column >= the day's first instant` and `column < the next day's first
# instant`, never a date function applied to every row (`start__date__lte`: a Python function per
# row on SQLite, `AT TIME ZONE` on PostgreSQL, and no index either way). The day is read in the
# current time zone, which is the installation's (`TIME_ZONE`, `LEGATION_TIME_ZONE`): a mission
# has no time zone of its own today, and the date functions the ranges replace used the same one.


def day_start(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """The first instant of the local `day` (in `tz`, by default the current time zone), in UTC.

    Local midnight with fold=0, which is right on every day a clock changes: where midnight is
    skipped (clocks go from 00:00 to 01:00, as in Havana or Santiago) fold=0 reads it with the
    offset before the change, which is the instant of the change itself, the day's first; where
    midnight comes twice (clocks go back from 01:00 to 00:00) fold=0 is the first of the two.
    """
    from django.utils import timezone

    zone = tz or timezone.get_current_timezone()
    # In UTC: arithmetic on an aware datetime in a zone is by the wall clock, not by the instant.
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)


def day_end(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """The first instant after the local `day`: the next day's first (an exclusive bound)."""
    return day_start(day + dt.timedelta(days=1), tz)


def day_range(
    first: dt.date | None, last: dt.date | None = None, tz: dt.tzinfo | None = None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants of the local days `first` to `last` inclusive, as a half-open range
    `[start, end)`; either day may be None (open). `last` defaults to `first` (one day)."""
    if last is None and first is not None:
        last = first
    return (
        day_start(first, tz) if first is not None else None,
        day_end(last, tz) if last is not None else None,
    )


def days_filter(
    field: str, since: dt.date | None = None, until: dt.date | None = None, tz=None
) -> dict[str, dt.datetime]:
    """Lookups on the date-time column `field` for the local days `since`..`until` inclusive
    (either may be None): `{f"{field}__gte": start, f"{field}__lt": end}`, ready for
    `.filter(**…)` or `Q(**…)`, index-friendly on both databases."""
    lookups: dict[str, dt.datetime] = {}
    if since is not None:
        lookups[f"{field}__gte"] = day_start(since, tz)
    if until is not None:
        lookups[f"{field}__lt"] = day_end(until, tz)
    return lookups
