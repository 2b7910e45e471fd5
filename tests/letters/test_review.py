"""The review queue: suggested personal lines, approval, only approved letters produced."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError

from legation.core.models import Sensitivity
from legation.engagements.models import Engagement
from legation.letters.compose import context as ctx
from legation.letters.compose.letter_template import find_template
from legation.letters.merge.review import (
    merge_job_approve_all,
    merge_job_create,
    merge_job_produce,
    merge_row_approve,
    merge_row_update,
    suggest_personal,
)
from legation.people.models import PersonNote
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address, at


@pytest.fixture
def two(embassy, posting, farewell_world):
    other = factories.PersonFactory(mission=embassy, family_name="Pelosi", given_name="Nancy",
                                    title="Speaker")  # fmt: skip
    add_address(other)
    factories.EngagementFactory(mission=embassy, people=[other], staff=[posting],
                                start=at(dt.date(2022, 6, 1)), subject="Trade and farming")  # fmt: skip
    return farewell_world, other


def job_for(actor, posting):
    return merge_job_create(actor=actor, template=find_template("farewell"),
                            segment="met-by=P-QIN", posting=posting, letter_date=LETTER_DATE)  # fmt: skip


def test_a_job_lists_every_recipient_with_salutation_and_a_suggested_line(
    two, posting, letters_officer
):
    job = job_for(letters_officer, posting)
    rows = {r.person.family_name: r for r in job.rows.all()}
    assert rows["Carter"].salutation == "Dear President Carter,"
    # A sentence of its own: the record's subject is shown to the officer, never pasted in.
    assert rows["Pelosi"].personal == "I remember with gratitude our meeting on June 1, 2022."
    assert rows["Pelosi"].suggestion_source == "2022-06-01 meeting: Trade and farming"
    assert rows["Carter"].personal == (
        "I remember with gratitude our meeting in the District of Columbia on November 1, 2022."
    )
    assert rows["Carter"].suggestion_source == (
        "2022-11-01 meeting: Conversation on hope — An enlightening conversation."
    )
    assert {r.personal_source for r in rows.values()} == {"machine"}
    assert not any(r.approved for r in rows.values())


def test_restricted_notes_never_reach_a_suggestion_for_a_user_without_clearance(
    two, embassy, posting, letters_officer, letters_internal_officer, letters_reader
):
    carter = two[0]
    factories.EngagementFactory(
        mission=embassy, people=[carter], staff=[posting], start=at(dt.date(2022, 12, 1)),
        subject="Back-channel message", notes="SECRET: the back channel",
        sensitivity=Sensitivity.RESTRICTED,
    )  # fmt: skip
    PersonNote.objects.create(person=carter, text="personal: SECRET line",
                              sensitivity=Sensitivity.RESTRICTED)  # fmt: skip
    for user in (letters_internal_officer, letters_reader):
        last = ctx.last_engagements([carter.pk], user)[carter.pk]
        line, source = suggest_personal(last, "en")
        assert "SECRET" not in line + source and "Back-channel" not in line + source
        assert ctx.personal_notes([carter.pk], user) == {}
    row = job_for(letters_internal_officer, posting).rows.get(person=carter)
    assert "SECRET" not in row.personal + row.suggestion_source
    cleared = job_for(letters_officer, posting).rows.get(person=carter)
    assert cleared.personal == "SECRET line"  # the cleared officer sees the note


def test_only_approved_rows_are_produced_with_their_edited_lines(
    tmp_path, two, posting, letters_officer
):
    carter, pelosi = two
    job = job_for(letters_officer, posting)
    row = job.rows.get(person=carter)
    row = merge_row_update(actor=letters_officer, row=row, personal="Thank you, Mr. President.")
    merge_row_approve(actor=letters_officer, row=row)
    result = merge_job_produce(actor=letters_officer, job=job, out_dir=tmp_path)
    assert [o.person.pk for o in result.rendered] == [carter.pk]
    text = subprocess.run(["pdftotext", result.rendered[0].path, "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Thank you, Mr. President." in text
    assert Engagement.objects.filter(kind="letter_sent", people=carter).count() == 1
    assert not Engagement.objects.filter(kind="letter_sent", people=pelosi).exists()
    job.refresh_from_db()
    assert job.status == "produced" and job.rows.get(person=carter).engagement_id
    with pytest.raises(ValidationError):
        merge_job_approve_all(actor=letters_officer, job=job)


def test_approve_all_skips_rows_without_an_address(two, embassy, posting, letters_officer):
    factories.EngagementFactory(
        mission=embassy, staff=[posting], start=at(dt.date(2022, 7, 1)),
        people=[factories.PersonFactory(mission=embassy, family_name="Nowhere")],
    )  # fmt: skip
    job = job_for(letters_officer, posting)
    for row in job.rows.all():  # the officer keeps every suggested line
        merge_row_update(actor=letters_officer, row=row, confirm=True)
    assert merge_job_approve_all(actor=letters_officer, job=job) == 2
    assert job.rows.get(person__family_name="Nowhere").approved is False
