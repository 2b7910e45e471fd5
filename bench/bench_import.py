"""CSV import of engagements against raw sqlite3 executemany of the same rows, same run.

The demo's engagements are exported to a CSV (the import's own columns: people by ref or email,
staff by posting ref, organisations by ref, tags by name), given fresh refs, and imported again
through `legation import engagements`' code path: read, map, validate every row in memory,
match refs (none is on record), then write the engagements and their participant, staff,
organisation and tag rows with `executemany` of INSERTs (`legation.core.db.bulk`), each with its
historical row, in one transaction and one audited operation. The baseline reads the same CSV
with the csv module and inserts the same engagement, participant, staff, organisation and tag
rows into the same tables with `executemany` on a raw sqlite3 connection (foreign keys on, as
the application's), ids resolved from dictionaries loaded before the clock starts; it checks
nothing and writes no history. Triggers on those tables (the full-text index, derived tables)
fire for both. Both run twice, interleaved (baseline, import, baseline, import), and the faster
run of each counts, so neither is measured only on a cold cache. Every run is rolled back, so
the demo database is left as it was.

    python3 -m bench.run import --size small        # 15,000 rows
    LEGATION_BENCH_IMPORT_ROWS=200000 python3 -m bench.run import --size large
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import Figure, Report, bench_database_url, bench_home, setup_django

TARGET = 4.0
ROUNDS = 2


class _Rollback(Exception):
    pass


def _write_csv(path: Path, limit: int) -> int:
    from legation.core.access import SYSTEM
    from legation.intake.exporters import columns, engagement_rows

    cols = [c for c in columns("engagements") if c != "id"]
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for row in engagement_rows(SYSTEM):
            row["ref"] = f"BENCH-{n}"
            writer.writerow(row)
            n += 1
            if n >= limit:
                break
    return n


def _ours(path: Path) -> tuple[float, int]:
    from django.db import transaction

    from legation.core.access import SYSTEM
    from legation.core.models import Mission
    from legation.intake.importers import commit

    mission = Mission.objects.get(ref="DEMO-US")
    start = time.perf_counter()
    created = 0
    try:
        with transaction.atomic():
            report = commit("engagements", path, actor=SYSTEM, mission=mission)
            created = report.count("created")
            assert report.written and not report.count("rejected"), report.issues[:3]
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, created


def _baseline(db: str, path: Path) -> tuple[float, int]:
    """The same rows with csv + sqlite3 executemany: the least an import has to do.

    The rows the import writes, into the same tables (engagements, participants, staff,
    organisations, tags), ids resolved from dictionaries; no checks and no history.
    """
    from django.utils import timezone

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")  # as the application's connections
    people = dict(conn.execute("SELECT ref, id FROM people_person WHERE ref IS NOT NULL"))
    people.update(
        (e.casefold(), pid)
        for e, pid in conn.execute("SELECT email, person_id FROM people_emailaddress")
    )
    postings = dict(conn.execute("SELECT ref, id FROM engagements_posting WHERE ref IS NOT NULL"))
    regions = dict(conn.execute("SELECT code, id FROM core_region"))
    mission = conn.execute("SELECT id FROM engagements_mission WHERE ref='DEMO-US'").fetchone()[0]
    orgs = dict(
        conn.execute("SELECT name_en, id FROM people_organisation WHERE mission_id = ?", [mission])
    )
    orgs.update(
        conn.execute(
            "SELECT ref, id FROM people_organisation WHERE mission_id = ? AND ref IS NOT NULL",
            [mission],
        )
    )
    tags = dict(conn.execute("SELECT name, id FROM people_tag WHERE mission_id = ?", [mission]))
    next_id = conn.execute(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM engagements_engagement"
    ).fetchone()[0]
    tz = timezone.get_current_timezone()
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    rows, part, staff, org, tag = [], [], [], [], []
    with path.open(newline="", encoding="utf-8") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            pk = next_id + i
            when = dt.datetime.fromisoformat(f"{r['date']}T{r['time'] or '12:00'}").replace(
                tzinfo=tz
            )
            rows.append(
                (
                    pk,
                    mission,
                    r["ref"],
                    r["kind"],
                    when.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" "),
                    int(r["duration"] or 60) * 60_000_000,
                    regions.get(r["region"]),
                    r["city"],
                    r["site_type"],
                    r["subject"],
                    r["summary"],
                    r["notes"],
                    {"public": 0, "internal": 1, "restricted": 2}[r["sensitivity"]],
                )
            )
            part += [
                (pk, people[t.casefold()] if "@" in t else people[t])
                for t in filter(None, r["people"].split(";"))
            ]
            staff += [(pk, postings[t]) for t in filter(None, r["staff"].split(";"))]
            org += [(pk, orgs[t]) for t in filter(None, r["organisations"].split(";"))]
            tag += [(pk, tags[t]) for t in filter(None, r["tags"].split(";"))]
    conn.executemany(
        "INSERT INTO engagements_engagement (id, mission_id, ref, kind, start, duration, region_id,"
        " city, site_type, subject, summary, notes, sensitivity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    for table, column, pairs in (
        ("engagements_engagementparticipant", "person_id", part),
        ("engagements_engagementstaff", "posting_id", staff),
        ("engagements_engagementorganisation", "organisation_id", org),
        ("engagements_engagement_tags", "tag_id", tag),
    ):
        conn.executemany(
            f"INSERT INTO {table} (engagement_id, {column}) VALUES (?,?)",  # noqa: S608
            pairs,
        )
    elapsed = time.perf_counter() - start
    conn.execute("ROLLBACK")
    conn.close()
    return elapsed, len(rows)


def run(size: str) -> Report:
    if bench_database_url():
        return Report("CSV import of engagements: skipped on PostgreSQL (its baseline is sqlite3)")
    setup_django(bench_home(size))
    from django.db import connection

    default = 15_000 if size == "small" else 100_000
    limit = int(os.environ.get("LEGATION_BENCH_IMPORT_ROWS", default))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "engagements.csv"
        n = _write_csv(path, limit)
        db = connection.settings_dict["NAME"]
        base, ours = [], []
        for _ in range(ROUNDS):
            connection.close()
            base.append(_baseline(str(db), path))
            ours.append(_ours(path))
        base_s, base_n = min(base)
        ours_s, ours_n = min(ours)
    report = Report(f"CSV import of engagements ({size} demo, {n:,} rows)")
    ratio = ours_s / base_s if base_s else float("inf")
    report.add(
        Figure(
            f"import {n:,} engagements from CSV (time)",
            ours_s * 1000,
            "ms",
            target=f"within {TARGET:.0f}x of raw executemany",
            baseline=base_s * 1000,
            ok=ratio <= TARGET,
            note=f"{ours_n / ours_s:,.0f} rows/s vs {base_n / base_s:,.0f} rows/s; runs "
            + " ".join(f"{o:.1f}/{b:.1f}" for (o, _), (b, _) in zip(ours, base, strict=True))
            + " s",
        )
    )
    return report
