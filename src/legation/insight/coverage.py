"""Coverage: a sector × region matrix of engagements for a period, with its gaps named in words.

An engagement counts in the region where it took place and in every sector of its participants
and organisations, once per sector. Gaps (see docs/insight.md):

- a region with no engagement at all in the period ("no engagement in Wyoming since May 2025"),
- a sector with none anywhere,
- an *empty* cell: a region and a sector both active in the period, but not together,
- a *thin* cell: fewer than a quarter of the engagements expected from its row and column totals
  (expected = row total × column total ÷ grand total), when at least two were expected.

Each gap says when the last engagement in that cell took place before the period, or "ever".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from legation.core.db.stats import materialized
from legation.core.models import Region, Sector
from legation.engagements.models import WORK_KINDS, Posting
from legation.insight.common import instant, local_date, posting_activity, scope
from legation.insight.models import PostingActivity

THIN_SHARE = 0.25
MIN_EXPECTED = 2.0
MAX_GAPS = 40
NO_REGION = "none"


class Gap(TypedDict):
    kind: str  # "region", "sector", "empty" or "thin"
    region: str | None
    sector: str | None
    engagements: int
    expected: float
    last_before: str | None
    text: str


class Coverage(TypedDict):
    posting: str | None
    start: str
    end: str
    sectors: list[dict[str, Any]]
    regions: list[dict[str, Any]]
    cells: dict[str, dict[str, int]]
    row_totals: dict[str, int]
    column_totals: dict[str, int]
    total: int
    unplaced: dict[str, int]
    max_cell: int
    gaps: list[Gap]


def matrix_rows(
    user: Any,
    *,
    posting: Posting | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[tuple[int | None, int, int, Any]]:
    """(region id, sector id, engagements, last start) for every non-empty cell.

    The engagements of the work (WORK_KINDS: correspondence is not coverage) in
    `scope(user, posting=posting, start=start, end=end)`, each once per
    sector it reached. One posting's are its sector rows in the per-posting table (one range of
    its covering index); otherwise the engagements in scope (compiled from `visible_to`) are
    joined to the derived sector rows. SQLite is told to read that scope first (MATERIALIZED);
    PostgreSQL plans the join best when it may fold the scope into it (it then runs in parallel).
    """
    if posting is not None:
        body = (
            posting_activity(user, posting, PostingActivity.Facet.SECTOR, start=start, end=end)
            .filter(kind__in=WORK_KINDS)
            .values_list("region_id", "item_id")
            .annotate(n=Count("*"), last=Max("start"))
        )
        sql, params = body.query.sql_with_params()
    else:
        body = (
            scope(user, start=start, end=end)
            .filter(kind__in=WORK_KINDS)
            .values_list("id", "region_id", "start")
            .order_by()
        )
        scope_sql, params = body.query.get_compiler(connection=connection).as_sql()
        hint = materialized()
        # Only the ORM's own compilation is inlined; every value is a bound parameter.
        sql = (
            f"WITH s(id, r, t) AS {hint}({scope_sql}) "  # noqa: S608
            "SELECT s.r, es.sector_id, COUNT(*), MAX(s.t) FROM s "
            "JOIN insight_engagementsector es ON es.engagement_id = s.id GROUP BY s.r, es.sector_id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _month(value: Any) -> str:
    if value is None:
        return ""
    return date_format(local_date(instant(value)), "F Y")


def coverage(
    user: Any,
    *,
    posting: Posting | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    country: str | None = None,
) -> Coverage:
    """The sector × region matrix of the engagements the user may see in a period.

    `posting` limits it to one posting's engagements; the period defaults to the twelve months
    before `end` (today). The "since" of each gap looks at the same engagements before `start`.
    """
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=365)
    if country is None:
        if posting is not None:
            country = posting.mission.host_country
        else:  # the whole of the user's missions: their host country (the first's, if several)
            from legation.core.models import Mission

            country = (
                Mission.objects.visible_to(user)
                .order_by("pk")
                .values_list("host_country", flat=True)
                .first()
                or "US"
            )
    sectors = list(Sector.objects.order_by("position", "code"))
    regions = list(Region.objects.filter(country=country).order_by("name_en"))
    region_code = {r.pk: r.code for r in regions}
    sector_code = {s.pk: s.code for s in sectors}

    cells: dict[str, dict[str, int]] = {r.code: {} for r in regions}
    unplaced: dict[str, int] = {}
    for region_id, sector_id, n, _last in matrix_rows(user, posting=posting, start=start, end=end):
        code = sector_code[sector_id]
        if region_id in region_code:
            cells[region_code[region_id]][code] = n
        else:  # remote engagements (no region) and regions of another country
            unplaced[code] = unplaced.get(code, 0) + n
    before: dict[tuple[str, str], Any] = {}
    for region_id, sector_id, _n, last in matrix_rows(
        user, posting=posting, end=start - dt.timedelta(days=1)
    ):
        if region_id in region_code:
            before[(region_code[region_id], sector_code[sector_id])] = last

    row_totals = {r: sum(c.values()) for r, c in cells.items()}
    column_totals = {s.code: sum(c.get(s.code, 0) for c in cells.values()) for s in sectors}
    total = sum(row_totals.values())
    result: Coverage = {
        "posting": posting.ref if posting is not None else None,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "sectors": [
            {"code": s.code, "label_en": s.label_en, "label_zh": s.label_zh} for s in sectors
        ],
        "regions": [
            {"code": r.code, "name_en": r.name_en, "name_zh": r.name_zh, "is_state": r.is_state}
            for r in regions
        ],
        "cells": {r: c for r, c in cells.items() if c},
        "row_totals": row_totals,
        "column_totals": column_totals,
        "total": total,
        "unplaced": unplaced,
        "max_cell": max((n for c in cells.values() for n in c.values()), default=0),
        "gaps": [],
    }
    result["gaps"] = find_gaps(result, regions, sectors, before)
    return result


def find_gaps(
    result: Coverage,
    regions: list[Region],
    sectors: list[Sector],
    before: dict[tuple[str, str], Any],
) -> list[Gap]:
    """Empty and thin cells, empty regions and sectors, the largest shortfalls first."""
    cells, rows, cols, total = (
        result["cells"],
        result["row_totals"],
        result["column_totals"],
        result["total"],
    )
    gaps: list[Gap] = []

    def last_in_region(code: str) -> Any:
        return max((v for (r, _s), v in before.items() if r == code), default=None)

    def last_in_sector(code: str) -> Any:
        return max((v for (_r, s), v in before.items() if s == code), default=None)

    for region in regions:
        if rows[region.code] == 0 and region.is_state:
            last = last_in_region(region.code)
            gaps.append(_gap("region", region, None, 0, 0.0, last))
    for sector in sectors:
        if cols[sector.code] == 0 and total:
            gaps.append(_gap("sector", None, sector, 0, 0.0, last_in_sector(sector.code)))
    if total:
        for region in regions:
            if rows[region.code] == 0:
                continue
            for sector in sectors:
                if cols[sector.code] == 0:
                    continue
                expected = rows[region.code] * cols[sector.code] / total
                n = cells.get(region.code, {}).get(sector.code, 0)
                if expected < MIN_EXPECTED or n >= THIN_SHARE * expected:
                    continue
                last = before.get((region.code, sector.code))
                gaps.append(_gap("empty" if n == 0 else "thin", region, sector, n, expected, last))
    order = {"sector": 0, "empty": 1, "thin": 2, "region": 3}
    gaps.sort(key=lambda g: (order[g["kind"]], -(g["expected"] - g["engagements"])))
    return gaps[:MAX_GAPS]


def _gap(
    kind: str,
    region: Region | None,
    sector: Sector | None,
    n: int,
    expected: float,
    last: Any,
) -> Gap:
    return {
        "kind": kind,
        "region": region.code if region else None,
        "sector": sector.code if sector else None,
        "engagements": n,
        "expected": round(expected, 1),
        "last_before": _iso(last),
        "text": gap_text(kind, region, sector, n, last),
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
    return local_date(value).isoformat()


def gap_text(kind: str, region: Any, sector: Any, n: int, last: Any) -> str:
    """A gap in words, in the active language."""
    where = (
        region.name_zh if region and _zh() and region.name_zh else getattr(region, "name_en", "")
    )
    what = sector.label_zh if sector and _zh() else getattr(sector, "label_en", "")
    what = what.lower() if what and not _zh() else what
    since = _month(last)
    if kind == "region":
        if since:
            return _("no engagement in %(region)s since %(since)s") % {
                "region": where,
                "since": since,
            }
        return _("no engagement in %(region)s, ever") % {"region": where}
    if kind == "sector":
        if since:
            return _("no engagement with %(sector)s anywhere since %(since)s") % {
                "sector": what,
                "since": since,
            }
        return _("no engagement with %(sector)s anywhere, ever") % {"sector": what}
    if kind == "empty":
        if since:
            return _("no engagement with %(sector)s in %(region)s since %(since)s") % {
                "sector": what,
                "region": where,
                "since": since,
            }
        return _("no engagement with %(sector)s in %(region)s, ever") % {
            "sector": what,
            "region": where,
        }
    return _("only %(n)s engagement(s) with %(sector)s in %(region)s in the period") % {
        "n": n,
        "sector": what,
        "region": where,
    }


def _zh() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("zh")
