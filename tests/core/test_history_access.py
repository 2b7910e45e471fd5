"""Who sees what in the audit trail: past versions, deleted records, restores and cascades.

The persona matrix of test_access.py, carried over to the history: a version is shown only to a
user cleared for it (its own sensitivity, for a commitment also its engagement's, then and now,
and the mission it belonged to); a deleted record is listed, shown and restored only by a user
cleared for it and for everything its restore would bring back; a delete is refused when it would
take along a record the actor cannot see.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from legation.core.audit import RestoreError, history_row_visible, restore_deleted, visible_history
from legation.core.deletion import HiddenDependants
from legation.core.models import Sensitivity
from legation.engagements import services as engagements
from legation.engagements.models import Commitment, Engagement, Posting
from legation.people import services as people
from legation.people.models import Organisation, Person, PersonNote
from tests import factories

PUB, INT, RES = Sensitivity.PUBLIC, Sensitivity.INTERNAL, Sensitivity.RESTRICTED

# persona fixture: cleared for restricted content of our mission?
CLEARED = {
    "head": True,
    "officer": True,
    "internal_officer": False,
    "assistant": False,
    "reader": False,
    "public_reader": False,
}
PERSONAS = sorted(CLEARED)


def _engagement(actor, mission, **fields):
    fields.setdefault("kind", "meeting")
    fields.setdefault("start", "2022-05-01 10:00")
    fields.setdefault("subject", "Port visit")
    if not fields.get("people"):  # an engagement is with someone
        fields.setdefault("organisations", [factories.OrganisationFactory(mission=mission)])
    return engagements.engagement_create(actor=actor, mission=mission, **fields)


@pytest.fixture
def declassified(mission, officer):
    """An engagement and its commitment written restricted, later made public with new text."""
    engagement = _engagement(officer, mission, notes="SECRET-NOTES", sensitivity=RES)
    commitment = engagements.commitment_create(
        actor=officer, engagement=engagement, description="SECRET-PROMISE", sensitivity=RES
    )
    engagements.engagement_update(
        actor=officer, engagement=engagement, notes="Open notes", sensitivity=PUB
    )
    engagements.commitment_update(
        actor=officer, commitment=commitment, description="Open promise", sensitivity=PUB
    )
    return engagement, commitment


# Item: past versions -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reads_only_the_past_versions_of_their_clearance(
    request, client, declassified, persona
):
    user = request.getfixturevalue(persona)
    engagement, commitment = declassified
    client.force_login(user)
    for label, obj, secret in [
        ("engagements.engagement", engagement, "SECRET-NOTES"),
        ("engagements.commitment", commitment, "SECRET-PROMISE"),
    ]:
        page = client.get(f"/history/{label}/{obj.pk}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert (secret in text) is CLEARED[persona], (label, persona)
        # The hidden versions are marked, without their content.
        assert ("not cleared to see" in text) is not CLEARED[persona], (label, persona)
        rows = list(type(obj).history.filter(id=obj.pk))
        shown = visible_history(rows, user)
        # Written restricted, then made public: the first version is the hidden one.
        assert len(shown) == len(rows) - (0 if CLEARED[persona] else 1)


def test_a_commitment_version_follows_its_engagement_at_that_time(mission, officer, reader):
    """A public commitment raised while its engagement was restricted revealed that engagement."""
    engagement = _engagement(officer, mission, subject="SECRET-TALKS", sensitivity=RES)
    commitment = engagements.commitment_create(
        actor=officer, engagement=engagement, description="Send the minutes", sensitivity=PUB
    )
    engagements.engagement_update(
        actor=officer, engagement=engagement, subject="Talks", sensitivity=PUB
    )
    engagements.commitment_update(actor=officer, commitment=commitment, description="Sent")
    first, second = Commitment.history.filter(id=commitment.pk).order_by("history_date")
    assert not history_row_visible(first, reader)
    assert history_row_visible(second, reader)
    assert history_row_visible(first, officer)


def test_a_commitment_version_follows_its_engagement_now(mission, officer, reader):
    """An engagement restricted later hides the commitment's past versions too."""
    engagement = _engagement(officer, mission, sensitivity=PUB)
    commitment = engagements.commitment_create(
        actor=officer, engagement=engagement, description="Open promise", sensitivity=PUB
    )
    row = Commitment.history.get(id=commitment.pk)
    assert history_row_visible(row, reader)
    engagements.engagement_update(actor=officer, engagement=engagement, sensitivity=RES)
    assert not history_row_visible(row, reader)


