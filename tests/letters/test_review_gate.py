"""The review queue applies the merge's gate: a letter the ledger contradicts is never approved,
queued or produced from the web, as `legation letters merge` refuses it on the command line."""

from __future__ import annotations

import pytest

from legation.core.access import SYSTEM
from legation.engagements.models import Engagement
from legation.letters.compose.letter_template import parse_template
from legation.letters.merge import jobs
from legation.letters.merge.review import (
    ContradictedLetter,
    merge_job_approve_all,
    merge_job_create,
    merge_job_produce,
    merge_row_approve,
    merge_row_update,
)
from legation.letters.models import MergeJob, MergeRow, RunStatus
from legation.letters.services import letter_template_save
from tests.letters.conftest import LETTER_DATE

HX = {"HTTP_HX_REQUEST": "true"}

LETTER = """---
name: {name}
language: en
kind: greeting
---
I have visited {states} {{{{ mission.country_adjective }}}} states since I arrived.
"""
STALE = LETTER.format(name="stale", states=20)  # the ledger: 22 states
CORRECT = LETTER.format(name="correct", states=22)


@pytest.fixture(autouse=True)
def _templates(embassy):
    """The mission's own templates, as its officers would have saved them."""
    for text in (STALE, CORRECT):
        letter_template_save(actor=SYSTEM, mission=embassy, text=text)


def job_for(actor, posting, text):
    """A job whose suggested lines the officer has read and kept (so "approve all" takes them)."""
    job = merge_job_create(
        actor=actor, template=parse_template(text, default_name="letter"), segment="met-by=P-QIN",
        posting=posting, letter_date=LETTER_DATE, fmt="txt",
    )  # fmt: skip
    for row in job.rows.all():
        merge_row_update(actor=actor, row=row, confirm=True)
    return job


def test_a_stale_letter_cannot_be_approved_queued_or_produced(
    tmp_path, farewell_world, posting, letters_officer
):
    job = job_for(letters_officer, posting, STALE)
    row = job.rows.get()
    with pytest.raises(ContradictedLetter) as refused:
        merge_row_approve(actor=letters_officer, row=row)
    [claim] = refused.value.claims
    assert claim.claim.text == "20 American states" and claim.expected == 22
    assert "'20 American states' (the ledger: 22" in " ".join(refused.value.messages)
    with pytest.raises(ContradictedLetter):
        merge_job_approve_all(actor=letters_officer, job=job)
    assert not MergeRow.objects.filter(job=job, approved=True).exists()
    # Approved before the ledger said otherwise: still stopped before anything goes out.
    MergeRow.objects.filter(pk=row.pk).update(approved=True)
    with pytest.raises(ContradictedLetter):
        jobs.merge_job_start(actor=letters_officer, job=job)
    with pytest.raises(ContradictedLetter):
        merge_job_produce(actor=letters_officer, job=job, out_dir=tmp_path / "out")
    job.refresh_from_db()
    assert (job.status, job.run_status) == ("review", "")
    assert not Engagement.objects.filter(kind="letter_sent").exists()


def test_a_correct_letter_is_approved_and_produced(
    tmp_path, farewell_world, posting, letters_officer
):
    job = job_for(letters_officer, posting, CORRECT)
    row = merge_row_approve(actor=letters_officer, row=job.rows.get())
    assert row.approved
    merge_row_approve(actor=letters_officer, row=row, approved=False)  # withdrawing: no check
    assert merge_job_approve_all(actor=letters_officer, job=job) == 1
    result = merge_job_produce(actor=letters_officer, job=job, out_dir=tmp_path / "out")
    assert result.recorded == 1


def _web_job(client, posting, template):
    response = client.post(
        "/letters/jobs/",
        {"template": template, "filter": "met-by=P-QIN", "posting": posting.pk,
         "letter_date": "2022-12-30", "format": "txt"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return MergeJob.objects.latest("pk")


def test_the_web_queue_refuses_a_stale_letter_and_names_the_contradicted_claim(
    client, farewell_world, posting, letters_officer
):
    client.force_login(letters_officer)
    job = _web_job(client, posting, "stale")
    row = job.rows.get()
    client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/",
                {"salutation": row.salutation, "personal": row.personal, "confirm": "1"}, **HX)  # fmt: skip
    url = f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/"
    page = client.post(url, {"approved": "1"}, **HX).content.decode()
    assert "the ledger contradicts" in page
    assert "20 American states" in page and "22" in page
    row.refresh_from_db()
    assert not row.approved
    page = client.post(url, {"approved": "1"}, follow=True).content.decode()  # without htmx
    assert "the ledger contradicts" in page and "20 American states" in page
    page = client.post(f"/letters/jobs/{job.pk}/approve-all/", follow=True).content.decode()
    assert "the ledger contradicts" in page and "20 American states" in page
    assert not MergeRow.objects.filter(job=job, approved=True).exists()
    MergeRow.objects.filter(pk=row.pk).update(approved=True)
    page = client.post(f"/letters/jobs/{job.pk}/produce/", follow=True).content.decode()
    assert "the ledger contradicts" in page and "20 American states" in page
    job.refresh_from_db()
    assert job.run_status == ""


def test_the_web_queue_approves_a_correct_letter(
    client, farewell_world, posting, letters_officer, django_capture_on_commit_callbacks
):
    client.force_login(letters_officer)
    job = _web_job(client, posting, "correct")
    row = job.rows.get()
    page = client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/", {"approved": "1"}, **HX)
    assert "the ledger contradicts" not in page.content.decode()
    row.refresh_from_db()
    assert row.approved
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/letters/jobs/{job.pk}/produce/")
    job.refresh_from_db()
    assert job.run_status == RunStatus.QUEUED
