"""Person search by Latin name, pinyin and characters at the chosen demo size (p95), as an officer.

Measured as a logged-in officer of the demo mission (mission filter and clearance applied, as
every real user), never the operator. For each script, at least 200 searches of names drawn from
the demo:

- the query: the people the search page asks for (`visible_to(officer).search(q)`, the first 60
  in name order, as `web.search.search_all`), beside the hand-written SQL of the same work
  without the name index (the mission's people walked with `search_keys LIKE`, in name order,
  the first 60): the plan person search had before the index;
- the page: `/search/?q=…` through Django's test client as the officer (session, middleware,
  the three sections, the template), beside the query.

The search page's target (300 ms with 8 clients) is the `pages` benchmark's; here one client.
"""

from __future__ import annotations

import random

from bench.common import Figure, Report, bench_home, officer_user, p95, setup_django, timed

#: searches per script: enough for a p95 that means something
SAMPLES = 210
#: people the search page asks for (search_all's limit * 3)
PAGE_PEOPLE = 60


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from legation.core import access
    from legation.core.models import Mission
    from legation.demo.mission import DEMO_MISSION_REF
    from legation.people import names
    from legation.people.models import Person

    mission = Mission.objects.get(ref=DEMO_MISSION_REF)
    officer = officer_user()
    assert not access.sees_all_missions(officer), "the benchmark must not search as the operator"
    missions = sorted(access.mission_ids(officer))
    count = Person.objects.count()
    mine = Person.objects.filter(mission=mission).count()
    report = Report(
        f"person search ({size} demo, {count:,} people, {mine:,} in the officer's mission)"
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(officer)

    rng = random.Random(7)
    sample = list(
        Person.objects.filter(mission=mission)
        .exclude(name_zh="")
        .values_list("family_name", "given_name", "name_zh", "pinyin")
        .order_by("pk")[:5000]
    )
    picked = [rng.choice(sample) for _ in range(SAMPLES)]
    queries = {
        "Latin": [f"{g} {f}" for f, g, _, _ in picked],
        "pinyin without tones": [p.lower() for _, _, _, p in picked if p],
        "characters": [z.replace("·", "") for _, _, z, _ in picked],
    }
    marks = ", ".join(["%s"] * len(missions))

    for label, terms in queries.items():
        orm_samples: list[float] = []
        sql_samples: list[float] = []
        page_samples: list[float] = []
        for term in terms:

            def orm(t: str = term) -> None:
                list(Person.objects.visible_to(officer).search(t)[:PAGE_PEOPLE])

            def raw(t: str = term) -> None:
                words = names.normalise_query(t).split()
                where = " AND ".join(["search_keys LIKE %s"] * len(words))
                with connection.cursor() as cur:
                    cur.execute(
                        f"SELECT id FROM people_person WHERE mission_id IN ({marks}) "  # noqa: S608
                        f"AND {where} ORDER BY family_name, given_name, id LIMIT {PAGE_PEOPLE}",
                        [*missions, *[f"%{w}%" for w in words]],
                    )
                    cur.fetchall()

            def page(t: str = term) -> None:
                response = client.get("/search/", {"q": t}, secure=True)
                if response.status_code != 200:
                    raise RuntimeError(f"/search/?q={t}: HTTP {response.status_code}")

            orm_samples += timed(orm, repeat=1)
            sql_samples += timed(raw, repeat=1)
            page_samples += timed(page, repeat=1)
        query_p95, page_p95 = p95(orm_samples), p95(page_samples)
        n = len(orm_samples)
        report.add(
            Figure(
                f"search by {label}: query (p95)",
                query_p95,
                "ms",
                target="< 50 ms",
                baseline=p95(sql_samples),
                ok=query_p95 < 50,
                note=f"{n} searches as an officer; baseline: LIKE over the mission's people",
            )
        )
        report.add(
            Figure(
                f"search by {label}: /search/ page (p95)",
                page_p95,
                "ms",
                target="< 50 ms",
                baseline=query_p95,
                ok=page_p95 < 50,
                note=f"{n} pages as an officer (test client); baseline: the people query",
            )
        )
    return report
