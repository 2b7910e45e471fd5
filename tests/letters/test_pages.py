"""The letters pages: templates and preview, the review queue, the background merge, access."""

from __future__ import annotations

import io
import zipfile

import pytest
from django_tasks_db.models import DBTaskResult

from legation.core.models import Sensitivity
from legation.engagements.models import Engagement
from legation.letters.compose import library
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import jobs
from legation.letters.models import MergeJob, MergeRow, MissionTemplate, RunStatus
from legation.people.models import PersonNote
from tests import factories
from tests.letters.conftest import add_address

HX = {"HTTP_HX_REQUEST": "true"}
FAREWELL_EN = find_template("farewell").source


@pytest.fixture(autouse=True)
def _home(settings, tmp_path):
    settings.LEGATION_HOME = tmp_path / "home"


@pytest.fixture
def pelosi(embassy, posting):
    person = factories.PersonFactory(
        mission=embassy, family_name="Pelosi", given_name="Nancy", title="Speaker"
    )
    add_address(person, city="San Francisco", region="US-CA")
    factories.EngagementFactory(
        mission=embassy, people=[person], staff=[posting], subject="Trade and farming"
    )
    return person


@pytest.fixture
def officer_client(client, letters_officer):
    client.force_login(letters_officer)
    return client


def preview_data(person, posting, text=FAREWELL_EN):
    return {"person": person.pk, "posting": posting.pk, "letter_date": "2022-12-30", "text": text}


