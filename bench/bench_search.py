"""Person search by Latin name, pinyin and characters at the chosen demo size (p95), as the bench
officer (an officer of the demo mission, default clearance: the mission filter applies).

Each kind of query is asked 200 times (LEGATION_BENCH_SAMPLES), over distinct names drawn from
the demo, the first twenty rows as the search page shows them. The baseline is hand-written SQL
doing the same work over the same rows: the same mission filter, a LIKE per word on the same
search keys, the same order (family name, given name) and limit. The page itself, under load, is
in the pages benchmark.
"""

from __future__ import annotations

import os
import random

from bench.common import (
    Figure,
    Report,
    bench_home,
    engine,
    machine_load,
    officer_user,
    p95,
    setup_django,
    timed,
)


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from django.db import connection

    from legation.people import names
    from legation.people.models import Person

    user = officer_user()
    missions = list(user.legation_missions.values_list("pk", flat=True))
    samples = int(os.environ.get("LEGATION_BENCH_SAMPLES", "200"))
    count = Person.objects.visible_to(user).count()
    report = Report(
        f"person search ({size} demo on {engine()}, {count:,} people the officer sees; "
        f"{machine_load()})"
    )
    rng = random.Random(7)
    sample = list(
        Person.objects.visible_to(user)
        .exclude(name_zh="")
        .values_list("family_name", "given_name", "name_zh", "pinyin")[:5000]
    )
    draws = [rng.choice(sample) for _ in range(samples)]
    queries = {
        "Latin": [f"{g} {f}" for f, g, _, _ in draws],
        "pinyin without tones": [p.lower() for _, _, _, p in draws if p],
        "characters": [z.replace("·", "") for _, _, z, _ in draws],
    }
    ids = ",".join(str(int(m)) for m in missions)
    for label, terms in queries.items():
        orm_samples: list[float] = []
        sql_samples: list[float] = []
        for term in terms:
            orm_samples += timed(
                lambda t=term: list(Person.objects.visible_to(user).search(t)[:20]), repeat=1
            )

            def raw(t: str = term) -> None:
                words = names.normalise_query(t).split()
                where = " AND ".join(["search_keys LIKE %s"] * len(words))
                with connection.cursor() as cur:
                    cur.execute(
                        f"SELECT * FROM people_person WHERE mission_id IN ({ids}) "  # noqa: S608
                        f"AND {where} ORDER BY family_name, given_name LIMIT 20",
                        [f"%{w}%" for w in words],
                    )
                    cur.fetchall()

            sql_samples += timed(raw, repeat=1)
        value = p95(orm_samples)
        report.add(
            Figure(
                f"search by {label} (p95)",
                value,
                "ms",
                target="< 50 ms",
                baseline=p95(sql_samples),
                ok=value < 50,
                note=f"n={len(orm_samples)}",
            )
        )
    return report
