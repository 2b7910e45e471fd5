"""Refs are unique per mission, and a clash never reveals a record the user cannot see.

The persona matrix: an officer of our mission, an officer of another mission (`outsider`) and a
reader meet refs held by records they can and cannot see, through the services, the pages, the
import (dry run and real) and the commands.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.models import Sensitivity
from legation.core.refs import REF_TAKEN
from legation.engagements import services as ledger
from legation.engagements.models import Engagement, Posting
from legation.intake.importers import commit, preview
from legation.people import services as people
from legation.people.models import Organisation, Person
from tests import factories

TAKEN = str(REF_TAKEN)
LEAKS = ("cannot see", "already exists", "another mission", "Mission and")


def messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@pytest.fixture
def write(tmp_path):
    def _write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def theirs(other_mission):
    """Records of another mission holding the refs an officer of ours is about to use."""
    person = factories.PersonFactory(mission=other_mission, ref="R-1", family_name="Far")
    factories.OrganisationFactory(mission=other_mission, ref="R-1", name_en="Far Org")
    factories.PostingFactory(mission=other_mission, person=person, ref="R-1")
    factories.EngagementFactory(mission=other_mission, ref="R-1", sensitivity=Sensitivity.PUBLIC)
    return other_mission


def _create_each(user, mission, ref):
    person = people.person_create(actor=user, mission=mission, ref=ref, family_name="Near")
    return [
        person,
        people.organisation_create(actor=user, mission=mission, ref=ref, name_en="Near Org"),
        ledger.posting_create(
            actor=user,
            mission=mission,
            person=person,
            ref=ref,
            role="officer",
            arrival=dt.date(2022, 1, 1),
        ),
        ledger.engagement_create(
            actor=user,
            mission=mission,
            ref=ref,
            kind="meeting",
            start=dt.date(2022, 3, 1),
            subject="Near talk",
            people=[factories.PersonFactory(mission=mission)],
        ),
    ]


def test_a_ref_held_in_another_mission_is_free_in_ours(theirs, mission, head):
    records = _create_each(head, mission, "R-1")
    assert [r.ref for r in records] == ["R-1"] * 4
    assert [type(r).objects.filter(ref="R-1").count() for r in records] == [2, 2, 2, 2]


def test_a_ref_held_in_our_mission_is_refused_in_one_wording(mission, head):
    _create_each(head, mission, "R-2")
    for attempt in (
        lambda: people.person_create(actor=head, mission=mission, ref="R-2", family_name="X"),
        lambda: people.organisation_create(actor=head, mission=mission, ref="R-2", name_en="X"),
        lambda: ledger.posting_create(
            actor=head,
            mission=mission,
            person=Person.objects.get(ref="R-2"),
            ref="R-2",
            role="officer",
            arrival=dt.date(2023, 1, 1),
        ),
        lambda: ledger.engagement_create(
            actor=head,
            mission=mission,
            ref="R-2",
            kind="call",
            start=dt.date(2022, 4, 1),
            subject="Y",
            people=[factories.PersonFactory(mission=mission)],
        ),
    ):
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.message_dict == {"ref": [TAKEN]}


def test_a_clash_with_an_invisible_record_reads_like_a_clash_with_a_visible_one(
    mission, internal_officer
):
    factories.EngagementFactory(mission=mission, ref="SECRET-1", sensitivity=Sensitivity.RESTRICTED)
    factories.EngagementFactory(mission=mission, ref="OPEN-1", sensitivity=Sensitivity.PUBLIC)
    said = []
    for ref in ("SECRET-1", "OPEN-1"):
        with pytest.raises(ValidationError) as caught:
            ledger.engagement_create(
                actor=internal_officer,
                mission=mission,
                ref=ref,
                kind="call",
                start=dt.date(2022, 4, 1),
                subject="Y",
                people=[factories.PersonFactory(mission=mission)],
            )
        said.append(caught.value.message_dict)
    assert said[0] == said[1] == {"ref": [TAKEN]}
    # Renaming a visible record to the invisible one's ref: the same words again.
    visible = Engagement.objects.get(ref="OPEN-1")
    with pytest.raises(ValidationError) as caught:
        ledger.engagement_update(actor=internal_officer, engagement=visible, ref="SECRET-1")
    assert caught.value.message_dict == {"ref": [TAKEN]}


@pytest.mark.parametrize("persona", ["officer", "outsider", "reader"])
def test_persona_matrix_of_ref_clashes(request, theirs, mission, persona):
    """Each persona, using the refs of the other mission's records from their own mission."""
    user = request.getfixturevalue(persona)
    own = theirs if persona == "outsider" else mission
    if persona == "reader":
        with pytest.raises(PermissionDenied):
            people.person_create(actor=user, mission=own, ref="R-1", family_name="X")
        return
    try:
        people.person_create(actor=user, mission=own, ref="R-1", family_name="X")
    except ValidationError as exc:
        said = " ".join(messages_of(exc))
        assert persona == "outsider" and said == TAKEN  # their own record: an ordinary clash
    else:
        assert persona == "officer"


