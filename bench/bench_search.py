"""Person search by Latin name, pinyin and characters at the chosen demo size (p95)."""

from __future__ import annotations

import random

from bench.common import Figure, Report, bench_home, p95, setup_django, timed


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from django.db import connection

    from legation.core.access import SYSTEM
    from legation.people import names
    from legation.people.models import Person

    count = Person.objects.count()
    report = Report(f"person search ({size} demo, {count:,} people)")
    rng = random.Random(7)
    sample = list(
        Person.objects.exclude(name_zh="").values_list(
            "family_name", "given_name", "name_zh", "pinyin"
        )[:2000]
    )
    queries = {
        "Latin": [f"{g} {f}" for f, g, _, _ in rng.sample(sample, 40)],
        "pinyin without tones": [p.lower() for _, _, _, p in rng.sample(sample, 40) if p],
        "characters": [z.replace("·", "") for _, _, z, _ in rng.sample(sample, 40)],
    }
    for label, terms in queries.items():
        orm_samples: list[float] = []
        sql_samples: list[float] = []
        for term in terms:
            orm_samples += timed(
                lambda t=term: list(Person.objects.visible_to(SYSTEM).search(t)[:20]), repeat=1
            )

            def raw(t: str = term) -> None:
                q = names.normalise_query(t)
                where = " AND ".join(["search_keys LIKE %s"] * len(q.split()))
                with connection.cursor() as cur:
                    cur.execute(
                        f"SELECT id FROM people_person WHERE {where} LIMIT 20",  # noqa: S608
                        [f"%{w}%" for w in q.split()],
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
            )
        )
    return report
