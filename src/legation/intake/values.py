"""Cell values read from untrusted files: dates, choices, sensitivities, lists, vocabularies.

Every parser raises `CellError` with a reason a user can act on; the importer adds the line and
column. Vocabularies (regions, sectors) are loaded once per import into dictionaries so that a
file of a million rows does not cost a million queries.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from legation.core import dates
from legation.core.models import Region, Sector, Sensitivity


class CellError(ValueError):
    """One cell's value is wrong."""


def split_list(text: str) -> list[str]:
    """Semicolon-separated values (commas too when no semicolon is used), stripped, no empties."""
    sep = ";" if ";" in text or "," not in text else ","
    return [p.strip() for p in text.split(sep) if p.strip()]


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def parse_date(text: str) -> dt.date:
    """A date in one of the accepted forms, within the accepted range (core.dates)."""
    day = _parse_date(text)
    if not dates.within(day):
        raise CellError(dates.message(day))
    return day


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # YYYY-MM-DD, the usual form, without strptime's cost
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    if "T" in text or " " in text:
        return parse_datetime(text).date()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("'%(value)s' is not a date (use YYYY-MM-DD).") % {"value": text})


def parse_datetime(text: str, time_text: str = "") -> dt.datetime:
    """An aware datetime: ISO date or date-time; a date alone is noon, local time."""
    text = text.strip()
    try:
        if ("T" in text or " " in text.strip()) and not time_text:
            value = dt.datetime.fromisoformat(text)
        else:
            day = parse_date(text) if text else None
            if day is None:
                raise CellError(_("A date is required."))
            clock = parse_time(time_text) if time_text.strip() else None
            value = dt.datetime.combine(day, clock or dt.time(12, 0))
    except ValueError as exc:
        if isinstance(exc, CellError):
            raise
        day_text, _sep, clock_text = text.replace("T", " ", 1).partition(" ")
        try:  # a good date with a bad time: name the time
            _parse_date(day_text)
        except CellError:
            pass
        else:
            parse_time(clock_text)
        raise CellError(
            _("'%(value)s' is not a date and time (use YYYY-MM-DD HH:MM).") % {"value": text}
        ) from None
    if not dates.within(value):
        raise CellError(dates.message(value))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def parse_time(text: str) -> dt.time:
    """A time of day, HH:MM (or HH:MM:SS)."""
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise CellError(_("'%(value)s' is not a time (use HH:MM).") % {"value": text}) from None


def parse_decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        raise CellError(_("'%(value)s' is not a number.") % {"value": text}) from None


def parse_minutes(text: str) -> dt.timedelta:
    """A duration in minutes ("90") or as H:MM ("1:30")."""
    text = text.strip()
    m = re.fullmatch(r"(\d+):(\d{2})", text)
    if m:
        return dt.timedelta(hours=int(m.group(1)), minutes=int(m.group(2)))
    if text.isdigit():
        return dt.timedelta(minutes=int(text))
    raise CellError(_("'%(value)s' is not a duration (minutes, or H:MM).") % {"value": text})


def _fold(text: str) -> str:
    return " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())


def choice_lookup(choices: type[models.Choices]) -> dict[str, Any]:
    """Every way to write a choice: its code, its English label and its Chinese label."""
    out: dict[str, Any] = {}
    for value, label in choices.choices:
        out[_fold(str(value))] = value
        with translation.override("en"):
            out[_fold(str(label))] = value
        with translation.override("zh-hans"):
            out[_fold(str(label))] = value
    return out


def parse_choice(text: str, lookup: dict[str, Any], what: str) -> Any:
    key = _fold(text)
    if key in lookup:
        return lookup[key]
    codes = sorted({str(v) for v in lookup.values() if str(v)})
    raise CellError(
        _("Unknown %(what)s '%(value)s': use one of %(codes)s.")
        % {"what": what, "value": text, "codes": ", ".join(codes)}
    )


def parse_sensitivity(text: str) -> Sensitivity:
    """public, internal or restricted, in either language (or 0, 1, 2); the reason names the
    labels, in the user's language and in English."""
    key = _fold(text)
    if key in SENSITIVITY:
        return SENSITIVITY[key]
    labels = [str(label) for label in Sensitivity.labels]
    with translation.override("en"):
        english = [str(label) for label in Sensitivity.labels]
    names = ", ".join(dict.fromkeys(labels + english))
    raise CellError(
        _("Unknown sensitivity '%(value)s': use one of %(labels)s.")
        % {"value": text, "labels": names}
    )


SENSITIVITY = {
    **choice_lookup(Sensitivity),
    **{str(int(v)): v for v in Sensitivity.values},
    "公开": Sensitivity.PUBLIC,
    "内部": Sensitivity.INTERNAL,
    "限制": Sensitivity.RESTRICTED,
}

YES = {"1", "yes", "y", "true", "x", "是"}
NO = {"0", "no", "n", "false", "否"}


def parse_yes_no(text: str) -> bool:
    """ "yes"/"no" and their usual spellings (1/0, true/false, 是/否); anything else is refused."""
    key = text.strip().casefold()
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(_("Write yes or no, not '%(value)s'.") % {"value": text})


class Vocabulary:
    """Regions and sectors of the database, looked up by code or label in either language."""

    def __init__(self, country: str = "US") -> None:
        self.country = country.upper()
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            keys = [region.code.casefold(), region.name_en.casefold()]
            if region.name_zh:
                keys.append(region.name_zh)
            if region.country == self.country:
                keys.append(region.code.split("-", 1)[-1].casefold())
            for key in keys:
                self.regions.setdefault(key, region)
        self.sectors: dict[str, Sector] = {}
        for sector in Sector.objects.all():
            for key in (sector.code, sector.label_en, sector.label_zh):
                self.sectors.setdefault(_fold(key), sector)

    def region(self, text: str) -> Region | None:
        if not text.strip():
            return None
        found = self.regions.get(text.strip().casefold())
        if found is None:
            raise CellError(
                _("Unknown region '%(value)s': use an ISO 3166-2 code such as US-CA.")
                % {"value": text}
            )
        return found

    def sector(self, text: str) -> Sector | None:
        if not text.strip():
            return None
        found = self.sectors.get(_fold(text))
        if found is None:
            codes = sorted({s.code for s in self.sectors.values()})
            raise CellError(
                _("Unknown sector '%(value)s': use one of %(codes)s.")
                % {"value": text, "codes": ", ".join(codes)}
            )
        return found
