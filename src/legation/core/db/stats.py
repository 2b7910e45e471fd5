"""Planner statistics and CTE hints, per database."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def analyze(models: Sequence[type] | None = None, *, vacuum: bool = False) -> None:
    """Fresh planner statistics, so queries are planned on what the tables hold.

    SQLite: a full ANALYZE of the whole database (no `analysis_limit` sampling: sampled
    statistics mislead the planner into plans three to six times slower on the figures' joins;
    it takes about two seconds at a million engagements). PostgreSQL: ANALYZE of `models`'
    tables (all tables when None); with `vacuum`, VACUUM (ANALYZE) when outside a transaction
    (it marks loaded pages all-visible, so index-only scans need not visit the table).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 0")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            if models is None:
                use_vacuum = vacuum and not connection.in_atomic_block
                cursor.execute("VACUUM (ANALYZE)" if use_vacuum else "ANALYZE")
                return
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def materialized() -> str:
    """The hint that makes a CTE be computed once and read first, as a table: "MATERIALIZED "
    on SQLite, whose planner would otherwise fold the scope into the join; nothing on
    PostgreSQL, which plans best when it may fold the scope into the join (it then runs in
    parallel). (`NOT MATERIALIZED`, the same on both, needs no helper.)"""
    return "MATERIALIZED " if connection.vendor == "sqlite" else ""
