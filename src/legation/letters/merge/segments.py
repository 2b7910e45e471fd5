"""Segments: who a merge goes to, as a saved name or a filter of ``key=value`` words.

``sector=legislature region=US-CA tag=farewell met-since=2021-07-28``: different keys must all
hold; a key given twice, or values separated by commas (``tag=farewell,new-year``), match any of
them. Values with spaces are quoted (``organisation="Carter Center"``). Every lookup starts from
``Person.objects.visible_to(user)``, so a segment never reaches a person the user cannot see.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections import defaultdict
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from legation.core.dates import day_start, days_filter
from legation.core.vocab import resolve_region, resolve_sector
from legation.engagements.models import Engagement, Kind
from legation.engagements.selectors import find_posting
from legation.people.models import Person

KEYS = {
    "sector": "the person's sector, or the sector of an organisation they belong to",
    "region": "the person's home region or a postal address's region (US-CA, CA, California)",
    "tag": "a tag on the person",
    "not-tag": "no such tag on the person",
    "met-since": "an engagement with them on or after the date (YYYY-MM-DD)",
    "met-before": "an engagement with them before the date",
    "met-by": "an engagement with them staffed by this posting (id, ref or email)",
    "kind": "engagements of this kind only (meeting, call…); alone: anyone met in one",
    "language": "en or zh: the language their letters go in (a tag lang:zh, else English)",
    "title": "the honorific, as written (Senator, Governor…)",
    "name": "any form of the name (Latin, pinyin, characters)",
    "organisation": "a current or past affiliation with this organisation (ref or name)",
    "has": "email or address: only people reachable by that channel",
    "person": "these people (id or ref)",
    "all": "everyone the user can see (all=yes)",
}


class SegmentError(ValueError):
    """The filter cannot be read; the message says which word and why."""


def parse_filter(text: str) -> dict[str, list[str]]:
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise SegmentError(_("Cannot read the filter: %(error)s.") % {"error": exc}) from None
    if not words:
        raise SegmentError(_("An empty filter; give at least one key=value (or all=yes)."))
    terms: dict[str, list[str]] = defaultdict(list)
    for word in words:
        key, sep, value = word.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip():
            raise SegmentError(
                _("“%(word)s” is not key=value (for example sector=legislature).") % {"word": word}
            )
        if key not in KEYS:
            raise SegmentError(
                _("Unknown filter key “%(key)s”; known keys: %(keys)s.")
                % {"key": key, "keys": ", ".join(KEYS)}
            )
        terms[key] += [v.strip() for v in value.split(",") if v.strip()]
    return dict(terms)


def _date(value: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SegmentError(
            _("%(key)s: “%(value)s” is not a date (use YYYY-MM-DD).") % {"key": key, "value": value}
        ) from None


def _any(values: list[str], make: Any) -> Q:
    query = Q(pk__in=[])
    for value in values:
        query |= make(value)
    return query


def _resolve(fn: Any, value: str, key: str, *args: Any) -> Any:
    try:
        found = fn(value, *args)
    except ValidationError as exc:
        raise SegmentError(f"{key}: {' '.join(exc.messages)}") from None
    if found is None:
        raise SegmentError(_unknown(key, value))
    return found


def _unknown(key: str, value: str) -> str:
    return _("%(key)s: unknown value “%(value)s”.") % {"key": key, "value": value}


def _posting(value: str, user: Any) -> Any:
    """The posting a met-by word names; an unknown ref and another mission's ref (which the
    user cannot see) get the same message."""
    try:
        return find_posting(value, user)
    except ObjectDoesNotExist:
        raise SegmentError(
            _("met-by: no posting “%(value)s” (give a posting's id, ref or email).")
            % {"value": value}
        ) from None


def resolve_filter(text: str, user: Any, *, country: str = "US") -> Any:
    """The people a filter selects, among those the user may see, in a stable order."""
    terms = parse_filter(text)
    people = Person.objects.visible_to(user)
    engagements = Engagement.objects.visible_to(user).exclude(kind=Kind.LETTER_SENT)
    if "kind" in terms:
        kinds = terms["kind"]
        unknown = [k for k in kinds if k not in Kind.values or k == Kind.LETTER_SENT]
        if unknown:
            raise SegmentError(_unknown("kind", unknown[0]))
        engagements = engagements.filter(kind__in=kinds)
        if not terms.keys() & {"met-since", "met-before", "met-by"}:
            people = people.filter(pk__in=engagements.values("engagementparticipant__person_id"))

    def met(query: Q) -> Q:
        ids = engagements.filter(query).values("engagementparticipant__person_id")
        return Q(pk__in=ids)

    for key, values in terms.items():
        if key == "sector":
            sectors = [_resolve(resolve_sector, v, key) for v in values]
            people = people.filter(
                Q(sector__in=sectors) | Q(affiliations__organisation__sector__in=sectors)
            )
        elif key == "region":
            regions = [_resolve(resolve_region, v, key, country) for v in values]
            people = people.filter(Q(region__in=regions) | Q(addresses__region__in=regions))
        elif key == "tag":
            people = people.filter(tags__name__in=values)
        elif key == "not-tag":
            people = people.exclude(tags__name__in=values)
        elif key == "met-since":
            days = [_date(v, key) for v in values]
            people = people.filter(_any(days, lambda d: met(Q(**days_filter("start", since=d)))))
        elif key == "met-before":
            days = [_date(v, key) for v in values]
            people = people.filter(_any(days, lambda d: met(Q(start__lt=day_start(d)))))
        elif key == "met-by":
            postings = [_posting(v, user) for v in values]
            people = people.filter(met(Q(engagementstaff__posting__in=postings)))
        elif key == "title":
            people = people.filter(_any(values, lambda v: Q(title__iexact=v)))
        elif key == "name":
            for value in values:
                people = people.search(value)
        elif key == "organisation":
            people = people.filter(
                _any(
                    values,
                    lambda v: (
                        Q(affiliations__organisation__ref=v)
                        | Q(affiliations__organisation__name_en__iexact=v)
                        | Q(affiliations__organisation__name_zh=v)
                    ),
                )
            )
        elif key == "has":
            for value in values:
                if value not in ("email", "address"):
                    raise SegmentError(_("has: give email or address."))
                people = people.filter(
                    **{f"{value}{'es' if value == 'address' else 's'}__isnull": False}
                )
        elif key == "person":
            # One parameter per list, however long (a segment of 20,000 people by id): an OR
            # of one test per value fails on SQLite ("Expression tree is too large").
            ids = [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 19]
            people = people.filter(Q(ref__in_list=values) | Q(pk__in_list=ids))
        elif key == "language":
            if set(values) - {"en", "zh"}:
                raise SegmentError(_("language: give en or zh."))
            if values == ["zh"]:
                people = people.filter(tags__name__iexact="lang:zh")
            elif values == ["en"]:
                people = people.exclude(tags__name__iexact="lang:zh")
        elif key == "all" and values != ["yes"]:
            raise SegmentError(_("all: write all=yes."))
    return people.distinct().order_by("family_name", "given_name", "pk")


def resolve_segment(spec: str, user: Any, *, mission: Any = None) -> tuple[str, Any]:
    """A saved segment's name or a filter; returns (the filter text, the people)."""
    from legation.letters.models import Segment

    text = spec.strip()
    if "=" not in text:
        segments = Segment.objects.visible_to(user).filter(name=text)
        if mission is not None:
            segments = segments.filter(mission=mission)
        found = list(segments[:2])
        if not found:
            raise SegmentError(
                _(
                    "No saved segment named “%(name)s”; give a name or a filter such as "
                    "sector=legislature region=US-CA."
                )
                % {"name": text}
            )
        if len(found) > 1:
            raise SegmentError(
                _("“%(name)s” names segments of several missions; use --from.") % {"name": text}
            )
        text = found[0].filter
    country = mission.host_country if mission is not None else "US"
    return text, resolve_filter(text, user, country=country)
