"""One way in for writes: each entity's writes live in its own services module and check the
same rules on create and update, whoever calls them (pages, importers, the admin).

Each test names the hole it closes (issue 21, "One way in for writes, for real")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.test import RequestFactory

from legation.core.access import SYSTEM
from legation.core.models import Sensitivity
from legation.core.services import ConflictError
from legation.engagements import services as engagements
from legation.engagements.models import Commitment, Engagement, Fact
from legation.intake.importers import commit
from legation.people import services as people
from legation.people.models import Organisation, PersonNote, Tag
from tests import factories


@pytest.fixture
def write(tmp_path):
    def _write(name: str, content: str):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def talk(mission, ambassador_posting):
    return engagements.engagement_create(
        actor=SYSTEM,
        mission=mission,
        ref="E-TALK",
        kind="meeting",
        start=dt.datetime(2022, 4, 2, 9),
        subject="Harbour talks",
        people=[factories.PersonFactory(mission=mission)],
        sensitivity=Sensitivity.PUBLIC,
    )


@pytest.fixture
def restricted_commitment(talk):
    return engagements.commitment_create(
        actor=SYSTEM,
        engagement=talk,
        description="Arrange the private visit",
        sensitivity=Sensitivity.RESTRICTED,
    )


# -- commitment_update makes the checks commitment_create makes ---------------------------------


def test_an_officer_below_a_commitments_sensitivity_cannot_update_it(
    restricted_commitment, internal_officer
):
    with pytest.raises(ObjectDoesNotExist):
        engagements.commitment_update(
            actor=internal_officer,
            commitment=restricted_commitment,
            description="Arrange the visit",
            sensitivity=Sensitivity.INTERNAL,
        )
    restricted_commitment.refresh_from_db()
    assert restricted_commitment.description == "Arrange the private visit"
    assert restricted_commitment.sensitivity == Sensitivity.RESTRICTED


def test_the_commitments_importer_cannot_raise_a_commitment_above_the_importers_clearance(
    talk, internal_officer, mission, write
):
    engagements.commitment_create(actor=SYSTEM, engagement=talk, description="Send the book")
    path = write("c.csv", "engagement,description,sensitivity\nE-TALK,Send the book,restricted\n")
    report = commit("commitments", path, actor=internal_officer, mission=mission)
    assert report.counts.get("updated", 0) == 0
    assert Commitment.objects.get().sensitivity == Sensitivity.PUBLIC
    # ... nor update one above it: it is not found, and a new one at its level is refused too
    path = write("c.csv", "engagement,description,sensitivity\nE-TALK,Arrange the private visit,restricted\n")  # fmt: skip
    engagements.commitment_create(
        actor=SYSTEM,
        engagement=talk,
        description="Arrange the private visit",
        sensitivity=Sensitivity.RESTRICTED,
    )
    report = commit("commitments", path, actor=internal_officer, mission=mission)
    assert report.counts.get("updated", 0) == report.counts.get("created", 0) == 0
    assert Commitment.objects.count() == 2


# -- engagement_update takes tags (and links) with the rules of engagement_create ----------------


def test_an_engagement_update_with_another_missions_tag_is_refused(talk, officer, other_mission):
    theirs = Tag.objects.create(mission=other_mission, name="theirs")
    with pytest.raises(ValidationError) as refused:
        engagements.engagement_update(actor=officer, engagement=talk, tags=[theirs])
    assert "tags" in refused.value.message_dict
    assert not talk.tags.exists()
    with pytest.raises(ValidationError):
        engagements.engagement_create(
            actor=officer,
            mission=talk.mission,
            kind="meeting",
            start=dt.datetime(2022, 4, 3, 9),
            subject="Rail talks",
            people=list(talk.people.all()),
            tags=[theirs],
        )


# -- links added by an import: in the entity's services, same rules, a new version --------------


def test_engagement_link_refuses_another_missions_organisation_and_counts_a_version(
    talk, officer, mission, other_mission
):
    theirs = factories.OrganisationFactory(mission=other_mission)
    with pytest.raises(ValidationError):
        engagements.engagement_link(actor=SYSTEM, engagement=talk, organisations=[theirs])
    with pytest.raises(ValidationError):
        engagements.engagement_link(
            actor=SYSTEM,
            engagement=talk,
            tags=[Tag.objects.create(mission=other_mission, name="x")],
        )
    loaded = Engagement.objects.get(pk=talk.pk).version
    ours = factories.OrganisationFactory(mission=mission)
    engagements.engagement_link(
        actor=officer, engagement=talk, organisations=[ours], tags=["ports"]
    )
    assert Engagement.objects.get(pk=talk.pk).version == loaded + 1
    assert list(talk.organisations.all()) == [ours]
    with pytest.raises(ConflictError):  # an edit made on the version before the link
        engagements.engagement_update(
            actor=officer, engagement=talk, subject="Stale", expected_version=loaded
        )
    engagements.engagement_link(
        actor=officer, engagement=talk, organisations=[ours], tags=["ports"]
    )
    assert Engagement.objects.get(pk=talk.pk).version == loaded + 1  # nothing new: not counted


def test_person_add_tags_lives_with_the_people_and_counts_a_version(
    officer, mission, other_mission
):
    import legation.intake.services as intake_services

    assert not hasattr(intake_services, "person_add_tags")
    assert not hasattr(intake_services, "person_merge")
    person = factories.PersonFactory(mission=mission)
    loaded = person.version
    people.person_add_tags(actor=officer, person=person, tags=["vip"])
    person.refresh_from_db()
    assert person.version == loaded + 1 and [t.name for t in person.tags.all()] == ["vip"]
    with pytest.raises(ConflictError):
        people.person_save(
            actor=officer, person=person, expected_version=loaded, fields={"title": "Dr."}
        )
    with pytest.raises(ValidationError):
        people.person_add_tags(
            actor=officer, person=person, tags=[Tag.objects.create(mission=other_mission, name="x")]
        )


# -- organisations: the parent rule on update as on create --------------------------------------


def test_an_organisation_update_cannot_take_a_parent_of_another_mission(
    officer, mission, other_mission
):
    org = people.organisation_create(actor=officer, mission=mission, name_en="School of Law")
    theirs = factories.OrganisationFactory(mission=other_mission, name_en="Far University")
    with pytest.raises(ValidationError) as refused:
        people.organisation_update(actor=officer, organisation=org, parent=theirs)
    assert "parent" in refused.value.message_dict
    with pytest.raises(ValidationError):
        people.organisation_update(actor=SYSTEM, organisation=org, parent=theirs)
    with pytest.raises(ValidationError):
        people.organisation_create(actor=SYSTEM, mission=mission, name_en="Annex", parent=theirs)
    assert Organisation.objects.get(pk=org.pk).parent is None


def test_an_organisation_cannot_be_placed_under_itself(officer, mission):
    top = people.organisation_create(actor=officer, mission=mission, name_en="University")
    school = people.organisation_create(
        actor=officer, mission=mission, name_en="School", parent=top
    )
    with pytest.raises(ValidationError) as refused:
        people.organisation_update(actor=officer, organisation=top, parent=school)
    assert "parent" in refused.value.message_dict
    with pytest.raises(ValidationError):
        people.organisation_update(actor=officer, organisation=top, parent=top)
    assert Organisation.objects.get(pk=top.pk).parent is None


# -- notes only on people the actor can see -----------------------------------------------------


def test_a_note_cannot_be_added_to_a_person_the_actor_cannot_see(outsider, mission):
    person = factories.PersonFactory(mission=mission)
    with pytest.raises(ValidationError) as refused:
        people.person_add_note(actor=outsider, person=person, text="Seen from afar")
    assert "person" in refused.value.message_dict
    assert not PersonNote.objects.filter(person=person).exists()


# -- facts: the same value rules on create and update -------------------------------------------


def test_fact_aliases_given_as_text_are_a_list_on_update_as_on_create(mission):
    fact = engagements.fact_create(
        actor=SYSTEM, mission=mission, key="soy", label_en="Soy", aliases="a; b"
    )
    assert fact.aliases == ["a", "b"]
    engagements.fact_update(actor=SYSTEM, fact=fact, aliases="1.7 billion; 17亿")
    assert Fact.objects.get(pk=fact.pk).aliases == ["1.7 billion", "17亿"]


# -- the admin: an edit there counts a version like any other -----------------------------------


def test_an_admin_edit_counts_a_version_so_a_page_opened_before_it_is_refused(
    talk, head, restricted_commitment
):
    request = RequestFactory().post("/admin/")
    request.user = head
    loaded = talk.version
    model_admin = admin.site._registry[Engagement]
    talk.subject = "Harbour talks (admin)"
    model_admin.save_model(request, talk, form=None, change=True)
    assert Engagement.objects.get(pk=talk.pk).version == loaded + 1
    with pytest.raises(ConflictError):
        engagements.engagement_update(
            actor=head, engagement=talk, subject="Stale", expected_version=loaded
        )
    commitment_admin = admin.site._registry[Commitment]
    before = restricted_commitment.version
    restricted_commitment.description = "Arrange the visit"
    commitment_admin.save_model(request, restricted_commitment, form=None, change=True)
    assert Commitment.objects.get(pk=restricted_commitment.pk).version == before + 1