def test_versions_from_another_mission_are_not_shown(client, mission, other_mission, officer):
    engagement = factories.EngagementFactory(
        mission=other_mission, subject="THEIR-SUBJECT", sensitivity=PUB
    )
    engagement.mission = mission
    engagement.subject = "Ours now"
    engagement.save()
    client.force_login(officer)
    text = client.get(f"/history/engagements.engagement/{engagement.pk}/").content.decode()
    assert "Ours now" in text
    assert "THEIR-SUBJECT" not in text


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_history_shows_only_the_versions_of_the_users_clearance(
    request, client, declassified, persona
):
    user = request.getfixturevalue(persona)
    engagement, _ = declassified
    client.force_login(user)
    page = client.get(f"/admin/engagements/engagement/{engagement.pk}/history/")
    assert page.status_code == 200
    assert (b"SECRET-NOTES" in page.content) is CLEARED[persona]
    first = Engagement.history.filter(id=engagement.pk).earliest("history_date")
    version = client.get(
        f"/admin/engagements/engagement/{engagement.pk}/history/{first.history_id}/"
    )
    assert version.status_code == (200 if CLEARED[persona] else 404)


def test_an_officer_of_another_mission_sees_no_history(client, declassified, outsider):
    engagement, commitment = declassified
    client.force_login(outsider)
    assert client.get(f"/history/engagements.engagement/{engagement.pk}/").status_code == 404
    assert client.get(f"/history/engagements.commitment/{commitment.pk}/").status_code == 404
    row = Engagement.history.filter(id=engagement.pk).latest("history_date")
    assert not history_row_visible(row, outsider)


# Item: deleted records ----------------------------------------------------------------------


@pytest.fixture
def deleted_with_restricted_engagement(mission, officer):
    """A public commitment of a restricted engagement, deleted with it by a cleared officer."""
    engagement = _engagement(officer, mission, subject="SECRET-TALKS", sensitivity=RES)
    commitment = engagements.commitment_create(
        actor=officer, engagement=engagement, description="Public promise", sensitivity=PUB
    )
    engagements.engagement_delete(actor=officer, engagement=engagement)
    return engagement.pk, commitment.pk


@pytest.mark.parametrize("persona", [*PERSONAS, "outsider"])
def test_a_deleted_commitment_follows_its_engagement(
    request, client, deleted_with_restricted_engagement, persona
):
    user = request.getfixturevalue(persona)
    engagement_pk, commitment_pk = deleted_with_restricted_engagement
    cleared = CLEARED.get(persona, False)
    client.force_login(user)
    url = f"/history/engagements.commitment/{commitment_pk}/"
    assert client.get(url).status_code == (200 if cleared else 404)
    listing = client.get("/admin/engagements/commitment/deleted/")
    assert (b"Public promise" in listing.content) is (cleared and listing.status_code == 200)
    if not cleared:
        assert client.post(url + "restore/").status_code == 404
        client.post(f"/admin/engagements/commitment/deleted/{commitment_pk}/restore/")
        with pytest.raises(RestoreError) as refused:
            restore_deleted(Commitment, commitment_pk, actor=user)
        assert "SECRET" not in str(refused.value)
        assert not Commitment.objects.filter(pk=commitment_pk).exists()
        assert not Engagement.objects.filter(pk=engagement_pk).exists()


def test_undelete_as_a_user_checks_the_clearance_of_the_record(
    deleted_with_restricted_engagement, internal_officer, officer
):
    engagement_pk, commitment_pk = deleted_with_restricted_engagement
    with pytest.raises(CommandError) as refused:
        call_command("undelete", "engagements.commitment", str(commitment_pk), "--as", "officer2")
    assert "SECRET" not in str(refused.value)
    assert not Engagement.objects.filter(pk=engagement_pk).exists()
    call_command("undelete", "engagements.commitment", str(commitment_pk), "--as", "officer")
    assert Commitment.objects.filter(pk=commitment_pk).exists()
    assert Engagement.objects.get(pk=engagement_pk).subject == "SECRET-TALKS"


