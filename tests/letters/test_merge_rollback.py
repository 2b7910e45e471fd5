"""A merge whose recording fails leaves no letter files behind under MEDIA_ROOT.

The files are placed in MEDIA_ROOT inside the recording transaction; when that transaction is
rolled back, the rows naming them are gone, so the files must go too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError

from legation.engagements.models import Engagement
from legation.letters import services
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import production as merge
from legation.letters.merge.review import (
    merge_job_approve_all,
    merge_job_create,
    merge_job_produce,
    merge_row_update,
)
from legation.letters.models import LetterRecord, MergeJob
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address


def media_letters() -> list[Path]:
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / "letters").rglob("*") if p.is_file())


def recipients(embassy, n=3):
    out = []
    for i in range(n):
        person = factories.PersonFactory(mission=embassy, family_name=f"Lee{i}", given_name="Ann")
        add_address(person)
        out.append(person)
    return out


def run(actor, posting, people, out_dir, **extra):
    return merge.produce(
        actor=actor, templates={"en": find_template("farewell")},
        recipients=[merge.Recipient(p) for p in people], posting=posting,
        letter_date=LETTER_DATE, fmt="txt", out_dir=out_dir, **extra,
    )  # fmt: skip


class Boom(Exception):
    pass


def test_files_of_a_merge_rolled_back_after_recording_are_removed(
    tmp_path, embassy, posting, letters_officer
):
    def fail(result):
        assert len(media_letters()) == 3  # placed, then the transaction fails
        raise Boom

    with pytest.raises(Boom):
        run(letters_officer, posting, recipients(embassy), tmp_path / "out", on_recorded=fail)
    assert media_letters() == []
    assert not LetterRecord.objects.exists()
    assert not Engagement.objects.filter(kind="letter_sent").exists()


def test_files_of_a_bulk_recording_that_fails_are_removed(
    tmp_path, embassy, posting, letters_officer, monkeypatch
):
    real = services.bulk_create_with_history

    def failing(objs, model, **kw):
        if model is LetterRecord:
            assert len(media_letters()) == 3
            raise IntegrityError("simulated")
        return real(objs, model, **kw)

    monkeypatch.setattr(services, "bulk_create_with_history", failing)
    with pytest.raises(IntegrityError):
        run(letters_officer, posting, recipients(embassy), tmp_path / "out")
    assert media_letters() == []


def test_the_file_of_a_single_letter_whose_record_fails_is_removed(
    tmp_path, embassy, posting, letters_officer, monkeypatch
):
    [person] = recipients(embassy, 1)

    def failing(**fields):
        assert len(media_letters()) == 1
        raise IntegrityError("simulated")

    monkeypatch.setattr(LetterRecord.objects, "create", failing)
    with pytest.raises(IntegrityError):
        merge.render_one(
            actor=letters_officer, template=find_template("farewell"), person=person,
            posting=posting, letter_date=LETTER_DATE, fmt="txt", out=tmp_path / "one.txt",
        )  # fmt: skip
    assert media_letters() == []
    assert not Engagement.objects.filter(kind="letter_sent").exists()


def test_a_review_job_whose_status_cannot_be_recorded_leaves_no_files(
    tmp_path, embassy, posting, letters_officer, farewell_world, monkeypatch
):
    job = merge_job_create(
        actor=letters_officer, template=find_template("farewell"), segment="met-by=P-QIN",
        posting=posting, letter_date=LETTER_DATE, fmt="txt",
    )  # fmt: skip
    for row in job.rows.all():  # the officer keeps the suggested line
        merge_row_update(actor=letters_officer, row=row, confirm=True)
    assert merge_job_approve_all(actor=letters_officer, job=job) == 1
    real_save = MergeJob.save

    def failing_save(self, *args, **kwargs):
        if self.status == MergeJob.Status.PRODUCED:
            raise Boom
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(MergeJob, "save", failing_save)
    with pytest.raises(Boom):
        merge_job_produce(actor=letters_officer, job=job, out_dir=tmp_path / "out")
    assert media_letters() == []
    job.refresh_from_db()
    assert job.status == "review" and not LetterRecord.objects.exists()


def test_a_merge_that_records_keeps_its_files(tmp_path, embassy, posting, letters_officer):
    result = run(letters_officer, posting, recipients(embassy), tmp_path / "out")
    assert result.recorded == 3
    assert len(media_letters()) == 3
    for record in LetterRecord.objects.all():
        assert Path(record.file.path).is_file()


def test_files_a_killed_worker_left_are_swept_and_named_ones_kept(
    tmp_path, embassy, posting, letters_officer
):
    import datetime as dt
    import os

    from legation.core.files import orphaned_files, remove_orphaned_files

    run(letters_officer, posting, recipients(embassy, n=2), tmp_path / "out")
    kept = media_letters()
    assert len(kept) == 2
    # A letter whose row is deleted is still named by its history: it can be restored.
    LetterRecord.objects.filter(file=str(kept[0].relative_to(settings.MEDIA_ROOT))).delete()
    # What a worker killed mid-transaction leaves: a file no row or history names.
    stray = Path(settings.MEDIA_ROOT) / "letters" / "2022" / "stray.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-")
    # A merge job's zip is named by a text field and kept by the job itself: never swept.
    job_zip = Path(settings.MEDIA_ROOT) / "letters" / "jobs" / "7" / "letters-7.zip"
    job_zip.parent.mkdir(parents=True, exist_ok=True)
    job_zip.write_bytes(b"PK")
    # Young files may belong to a write still in progress: left alone until they are old.
    assert orphaned_files() == []
    hour_ago = stray.stat().st_mtime - 7200
    for path in [*kept, stray, job_zip]:
        os.utime(path, (hour_ago, hour_ago))
    assert orphaned_files() == ["letters/2022/stray.pdf"]  # storage names
    assert remove_orphaned_files(dt.timedelta(hours=1)) == ["letters/2022/stray.pdf"]
    assert media_letters() == sorted([*kept, job_zip])
