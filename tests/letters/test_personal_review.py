"""In the review queue a machine suggestion is visibly a suggestion, and nothing a person has not
read goes out as a personal line: "approve all" takes only rows whose line a person wrote,
confirmed or cleared (or that have none); the command-line merge never uses a suggestion."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from legation.core.models import Sensitivity
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import jobs
from legation.letters.merge.review import (
    merge_job_approve_all,
    merge_job_create,
    merge_job_produce,
    merge_row_approve,
    merge_row_update,
)
from legation.letters.models import MergeRow
from legation.people.models import PersonNote
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address, at

HX = {"HTTP_HX_REQUEST": "true"}
SUGGESTION_EN = "I remember with gratitude our meeting in Sacramento on June 1, 2022."


@pytest.fixture
def people(embassy, posting, farewell_world):
    """Carter and Pelosi get suggestions, Noted has a "personal:" note, Quiet nothing to recall
    but a restricted call (so no suggestion)."""
    made = {"Carter": farewell_world}
    for name, kind in (("Pelosi", "suggested"), ("Noted", "note"), ("Quiet", "none")):
        person = factories.PersonFactory(mission=embassy, family_name=name, given_name="A")
        add_address(person)
        factories.EngagementFactory(
            mission=embassy, people=[person], staff=[posting], start=at(dt.date(2022, 6, 1)),
            city="Sacramento", region=factories.region("US-CA"),
            sensitivity=Sensitivity.RESTRICTED if kind == "none" else Sensitivity.INTERNAL,
        )  # fmt: skip
        if kind == "note":
            PersonNote.objects.create(person=person, text="personal: Your garden was lovely.")
        made[name] = person
    return made


def job_for(actor, posting, language="en"):
    return merge_job_create(
        actor=actor, template=find_template(f"farewell.{language}"), segment="met-by=P-QIN",
        posting=posting, letter_date=LETTER_DATE, fmt="txt",
    )  # fmt: skip


def rows_of(job):
    return {r.person.family_name: r for r in job.rows.select_related("person")}


def test_rows_say_who_their_line_comes_from(people, posting, letters_officer):
    rows = rows_of(job_for(letters_officer, posting))
    assert {name: r.personal_source for name, r in rows.items()} == {
        "Carter": "machine", "Pelosi": "machine", "Noted": "note", "Quiet": "",
    }  # fmt: skip
    assert rows["Pelosi"].personal == SUGGESTION_EN and rows["Pelosi"].is_suggestion
    assert rows["Noted"].personal == "Your garden was lovely." and not rows["Noted"].is_suggestion
    zh = rows_of(job_for(letters_officer, posting, "zh"))
    assert zh["Pelosi"].personal == "我还记得2022年6月1日我们在萨克拉门托的会见。"


def test_approve_all_leaves_unconfirmed_suggestions_pending_until_a_person_acts(
    people, posting, letters_officer
):
    job = job_for(letters_officer, posting)
    assert merge_job_approve_all(actor=letters_officer, job=job) == 2  # Noted, Quiet
    rows = rows_of(job)
    assert {n for n, r in rows.items() if r.approved} == {"Noted", "Quiet"}
    # Saving only the salutation does not make the suggestion the officer's.
    carter = merge_row_update(actor=letters_officer, row=rows["Carter"],
                              salutation="Dear Mr. President,", personal=rows["Carter"].personal)  # fmt: skip
    assert carter.personal_source == "machine"
    assert merge_job_approve_all(actor=letters_officer, job=job) == 0
    # Written, confirmed, cleared: each is a person's decision, and approve all takes it.
    carter = merge_row_update(actor=letters_officer, row=carter, personal="Your hope stays.")
    pelosi = merge_row_update(actor=letters_officer, row=rows["Pelosi"], confirm=True)
    assert (carter.personal_source, pelosi.personal_source) == ("person", "confirmed")
    assert pelosi.personal == SUGGESTION_EN
    assert merge_job_approve_all(actor=letters_officer, job=job) == 2
    cleared = merge_row_update(actor=letters_officer, row=pelosi, personal="  ")
    assert (cleared.personal, cleared.personal_source, cleared.approved) == ("", "cleared", False)
    assert merge_job_approve_all(actor=letters_officer, job=job) == 1
    history = [h.personal_source for h in MergeRow.history.filter(id=pelosi.pk).order_by("pk")]
    assert history[0] == "machine" and history[-1] == "cleared" and "confirmed" in history


def test_approving_a_row_itself_confirms_the_suggestion_it_shows(people, posting, letters_officer):
    job = job_for(letters_officer, posting)
    row = merge_row_approve(actor=letters_officer, row=rows_of(job)["Pelosi"])
    assert row.approved and row.personal_source == "confirmed"
    assert row.history.first().history_user == letters_officer


def test_a_suggestion_approved_unread_is_never_produced(tmp_path, people, posting, letters_officer):
    """Rows approved before the rule (or by hand in the database) are stopped at production."""
    job = job_for(letters_officer, posting)
    MergeRow.objects.filter(job=job).update(approved=True)
    with pytest.raises(ValidationError, match="suggested personal line no one has confirmed"):
        jobs.merge_job_start(actor=letters_officer, job=job)
    with pytest.raises(ValidationError, match="suggested personal line no one has confirmed"):
        merge_job_produce(actor=letters_officer, job=job, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_migration_marks_old_suggestions_and_withdraws_their_approval(
    people, posting, letters_officer
):
    job = job_for(letters_officer, posting)
    rows = rows_of(job)
    merge_row_update(actor=letters_officer, row=rows["Carter"], personal="Mine.")
    MergeRow.objects.filter(job=job).update(personal_source="", approved=True)
    MergeRow.objects.filter(pk=rows["Carter"].pk).update(suggestion_source="")
    migration = importlib.import_module(
        "legation.letters.migrations.0005_merge_row_personal_source"
    )
    migration.backfill(apps, None)
    after = rows_of(job)
    assert {n: (r.personal_source, r.approved) for n, r in after.items()} == {
        "Carter": ("person", True), "Pelosi": ("machine", False), "Noted": ("note", True),
        "Quiet": ("", True),
    }  # fmt: skip


def test_the_command_line_merge_never_sends_a_suggestion(tmp_path, people, posting, embassy):
    """Personal lines on the command line come from --personal-csv or "personal:" notes, which a
    person wrote; the suggestions of the review queue are never used there."""
    csv = tmp_path / "lines.csv"
    csv.write_text(f"person,personal\n{people['Pelosi'].pk},Thank you for the tour.\n")
    call_command(
        "letters", "merge", "farewell", "--to", "met-by=P-QIN", "--from", "P-QIN", "--date",
        "2022-12-30", "--format", "txt", "--out", str(tmp_path / "out"), "--workers", "1",
        "--personal-csv", str(csv), "--draft", stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    texts = {p.stem.split("-")[0]: p.read_text() for p in (tmp_path / "out").glob("*.txt")}
    assert "Thank you for the tour." in texts["pelosi"]
    assert "Your garden was lovely." in texts["noted"]
    for text in texts.values():
        assert "I remember with gratitude" not in text and "I will not forget" not in text


# The review page, with the interface in English and in Chinese.
UI = {
    "en": {
        "badge": ">suggested</span>",
        "count2": "2 suggested lines not yet read",
        "count1": "1 suggested line not yet read",
        "pending": "2 recipients are still pending: their personal lines are suggestions",
        "use": "Use this suggestion",
    },
    "zh-hans": {
        "badge": ">建议</span>",
        "count2": "2条建议语句尚未阅读",
        "count1": "1条建议语句尚未阅读",
        "pending": "仍有2位收件人待批准：其个人化语句是尚未经人确认的系统建议",
        "use": "采用此建议",
    },
}


@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_the_review_page_marks_suggestions_and_says_why_approve_all_left_them(
    client, ui, people, posting, letters_officer
):
    said = UI[ui]
    client.force_login(letters_officer)
    client.post("/language/", {"language": ui, "next": "/"})
    job = job_for(letters_officer, posting)
    rows = rows_of(job)
    page = client.get(f"/letters/jobs/{job.pk}/").content.decode()
    assert page.count('class="badge suggested"') >= 3  # two rows and the count
    assert said["badge"] in page and said["count2"] in page and said["use"] in page
    assert f'id="suggested-{rows["Pelosi"].pk}"' in page
    assert f'id="suggested-{rows["Noted"].pk}"' not in page
    textarea = re.search(rf'<textarea id="personal-{rows["Pelosi"].pk}"[^>]*>', page).group(0)
    assert "suggested" in textarea.split("class=")[1]
    page = client.post(f"/letters/jobs/{job.pk}/approve-all/", follow=True).content.decode()
    assert said["pending"] in page
    assert {n for n, r in rows_of(job).items() if r.approved} == {"Noted", "Quiet"}

    # "Use this suggestion" through htmx: the row comes back without the mark, and the page's
    # count is swapped out of band.
    pelosi = rows["Pelosi"]
    response = client.post(
        f"/letters/jobs/{job.pk}/rows/{pelosi.pk}/",
        {"salutation": pelosi.salutation, "personal": pelosi.personal, "confirm": "1"}, **HX,
    )  # fmt: skip
    fragment = response.content.decode()
    assert response.status_code == 200 and fragment.lstrip().startswith(f'<tr id="row-{pelosi.pk}"')
    assert f'id="suggested-{pelosi.pk}"' not in fragment and said["use"] not in fragment
    assert 'id="suggested-count"' in fragment and 'hx-swap-oob="true"' in fragment
    assert said["count1"] in fragment
    pelosi.refresh_from_db()
    assert pelosi.personal_source == "confirmed" and pelosi.personal == SUGGESTION_EN
    # Editing Carter's line (without htmx) makes it the officer's: nothing is left to read.
    carter = rows["Carter"]
    client.post(f"/letters/jobs/{job.pk}/rows/{carter.pk}/",
                {"salutation": carter.salutation, "personal": "Your hope stays with me."})  # fmt: skip
    page = client.get(f"/letters/jobs/{job.pk}/").content.decode()
    assert 'class="badge suggested"' not in page
    client.post(f"/letters/jobs/{job.pk}/approve-all/")
    assert all(r.approved for r in rows_of(job).values())


# The review queue in the interface language: the sender's name and title, each recipient's
# title (a former president is "former President" / 前总统, as the forms of address put it) and
# the kind of engagement a suggestion came from; never the English record on a Chinese page.
SHOWN = {
    "en": {
        "sender": "<dd>Qin Gang, Ambassador</dd>",
        "carter": "English · former President</div>",
        "ms": "English · Ms.</div>",
        "source": "Suggested from: 1 Nov 2022 meeting: Conversation on hope",
        "not": ["· President</div>", "秦刚", "会见"],
    },
    "zh-hans": {
        "sender": "<dd>秦刚，大使</dd>",
        "carter": "English · 前总统</div>",
        "ms": "English · 女士</div>",
        "source": "建议来源：2022年11月1日 会见：Conversation on hope",
        # (the salutations and lines are the English letter's own words)
        "not": ["Qin Gang", "Ambassador", "· President", "· Ms.", " meeting:", "former"],
    },
}


@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_the_review_queue_names_sender_recipients_and_sources_in_the_interface_language(
    client, ui, people, posting, letters_officer
):
    people["Pelosi"].title = "Ms."
    people["Pelosi"].save()
    job = job_for(letters_officer, posting)  # made in English: what is stored stays English
    assert rows_of(job)["Carter"].suggestion_source.startswith("2022-11-01 meeting: ")
    client.force_login(letters_officer)
    client.post("/language/", {"language": ui, "next": "/"})
    page = client.get(f"/letters/jobs/{job.pk}/").content.decode()
    shown = SHOWN[ui]
    assert shown["sender"] in page
    assert shown["carter"] in page and shown["ms"] in page
    assert shown["source"] in page
    main = page.split("<main", 1)[1]
    for text in shown["not"]:
        assert text not in main, text
    # A row swapped in by htmx says the same.
    carter = rows_of(job)["Carter"]
    fragment = client.post(
        f"/letters/jobs/{job.pk}/rows/{carter.pk}/",
        {"salutation": carter.salutation, "personal": carter.personal}, **HX,
    ).content.decode()  # fmt: skip
    assert shown["carter"] in fragment
    # The list of merges names the sender the same way.
    listing = client.get("/letters/jobs/").content.decode()
    assert shown["sender"].removeprefix("<dd>").removesuffix("</dd>") in listing


def test_a_source_stored_in_chinese_is_shown_in_english_on_an_english_page(settings):
    from django.utils import translation

    from legation.letters.merge.review_display import suggestion_source

    with translation.override("en"):
        assert suggestion_source("2022-11-01 会见: 拜会") == "1 Nov 2022 meeting: 拜会"
        assert suggestion_source("2022-11-01 site visit: Farm") == "1 Nov 2022 site visit: Farm"
        assert suggestion_source("a note with no date") == "a note with no date"
    with translation.override("zh-hans"):
        assert suggestion_source("2022-11-01 site visit: Farm") == "2022年11月1日 实地考察：Farm"
        assert suggestion_source("2022-11-01 unknown: x") == "2022-11-01 unknown: x"