@pytest.fixture
def deleted_with_restricted_commitment(mission, officer):
    """A public engagement deleted, by a cleared officer, with its restricted commitment."""
    engagement = _engagement(officer, mission, subject="Open talks", sensitivity=PUB)
    engagements.commitment_create(
        actor=officer, engagement=engagement, description="SECRET-PROMISE", sensitivity=RES
    )
    engagements.engagement_delete(actor=officer, engagement=engagement)
    return engagement.pk


def test_a_restore_that_would_bring_back_hidden_records_is_refused(
    client, deleted_with_restricted_commitment, internal_officer, officer
):
    pk = deleted_with_restricted_commitment
    client.force_login(internal_officer)
    url = f"/history/engagements.engagement/{pk}/"
    page = client.get(url)
    assert page.status_code == 200 and b"SECRET" not in page.content
    page = client.post(url + "restore/", follow=True)
    assert b"1 record you are not cleared to see" in page.content
    assert b"SECRET" not in page.content
    assert not Engagement.objects.filter(pk=pk).exists()
    page = client.post(f"/admin/engagements/engagement/deleted/{pk}/restore/", follow=True)
    assert b"not cleared to see" in page.content and b"SECRET" not in page.content
    assert not Engagement.objects.filter(pk=pk).exists()
    with pytest.raises(CommandError, match="not cleared to see"):
        call_command("undelete", "engagements.engagement", str(pk), "--as", "officer2")
    assert not Engagement.objects.filter(pk=pk).exists()
    # Someone cleared for all of it restores it.
    restore_deleted(Engagement, pk, actor=officer)
    assert Commitment.objects.get(engagement_id=pk).description == "SECRET-PROMISE"


# Item: cascades -----------------------------------------------------------------------------


def test_deleting_an_engagement_with_a_hidden_commitment_is_refused(
    mission, officer, internal_officer
):
    engagement = _engagement(officer, mission, subject="Open talks", sensitivity=PUB)
    engagements.commitment_create(
        actor=officer, engagement=engagement, description="SECRET-PROMISE", sensitivity=RES
    )
    with pytest.raises(HiddenDependants) as refused:
        engagements.engagement_delete(actor=internal_officer, engagement=engagement)
    assert isinstance(refused.value, PermissionDenied)
    assert str(refused.value) == (
        "This engagement has 1 linked record you are not cleared to see; "
        "ask someone cleared for it to delete it."
    )
    assert Commitment.objects.filter(engagement=engagement).exists()
    engagements.engagement_delete(actor=officer, engagement=engagement)
    assert not Engagement.objects.filter(pk=engagement.pk).exists()


def test_deleting_a_person_with_hidden_notes_or_engagements_is_refused(
    mission, officer, internal_officer
):
    noted = people.person_create(actor=officer, mission=mission, family_name="Noted")
    people.person_add_note(actor=officer, person=noted, text="SECRET-NOTE", sensitivity=RES)
    met = people.person_create(actor=officer, mission=mission, family_name="Met")
    _engagement(officer, mission, subject="SECRET-TALKS", sensitivity=RES, people=[met])
    for person in (noted, met):
        with pytest.raises(HiddenDependants, match="This person has 1 linked record"):
            people.person_delete(actor=internal_officer, person=person)
        assert Person.objects.filter(pk=person.pk).exists()
    assert PersonNote.objects.filter(text="SECRET-NOTE").exists()
    people.person_delete(actor=officer, person=noted)
    assert not Person.objects.filter(pk=noted.pk).exists()


