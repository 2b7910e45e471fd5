"""What a recorded merge writes: per recipient exactly one "letter sent" engagement, its
participant, its staff, its LetterRecord and a historical row of each, all in one audited
operation; and nothing at all when the recording fails part of the way through."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError

from legation.core.audit import audit
from legation.core.models import Operation
from legation.engagements.models import Engagement, EngagementParticipant, EngagementStaff
from legation.letters import services
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import production as merge
from legation.letters.merge.jobs import merge_job_start, run_merge_job
from legation.letters.merge.review import merge_job_approve_all, merge_job_create
from legation.letters.models import LetterRecord, MergeJob, MergeRow
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address

MODELS = (Engagement, EngagementParticipant, EngagementStaff, LetterRecord)


def recipients(embassy, n):
    out = []
    for i in range(n):
        person = factories.PersonFactory(mission=embassy, family_name=f"Ng{i}", given_name="Bo")
        add_address(person)
        out.append(person)
    return out


def merge_to(actor, posting, people, out_dir):
    with audit(actor=actor, source="command", description="letters merge"):
        return merge.produce(
            actor=actor, templates={"en": find_template("farewell")},
            recipients=[merge.Recipient(p) for p in people], posting=posting,
            letter_date=LETTER_DATE, fmt="pdf", out_dir=out_dir, workers=2,
        )  # fmt: skip


def letters_written() -> dict[str, int]:
    """Rows and historical rows of what a merge records, by model."""
    counts = {}
    for model in MODELS:
        rows = model.objects.all()
        if model is not LetterRecord:
            rows = rows.filter(
                **{"kind": "letter_sent"}
                if model is Engagement
                else {"engagement__kind": "letter_sent"}
            )
        counts[model.__name__] = rows.count()
        ids = list(rows.values_list("pk", flat=True))
        counts[f"history of {model.__name__}"] = model.history.filter(id__in=ids).count()
    return counts


def test_a_recorded_merge_writes_one_of_each_row_per_recipient_in_one_operation(
    tmp_path, embassy, posting, letters_officer
):
    people = recipients(embassy, merge.BATCH + 3)  # more than one batch, two renderers
    operations_before = set(Operation.objects.values_list("pk", flat=True))
    result = merge_to(letters_officer, posting, people, tmp_path / "out")
    n = len(people)
    assert result.recorded == n and len(result.rendered) == n
    counts = letters_written()
    assert counts == dict.fromkeys(counts, n), counts
    for person in people:
        [engagement] = Engagement.objects.filter(people=person, kind="letter_sent")
        assert [p.pk for p in engagement.people.all()] == [person.pk]
        assert list(engagement.staff.all()) == [posting]
        record = LetterRecord.objects.get(engagement=engagement, person=person)
        assert Path(record.file.path).read_bytes()[:5] == b"%PDF-"
        assert Path(settings.MEDIA_ROOT) in Path(record.file.path).parents
    # Every historical row of the merge belongs to one new operation, the officer's.
    new = set(Operation.objects.values_list("pk", flat=True)) - operations_before
    assert len(new) == 1
    operation = Operation.objects.get(pk=new.pop())
    assert operation.actor == letters_officer and operation.source == "command"
    for model in MODELS:
        stamped = model.history.filter(operation=operation)
        assert stamped.count() == n
        assert set(stamped.values_list("history_type", flat=True)) == {"+"}
        assert set(stamped.values_list("history_user", flat=True)) == {letters_officer.pk}


@pytest.mark.parametrize("failing", [EngagementParticipant, EngagementStaff, LetterRecord])
def test_a_recording_that_fails_part_of_the_way_writes_nothing(
    tmp_path, embassy, posting, letters_officer, monkeypatch, failing
):
    people = recipients(embassy, 3)
    real = services.bulk_create_with_history

    def fail_at(objs, model, **kw):
        if model is failing:  # the rows before it are written in the transaction, then this
            raise IntegrityError("simulated")
        return real(objs, model, **kw)

    monkeypatch.setattr(services, "bulk_create_with_history", fail_at)
    operations_before = Operation.objects.count()
    with pytest.raises(IntegrityError):
        merge_to(letters_officer, posting, people, tmp_path / "out")
    assert letters_written() == dict.fromkeys(letters_written(), 0)
    for model in MODELS:
        assert not model.history.filter(history_type="+", history_user=letters_officer).exists()
    assert Operation.objects.count() == operations_before  # the operation is rolled back too
    assert not any(p.is_file() for p in (Path(settings.MEDIA_ROOT) / "letters").rglob("*"))


def test_the_web_job_records_its_letters_and_rows_in_the_same_operation(
    embassy, posting, letters_officer
):
    people = recipients(embassy, 4)
    with audit(actor=letters_officer, source="web"):
        job = merge_job_create(
            actor=letters_officer, template=find_template("farewell"), segment="has=address",
            posting=posting, letter_date=LETTER_DATE, fmt="pdf",
        )  # fmt: skip
        assert merge_job_approve_all(actor=letters_officer, job=job) == len(people)
        merge_job_start(actor=letters_officer, job=job)
    assert run_merge_job(job.pk, letters_officer.pk, workers=2) == "done"
    job.refresh_from_db()
    assert job.status == MergeJob.Status.PRODUCED
    counts = letters_written()
    assert counts == {name: len(people) for name in counts}, counts
    rows = list(MergeRow.objects.filter(job=job))
    records = {r.person_id: r for r in LetterRecord.objects.filter(job=job)}
    assert {row.person_id for row in rows} == set(records) == {p.pk for p in people}
    operation = LetterRecord.history.filter(job=job).first().operation
    for row in rows:
        assert row.engagement_id == records[row.person_id].engagement_id
        latest = row.history.first()  # the row's "produced" change, with the letters' operation
        assert latest.history_type == "~" and latest.engagement_id == row.engagement_id
        assert latest.operation == operation
    assert operation.actor == letters_officer
    assert job.history.first().operation == operation


def approved_job(actor, posting):
    with audit(actor=actor, source="web"):
        job = merge_job_create(
            actor=actor, template=find_template("farewell"), segment="has=address",
            posting=posting, letter_date=LETTER_DATE, fmt="pdf",
        )  # fmt: skip
        merge_job_approve_all(actor=actor, job=job)
        return merge_job_start(actor=actor, job=job)


def test_the_job_worker_keeps_its_renderers_between_jobs_then_stops_them(
    embassy, posting, letters_officer
):
    from legation.letters.merge import jobs

    recipients(embassy, 2)
    first, second = approved_job(letters_officer, posting), approved_job(letters_officer, posting)
    assert run_merge_job(first.pk, letters_officer.pk, workers=1) == "done"
    kept = jobs._kept._pool
    pids = {r.proc.pid for r in kept._live}
    assert len(pids) == 1
    assert run_merge_job(second.pk, letters_officer.pk, workers=1) == "done"
    assert jobs._kept._pool is kept and {r.proc.pid for r in kept._live} == pids
    assert LetterRecord.objects.filter(job__in=[first, second]).count() == 4
    jobs._kept.close_idle()  # what the timer does after KEEP_RENDERERS_SECONDS without a job
    assert jobs._kept._pool is None
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists()


def test_a_replaced_word_template_is_read_again_by_a_kept_renderer(
    tmp_path, settings, embassy, posting, letters_officer
):
    import os

    from docx import Document

    settings.LEGATION_HOME = tmp_path
    (tmp_path / "letters").mkdir()
    path = tmp_path / "letters" / f"{embassy.ref}.docx"
    [person] = recipients(embassy, 1)

    def letter_with(text: str, name: str) -> str:
        document = Document()
        document.add_paragraph(text + " {{ salutation }}")
        document.save(str(path))
        os.utime(path, ns=(os.stat(path).st_mtime_ns + 10**9,) * 2)  # a later file, surely
        done, _ = merge.render_one(
            actor=letters_officer, template=find_template("farewell"), person=person,
            posting=posting, letter_date=LETTER_DATE, fmt="docx", out=tmp_path / name,
            draft=True,
        )  # fmt: skip
        assert not done.error, done.error
        return "\n".join(p.text for p in Document(str(tmp_path / name)).paragraphs)

    assert "First version" in letter_with("First version", "one.docx")
    second = letter_with("Second version", "two.docx")  # the same renderer, kept between letters
    assert "Second version" in second and "First version" not in second
