"""What the ledger says, as of a letter's date, for one user: the figures claims are checked on.

Every read goes through ``visible_to(user)``; the posting's figures come from the insight layer
(``posting_figures``), the rest (cities, people of a sector, site visits, facts, engagements in a
period) are small queries here over the same visible engagements, up to the end of the letter's
date in the installation's time zone.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from legation.core.dates import day_end
from legation.engagements.models import IN_PERSON_KINDS, MET_KINDS, Engagement, Fact, Posting
from legation.insight.figures import posting_figures
from legation.people.models import Person

# Count nouns answered by a key of `posting_figures`, by an engagement kind, a sector or a site.
FIGURE_KEYS = {"people": "people_met", "organisations": "organisations_met",
               "engagements": "engagements", "states": "states_visited"}  # fmt: skip
KIND_KEYS = {"meetings": "meeting", "events": "event", "speeches": "speech",
             "interviews": "interview", "calls": "call", "site_visits": "site_visit"}  # fmt: skip
SECTOR_KEYS = {"legislators": ("legislature",), "business_leaders": ("business",),
               "journalists": ("media",), "scholars": ("think_tank", "academia"),
               "governors": ("subnational",)}  # fmt: skip
SITE_KEYS = {"factories": "factory", "ports": "port", "farms": "farm", "schools": "school",
             "universities": "university", "enterprises": "enterprise"}  # fmt: skip


def day_bound(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the installation's time zone."""
    return day_end(day)


def completed(unit: str, start: dt.date, end: dt.date) -> int:
    """Whole units from ``start`` to ``end``: completed years and months by the calendar."""
    if unit == "day":
        return (end - start).days
    if unit == "week":
        return (end - start).days // 7
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return months if unit == "month" else months // 12


def elapsed(unit: str, start: dt.date, end: dt.date) -> float:
    """Units from ``start`` to ``end`` with the fraction of the unit under way ("43.99 years")."""
    if unit in ("day", "week"):
        return (end - start).days / (1 if unit == "day" else 7)
    whole = completed(unit, start, end)
    step = 12 if unit == "year" else 1
    last = _add_months(start, whole * step)
    following = _add_months(start, (whole + 1) * step)
    return whole + (end - last).days / max((following - last).days, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class Ledger:
    """The ledger as one user sees it on the letter's date, for one sending posting."""

    def __init__(self, *, user: Any, posting: Posting | None, as_of: dt.date) -> None:
        self.user, self.posting, self.as_of = user, posting, as_of

    @cached_property
    def figures(self) -> dict[str, Any]:
        assert self.posting is not None
        return dict(posting_figures(self.posting, user=self.user, as_of=self.as_of))

    @property
    def tenure_end(self) -> dt.date:
        assert self.posting is not None
        departure = self.posting.departure
        return min(self.as_of, departure) if departure else self.as_of

    def engagements(self) -> QuerySet:
        assert self.posting is not None
        return (
            Engagement.objects.visible_to(self.user)
            .filter(engagementstaff__posting=self.posting, start__lt=day_bound(self.as_of))
            .order_by()
        )

    def count(self, key: str) -> tuple[int, str, list[str]]:
        """The figure a count noun names: (value, the query, the records behind it)."""
        ref = self.posting.ref or self.posting.pk  # type: ignore[union-attr]
        base = f"posting_figures({ref}, as_of={self.as_of.isoformat()})"
        f = self.figures
        if key == "states":
            states = [r["code"] for r in f["regions"] if r["is_state"]]
            return f["states_visited"], f"{base}['states_visited'] (states only, not DC)", states
        if key in FIGURE_KEYS:
            return f[FIGURE_KEYS[key]], f"{base}['{FIGURE_KEYS[key]}']", []
        if key == "regions":
            return len(f["regions_visited"]), f"{base}['regions_visited']", f["regions_visited"]
        if key == "sectors":
            return len(f["sectors_engaged"]), f"{base}['sectors_engaged']", f["sectors_engaged"]
        if key in KIND_KEYS:
            kind = KIND_KEYS[key]
            n = f["engagements_by_kind"].get(kind, 0)
            return n, f"{base}['engagements_by_kind']['{kind}']", []
        visits = self.engagements().filter(kind__in=IN_PERSON_KINDS)
        if key == "cities":
            rows = sorted(
                set(visits.exclude(city="").values_list("city", "region__code").distinct())
            )
            names = [f"{c} ({r})" if r else c for c, r in rows]
            return len(rows), "distinct cities of in-person engagements", names
        if key in SITE_KEYS:
            found = list(visits.filter(site_type=SITE_KEYS[key]).values_list("pk", flat=True))
            return (
                len(found),
                f"in-person engagements with site type {SITE_KEYS[key]}",
                [f"engagement {pk}" for pk in found],
            )
        sectors = SECTOR_KEYS[key]
        people = (
            Person.objects.visible_to(self.user)
            .filter(
                participations__engagement__in=self.engagements()
                .filter(kind__in=MET_KINDS)
                .values("id")
            )
            .filter(sector__code__in=sectors)
            .distinct()
        )
        names = [str(p) for p in people[:50]]
        return people.count(), f"distinct people met in the {'/'.join(sectors)} sector", names

    @cached_property
    def facts(self) -> list[Fact]:
        """Facts the user may see: shared ones, and the sender's mission's, which win by key."""
        mission = self.posting.mission if self.posting is not None else None
        return Fact.objects.visible_to(self.user).by_key_for(mission)

    def engagements_between(
        self, start: dt.date, end: dt.date, regions: list[str] | None = None
    ) -> list[Engagement]:
        qs = self.engagements().filter(
            start__gte=day_bound(start - dt.timedelta(days=1)), start__lt=day_bound(end)
        )
        if regions:
            qs = qs.filter(region__code__in=regions)
        return list(qs.select_related("region").order_by("start")[:20])

    def latest_engagement(self, regions: list[str] | None = None) -> Engagement | None:
        qs = self.engagements().filter(kind__in=IN_PERSON_KINDS)
        if regions:
            qs = qs.filter(region__code__in=regions)
        return qs.order_by("-start").first()

    def first_visits(self, what: str) -> list[str]:
        """States (region codes) or cities, in the order of the sender's first in-person
        engagement there (for "the ninth state I have visited", "第十个城市")."""
        visits = self.engagements().filter(kind__in=IN_PERSON_KINDS).order_by("start")
        if what == "states":
            rows = visits.filter(region__is_state=True).values_list("region__code", flat=True)
        else:
            rows = visits.exclude(city="").values_list("city", flat=True)
        seen: list[str] = []
        for key in rows:
            if key not in seen:
                seen.append(key)
        return seen

    def cities(self) -> list[str]:
        visits = self.engagements().filter(kind__in=IN_PERSON_KINDS).exclude(city="")
        return sorted(set(visits.values_list("city", flat=True)))

    def visit_days(self, *, regions: list[str] | None = None, city: str = "") -> list[dt.date]:
        """The days of the sender's in-person engagements in those regions or that city: each
        day there is one visit ("my third visit to Washington State")."""
        visits = self.engagements().filter(kind__in=IN_PERSON_KINDS)
        if city:
            visits = visits.filter(city=city)
        if regions:
            visits = visits.filter(region__code__in=regions)
        days = {timezone.localtime(s).date() for s in visits.values_list("start", flat=True)}
        return sorted(days)