def test_deleting_an_organisation_in_a_hidden_engagement_is_refused(
    mission, officer, internal_officer
):
    org = people.organisation_create(actor=officer, mission=mission, name_en="Senate")
    _engagement(officer, mission, sensitivity=RES, organisations=[org])
    with pytest.raises(HiddenDependants, match="This organisation has 1 linked record"):
        people.organisation_delete(actor=internal_officer, organisation=org)
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_the_web_delete_views_refuse_without_naming_the_hidden_records(
    client, mission, officer, internal_officer
):
    engagement = _engagement(officer, mission, subject="Open talks", sensitivity=PUB)
    engagements.commitment_create(
        actor=officer, engagement=engagement, description="SECRET-PROMISE", sensitivity=RES
    )
    person = people.person_create(actor=officer, mission=mission, family_name="Noted")
    people.person_add_note(actor=officer, person=person, text="SECRET-NOTE", sensitivity=RES)
    client.force_login(internal_officer)
    for url in (f"/engagements/{engagement.pk}/delete/", f"/people/{person.pk}/delete/"):
        page = client.post(url, follow=True)
        assert page.status_code == 200
        assert b"1 linked record you are not cleared to see" in page.content
        assert b"SECRET" not in page.content
    assert Engagement.objects.filter(pk=engagement.pk).exists()
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_admin_delete_refuses_without_naming_the_hidden_records(
    client, mission, officer, internal_officer, ambassador_posting
):
    engagement = _engagement(officer, mission, subject="Open talks", sensitivity=PUB)
    engagements.commitment_create(
        actor=officer, engagement=engagement, description="SECRET-PROMISE", sensitivity=RES
    )
    client.force_login(internal_officer)
    url = f"/admin/engagements/engagement/{engagement.pk}/delete/"
    page = client.get(url)
    assert b"not cleared to see" in page.content and b"SECRET" not in page.content
    client.post(url, {"post": "yes"})
    assert Engagement.objects.filter(pk=engagement.pk).exists()
    page = client.post(
        "/admin/engagements/engagement/",
        {"action": "delete_selected", "_selected_action": [engagement.pk], "post": "yes"},
    )
    assert b"SECRET" not in page.content
    assert Engagement.objects.filter(pk=engagement.pk).exists()


def test_the_admin_refuses_to_delete_a_posting_of_a_hidden_engagement(
    client, mission, officer, ambassador_posting
):
    """The administrator (cleared to internal) manages postings, not restricted engagements."""
    _engagement(officer, mission, sensitivity=RES, staff=[ambassador_posting])
    admin_user = factories.user_with_role("admin", "administrator", [mission], RES)
    client.force_login(admin_user)
    url = f"/admin/engagements/posting/{ambassador_posting.pk}/delete/"
    page = client.get(url)
    assert b"not cleared to see" in page.content
    client.post(url, {"post": "yes"})
    assert Posting.objects.filter(pk=ambassador_posting.pk).exists()


def test_the_refusals_speak_chinese_when_chosen(client, mission, officer, internal_officer):
    engagement = _engagement(officer, mission, subject="Open talks", sensitivity=PUB)
    engagements.commitment_create(
        actor=officer, engagement=engagement, description="SECRET-PROMISE", sensitivity=RES
    )
    client.force_login(internal_officer)
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    page = client.post(f"/engagements/{engagement.pk}/delete/", follow=True).content.decode()
    assert "此交往有 1 条您无权查看的关联记录" in page
    engagements.engagement_delete(actor=officer, engagement=engagement)
    url = f"/history/engagements.engagement/{engagement.pk}/"
    page = client.post(url + "restore/", follow=True).content.decode()
    assert "恢复此交往会一并恢复 1 条您无权查看的记录" in page
    secret = _engagement(officer, mission, notes="SECRET-NOTES", sensitivity=RES)
    engagements.engagement_update(actor=officer, engagement=secret, sensitivity=PUB)
    page = client.get(f"/history/engagements.engagement/{secret.pk}/").content.decode()
    assert "您无权查看的版本" in page and "SECRET" not in page


def test_the_admin_does_not_name_hidden_records_that_block_a_delete(client, mission, officer):
    """A mission cannot be deleted while it has engagements; the page must not name them."""
    _engagement(officer, mission, subject="SECRET-TALKS", sensitivity=RES)
    admin_user = factories.user_with_role("admin", "administrator", [mission], RES)
    client.force_login(admin_user)
    page = client.get(f"/admin/core/mission/{mission.pk}/delete/")
    assert page.status_code == 200
    assert b"SECRET" not in page.content
    assert b"not cleared to see" in page.content


def test_deleting_a_person_who_asked_for_a_hidden_commitment_is_refused(
    mission, officer, internal_officer
):
    """The delete would clear the commitment's "asked by": a change to a record not seen."""
    asker = people.person_create(actor=officer, mission=mission, family_name="Asker")
    engagement = _engagement(officer, mission, sensitivity=PUB)
    commitment = engagements.commitment_create(
        actor=officer,
        engagement=engagement,
        description="SECRET-PROMISE",
        sensitivity=RES,
        requested_by=asker,
    )
    with pytest.raises(HiddenDependants, match="1 linked record"):
        people.person_delete(actor=internal_officer, person=asker)
    assert Commitment.objects.get(pk=commitment.pk).requested_by == asker
