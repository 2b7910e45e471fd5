"""Whether the database is at this version's schema: the migrations of the code not applied yet
(said by `serve` and `worker` at start, `serve --check-only`, and /readyz)."""

from __future__ import annotations


def pending_migrations() -> int:
    """How many migrations of this version the database has not applied."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
