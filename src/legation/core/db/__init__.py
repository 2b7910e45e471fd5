"""What differs between the databases legation runs on (SQLite and PostgreSQL), in one place.

- `bulk`: rows written with explicit columns, ``executemany`` on SQLite and ``COPY`` on
  PostgreSQL, with or without their historical "+" rows; ids taken before the rows are written.
- `setaside`: the triggers and indexes a bulk load may drop while it writes, and the statements
  that put them back exactly as the database kept them.
- `text`: the engagements' full-text index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL): how
  a term is matched, and how the index is filled after a bulk load.
- `stats`: planner statistics (ANALYZE) and CTE materialisation hints.

Migrations keep their own frozen SQL (`core.migration_ops.RunSQLPerVendor`); the modules here
serve code that runs at runtime. Nothing here imports a domain app: models are passed in.
"""
