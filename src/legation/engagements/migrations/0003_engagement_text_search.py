"""Index engagement text for search: FTS5 trigram on SQLite, pg_trgm on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE engagement_fts USING fts5(subject, summary, notes, "
    "content='engagements_engagement', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER engagement_fts_ai AFTER INSERT ON engagements_engagement BEGIN "
    "INSERT INTO engagement_fts(rowid, subject, summary, notes) "
    "VALUES (new.id, new.subject, new.summary, new.notes); END",
    "CREATE TRIGGER engagement_fts_ad AFTER DELETE ON engagements_engagement BEGIN "
    "INSERT INTO engagement_fts(engagement_fts, rowid, subject, summary, notes) "
    "VALUES ('delete', old.id, old.subject, old.summary, old.notes); END",
    "CREATE TRIGGER engagement_fts_au AFTER UPDATE OF subject, summary, notes "
    "ON engagements_engagement BEGIN "
    "INSERT INTO engagement_fts(engagement_fts, rowid, subject, summary, notes) "
    "VALUES ('delete', old.id, old.subject, old.summary, old.notes); "
    "INSERT INTO engagement_fts(rowid, subject, summary, notes) "
    "VALUES (new.id, new.subject, new.summary, new.notes); END",
    "INSERT INTO engagement_fts(engagement_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS engagement_fts_au",
    "DROP TRIGGER IF EXISTS engagement_fts_ad",
    "DROP TRIGGER IF EXISTS engagement_fts_ai",
    "DROP TABLE IF EXISTS engagement_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS engagement_text_trgm ON engagements_engagement USING gin "
    "((subject || ' ' || summary || ' ' || notes) gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS engagement_text_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("engagements", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
