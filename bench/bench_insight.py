"""Insight figures for the head of mission at the chosen demo size, each against 500 ms, and the
coverage matrix beside a hand-written SQL GROUP BY over the same rows, measured in the same run.

The figures are computed as the bench officer (an officer of the demo mission with the default
clearance, not the operator): the mission filter and the clearance apply. The figure pages are
then requested cold (the figure cache cleared before each request) by that user logged in,
through Django's request handling (middleware, view, template; no HTTP server):
`LEGATION_BENCH_INSIGHT_SAMPLES` requests each (default 200 on the small demo; 5 at the large
size, where the whole-mission quiet list alone takes seconds per request).
"""

# ruff: noqa: S608  (the baseline is hand-written SQL; its only inlined values are integers)
from __future__ import annotations

import datetime as dt
import os
import statistics
import time

from bench.common import Figure, Report, bench_home, engine, officer_user, p95, setup_django, timed


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from django.db import connection
    from django.utils import timezone

    from legation.core.access import clearance
    from legation.engagements.models import Engagement, Posting
    from legation.insight import figures
    from legation.insight.common import day_end, day_start

    report = Report(
        f"insight figures ({size} demo on {engine()}, {Engagement.objects.count():,} engagements)"
    )
    user = officer_user()
    posting = Posting.objects.select_related("person", "mission").get(ref="DEMO-HOM")
    as_of = timezone.localdate()
    start = as_of - dt.timedelta(days=365)
    top = figures.strengths(user, as_of=as_of, posting=posting, limit=1)[0]["person"]

    def add(name: str, fn, note: str = "", target: float | None = 500) -> float:
        ms = min(timed(fn, repeat=3))
        ok = None if target is None else ms < target
        report.add(Figure(name, ms, "ms", target=f"< {target:g} ms" if target else "", ok=ok,
                          note=note))  # fmt: skip
        return ms

    t = figures.tenure(posting, user=user, as_of=as_of)
    add("tenure (all figures, one posting)", lambda: figures.tenure(posting, user=user,
        as_of=as_of), f"{t['engagements']:,} engagements, {t['states_visited']} states")  # fmt: skip
    add("posting_figures (letters, stats)",
        lambda: figures.posting_figures(posting, user=user, as_of=as_of))  # fmt: skip

    mission_ids = list(user.legation_missions.values_list("pk", flat=True))
    lo, hi = day_start(start), day_end(as_of)

    ids = ",".join(str(int(m)) for m in mission_ids)
    from legation.engagements.models import WORK_KINDS

    work = [str(k.value) for k in WORK_KINDS]  # coverage counts the work, not correspondence
    kinds = ", ".join(["%s"] * len(work))
    bounds = [posting.pk, clearance(user), lo, hi, *work]

    def ledger_sql() -> None:
        # The same cells from the ledger's own tables: the posting's engagements the user may
        # see in the period, each once per sector it reached (the engagement-sector rows).
        with connection.cursor() as cur:
            cur.execute(
                "SELECT e.region_id, es.sector_id, COUNT(*), MAX(e.start) "
                "FROM engagements_engagementstaff s "
                "JOIN engagements_engagement e ON e.id = s.engagement_id "
                "JOIN insight_engagementsector es ON es.engagement_id = e.id "
                f"WHERE s.posting_id = %s AND e.mission_id IN ({ids}) AND e.sensitivity <= %s "
                f"AND e.start >= %s AND e.start < %s AND e.kind IN ({kinds}) "
                "GROUP BY e.region_id, es.sector_id",
                bounds,
            )
            cur.fetchall()

    def sql() -> None:
        # The rows the figure reads: the posting's sector rows in the per-posting table, with
        # the same conditions, grouped by region and sector.
        with connection.cursor() as cur:
            cur.execute(
                "SELECT region_id, item_id, COUNT(*), MAX(start) FROM insight_postingactivity "
                f"WHERE posting_id = %s AND facet = 3 AND mission_id IN ({ids}) "
                f"AND sensitivity <= %s AND start >= %s AND start < %s AND kind IN ({kinds}) "
                "GROUP BY region_id, item_id",
                bounds,
            )
            cur.fetchall()

    def matrix() -> None:
        from legation.insight.coverage import matrix_rows

        matrix_rows(user, posting=posting, start=start, end=as_of)

    ledger_ms = min(timed(ledger_sql, repeat=3))
    sql_ms = min(timed(sql, repeat=3))
    orm_ms = min(timed(matrix, repeat=3))
    report.add(Figure("coverage matrix (one posting, 12 months)", orm_ms, "ms",
                      target="within 2x of SQL", baseline=sql_ms, ok=orm_ms <= 2 * sql_ms,
                      note=f"the same cells from the ledger's tables by hand: {ledger_ms:,.0f} ms"))  # fmt: skip
    c = figures.coverage(user, posting=posting, start=start, end=as_of)
    add("coverage with gaps named", lambda: figures.coverage(user, posting=posting, start=start,
        end=as_of), f"{c['total']:,} engagement-sector pairs, {len(c['gaps'])} gaps")  # fmt: skip
    q = figures.quiet_relationships(user, as_of=as_of, posting=posting, limit=50)
    add("quiet relationships (one posting)", lambda: figures.quiet_relationships(
        user, as_of=as_of, posting=posting, limit=50), f"{len(q)} quiet")  # fmt: skip
    add("strongest relationships (one posting, top 30)",
        lambda: figures.strengths(user, as_of=as_of, posting=posting, limit=30))  # fmt: skip
    add("network of the strongest contact", lambda: figures.person_network(top, user,
        as_of=as_of), str(top))  # fmt: skip
    add("handover brief (everything above, composed)",
        lambda: figures.handover_brief(posting, user=user, as_of=as_of), target=None)  # fmt: skip
    add("quiet relationships (whole mission, home page)", lambda: figures.quiet_relationships(
        user, as_of=as_of, limit=8), target=None)  # fmt: skip
    cold_pages(report, user, size)
    return report


def cold_pages(report: Report, user, size: str) -> None:
    """Each figure page as the logged-in user, the figure cache cleared before every request."""
    from django.core.cache import cache
    from django.test import Client

    samples = int(
        os.environ.get("LEGATION_BENCH_INSIGHT_SAMPLES") or (200 if size == "small" else 5)
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = [
        ("tenure page", "/insight/"),
        ("quiet page (the posting)", "/insight/quiet/"),
        ("quiet page (whole mission)", "/insight/quiet/?posting=all"),
        ("handover page", "/insight/handover/"),
        ("home page's quiet box", "/home/quiet/"),
    ]
    for name, url in pages:
        times = []
        for _ in range(samples):
            cache.clear()
            start = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times)
        report.add(Figure(f"{name}, cold, logged in (median)", median, "ms", target="< 500 ms",
                          ok=median < 500, note=f"p95 {p95(times):,.0f} ms of {samples} requests"))  # fmt: skip