def create_job(client, posting, segment="met-by=P-QIN"):
    response = client.post(
        "/letters/jobs/",
        {"template": "farewell", "filter": segment, "posting": posting.pk,
         "letter_date": "2022-12-30", "format": "pdf"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return MergeJob.objects.latest("pk")


def test_the_letters_pages_render_and_are_in_the_navigation(officer_client, farewell_world):
    page = officer_client.get("/letters/").content.decode()
    assert 'href="/letters/"' in page and "farewell" in page and "greeting" in page
    assert officer_client.get("/letters/jobs/").status_code == 200
    assert officer_client.get("/letters/?template=thanks&lang=zh").status_code == 200


def test_the_sender_field_reads_as_the_sender_in_chinese(officer_client, farewell_world):
    """'From' on the letters page is the letter's sender (发信人), not the start of a period."""
    officer_client.post("/language/", {"language": "zh-hans", "next": "/"})
    page = officer_client.get("/letters/").content.decode()
    assert "发信人" in page and "起始日期" not in page


def test_preview_shows_the_salutation_and_the_figures_in_both_languages(
    officer_client, farewell_world, posting
):
    response = officer_client.post("/letters/preview/", preview_data(farewell_world, posting), **HX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dear President Carter," in page and "尊敬的卡特前总统" in page
    assert "past 500-plus days" in page and "I have visited 22 American states" in page
    assert "43 years ago" in page and "500多个日日夜夜" in page
    assert page.count('src="data:image/png;base64,') == 2
    assert "December 30, 2022" in page and "2022年12月30日" in page
    assert not Engagement.objects.filter(kind="letter_sent").exists()  # a preview is a draft


def test_preview_without_javascript_shows_the_whole_page(officer_client, farewell_world, posting):
    page = officer_client.post("/letters/preview/", preview_data(farewell_world, posting))
    assert "Dear President Carter," in page.content.decode()
    assert "<nav" in page.content.decode()


def test_preview_of_a_broken_template_names_the_problem(officer_client, farewell_world, posting):
    text = FAREWELL_EN + "\n{{ recipient.__class__ }}\n"
    page = officer_client.post(
        "/letters/preview/", preview_data(farewell_world, posting, text), **HX
    ).content.decode()
    assert 'class="errorlist"' in page and "Dear President Carter" not in page


def test_the_preview_pdf_is_a_pdf(officer_client, farewell_world, posting):
    data = {**preview_data(farewell_world, posting), "lang": "zh"}
    response = officer_client.post("/letters/preview.pdf", data)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_template_is_checked_then_saved_as_the_mission_s_own(
    officer_client, letters_officer, embassy, farewell_world, posting
):
    bad = "---\nname: note\nlanguage: en\ncolour: red\n---\nHello\n"
    response = officer_client.post("/letters/templates/save/", {"text": bad})
    assert response.status_code == 400 and "unknown front matter" in response.content.decode()
    assert not MissionTemplate.objects.exists()  # nothing saved
    good = "---\nname: note\nlanguage: en\nkind: thanks\n---\nThank you, {{ recipient.name }}.\n"
    response = officer_client.post("/letters/templates/save/", {"text": good})
    assert response.status_code == 302
    record = MissionTemplate.objects.get(mission=embassy, name="note", language="en")
    assert record.text == good and record.created_by == letters_officer
    assert library.find_for(letters_officer, embassy, "note").kind == "thanks"
    page = officer_client.get("/letters/?template=note&lang=en").content.decode()
    assert "the mission&#x27;s" in page or "the mission's" in page
    assert f"/letters/templates/{record.pk}/history/" in page


def test_review_queue_lists_recipients_and_edits_and_approvals_are_audited(
    officer_client, letters_officer, farewell_world, pelosi, posting
):
    job = create_job(officer_client, posting)
    page = officer_client.get(f"/letters/jobs/{job.pk}/").content.decode()
    assert "Dear President Carter," in page and "Dear Speaker Pelosi," in page
    assert "I remember with gratitude our meeting" in page
    row = job.rows.get(person=farewell_world)
    response = officer_client.post(
        f"/letters/jobs/{job.pk}/rows/{row.pk}/",
        {"salutation": "Dear Mr. President,", "personal": "Your hope stays with me."},
        **HX,
    )
    assert response.status_code == 200 and "Your hope stays with me." in response.content.decode()
    row.refresh_from_db()
    assert row.personal == "Your hope stays with me." and row.salutation == "Dear Mr. President,"
    assert row.history.first().history_user == letters_officer
    officer_client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/", {"approved": "1"}, **HX)
    row.refresh_from_db()
    assert row.approved and row.approved_by == letters_officer
    assert row.history.first().operation.source == "web"
    officer_client.post(f"/letters/jobs/{job.pk}/approve-all/")
    # Speaker Pelosi's line is still a suggestion no one has read: approve all leaves it.
    assert list(MergeRow.objects.filter(job=job, approved=False)) == [job.rows.get(person=pelosi)]


def test_the_merge_runs_in_the_background_and_the_zip_has_one_pdf_per_approved_recipient(
    officer_client, farewell_world, pelosi, posting, django_capture_on_commit_callbacks
):
    job = create_job(officer_client, posting)
    row = job.rows.get(person=pelosi)
    officer_client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/", {"approved": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(f"/letters/jobs/{job.pk}/produce/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.run_status == RunStatus.QUEUED
    fragment = officer_client.get(f"/letters/jobs/{job.pk}/progress/", **HX).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    # What the worker does with the queued task, run here synchronously (the worker loop itself
    # closes connections between tasks, which a test transaction cannot allow).
    queued = DBTaskResult.objects.ready().get()
    assert queued.task_path == "legation.letters.merge.jobs.produce_merge_job"
    assert queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]) == "done"
    job.refresh_from_db()
    assert (job.run_status, job.status, job.run_error) == ("done", "produced", "")
    assert job.progress_done == 1
    fragment = officer_client.get(f"/letters/jobs/{job.pk}/progress/", **HX)
    assert "/download/" in fragment.content.decode() and fragment["HX-Refresh"] == "true"
    response = officer_client.get(f"/letters/jobs/{job.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert pdfs == [f"pelosi-nancy-{pelosi.pk}.pdf"]
    assert archive.read(pdfs[0]).startswith(b"%PDF")
    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert "sent" in manifest and "not approved" in manifest
    assert Engagement.objects.filter(kind="letter_sent", people=pelosi).count() == 1
    assert not Engagement.objects.filter(kind="letter_sent", people=farewell_world).exists()


def test_an_interrupted_run_is_marked_failed_discarded_and_can_run_again(
    officer_client, letters_officer, farewell_world, posting, django_capture_on_commit_callbacks
):
    job = create_job(officer_client, posting)
    row = job.rows.get()
    officer_client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/",
                        {"personal": row.personal, "confirm": "1"})  # fmt: skip
    officer_client.post(f"/letters/jobs/{job.pk}/approve-all/")
    assert job.rows.get().approved
    MergeJob.objects.filter(pk=job.pk).update(run_status=RunStatus.RUNNING, progress_total=1)
    partial = jobs.run_folder(job)
    partial.mkdir(parents=True)
    (partial / "carter-jimmy-1.pdf").write_bytes(b"%PDF half")
    assert jobs.recover_interrupted() == 1
    job.refresh_from_db()
    assert (job.run_status, job.run_error, job.status) == ("failed", "interrupted", "review")
    assert not partial.exists()
    assert not Engagement.objects.filter(kind="letter_sent").exists()
    page = officer_client.get(f"/letters/jobs/{job.pk}/").content.decode()
    assert "failed" in page and "interrupted" in page and 'id="rerun"' in page
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/letters/jobs/{job.pk}/produce/")
    assert jobs.run_merge_job(job.pk, letters_officer.pk, workers=1) == "done"
    assert Engagement.objects.filter(kind="letter_sent", people=farewell_world).count() == 1


def test_a_reader_has_nothing_to_send_and_another_mission_sees_no_job(
    client, officer_client, letters_reader, outsider, farewell_world, posting
):
    job = create_job(officer_client, posting)
    row = job.rows.first()
    client.force_login(letters_reader)
    for url in ["/letters/", "/letters/jobs/", f"/letters/jobs/{job.pk}/"]:
        assert client.get(url).status_code == 403
    response = client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/", {"personal": "x"})
    assert response.status_code == 403
    client.force_login(outsider)
    assert client.get(f"/letters/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/letters/jobs/{job.pk}/download/").status_code == 404
    assert client.post(f"/letters/jobs/{job.pk}/produce/").status_code == 404
    assert client.get("/letters/").status_code == 200  # an officer elsewhere: their own letters
    client.logout()
    assert client.get("/letters/").status_code == 302  # login required


def test_a_user_without_restricted_clearance_never_sees_restricted_notes_in_suggestions(
    client, letters_internal_officer, embassy, farewell_world, posting
):
    factories.EngagementFactory(
        mission=embassy, people=[farewell_world], staff=[posting], subject="Back-channel",
        notes="SECRET: the back channel", sensitivity=Sensitivity.RESTRICTED,
    )  # fmt: skip
    PersonNote.objects.create(
        person=farewell_world, text="personal: SECRET line", sensitivity=Sensitivity.RESTRICTED
    )
    client.force_login(letters_internal_officer)
    job = create_job(client, posting)
    page = client.get(f"/letters/jobs/{job.pk}/").content.decode()
    assert "Conversation on hope" in page
    assert "SECRET" not in page and "Back-channel" not in page


def test_letters_a_run_could_not_produce_are_counted_and_explained_on_the_job_page(
    officer_client, farewell_world, posting
):
    """A letter stopped at the renderer's limits leaves the run done but says why, in the job's
    own words, without naming the recipient."""
    from legation.letters.merge.production import Outcome

    stopped = Outcome(person=farewell_world, status="error: template: stopped at 2 s of CPU")
    message = jobs._not_produced([stopped, Outcome(person=farewell_world, status="rendered")][:1])
    assert message == "1 letter was not produced: template: stopped at 2 s of CPU"
    assert jobs._not_produced([]) == ""
    job = create_job(officer_client, posting)
    MergeJob.objects.filter(pk=job.pk).update(
        run_status=RunStatus.DONE, status=MergeJob.Status.PRODUCED, run_error=message
    )
    page = officer_client.get(f"/letters/jobs/{job.pk}/").content.decode()
    assert 'id="not-produced"' in page and "stopped at 2 s of CPU" in page


def test_approving_one_recipient_says_so_in_the_singular(officer_client, farewell_world, posting):
    job = create_job(officer_client, posting)
    row = job.rows.get()
    officer_client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/",
                        {"personal": row.personal, "confirm": "1"})  # fmt: skip
    response = officer_client.post(f"/letters/jobs/{job.pk}/approve-all/", follow=True)
    text = response.content.decode()
    assert "1 recipient approved." in text and "1 recipients" not in text


