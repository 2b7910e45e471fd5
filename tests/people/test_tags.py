"""Tags belong to a mission: names unique per mission, another mission's tags never seen or used."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from legation.core.models import Sensitivity
from legation.engagements import services as ledger
from legation.intake.importers import commit
from legation.people import services as people
from legation.people.models import Tag
from tests import factories


@pytest.fixture
def write(tmp_path):
    def _write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def tagged(mission, other_mission, officer, outsider):
    """'vip' in both missions; 'secret-circle' only in the other one."""
    ours = people.person_create(actor=officer, mission=mission, family_name="Near", tags=["vip"])
    theirs = people.person_create(
        actor=outsider, mission=other_mission, family_name="Far", tags=["vip", "secret-circle"]
    )
    return ours, theirs


def test_the_same_name_in_two_missions_is_two_tags(tagged, mission, other_mission):
    ours, theirs = tagged
    assert Tag.objects.filter(name="vip").count() == 2
    assert ours.tags.get().mission == mission
    assert {t.mission for t in theirs.tags.all()} == {other_mission}
    assert not set(ours.tags.all()) & set(theirs.tags.all())


@pytest.mark.parametrize("persona", ["officer", "reader", "outsider"])
def test_persona_matrix_of_tags(request, tagged, persona):
    user = request.getfixturevalue(persona)
    names = sorted(Tag.objects.visible_to(user).values_list("name", flat=True))
    assert names == (["secret-circle", "vip"] if persona == "outsider" else ["vip"])


def test_another_missions_tag_cannot_be_attached(tagged, mission, officer):
    foreign = Tag.objects.get(name="secret-circle")
    with pytest.raises(ValidationError) as caught:
        people.person_create(actor=officer, mission=mission, family_name="X", tags=[foreign])
    assert "tags" in caught.value.message_dict
    engagement = ledger.engagement_create(
        actor=officer,
        mission=mission,
        kind="call",
        start=dt.date(2022, 1, 3),
        subject="Hello",
        tags=["secret-circle"],
        people=[factories.PersonFactory(mission=mission)],
    )
    tag = engagement.tags.get()
    assert tag.mission == mission and tag != foreign  # a new tag of our own, not theirs


def test_tag_names_are_unique_per_mission(tagged, mission):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(mission=mission, name="vip")


def test_list_filters_offer_and_accept_only_our_tags(client, tagged, officer):
    client.force_login(officer)
    foreign = Tag.objects.get(name="secret-circle")
    for url in ("/people/", "/people/organisations/", "/engagements/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "secret-circle" not in page.content.decode(), url
    page = client.get("/people/", {"tag": foreign.pk})
    assert "Far" not in page.content.decode()
    ours = Tag.objects.get(name="vip", mission=tagged[0].mission)
    page = client.get("/people/", {"tag": ours.pk})
    assert "Near" in page.content.decode()


def test_import_and_export_use_the_missions_own_tags(tagged, mission, officer, write):
    path = write("p.csv", "ref,family_name,tags\nT-1,Tagged,vip;secret-circle\n")
    report = commit("people", path, actor=officer, mission=mission)
    assert report.counts["created"] == 1, [str(i) for i in report.issues]
    assert set(Tag.objects.filter(mission=mission).values_list("name", flat=True)) == {
        "vip",
        "secret-circle",
    }
    assert Tag.objects.filter(name="secret-circle").count() == 2
    path = write("e.csv", "date,kind,subject,tags\n2022-03-01,meeting,Tagged talk,vip;new-one\n")
    report = commit("engagements", path, actor=officer, mission=mission)
    assert report.counts["created"] == 1, [str(i) for i in report.issues]
    assert Tag.objects.get(name="new-one").mission == mission
    out = StringIO()
    call_command("export", "people", "--format", "json", "--as", "officer", stdout=out)
    rows = json.loads(out.getvalue())["people"]
    assert {r["family_name"]: r["tags"] for r in rows} == {
        "Near": "vip",
        "Tagged": "secret-circle;vip",
    }


def test_the_admin_lists_and_offers_only_our_tags(client, tagged, officer):
    client.force_login(officer)
    page = client.get("/admin/people/tag/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "vip" in html and "secret-circle" not in html
    for url in (
        f"/admin/people/person/{tagged[0].pk}/change/",
        "/admin/people/organisation/add/",
        "/admin/engagements/engagement/add/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "secret-circle" not in page.content.decode(), url


def test_merging_people_keeps_tags_in_the_mission(tagged, mission, officer):
    from legation.people.services import person_merge

    other = people.person_create(
        actor=officer, mission=mission, family_name="Twin", tags=["twin"], ref="TW"
    )
    merged = person_merge(actor=officer, keep=tagged[0], other=other)
    assert {(t.name, t.mission_id) for t in merged.tags.all()} == {
        ("vip", mission.pk),
        ("twin", mission.pk),
    }


def test_letter_segments_match_tags_of_our_mission_only(tagged, mission, officer, other_mission):
    from legation.letters.merge.segments import resolve_filter

    factories.EngagementFactory(mission=other_mission, sensitivity=Sensitivity.PUBLIC)
    found = resolve_filter("tag=secret-circle", officer)
    assert list(found) == []
    assert [p.family_name for p in resolve_filter("tag=vip", officer)] == ["Near"]