def test_import_dry_run_and_commit_accept_a_ref_of_another_mission(theirs, mission, officer, write):
    for kind, text in (
        ("people", "ref,family_name\nR-1,Near\n"),
        ("organisations", "ref,name_en\nR-1,Near Org\n"),
        ("engagements", "ref,date,kind,subject\nR-1,2022-03-01,meeting,Near talk\n"),
    ):
        path = write(f"{kind}.csv", text)
        dry = preview(kind, path, actor=officer, mission=mission)
        assert dry.counts["created"] == 1, (kind, [str(i) for i in dry.issues])
        done = commit(kind, path, actor=officer, mission=mission)
        assert done.counts["created"] == 1
    assert Person.objects.get(mission=mission, ref="R-1").family_name == "Near"
    assert Organisation.objects.filter(ref="R-1").count() == 2


def test_import_of_a_ref_held_by_an_invisible_engagement_reads_as_an_ordinary_clash(
    mission, internal_officer, write
):
    factories.EngagementFactory(mission=mission, ref="SECRET-1", sensitivity=Sensitivity.RESTRICTED)
    path = write("e.csv", "ref,date,kind,subject\nSECRET-1,2022-03-01,call,Hello\n")
    report = preview("engagements", path, actor=internal_officer, mission=mission)
    assert [i.reason for i in report.issues] == [TAKEN]
    assert not any(leak in str(report.as_dict()) for leak in LEAKS)


def test_import_of_a_mission_ref_that_is_taken_does_not_say_by_whom(other_mission, head, write):
    path = write("m.csv", "ref,name_en\nCG-SF,Somewhere\n")
    report = preview("missions", path, actor=head)
    assert [i.reason for i in report.issues] == [TAKEN]


def test_postings_and_commitments_import_look_refs_up_in_the_import_mission(
    theirs, mission, head, write
):
    factories.PersonFactory(mission=mission, ref="R-1", family_name="Near")
    factories.EngagementFactory(mission=mission, ref="R-1", subject="Ours")
    path = write("p.csv", "ref,person,role,arrival\nR-1,R-1,officer,2022-01-01\n")
    report = commit("postings", path, actor=head, mission=mission)
    assert report.counts["created"] == 1, [str(i) for i in report.issues]
    posting = Posting.objects.get(mission=mission, ref="R-1")
    assert posting.person.mission == mission
    path = write("c.csv", "engagement,description,requested_by\nR-1,Send it,R-1\n")
    report = commit("commitments", path, actor=head, mission=mission)
    assert report.counts["created"] == 1, [str(i) for i in report.issues]
    commitment = Engagement.objects.get(mission=mission, ref="R-1").commitments.get()
    assert commitment.requested_by.mission == mission


