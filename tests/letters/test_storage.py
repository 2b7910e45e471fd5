"""Every stored file goes through Django's storage API, so any backend can hold them.

The tests run the letters, the merge zip, the Word template, the emblem and a backup against
Django's in-memory storage: a backend with no paths at all, as an object store (S3) has none.
A file read or written by path under MEDIA_ROOT would be missing there (or turn up in
MEDIA_ROOT), and these tests would fail.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django_tasks_db.models import DBTaskResult

from legation.core import files
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import jobs
from legation.letters.merge import production as merge
from legation.letters.models import LetterRecord, MergeJob, RunStatus
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address


@pytest.fixture(autouse=True)
def _home(settings, tmp_path):
    settings.LEGATION_HOME = tmp_path / "home"
    settings.LEGATION_HOME.mkdir()


@pytest.fixture
def object_store(settings):
    """Django's in-memory storage as the default: no paths, like an object store."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert not hasattr(default_storage, "path") or not files._local()
    return default_storage


def nothing_under_media_root(settings) -> bool:
    root = Path(settings.MEDIA_ROOT)
    return not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def recipients(embassy, n=2):
    out = []
    for i in range(n):
        person = factories.PersonFactory(mission=embassy, family_name=f"Store{i}", given_name="Al")
        add_address(person)
        out.append(person)
    return out


def produce(actor, posting, people, out_dir, **extra):
    return merge.produce(
        actor=actor, templates={"en": find_template("farewell")},
        recipients=[merge.Recipient(p) for p in people], posting=posting,
        letter_date=LETTER_DATE, fmt="txt", out_dir=out_dir, **extra,
    )  # fmt: skip


