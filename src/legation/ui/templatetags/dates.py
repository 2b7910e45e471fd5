"""`{{ value|day }}`: a date in the page's one date style (6 Dec 2026, 2026年12月6日).

Figures computed ahead (insight) carry their dates as ISO text; this shows them like every other
date on the page. Anything that is not a date is shown as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def day(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return value
