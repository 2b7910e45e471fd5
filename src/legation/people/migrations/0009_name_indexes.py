"""Index people's and organisations' names so a search looks names up instead of walking a table.

``search_keys`` goes into a trigram index (FTS5 on SQLite, pg_trgm GIN on PostgreSQL) for words
of three characters or more; the new ``search_grams`` (every one- and two-character substring of
the keys' words) into a word index (FTS5 unicode61 on SQLite, GIN over its words on PostgreSQL)
for shorter ones: 秦刚, "qg", "li". The SQLite FTS5 tables read the people table and are kept by
triggers; the PostgreSQL indexes by the database. Organisations' English and Chinese names go
into a trigram index (FTS5 on SQLite; on PostgreSQL pg_trgm GIN over UPPER(name), what Django's
`icontains` compares).
"""

from django.db import migrations, models

from legation.core.migration_ops import AddColumnInPlace, RunSQLPerVendor

# names.gram_token and names.search_grams as they were when this migration was written.


def _token(gram):
    if all((c.isascii() and c.isalnum()) or "\u4e00" <= c <= "\u9fcb" for c in gram):
        return gram
    return "x" + gram.encode().hex()


def _grams(keys):
    seen = {}
    for word in keys.split():
        for size in (1, 2):
            for start in range(len(word) - size + 1):
                seen.setdefault(_token(word[start : start + size]))
    return " ".join(seen)


def fill_grams(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Person._meta.db_table)
    last = 0
    while True:
        rows = list(
            Person._base_manager.using(connection.alias)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "search_keys")[:5000]
        )
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET search_grams = %s WHERE id = %s",  # noqa: S608
                [(_grams(keys), pk) for pk, keys in rows if keys],
            )
        last = rows[-1][0]


SQLITE_UP = [
    "CREATE VIRTUAL TABLE person_fts USING fts5(search_keys, "
    "content='people_person', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE person_gram_fts USING fts5(search_grams, "
    "content='people_person', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', detail='none')",
    "CREATE TRIGGER person_fts_ai AFTER INSERT ON people_person BEGIN "
    "INSERT INTO person_fts(rowid, search_keys) VALUES (new.id, new.search_keys); "
    "INSERT INTO person_gram_fts(rowid, search_grams) VALUES (new.id, new.search_grams); END",
    "CREATE TRIGGER person_fts_ad AFTER DELETE ON people_person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, search_keys) "
    "VALUES ('delete', old.id, old.search_keys); "
    "INSERT INTO person_gram_fts(person_gram_fts, rowid, search_grams) "
    "VALUES ('delete', old.id, old.search_grams); END",
    "CREATE TRIGGER person_fts_au AFTER UPDATE OF search_keys, search_grams "
    "ON people_person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, search_keys) "
    "VALUES ('delete', old.id, old.search_keys); "
    "INSERT INTO person_gram_fts(person_gram_fts, rowid, search_grams) "
    "VALUES ('delete', old.id, old.search_grams); "
    "INSERT INTO person_fts(rowid, search_keys) VALUES (new.id, new.search_keys); "
    "INSERT INTO person_gram_fts(rowid, search_grams) VALUES (new.id, new.search_grams); END",
    "INSERT INTO person_fts(person_fts) VALUES ('rebuild')",
    "INSERT INTO person_gram_fts(person_gram_fts) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE organisation_fts USING fts5(name_en, name_zh, "
    "content='people_organisation', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER organisation_fts_ai AFTER INSERT ON people_organisation BEGIN "
    "INSERT INTO organisation_fts(rowid, name_en, name_zh) "
    "VALUES (new.id, new.name_en, new.name_zh); END",
    "CREATE TRIGGER organisation_fts_ad AFTER DELETE ON people_organisation BEGIN "
    "INSERT INTO organisation_fts(organisation_fts, rowid, name_en, name_zh) "
    "VALUES ('delete', old.id, old.name_en, old.name_zh); END",
    "CREATE TRIGGER organisation_fts_au AFTER UPDATE OF name_en, name_zh "
    "ON people_organisation BEGIN "
    "INSERT INTO organisation_fts(organisation_fts, rowid, name_en, name_zh) "
    "VALUES ('delete', old.id, old.name_en, old.name_zh); "
    "INSERT INTO organisation_fts(rowid, name_en, name_zh) "
    "VALUES (new.id, new.name_en, new.name_zh); END",
    "INSERT INTO organisation_fts(organisation_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS organisation_fts_au",
    "DROP TRIGGER IF EXISTS organisation_fts_ad",
    "DROP TRIGGER IF EXISTS organisation_fts_ai",
    "DROP TABLE IF EXISTS organisation_fts",
    "DROP TRIGGER IF EXISTS person_fts_au",
    "DROP TRIGGER IF EXISTS person_fts_ad",
    "DROP TRIGGER IF EXISTS person_fts_ai",
    "DROP TABLE IF EXISTS person_gram_fts",
    "DROP TABLE IF EXISTS person_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_search_keys_trgm ON people_person "
    "USING gin (search_keys gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_search_grams_gin ON people_person "
    "USING gin ((string_to_array(search_grams, ' ')))",
    "CREATE INDEX IF NOT EXISTS organisation_name_en_trgm ON people_organisation "
    "USING gin ((UPPER(name_en::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS organisation_name_zh_trgm ON people_organisation "
    "USING gin ((UPPER(name_zh::text)) gin_trgm_ops)",
    "ANALYZE people_person",
    "ANALYZE people_organisation",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS organisation_name_zh_trgm",
    "DROP INDEX IF EXISTS organisation_name_en_trgm",
    "DROP INDEX IF EXISTS person_search_grams_gin",
    "DROP INDEX IF EXISTS person_search_keys_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("people", "0008_mission_in_core")]

    operations = [
        AddColumnInPlace(
            model_name="person",
            name="search_grams",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_grams, migrations.RunPython.noop, elidable=False),
        RunSQLPerVendor(
            forwards={"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP},
            backwards={"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN},
        ),
    ]