def test_letters_are_saved_and_served_through_the_storage(
    object_store, settings, tmp_path, client, embassy, posting, letters_officer
):
    people = recipients(embassy)
    result = produce(letters_officer, posting, people, tmp_path / "out")
    assert result.recorded == 2
    records = list(LetterRecord.objects.filter(person__in=people))
    for record in records:
        assert record.file.name.startswith("letters/")
        assert object_store.size(record.file.name) == record.size
    assert nothing_under_media_root(settings)
    expected = _read(records[0].file.name)
    client.force_login(letters_officer)
    response = client.get(f"/letters/sent/{records[0].pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected


def test_files_of_a_merge_rolled_back_are_deleted_from_the_storage(
    object_store, tmp_path, embassy, posting, letters_officer
):
    class Boom(Exception):
        pass

    def fail(result):
        assert len(list(files.walk("letters"))) == 2  # saved, then the transaction fails
        raise Boom

    with pytest.raises(Boom):
        produce(letters_officer, posting, recipients(embassy), tmp_path / "out", on_recorded=fail)
    assert list(files.walk("letters")) == []
    assert not LetterRecord.objects.exists()


def test_the_merge_zip_is_stored_and_downloaded_through_the_storage(
    object_store, settings, client, letters_officer, farewell_world, posting,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client.force_login(letters_officer)
    response = client.post(
        "/letters/jobs/",
        {"template": "farewell", "filter": "met-by=P-QIN", "posting": posting.pk,
         "letter_date": "2022-12-30", "format": "pdf"},
    )  # fmt: skip
    assert response.status_code == 302
    job = MergeJob.objects.latest("pk")
    row = job.rows.get()
    client.post(
        f"/letters/jobs/{job.pk}/rows/{row.pk}/", {"personal": row.personal, "confirm": "1"}
    )
    client.post(f"/letters/jobs/{job.pk}/approve-all/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/letters/jobs/{job.pk}/produce/")
    queued = DBTaskResult.objects.ready().get()
    assert queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]) == "done"
    job.refresh_from_db()
    assert job.run_status == RunStatus.DONE
    assert job.result_file == f"letters/jobs/{job.pk}/letters-{job.pk}.zip"
    assert object_store.exists(job.result_file)
    assert not jobs.run_folder(job).exists()  # the run's own folder is gone
    assert nothing_under_media_root(settings)
    response = client.get(f"/letters/jobs/{job.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    [pdf] = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert archive.read(pdf).startswith(b"%PDF")
    # Lost from the storage (or never written): the download builds it again.
    object_store.delete(job.result_file)
    response = client.get(f"/letters/jobs/{job.pk}/download/")
    assert response.status_code == 200 and object_store.exists(job.result_file)


def test_a_stored_word_template_is_used_and_replaced(
    object_store, tmp_path, embassy, posting, letters_officer
):
    from docx import Document

    [person] = recipients(embassy, 1)

    def letter_with(text: str, name: str) -> str:
        document = Document()
        document.add_paragraph(text + " {{ salutation }}")
        buffer = io.BytesIO()
        document.save(buffer)
        merge.word_template_save(embassy, buffer.getvalue())
        done, _ = merge.render_one(
            actor=letters_officer, template=find_template("farewell"), person=person,
            posting=posting, letter_date=LETTER_DATE, fmt="docx", out=tmp_path / name,
            draft=True,
        )  # fmt: skip
        assert not done.error, done.error
        return "\n".join(p.text for p in Document(str(tmp_path / name)).paragraphs)

    assert "First version" in letter_with("First version", "one.docx")
    assert object_store.exists(f"templates/word/{embassy.ref}.docx")
    second = letter_with("Second version", "two.docx")
    assert "Second version" in second and "First version" not in second
    merge.word_template_save(embassy, None)
    assert merge.docx_template_for(posting) == ""


def test_a_stored_emblem_reaches_the_typesetter_as_a_real_file(object_store, embassy):
    from legation.letters.compose.context import mission_layout

    png = (Path(__file__).parent.parent / "data").glob("**/*.png")
    data = next(png, None)
    content = data.read_bytes() if data else b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    files.save_file("templates/emblems/embassy.png", content)
    embassy.letterhead_emblem = "templates/emblems/embassy.png"
    layout = mission_layout(embassy)
    assert layout.emblem and Path(layout.emblem).read_bytes() == content
    embassy.letterhead_emblem = "templates/emblems/missing.png"
    assert mission_layout(embassy).emblem == ""


def test_a_backup_keeps_every_stored_file_and_the_restore_puts_them_back(
    object_store, settings, tmp_path, embassy, posting, letters_officer
):
    from legation.intake.backup import write_backup

    produce(letters_officer, posting, recipients(embassy), tmp_path / "out")
    merge.word_template_save(embassy, _docx())
    files.save_file("templates/emblems/e.png", b"\x89PNG emblem")
    embassy.letterhead_emblem = "templates/emblems/e.png"
    embassy.save(update_fields=["letterhead_emblem"])
    stored = {n: _read(n) for d in ("letters", "templates") for n in files.walk(d)}
    assert len(stored) == 4
    archive = io.BytesIO()
    manifest = write_backup(archive)
    assert set(manifest["media"]) == set(stored)
    # Into an empty storage (another server's, a new bucket): the files come back as they were.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert list(files.walk("letters")) == []
    with zipfile.ZipFile(io.BytesIO(archive.getvalue())) as zf:
        from legation.intake import backup

        for name in manifest["media"]:  # what restore_backup does after the rows
            with zf.open(f"media/{name}") as src:
                default_storage.save(backup._safe_media_name(name), src)
    assert {n: _read(n) for d in ("letters", "templates") for n in files.walk(d)} == stored


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def _docx() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def test_orphaned_files_are_found_and_removed_in_any_storage(object_store, db):
    import datetime as dt

    files.save_file("letters/2022/stray.txt", b"left by a killed worker")
    files.save_file("letters/jobs/3/letters-3.zip", b"PK")
    assert files.orphaned_files() == []  # too young: a write may be in progress
    assert files.orphaned_files(dt.timedelta(0)) == ["letters/2022/stray.txt"]
    assert files.remove_orphaned_files(dt.timedelta(0)) == ["letters/2022/stray.txt"]
    assert list(files.walk("letters")) == ["letters/jobs/3/letters-3.zip"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: on SQLite one worker runs beside one server, no run lock is needed",
)
def test_a_worker_starting_leaves_alone_a_run_another_live_worker_holds(
    embassy, posting, letters_officer
):
    """Two workers: the second to start must not take the first one's run for interrupted."""
    import psycopg

    from legation.letters.merge.review import merge_job_create

    job = merge_job_create(
        actor=letters_officer, template=find_template("farewell"), segment="met-by=P-QIN",
        posting=posting, letter_date=LETTER_DATE,
    )  # fmt: skip
    MergeJob.objects.filter(pk=job.pk).update(run_status=RunStatus.RUNNING)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg.connect(**params, autocommit=True)  # the live worker's own connection
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [jobs._RunLock.KEY, job.pk])
        assert jobs.recover_interrupted() == 0
        assert MergeJob.objects.get(pk=job.pk).run_status == RunStatus.RUNNING
    finally:
        other.close()  # the worker dies: its lock goes with its connection
    assert jobs.recover_interrupted() == 1
    job.refresh_from_db()
    assert (job.run_status, job.run_error) == (RunStatus.FAILED, jobs.INTERRUPTED)


def test_the_word_template_command_stores_shows_and_removes_it(object_store, tmp_path, embassy):
    from django.core.management import CommandError, call_command

    path = tmp_path / "ours.docx"
    path.write_bytes(_docx())
    out = io.StringIO()
    call_command("letters", "word-template", str(path), "--mission", embassy.ref, stdout=out)
    name = f"templates/word/{embassy.ref}.docx"
    assert object_store.exists(name) and _read(name) == path.read_bytes()
    call_command("letters", "word-template", "--mission", embassy.ref, stdout=out)
    assert out.getvalue().splitlines()[-1] == f"{embassy.ref}: {name}"
    path.write_bytes(b"not a Word file")
    with pytest.raises(CommandError):
        call_command("letters", "word-template", str(path), "--mission", embassy.ref)
    assert _read(name) != b"not a Word file"  # the stored one is kept
    call_command("letters", "word-template", "--remove", "--mission", embassy.ref, stdout=out)
    assert not object_store.exists(name)
    from legation.core.models import SecurityEvent

    changes = [e.detail for e in SecurityEvent.objects.filter(kind="word_template").order_by("pk")]
    assert [(c["mission"], c["change"]) for c in changes] == [
        (embassy.ref, "stored"),
        (embassy.ref, "removed"),
    ]  # the refused file left no trace: nothing was stored