def test_the_person_page_accepts_another_missions_ref_and_refuses_a_clash_plainly(
    client, theirs, mission, officer
):
    client.force_login(officer)
    form = {"family_name": "Near", "name_order": "western", "ref": "R-1"}
    page = client.post("/people/new/", form)
    assert page.status_code == 302, page.content.decode()[:2000]
    page = client.post("/people/new/", {**form, "family_name": "Again"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="id_ref_error"' in html
    assert TAKEN.replace("'", "&#x27;") in html
    assert not any(leak in html for leak in LEAKS)


# Commands: refs looked up among the acting user's missions; --mission picks one.


@pytest.fixture
def two_missions(theirs, mission, django_user_model):
    """A head of both missions, each with a posting P-X and a person R-1."""
    user = factories.user_with_role(
        "both", "head_of_mission", [mission, theirs], Sensitivity.PUBLIC
    )
    near = factories.PersonFactory(mission=mission, ref="R-1", family_name="Near")
    factories.PostingFactory(mission=mission, person=near, ref="P-X", arrival=dt.date(2021, 1, 1))
    factories.PostingFactory(
        mission=theirs, person=factories.PersonFactory(mission=theirs), ref="P-X"
    )
    return user


def test_stats_posting_ref_is_looked_up_in_the_users_missions(two_missions, officer, outsider):
    out = StringIO()
    call_command("stats", "--posting", "P-X", "--json", "--as", "officer", stdout=out)
    assert json.loads(out.getvalue())["mission"] == "EMB-US"
    out = StringIO()
    call_command("stats", "--posting", "P-X", "--json", "--as", "outsider", stdout=out)
    assert json.loads(out.getvalue())["mission"] == "CG-SF"


def test_an_ambiguous_ref_asks_for_mission(two_missions):
    with pytest.raises(CommandError, match="--mission"):
        call_command("stats", "--posting", "P-X", "--json", "--as", "both", stdout=StringIO())
    out = StringIO()
    call_command(
        "stats", "--posting", "P-X", "--mission", "CG-SF", "--json", "--as", "both", stdout=out
    )
    assert json.loads(out.getvalue())["mission"] == "CG-SF"
    with pytest.raises(CommandError, match="--mission: No mission"):
        call_command(
            "stats", "--posting", "P-X", "--mission", "NOPE", "--as", "both", stdout=StringIO()
        )


def test_people_merge_looks_refs_up_in_the_chosen_mission(two_missions, mission):
    factories.PersonFactory(mission=mission, ref="R-2", family_name="Near")
    with pytest.raises(CommandError, match="--mission"):
        call_command("people", "merge", "R-1", "R-2", "--as", "both", stdout=StringIO())
    call_command(
        "people", "merge", "R-1", "R-2", "--mission", "EMB-US", "--as", "both", stdout=StringIO()
    )
    assert not Person.objects.filter(ref="R-2").exists()
    assert Person.objects.filter(ref="R-1").count() == 2  # the other mission's is untouched


def test_people_merge_cannot_name_another_missions_person(theirs, mission, officer):
    factories.PersonFactory(mission=mission, ref="R-2", family_name="Near")
    with pytest.raises(CommandError, match="No person 'R-1'"):
        call_command("people", "merge", "R-2", "R-1", "--as", "officer", stdout=StringIO())


def test_letters_render_looks_the_recipient_up_in_the_chosen_mission(two_missions, tmp_path):
    out = tmp_path / "letter.txt"
    with pytest.raises(CommandError, match="choose one with --mission REF"):
        call_command(
            "letters", "render", "farewell", "--to", "R-1", "--format", "txt", "-o", str(out),
            "--as", "both", stdout=StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="--mission: No mission 'NOPE'"):
        call_command(
            "letters", "render", "farewell", "--to", "R-1", "--mission", "NOPE", "--format",
            "txt", "-o", str(out), "--as", "both", stdout=StringIO(),
        )  # fmt: skip


def test_the_import_command_dry_run_says_taken_and_nothing_more(mission, internal_officer, write):
    factories.EngagementFactory(mission=mission, ref="SECRET-1", sensitivity=Sensitivity.RESTRICTED)
    path = write("e.csv", "ref,date,kind,subject\nSECRET-1,2022-03-01,call,Hello\n")
    out = StringIO()
    call_command("import", "engagements", str(path), "--dry-run", "--as", "officer2", stdout=out)
    text = out.getvalue()
    assert TAKEN in text and not any(leak in text for leak in LEAKS)


def test_the_constraint_itself_speaks_the_same_words(theirs, mission):
    """What the admin's forms show (they validate the model's constraints)."""
    factories.PersonFactory(mission=mission, ref="R-3")
    Person(mission=mission, ref="R-1", family_name="Free").full_clean()  # theirs: no clash
    with pytest.raises(ValidationError) as caught:
        Person(mission=mission, ref="R-3", family_name="Clash").full_clean()
    assert messages_of(caught.value) == [TAKEN]
