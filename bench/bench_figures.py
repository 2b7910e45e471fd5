"""Tenure figures of the head of mission's posting at the chosen demo size, as the bench officer
(an officer of the demo mission, default clearance), beside hand-written SQL over the same rows
(the posting's engagements the officer may see: the same mission filter and clearance)."""

# ruff: noqa: S608  (the baselines are hand-written SQL; only integers are inlined)
from __future__ import annotations

import datetime as dt

from bench.common import Figure, Report, bench_home, engine, officer_user, setup_django, timed


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from django.db import connection
    from django.utils import timezone

    from legation.core.access import clearance
    from legation.engagements.models import Engagement, Posting
    from legation.insight.figures import day_end, posting_figures

    user = officer_user()
    report = Report(
        f"tenure figures ({size} demo on {engine()}, {Engagement.objects.count():,} engagements)"
    )
    ids = ",".join(str(int(m)) for m in user.legation_missions.values_list("pk", flat=True))
    level = clearance(user)
    posting = Posting.objects.get(ref="DEMO-HOM")
    as_of = timezone.localdate()
    figures = posting_figures(posting, user=user, as_of=as_of)

    def orm() -> None:
        posting_figures(posting, user=user, as_of=as_of)

    end = day_end(as_of)

    def sql() -> None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT e.kind, count(*) FROM engagements_engagement e "
                "JOIN engagements_engagementstaff s ON s.engagement_id = e.id "
                "WHERE s.posting_id = %s AND e.start < %s "
                f"AND e.mission_id IN ({ids}) AND e.sensitivity <= %s GROUP BY e.kind",
                [posting.pk, end, level],
            )
            cur.fetchall()
            cur.execute(
                "SELECT r.code, count(*), min(e.start), max(e.start) "
                "FROM engagements_engagement e "
                "JOIN engagements_engagementstaff s ON s.engagement_id = e.id "
                "JOIN core_region r ON r.id = e.region_id "
                "WHERE s.posting_id = %s AND e.start < %s AND e.kind IN "
                "('meeting','site_visit','event','speech','interview') "
                f"AND e.mission_id IN ({ids}) AND e.sensitivity <= %s GROUP BY r.code",
                [posting.pk, end, level],
            )
            cur.fetchall()

    # The figures are cached per user; each run here computes them (no cache in between).
    orm_ms = min(timed(orm, repeat=3))
    sql_ms = min(timed(sql, repeat=3))
    report.add(
        Figure(
            "posting_figures (all figures, one posting)",
            orm_ms,
            "ms",
            target="< 500 ms",
            baseline=sql_ms,
            ok=orm_ms < 500,
            note=f"{figures['engagements']:,} engagements, "
            f"{figures['states_visited']} states, {figures['days_in_post']} days",
        )
    )
    _ = dt
    return report
