"""Every filter of every list page, as a logged-in officer of the demo mission (p95).

Each list page's FilterSet (people, organisations, engagements, commitments) and the letters'
segment count (the people a segment's filter words select) is asked with one filter at a time,
and the engagements list with a quarter (`since` and `until` together). Baseline: the same list
without the filter, asked in the same loop (filtered and unfiltered requests alternate, so a busy
machine weighs on both alike). The page is rendered whole, in the process, through Django's test
client logged in as `bench-officer` (role officer, internal clearance, the demo mission only):
the mission filter and the clearance apply as they do for a real user, never the operator's
everything. `LEGATION_BENCH_FILTER_SAMPLES` (200) requests per figure.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import urllib.parse

from bench.common import Figure, Report, bench_home, engine, officer_user, p95, setup_django


def _cases(user) -> dict[str, tuple[str, dict[str, str]]]:
    """label -> (list path, the filter's query parameters), values taken from what the officer
    sees, so every filter selects something."""
    from django.db.models import Max, Min

    from legation.core.vocab import regions_for
    from legation.engagements.models import Commitment, Engagement, Posting
    from legation.people.models import Organisation, Person, Tag

    people = Person.objects.visible_to(user)
    person = people.exclude(sector=None).exclude(region=None).order_by("pk").first()
    org = Organisation.objects.visible_to(user).exclude(sector=None).order_by("pk").first()
    tag = Tag.objects.visible_to(user).order_by("pk").first()
    region = regions_for(user).order_by("pk").first()
    engagements = Engagement.objects.visible_to(user)
    span = engagements.aggregate(first=Min("start"), last=Max("start"))
    first, last = span["first"].date(), span["last"].date()
    middle = first + (last - first) / 2
    quarter = dt.date(middle.year, 3 * ((middle.month - 1) // 3) + 1, 1)
    quarter_end = (quarter + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    engagement = engagements.exclude(region=None).order_by("-start").first()
    word = engagement.subject.split()[0]
    posting = Posting.objects.visible_to(user).order_by("pk").first()
    commitments = Commitment.objects.visible_to(user).exclude(due=None)
    due = commitments.aggregate(first=Min("due"), last=Max("due"))
    due_middle = due["first"] + (due["last"] - due["first"]) / 2
    owner = commitments.exclude(owner=None).values_list("owner", flat=True).first()
    return {
        "people: name": ("/people/", {"q": person.family_name}),
        "people: sector": ("/people/", {"sector": str(person.sector_id)}),
        "people: region": ("/people/", {"region": str(region.pk)}),
        "people: tag": ("/people/", {"tag": str(tag.pk)}),
        "organisations: name": ("/people/organisations/", {"q": org.name_en.split()[0]}),
        "organisations: sector": ("/people/organisations/", {"sector": str(org.sector_id)}),
        "organisations: region": ("/people/organisations/", {"region": str(region.pk)}),
        "organisations: tag": ("/people/organisations/", {"tag": str(tag.pk)}),
        "engagements: subject": ("/engagements/", {"q": word}),
        "engagements: kind": ("/engagements/", {"kind": "meeting"}),
        "engagements: region": ("/engagements/", {"region": str(engagement.region_id)}),
        "engagements: sector": ("/engagements/", {"sector": str(person.sector_id)}),
        "engagements: tag": ("/engagements/", {"tag": str(tag.pk)}),
        "engagements: our participant": ("/engagements/", {"staff": str(posting.pk)}),
        "engagements: since": ("/engagements/", {"since": middle.isoformat()}),
        "engagements: until": ("/engagements/", {"until": middle.isoformat()}),
        "engagements: a quarter": (
            "/engagements/",
            {"since": quarter.isoformat(), "until": quarter_end.isoformat()},
        ),
        "commitments: status open": ("/engagements/commitments/", {"status": "open"}),
        "commitments: status unfinished": ("/engagements/commitments/", {"status": "unfinished"}),
        "commitments: owner": ("/engagements/commitments/", {"owner": str(owner or posting.pk)}),
        "commitments: mine": ("/engagements/commitments/", {"mine": "true"}),
        "commitments: due from": (
            "/engagements/commitments/",
            {"due_after": due_middle.isoformat()},
        ),
        "commitments: due by": (
            "/engagements/commitments/",
            {"due_before": due_middle.isoformat()},
        ),
        "segment count: met-since": (
            "/letters/segments/count/",
            {"filter": f"met-since={middle.isoformat()}"},
        ),
        "segment count: met-before": (
            "/letters/segments/count/",
            {"filter": f"met-before={middle.isoformat()}"},
        ),
        "segment count: sector": (
            "/letters/segments/count/",
            {
                "filter": f"sector={person.sector.code if hasattr(person.sector, 'code') else person.sector_id}"
            },
        ),
        "segment count: 2,000 people by id": (
            "/letters/segments/count/",
            {"filter": "person=" + ",".join(map(str, people.values_list("pk", flat=True)[:2000]))},
        ),
    }


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from django.test import Client

    from legation.ops.server import settle_heap

    user = officer_user()
    settle_heap()  # as each server worker does once loaded
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    samples = int(os.environ.get("LEGATION_BENCH_FILTER_SAMPLES", "200"))
    report = Report(
        f"list filters ({size} demo on {engine()}; {user.username}, {samples} requests each, p95)"
    )

    def get(path: str, params: dict[str, str]) -> float:
        url = f"{path}?{urllib.parse.urlencode(params)}" if params else path
        start = time.perf_counter()
        response = client.get(url, secure=True)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url[:120]}: HTTP {response.status_code}")
        return elapsed

    for label, (path, params) in _cases(user).items():
        base_params = {"filter": "all=yes"} if "segment" in label else {}
        get(path, params), get(path, base_params)  # warm
        filtered, unfiltered = [], []
        for _ in range(samples):
            filtered.append(get(path, params))
            unfiltered.append(get(path, base_params))
        value = p95(filtered)
        report.add(
            Figure(
                f"{label} (p95)",
                value,
                "ms",
                target="< 300 ms",
                baseline=p95(unfiltered),
                ok=value < 300,
                note=" ".join(f"{k}={v[:24]}" for k, v in params.items()),
            )
        )
    return report
