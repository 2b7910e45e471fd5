from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from legation.core.access import SYSTEM
from legation.core.models import Operation
from legation.engagements.models import Engagement
from legation.intake.dedupe import find_duplicates
from legation.people.models import Affiliation, EmailAddress, Person, PersonNote
from legation.people.services import person_merge
from tests import factories


def test_duplicates_are_found_by_email_characters_and_pinyin(mission):
    a = factories.PersonFactory(mission=mission, family_name="Qin", given_name="Gang")
    b = factories.PersonFactory(mission=mission, family_name="", given_name="", name_zh="秦刚")
    c = factories.PersonFactory(mission=mission, family_name="Smith", given_name="Ann")
    d = factories.PersonFactory(mission=mission, family_name="Smyth", given_name="Bob")
    EmailAddress.objects.create(person=c, email="ann@example.org")
    EmailAddress.objects.create(person=d, email="ANN@example.org")
    pairs = {(p.a.pk, p.b.pk): p for p in find_duplicates(SYSTEM)}
    assert pairs[(c.pk, d.pk)].score == 1.0
    assert pairs[(a.pk, b.pk)].reasons == ["same name"]


def test_merging_keeps_every_engagement_affiliation_note_and_email(staffed):
    carter, mission = staffed["carter"], staffed["mission"]
    twin = factories.PersonFactory(
        mission=mission, family_name="Carter", given_name="James", name_zh="吉米·卡特"
    )
    EmailAddress.objects.create(person=twin, email="jc@plains.example")
    EmailAddress.objects.create(person=twin, email="JIMMY@carter.example")
    PersonNote.objects.create(person=twin, text="Likes peanuts")
    factories.AffiliationFactory(
        person=twin, organisation=factories.OrganisationFactory(mission=mission)
    )
    both = factories.EngagementFactory(mission=mission, people=[carter, twin])
    only_twin = factories.EngagementFactory(mission=mission, people=[twin])
    out = StringIO()
    call_command("people", "merge", "P-CARTER", str(twin.pk), stdout=out)
    assert not Person.objects.filter(pk=twin.pk).exists()
    carter.refresh_from_db()
    assert carter.name_zh == "吉米·卡特"
    assert sorted(carter.emails.values_list("email", flat=True)) == [
        "jc@plains.example",
        "jimmy@carter.example",
    ]
    assert list(carter.notes.values_list("text", flat=True)) == ["Likes peanuts"]
    assert Affiliation.objects.filter(person=carter).count() == 1
    assert set(Engagement.objects.filter(people=carter)) == {both, only_twin}
    deletion = Person.history.get(history_type="-", id=twin.pk)
    moved = Engagement.people.through.history.filter(
        operation=deletion.operation, person_id=carter.pk
    )
    assert moved.count() == 1  # only_twin's place moved; the shared meeting's duplicate went
    assert Operation.objects.filter(pk=deletion.operation_id).exists()


def test_an_assistant_may_not_merge(staffed, assistant):
    from django.core.exceptions import PermissionDenied

    other = factories.PersonFactory(mission=staffed["mission"])
    with pytest.raises(PermissionDenied):
        person_merge(actor=assistant, keep=staffed["carter"], other=other)
    assert Person.objects.filter(pk=other.pk).exists()


def test_the_duplicates_command_prints_scored_pairs(mission):
    factories.PersonFactory(mission=mission, family_name="Lee", given_name="Ann")
    factories.PersonFactory(mission=mission, family_name="Lee", given_name="A.")
    out = StringIO()
    call_command("people", "duplicates", stdout=out)
    assert "0.60" in out.getvalue() and "similar name" in out.getvalue()


def test_merging_refuses_to_move_records_the_actor_cannot_see(mission, internal_officer, officer):
    from django.core.exceptions import PermissionDenied

    from legation.core.models import Sensitivity

    keep = factories.PersonFactory(mission=mission, family_name="Carter", given_name="Jimmy")
    other = factories.PersonFactory(mission=mission, family_name="Carter", given_name="J.")
    secret = PersonNote.objects.create(
        person=other, text="Health, restricted", sensitivity=Sensitivity.RESTRICTED
    )
    with pytest.raises(PermissionDenied) as err:
        person_merge(actor=internal_officer, keep=keep, other=other)
    assert "not cleared to see" in str(err.value) and "Health" not in str(err.value)
    assert Person.objects.filter(pk=other.pk).exists()
    secret.refresh_from_db()
    assert secret.person_id == other.pk
    # Someone cleared for everything merges them.
    person_merge(actor=officer, keep=keep, other=other)
    secret.refresh_from_db()
    assert secret.person_id == keep.pk
