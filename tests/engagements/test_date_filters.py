"""Date filters over a date-time column are half-open ranges of instants (from the local day's
first instant, to the next day's first excluded), never a date function applied to every row:
the same rows as the old `start__date` lookups, on both databases, at the edges of a day and on
the days the clocks change, with an index on `start` doing the work."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from legation.core.dates import day_end, day_range, day_start, days_filter
from legation.engagements.filters import EngagementFilter
from legation.engagements.models import Engagement
from legation.letters.merge.segments import resolve_filter
from tests import factories

UTC = dt.UTC
# Havana skips midnight when its clocks go forward (00:00 -> 01:00, 2024-03-10) and has midnight
# twice when they go back (01:00 -> 00:00, 2024-11-03); New York changes at 02:00 the same days.
ZONES = ["America/Havana", "America/New_York", "Asia/Shanghai"]
DAYS = [dt.date(2024, 3, 10), dt.date(2024, 11, 3), dt.date(2024, 6, 30), dt.date(2024, 12, 31)]
PER_ROW_DATE = ("django_datetime_cast_date", "::date", "AT TIME ZONE", "django_datetime_extract")


def test_a_day_starts_at_its_first_instant_when_the_clocks_change():
    havana = ZoneInfo("America/Havana")
    # Midnight skipped: the day starts at the change, 00:00 -05:00 = 05:00 UTC (then 01:00 -04).
    assert day_start(dt.date(2024, 3, 10), havana).astimezone(UTC) == dt.datetime(
        2024, 3, 10, 5, tzinfo=UTC
    )
    # Midnight twice: the day starts at the first, 00:00 -04:00.
    assert day_start(dt.date(2024, 11, 3), havana).astimezone(UTC) == dt.datetime(
        2024, 11, 3, 4, tzinfo=UTC
    )
    # A 25-hour day and a 23-hour day.
    assert day_end(dt.date(2024, 11, 3), havana) - day_start(dt.date(2024, 11, 3), havana) == (
        dt.timedelta(hours=25)
    )
    new_york = ZoneInfo("America/New_York")
    start, end = day_range(dt.date(2024, 3, 10), tz=new_york)
    assert end - start == dt.timedelta(hours=23)
    assert days_filter("start", None, None) == {}


def _edges(day: dt.date) -> list[dt.datetime]:
    """Instants around the local day `day`: just before, at and after each end, and the clock's
    changing hours."""
    first, after = day_start(day), day_end(day)
    out = [
        first - dt.timedelta(microseconds=1),
        first,
        first + dt.timedelta(minutes=30),
        first + dt.timedelta(hours=1, minutes=30),
        after - dt.timedelta(minutes=1),  # 23:59 local
        after - dt.timedelta(microseconds=1),
        after,
        after + dt.timedelta(minutes=30),
    ]
    return [t.astimezone(UTC) for t in out]


@pytest.fixture(params=ZONES)
def zone(request):
    with timezone.override(ZoneInfo(request.param)):
        yield request.param


@pytest.fixture
def edges(zone, mission):
    instants = sorted({t for day in DAYS for t in _edges(day)})
    factories.EngagementFactory.create_batch(len(instants), mission=mission)
    for engagement, instant in zip(Engagement.objects.order_by("pk"), instants, strict=True):
        Engagement.objects.filter(pk=engagement.pk).update(start=instant)
    return {e.pk: e.start for e in Engagement.objects.all()}


def _local_day(instant: dt.datetime) -> dt.date:
    return timezone.localtime(instant).date()


@pytest.mark.parametrize("day", DAYS)
def test_since_and_until_take_the_same_rows_as_the_local_dates(day, edges, officer):
    base = Engagement.objects.visible_to(officer)
    for params, wanted, old in [
        ({"since": day}, lambda d: d >= day, {"start__date__gte": day}),
        ({"until": day}, lambda d: d <= day, {"start__date__lte": day}),
        ({"since": day, "until": day}, lambda d: d == day, {"start__date": day}),
    ]:
        qs = EngagementFilter(
            {k: v.isoformat() for k, v in params.items()}, queryset=base, user=officer
        ).qs
        got = set(qs.values_list("pk", flat=True))
        assert got == {pk for pk, t in edges.items() if wanted(_local_day(t))}, params
        # What the date function per row gave, on this database.
        assert got == set(base.filter(**old).values_list("pk", flat=True)), params
        assert got  # the edges are really there


def test_the_filtered_query_applies_no_date_function_to_a_row(officer):
    base = Engagement.objects.visible_to(officer)
    qs = EngagementFilter(
        {"since": "2024-01-01", "until": "2024-03-31"}, queryset=base, user=officer
    ).qs
    sql = str(qs.query)
    assert not [f for f in PER_ROW_DATE if f in sql], sql
    assert '"start" >=' in sql and '"start" <' in sql


def test_a_quarter_is_read_through_the_index_on_start(officer, mission):
    factories.EngagementFactory.create_batch(30, mission=mission)
    base = Engagement.objects.visible_to(officer).order_by("-start", "-pk")
    qs = EngagementFilter(
        {"since": "2022-01-01", "until": "2022-03-31"}, queryset=base, user=officer
    ).qs
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "mission_id=? AND start>? AND start<?" in plan, plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan and "start" in plan, plan
        assert "mission_id_start" in plan or "engagements_mission" in plan or "Index" in plan


@pytest.mark.parametrize("day", [dt.date(2024, 3, 10), dt.date(2024, 11, 3)])
def test_met_since_and_met_before_in_a_segment_keep_to_the_local_day(day, edges, officer, mission):
    people = {}
    for pk, instant in edges.items():
        person = factories.PersonFactory(mission=mission)
        Engagement.objects.get(pk=pk).people.add(person)
        people[person.pk] = _local_day(instant)
    since = set(resolve_filter(f"met-since={day}", officer).values_list("pk", flat=True))
    before = set(resolve_filter(f"met-before={day}", officer).values_list("pk", flat=True))
    assert since == {p for p, d in people.items() if d >= day}
    assert before == {p for p, d in people.items() if d < day}
    assert since and before


@pytest.fixture(params=["en", "zh-hans"])
def language(request, client, officer):
    client.force_login(officer)
    client.post("/language/", {"language": request.param, "next": "/"})
    return request.param


def test_the_list_page_filters_by_local_day_and_keeps_the_dates(
    client, language, settings, mission
):
    settings.TIME_ZONE = "America/Havana"
    day = dt.date(2024, 11, 3)
    first, after = day_start(day), day_end(day)
    for subject, start in [
        ("Day before", first - dt.timedelta(seconds=1)),
        ("At midnight", first),
        ("At 23:59", after - dt.timedelta(minutes=1)),
        ("Next midnight", after),
    ]:
        factories.EngagementFactory(mission=mission, subject=subject, start=start)
    page = client.get("/engagements/?since=2024-11-03&until=2024-11-03").content.decode()
    assert "At midnight" in page and "At 23:59" in page
    assert "Day before" not in page and "Next midnight" not in page
    assert 'value="2024-11-03"' in page and "2024/11/03" not in page
    until = client.get("/engagements/?until=2024-11-02").content.decode()
    assert "Day before" in until and "At midnight" not in until


def test_a_reversed_range_says_so_in_both_languages(client, language, mission):
    factories.EngagementFactory(
        mission=mission, subject="Any day", start=day_start(dt.date(2026, 12, 5))
    )
    page = client.get("/engagements/?since=2026-12-01&until=2026-11-01").content.decode()
    message = "“Until” is before “From”" if language == "en" else "“至”的日期早于“自”的日期"
    assert message in page
    assert 'value="2026-12-01"' in page and 'value="2026-11-01"' in page
    assert "Any day" not in page  # nothing matches, as the message says (no half-applied range)


def test_a_date_in_another_accepted_form_is_shown_as_the_box_reads_it(client, language, mission):
    page = client.get("/engagements/?since=11/30/2026").content.decode()
    if language == "en":  # English accepts 11/30/2026: the box shows the date it filters by
        assert 'value="2026-11-30"' in page and 'value="11/30/2026"' not in page
    else:  # Chinese does not: an error beside the box
        assert "输入一个有效的日期。" in page
