"""The disk a demo of the chosen size takes, and who takes it: `python3 -m bench.run disk`.

SQLite: the database file with its write-ahead log, and per table and index the pages `dbstat`
counts. PostgreSQL: `pg_database_size`, and per table (heap with its TOAST) and per index
`pg_relation_size`. Grouped into the shares the scale document discusses: the ledger's own
tables, their history (django-simple-history), the derived insight tables (insight_*), the
full-text index (SQLite's FTS5 `engagement_fts*` tables; PostgreSQL's trigram GIN index), and
the per-posting covering index (`posting_activity_cover`). No target: figures for docs/scale.md.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import Figure, Report, bench_home, engine, setup_django

MB = 1024 * 1024


def _group(name: str, table: str) -> str:
    if name.startswith("engagement_fts") or name == "engagement_text_trgm":
        return "full-text index"
    if name == "posting_activity_cover":
        return "covering index (per posting)"
    if table.startswith("insight_"):
        return "derived (insight_*)"
    if "_historical" in table:
        return "history"
    return "ledger and the rest"


def _sqlite_sizes(cursor) -> tuple[int, list[tuple[str, str, bool, int]]]:
    """(total bytes, [(name, table, is_index, bytes)])."""
    from django.conf import settings

    path = Path(settings.DATABASES["default"]["NAME"])
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    cursor.execute("SELECT name, tbl_name, type FROM sqlite_master")
    owner = {name: (table, kind == "index") for name, table, kind in cursor.fetchall()}
    cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
    rows = []
    for name, size in cursor.fetchall():
        table, is_index = owner.get(name, (name, False))
        if name.startswith("engagement_fts"):
            table = name
        rows.append((name, table, is_index, int(size)))
    return total, rows


def _postgres_sizes(cursor) -> tuple[int, list[tuple[str, str, bool, int]]]:
    cursor.execute("SELECT pg_database_size(current_database())")
    total = cursor.fetchone()[0]
    cursor.execute(
        "SELECT c.relname, c.relname, false, "
        "pg_total_relation_size(c.oid) - pg_indexes_size(c.oid) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = 'public' "
        "UNION ALL "
        "SELECT i.relname, t.relname, true, pg_relation_size(i.oid) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'public'"
    )
    return total, [(a, b, c, int(d)) for a, b, c, d in cursor.fetchall()]


def measure() -> tuple[int, list[tuple[str, str, bool, int]]]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _postgres_sizes(cursor)
        return _sqlite_sizes(cursor)


def run(size: str) -> Report:
    setup_django(bench_home(size))
    from legation.engagements.models import Engagement

    count = Engagement.objects.count()
    total, rows = measure()
    counted = sum(r[3] for r in rows)
    report = Report(
        f"disk ({size} demo on {engine()}, {count:,} engagements; "
        f"shares of the {counted / MB:,.0f} MB in tables and indexes)"
    )
    report.add(Figure("database on disk", total / MB, "MB",
                      note=f"{total / max(count, 1):,.0f} bytes per engagement"))  # fmt: skip
    groups: dict[str, int] = {}
    for name, table, _, size_ in rows:
        g = _group(name, table)
        groups[g] = groups.get(g, 0) + size_
    for g, size_ in sorted(groups.items(), key=lambda kv: -kv[1]):
        report.add(Figure(g, size_ / MB, "MB", note=f"{size_ / counted:.0%}"))
    derived = sum(s for _, t, _, s in rows if t.startswith("insight_"))
    report.add(Figure("derived with all their indexes (insight_*)", derived / MB, "MB",
                      note=f"{derived / counted:.0%}, covering index included"))  # fmt: skip
    cover = sum(s for n, _, _, s in rows if n == "posting_activity_cover")
    table = sum(s for n, t, i, s in rows if t == "insight_postingactivity" and not i)
    if cover and table:
        report.add(Figure("covering index / its table (insight_postingactivity)", cover / table,
                          "x", note=f"{cover / MB:,.0f} MB / {table / MB:,.0f} MB"))  # fmt: skip
    for name, table, is_index, size_ in sorted(rows, key=lambda r: -r[3])[:12]:
        kind = f"index on {table}" if is_index else "table"
        report.add(
            Figure(f"  {name}"[:48], size_ / MB, "MB", note=f"{kind}, {size_ / counted:.0%}")
        )
    return report
