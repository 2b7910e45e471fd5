from __future__ import annotations

import io
import json
import os
import zipfile

import psycopg
import pytest
from django.db import connection

from legation.core.access import SYSTEM
from legation.demo.generator import generate
from legation.intake.backup import BackupError, restore_backup, snapshot, write_backup
from legation.intake.services import attachment_add
from tests import factories
from tests.homes import migrated_sqlite
from tests.intake.conftest import run_cli, run_cli_python


def _clear(db_tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in db_tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


@pytest.fixture
def demo(seeded, settings):
    generate(size="tiny", seed=5)
    from legation.core.models import Mission

    mission = Mission.objects.get(ref="DEMO-US")
    engagement = factories.EngagementFactory(mission=mission, subject="With a file")
    attachment_add(
        actor=SYSTEM, engagement=engagement, filename="note.eml", content=b"Subject: hi\n\nhello"
    )


def test_a_backup_restores_every_record_and_file_into_an_empty_database(demo, settings, tmp_path):
    before = snapshot()
    assert len(before["engagements.engagement"]) > 1000
    archive = io.BytesIO()
    manifest = write_backup(archive)
    assert manifest["format"] == "legation-backup" and manifest["version"] == 1
    assert len(manifest["media"]) == 1
    from legation.intake.backup import backed_up_models

    _clear([m._meta.db_table for m in reversed(backed_up_models())])
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    archive.seek(0)
    restore_backup(archive)
    assert snapshot() == before
    # The derived rows (engagement sectors, each posting's activity) are not in the archive:
    # the triggers refill them.
    from legation.insight import derived

    assert derived.stored_rows() == derived.expected_rows() != set()
    assert derived.stored_activity() == derived.expected_activity() != []
    assert "insight.postingactivity" not in manifest["tables"]
    from legation.intake.models import Attachment

    assert Attachment.objects.get().file.read() == b"Subject: hi\n\nhello"
    with pytest.raises(BackupError, match="not empty"):
        archive.seek(0)
        restore_backup(archive)


def test_a_damaged_or_foreign_archive_is_refused(seeded, tmp_path):
    archive = io.BytesIO()
    write_backup(archive)
    data = bytearray(archive.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        manifest = json.loads(z.read("manifest.json"))
    manifest["version"] = 99
    forged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z, zipfile.ZipFile(forged, "w") as out:
        for item in z.infolist():
            out.writestr(
                item, json.dumps(manifest) if item.filename == "manifest.json" else z.read(item)
            )
    with pytest.raises(BackupError, match="format version 99"):
        restore_backup(io.BytesIO(forged.getvalue()))
    with pytest.raises(BackupError, match="cannot be opened"):
        restore_backup(io.BytesIO(b"not a zip"))


PG = os.environ.get("LEGATION_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def _pg_database(name: str) -> str | None:
    try:
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return PG.rsplit("/", 1)[0] + "/" + name


def test_a_backup_goes_from_sqlite_to_postgresql_and_back_unchanged(tmp_path):
    url = _pg_database("legation_intake_roundtrip")
    if url is None:
        pytest.skip("no PostgreSQL server")
    home = tmp_path / "home"
    migrated_sqlite(home)
    assert run_cli("init", home=home).returncode == 0
    fill = run_cli_python(
        "from legation.demo.generator import generate; generate(size='tiny', seed=3)", home=home
    )
    assert fill.returncode == 0, fill.stderr
    assert run_cli("backup", str(tmp_path / "a.zip"), home=home).returncode == 0
    pg = {"DATABASE_URL": url}
    step = run_cli("restore", str(tmp_path / "a.zip"), home=tmp_path / "pg", env=pg)
    assert step.returncode == 0, step.stderr
    assert run_cli("backup", str(tmp_path / "b.zip"), home=tmp_path / "pg", env=pg).returncode == 0
    step = run_cli("restore", str(tmp_path / "b.zip"), home=tmp_path / "back")
    assert step.returncode == 0, step.stderr
    assert run_cli("backup", str(tmp_path / "c.zip"), home=tmp_path / "back").returncode == 0

    def tables(name: str) -> dict:
        with zipfile.ZipFile(tmp_path / name) as z:
            return {
                k: (v["rows"], v["sha256"])
                for k, v in json.loads(z.read("manifest.json"))["tables"].items()
            }

    a, b, c = tables("a.zip"), tables("b.zip"), tables("c.zip")
    assert a["engagements.engagement"][0] == 1_500
    assert a == b == c


def test_the_archive_is_readable_by_its_owner_only(seeded, tmp_path):
    """It holds every record, password hashes included: mode 0600 whatever the umask, also when
    it replaces an older archive or a partial file an interrupted run left."""
    import stat
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "backup.zip"
    path.write_bytes(b"last week's")
    path.chmod(0o644)
    (tmp_path / ".backup.zip.partial").write_bytes(b"interrupted")
    (tmp_path / ".backup.zip.partial").chmod(0o666)
    old = os.umask(0o022)
    try:
        call_command("backup", str(path), stdout=StringIO(), stderr=StringIO())
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert zipfile.ZipFile(path).read("manifest.json")
    assert [p.name for p in tmp_path.iterdir()] == ["backup.zip"]
