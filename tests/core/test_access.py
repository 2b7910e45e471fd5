"""Who sees what: every read path that exists, for each role and clearance level."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from legation.core import access
from legation.core.models import Mission, Sensitivity
from legation.engagements.models import Commitment, Engagement, Fact, Posting
from legation.insight.figures import ledger_counts, posting_figures
from legation.people.models import Organisation, Person, PersonNote
from tests import factories

PUB, INT, RES = Sensitivity.PUBLIC, Sensitivity.INTERNAL, Sensitivity.RESTRICTED


@pytest.fixture
def ledger(mission, other_mission, ambassador_posting):
    """One engagement and one note at each level in our mission, and one in another mission."""
    person = factories.PersonFactory(mission=mission, family_name="Carter", given_name="Jimmy")
    for level in (PUB, INT, RES):
        PersonNote.objects.create(person=person, text=f"note-{level}", sensitivity=level)
        eng = factories.EngagementFactory(
            mission=mission,
            subject=f"talk-{level}",
            sensitivity=level,
            people=[person],
            staff=[ambassador_posting],
            region=factories.region(["US-CA", "US-TX", "US-NY"][level]),
        )
        factories.CommitmentFactory(engagement=eng, description=f"promise-{level}", sensitivity=PUB)
    far = factories.PersonFactory(mission=other_mission, family_name="Faraway")
    factories.EngagementFactory(
        mission=other_mission, subject="elsewhere", people=[far], sensitivity=PUB
    )
    factories.OrganisationFactory(mission=other_mission, name_en="Other Org")
    factories.OrganisationFactory(mission=mission, name_en="Our Org")
    Fact.objects.create(key="shared", label_en="shared fact")
    Fact.objects.create(key="ours", label_en="our fact", mission=mission)
    Fact.objects.create(key="theirs", label_en="their fact", mission=other_mission)
    return person


EXPECTED_LEVELS = {
    # persona fixture: levels of engagements/notes they see
    "head": {
        PUB,
        INT,
        RES,
    },  # head of mission sees everything in their mission, whatever the profile
    "officer": {PUB, INT, RES},
    "internal_officer": {PUB, INT},
    "assistant": {PUB, INT},  # the role caps clearance at internal
    "reader": {PUB, INT},
    "public_reader": {PUB},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_LEVELS))
def test_each_persona_sees_exactly_the_engagements_of_their_clearance(request, ledger, persona):
    user = request.getfixturevalue(persona)
    levels = EXPECTED_LEVELS[persona]
    subjects = set(Engagement.objects.visible_to(user).values_list("subject", flat=True))
    assert subjects == {f"talk-{level}" for level in levels}
    notes = set(PersonNote.objects.visible_to(user).values_list("text", flat=True))
    assert notes == {f"note-{level}" for level in levels}
    # A commitment reveals its engagement: it is visible only with its engagement.
    promises = set(Commitment.objects.visible_to(user).values_list("description", flat=True))
    assert promises == {f"promise-{level}" for level in levels}


@pytest.mark.parametrize("persona", sorted(EXPECTED_LEVELS))
def test_nobody_sees_another_missions_records(request, ledger, persona):
    user = request.getfixturevalue(persona)
    assert not Person.objects.visible_to(user).filter(family_name="Faraway").exists()
    assert not Engagement.objects.visible_to(user).filter(subject="elsewhere").exists()
    assert list(Organisation.objects.visible_to(user).values_list("name_en", flat=True)) == [
        "Our Org"
    ]
    assert list(Mission.objects.visible_to(user).values_list("ref", flat=True)) == ["EMB-US"]
    assert set(Fact.objects.visible_to(user).values_list("key", flat=True)) == {"shared", "ours"}


def test_the_other_missions_officer_sees_none_of_ours(ledger, outsider):
    assert not Person.objects.visible_to(outsider).filter(family_name="Carter").exists()
    assert Engagement.objects.visible_to(outsider).count() == 1
    assert ledger_counts(outsider)["people"] == 1


def test_users_without_role_or_login_see_nothing(ledger, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x-Secret-pass-42")
    for user in (None, nobody):
        assert not Person.objects.visible_to(user).exists()
        assert not Engagement.objects.visible_to(user).exists()


def test_inactive_users_see_nothing(ledger, officer):
    officer.is_active = False
    officer.save()
    access.forget(officer)
    assert not Engagement.objects.visible_to(officer).exists()


def test_search_respects_missions(ledger, officer, outsider):
    assert Person.objects.visible_to(officer).search("carter").count() == 1
    assert Person.objects.visible_to(outsider).search("carter").count() == 0


def test_figures_count_only_what_the_user_may_see(
    ledger, officer, public_reader, ambassador_posting
):
    as_of = dt.date(2022, 12, 30)
    full = posting_figures(ambassador_posting, user=officer, as_of=as_of)
    limited = posting_figures(ambassador_posting, user=public_reader, as_of=as_of)
    assert full["engagements"] == 3
    assert full["regions_visited"] == ["US-CA", "US-NY", "US-TX"]
    assert limited["engagements"] == 1
    assert limited["regions_visited"] == ["US-CA"]
    assert ledger_counts(public_reader)["engagements"] == 1
    assert ledger_counts(officer)["engagements"] == 3


def test_stats_command_as_a_reader_counts_only_what_they_may_see(ledger, public_reader):
    out = StringIO()
    call_command(
        "stats",
        "--posting",
        "P-HOM",
        "--as",
        "public",
        "--as-of",
        "2022-12-30",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["engagements"] == 1
    assert data["counts"]["engagements"] == 1


def test_stats_command_cannot_name_a_posting_of_another_mission(ledger, outsider):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No posting"):
        call_command("stats", "--posting", "P-HOM", "--as", "outsider", stdout=StringIO())


def test_admin_lists_only_visible_records(client, ledger, public_reader):
    public_reader.is_staff = True
    public_reader.save()
    client.force_login(public_reader)
    page = client.get("/admin/engagements/engagement/")
    assert page.status_code == 200
    assert b"talk-0" in page.content
    assert b"talk-1" not in page.content and b"talk-2" not in page.content
    hidden = Engagement.objects.get(subject="talk-2")
    page = client.get(f"/admin/engagements/engagement/{hidden.pk}/change/", follow=True)
    assert b"talk-2" not in page.content


def test_admin_person_page_hides_notes_above_clearance(client, ledger, public_reader):
    public_reader.is_staff = True
    public_reader.save()
    client.force_login(public_reader)
    page = client.get(f"/admin/people/person/{ledger.pk}/change/")
    assert page.status_code == 200
    assert b"note-0" in page.content
    assert b"note-2" not in page.content and b"note-1" not in page.content


def test_roles_grant_documented_permissions(ledger, head, officer, assistant, reader):
    assert officer.has_perm("engagements.delete_engagement")
    assert assistant.has_perm("engagements.change_engagement")
    assert not assistant.has_perm("engagements.delete_engagement")
    assert reader.has_perm("people.view_person")
    assert not reader.has_perm("people.change_person")
    assert head.has_perm("engagements.change_posting")
    assert not officer.has_perm("auth.change_user")


def test_postings_are_mission_scoped(ledger, officer, outsider):
    assert Posting.objects.visible_to(officer).count() == 1
    assert Posting.objects.visible_to(outsider).count() == 0


def test_admin_history_of_an_invisible_record_is_not_found(client, ledger, public_reader):
    client.force_login(public_reader)
    hidden = Engagement.objects.get(subject="talk-2")
    visible = Engagement.objects.get(subject="talk-0")
    assert client.get(f"/admin/engagements/engagement/{visible.pk}/history/").status_code == 200
    page = client.get(f"/admin/engagements/engagement/{hidden.pk}/history/")
    assert page.status_code == 404
    assert b"talk-2" not in page.content


def test_admin_history_of_a_deleted_restricted_record_is_not_found(client, ledger, public_reader):
    from legation.engagements.services import engagement_delete

    hidden = Engagement.objects.get(subject="talk-2")
    engagement_delete(actor=access.SYSTEM, engagement=hidden)
    client.force_login(public_reader)
    assert client.get(f"/admin/engagements/engagement/{hidden.pk}/history/").status_code == 404
    assert b"talk-2" not in client.get("/admin/engagements/engagement/deleted/").content


def test_every_domain_model_has_an_admin_page(admin_client, ledger):
    from django.apps import apps

    for app in ("core", "people", "engagements"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            if model.__name__.startswith("Engagement") and model.__name__ != "Engagement":
                continue  # participants, staff and organisations are inlines of the engagement
            url = f"/admin/{app}/{model._meta.model_name}/"
            assert admin_client.get(url).status_code == 200, url