def test_starting_a_review_warns_of_chinese_letters_to_people_without_a_chinese_name(
    officer_client, embassy, posting
):
    from legation.people.models import Tag

    baker = factories.PersonFactory(
        mission=embassy, family_name="Baker", given_name="Ann", title="Mayor"
    )
    baker.tags.add(Tag.objects.create(mission=embassy, name="lang:zh"))
    add_address(baker)
    factories.EngagementFactory(mission=embassy, people=[baker], staff=[posting])
    response = officer_client.post(
        "/letters/jobs/",
        {"template": "farewell", "filter": "met-by=P-QIN", "posting": posting.pk,
         "letter_date": "2022-12-30", "format": "pdf", "auto_language": "on"},
        follow=True,
    )  # fmt: skip
    assert MergeJob.objects.latest("pk").rows.get(person=baker).salutation == "尊敬的Baker市长："
    assert "No Chinese name recorded for Ann Baker" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message"), [("en", "met-by: no posting “NOPE”"), ("zh", "met-by：没有岗位“NOPE”")]
)
def test_a_merge_whose_filter_names_no_posting_is_refused_with_the_reason(
    officer_client, farewell_world, posting, language, message
):
    officer_client.cookies["django_language"] = language
    response = officer_client.post(
        "/letters/jobs/",
        {"template": "farewell", "filter": "met-by=NOPE", "posting": posting.pk,
         "letter_date": "2022-12-30", "format": "pdf"},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not MergeJob.objects.exists()
