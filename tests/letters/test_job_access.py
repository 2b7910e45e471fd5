"""Merge jobs and clearance: a job, its rows, its letters and its zip reach only users cleared for
everything in them, on the pages, in the query layer, on the command line and in the worker."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command

from legation.core.models import Sensitivity
from legation.engagements.models import Engagement
from legation.letters.compose.letter_template import find_template, parse_template
from legation.letters.merge import jobs
from legation.letters.merge.production import Recipient, produce
from legation.letters.merge.review import merge_job_approve_all, merge_job_create, merge_row_update
from legation.letters.models import LetterRecord, MergeJob, MergeRow
from legation.people.models import PersonNote
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address, at

SECRET = "SECRET line from the back channel"


@pytest.fixture
def pelosi(embassy, posting):
    person = factories.PersonFactory(
        mission=embassy, family_name="Pelosi", given_name="Nancy", title="Speaker"
    )
    add_address(person, city="San Francisco", region="US-CA")
    factories.EngagementFactory(
        mission=embassy, people=[person], staff=[posting], subject="Trade and farming",
        start=at(dt.date(2022, 6, 1)),
    )  # fmt: skip
    return person


@pytest.fixture
def secret_note(farewell_world):
    return PersonNote.objects.create(
        person=farewell_world, text=f"personal: {SECRET}", sensitivity=Sensitivity.RESTRICTED
    )


@pytest.fixture
def personas(embassy, other_mission, letters_officer, letters_internal_officer, letters_reader):
    return {
        "restricted officer": letters_officer,
        "internal officer": letters_internal_officer,
        "reader": letters_reader,
        "public reader": factories.user_with_role(
            "lpublic", "reader", [embassy], Sensitivity.PUBLIC
        ),
        "assistant": factories.user_with_role(
            "lassistant", "assistant", [embassy], Sensitivity.RESTRICTED
        ),
        "other mission": factories.user_with_role(
            "lother", "officer", [other_mission], Sensitivity.RESTRICTED
        ),
    }


def job_for(actor, posting, template=None):
    return merge_job_create(
        actor=actor, template=template or find_template("farewell"), segment="met-by=P-QIN",
        posting=posting, letter_date=LETTER_DATE,
    )  # fmt: skip


def run(job, user):
    """Keep every suggested line, approve every row, queue the job and run it as the worker
    does."""
    for row in MergeRow.objects.filter(job=job, personal_source="machine"):
        merge_row_update(actor=user, row=row, confirm=True)
    merge_job_approve_all(actor=user, job=job)
    jobs.merge_job_start(actor=user, job=job)
    assert jobs.run_merge_job(job.pk, user.pk, workers=1) == "done"
    job.refresh_from_db()
    return job


# Who sees a restricted job (built from a restricted note): (query layer, page status).
RESTRICTED_JOB = {
    "restricted officer": (True, 200),
    "internal officer": (False, 404),
    "reader": (False, 403),
    "public reader": (False, 403),
    "assistant": (False, 404),
    "other mission": (False, 404),
}
# An internal job (nothing restricted went into it).
INTERNAL_JOB = {
    "restricted officer": (True, 200),
    "internal officer": (True, 200),
    "reader": (True, 403),
    "public reader": (False, 403),
    "assistant": (True, 200),
    "other mission": (False, 404),
}


def test_a_job_suggested_from_a_restricted_note_is_restricted_for_every_persona(
    client, personas, secret_note, pelosi, posting, letters_officer
):
    job = job_for(letters_officer, posting)
    carter_row = job.rows.get(person=secret_note.person)
    assert carter_row.personal == SECRET
    assert carter_row.sensitivity == Sensitivity.RESTRICTED
    assert job.rows.get(person=pelosi).sensitivity == Sensitivity.INTERNAL
    assert job.sensitivity == Sensitivity.RESTRICTED
    for name, user in personas.items():
        sees, status = RESTRICTED_JOB[name]
        assert MergeJob.objects.visible_to(user).filter(pk=job.pk).exists() is sees, name
        rows = MergeRow.objects.visible_to(user).filter(job=job)
        assert rows.filter(personal=SECRET).exists() is sees, name
        client.force_login(user)
        assert client.get(f"/letters/jobs/{job.pk}/").status_code == status, name
        row_url = f"/letters/jobs/{job.pk}/rows/{carter_row.pk}/preview/"
        assert client.get(row_url).status_code in (status, 400), name
        listing = client.get("/letters/jobs/")
        if listing.status_code == 200:
            page = listing.content.decode()
            assert (f"/letters/jobs/{job.pk}/" in page) is sees, name
            assert SECRET not in page


def test_a_job_with_nothing_restricted_is_seen_by_the_mission_s_internal_staff(
    client, personas, farewell_world, pelosi, posting, letters_officer
):
    job = job_for(letters_officer, posting)
    assert job.sensitivity == Sensitivity.INTERNAL
    for name, user in personas.items():
        sees, status = INTERNAL_JOB[name]
        assert MergeJob.objects.visible_to(user).filter(pk=job.pk).exists() is sees, name
        client.force_login(user)
        assert client.get(f"/letters/jobs/{job.pk}/").status_code == status, name


def test_a_restricted_engagement_is_never_the_source_of_a_suggestion(
    embassy, farewell_world, posting, letters_officer, letters_internal_officer
):
    """Even for an officer cleared for it: the suggestion comes from the last engagement that is
    not restricted, and the row stays internal."""
    factories.EngagementFactory(
        mission=embassy, people=[farewell_world], staff=[posting], start=at(dt.date(2022, 12, 1)),
        subject="Back-channel message", sensitivity=Sensitivity.RESTRICTED,
    )  # fmt: skip
    job = job_for(letters_officer, posting)
    row = job.rows.get(person=farewell_world)
    assert "Back-channel" not in row.personal + row.suggestion_source
    assert "November 1, 2022" in row.personal
    assert (row.sensitivity, job.sensitivity) == (Sensitivity.INTERNAL, Sensitivity.INTERNAL)
    assert MergeRow.objects.visible_to(letters_internal_officer).filter(pk=row.pk).exists()


def test_the_worker_records_restricted_letters_and_the_zip_reaches_only_cleared_users(
    client, personas, secret_note, pelosi, posting, letters_officer, letters_internal_officer
):
    job = run(job_for(letters_officer, posting), letters_officer)
    assert job.status == "produced" and job.sensitivity == Sensitivity.RESTRICTED
    carter = secret_note.person
    letter = Engagement.objects.get(kind="letter_sent", people=carter)
    assert letter.sensitivity == Sensitivity.RESTRICTED
    other = Engagement.objects.get(kind="letter_sent", people=pelosi)
    assert other.sensitivity == Sensitivity.INTERNAL
    internal = letters_internal_officer
    assert not Engagement.objects.visible_to(internal).filter(pk=letter.pk).exists()
    assert not LetterRecord.objects.visible_to(internal).filter(engagement=letter).exists()
    for name, user in personas.items():
        sees, status = RESTRICTED_JOB[name]
        client.force_login(user)
        response = client.get(f"/letters/jobs/{job.pk}/download/")
        assert response.status_code == status, name
        if sees:
            archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
            assert f"carter-jimmy-{carter.pk}.pdf" in archive.namelist()


def test_the_zip_is_refused_to_a_viewer_who_cannot_see_every_letter_of_the_job(
    client, secret_note, pelosi, posting, letters_officer, letters_internal_officer
):
    """Defence in depth: even if the job itself were visible (its level lowered by hand), the
    zip built for the officer is never handed to a viewer who cannot see all of it."""
    job = run(job_for(letters_officer, posting), letters_officer)
    MergeJob.objects.filter(pk=job.pk).update(sensitivity=Sensitivity.INTERNAL)
    client.force_login(letters_internal_officer)
    response = client.get(f"/letters/jobs/{job.pk}/download/")
    assert response.status_code == 404
    from legation.core.files import walk

    assert not [n for n in walk(jobs.job_folder(job)) if "internal" in n]


def test_a_letter_citing_the_last_engagement_never_cites_a_restricted_one(
    tmp_path, embassy, farewell_world, posting, letters_officer, letters_internal_officer
):
    factories.EngagementFactory(
        mission=embassy, people=[farewell_world], staff=[posting], start=at(dt.date(2022, 12, 1)),
        subject="Back-channel message", sensitivity=Sensitivity.RESTRICTED,
    )  # fmt: skip
    citing = parse_template(
        "---\nname: cite\nlanguage: en\n---\nWe last met about {{ last_engagement.subject }}.\n"
    )
    plain = parse_template("---\nname: plain\nlanguage: en\n---\nHello.\n")
    for template in (citing, plain):
        result = produce(
            actor=letters_officer, templates={"en": template},
            recipients=[Recipient(farewell_world)], posting=posting, letter_date=LETTER_DATE,
            fmt="txt", out_dir=tmp_path / template.name,
        )  # fmt: skip
        letter = Engagement.objects.get(pk=result.outcomes[0].engagement_id)
        assert letter.sensitivity == Sensitivity.INTERNAL, template.name
        text = (tmp_path / template.name / f"carter-jimmy-{farewell_world.pk}.txt").read_text()
        assert "Back-channel" not in text
        if template is citing:
            assert "We last met about Conversation on hope." in text
    job = job_for(letters_officer, posting, citing)
    assert job.sensitivity == Sensitivity.INTERNAL


def test_the_command_line_merge_and_render_record_restricted_letters(
    tmp_path, secret_note, posting, letters_officer
):
    out = io.StringIO()
    call_command(
        "letters", "merge", "farewell", "--to", "person=P-CARTER", "--from", "P-QIN", "--date",
        "2022-12-30", "--format", "txt", "--out", str(tmp_path / "m"), "--workers", "1",
        "--as", letters_officer.username, stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    call_command(
        "letters", "render", "farewell", "--to", "P-CARTER", "--from", "P-QIN", "--date",
        "2022-12-30", "--format", "txt", "-o", str(tmp_path / "one.txt"),
        "--as", letters_officer.username, stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert SECRET in (tmp_path / "one.txt").read_text(encoding="utf-8")
    letters = Engagement.objects.filter(kind="letter_sent", people=secret_note.person)
    assert letters.count() == 2
    assert set(letters.values_list("sensitivity", flat=True)) == {Sensitivity.RESTRICTED}


def test_jobs_and_letters_made_before_the_rule_are_raised_by_the_migration(
    secret_note, pelosi, posting, letters_officer, letters_internal_officer
):
    import importlib

    from django.apps import apps

    job = run(job_for(letters_officer, posting), letters_officer)
    carter = secret_note.person
    # As they were stored before they carried a sensitivity: everything internal.
    MergeJob.objects.update(sensitivity=Sensitivity.INTERNAL)
    MergeRow.objects.update(sensitivity=Sensitivity.INTERNAL)
    Engagement.objects.filter(kind="letter_sent").update(sensitivity=Sensitivity.INTERNAL)
    migration = importlib.import_module("legation.letters.migrations.0003_merge_job_sensitivity")
    migration.backfill(apps, None)
    job.refresh_from_db()
    assert job.sensitivity == Sensitivity.RESTRICTED
    assert job.rows.get(person=carter).sensitivity == Sensitivity.RESTRICTED
    assert job.rows.get(person=pelosi).sensitivity == Sensitivity.INTERNAL
    letters = Engagement.objects.filter(kind="letter_sent")
    assert letters.get(people=carter).sensitivity == Sensitivity.RESTRICTED
    assert letters.get(people=pelosi).sensitivity == Sensitivity.INTERNAL
    assert not MergeJob.objects.visible_to(letters_internal_officer).exists()
