"""A tag put only on records a user may not see is not named to that user: not in the list
filters, the letters' segment form or the admin; a tag on nothing, or on something in sight, is."""

from __future__ import annotations

import pytest
from django.test import Client

from legation.core.models import Sensitivity
from legation.letters.forms import SegmentForm
from legation.people.models import Tag
from tests import factories

pytestmark = pytest.mark.django_db

LISTS = ["/engagements/", "/people/", "/people/organisations/"]


@pytest.fixture
def tags(mission, other_mission):
    def tag(name, mission=mission):
        return Tag.objects.create(mission=mission, name=name)

    hush, open_, mixed, unused = tag("hushhush"), tag("open-tag"), tag("mixed-tag"), tag("unused")
    on_person = tag("on-a-person")
    secret = factories.EngagementFactory(mission=mission, sensitivity=Sensitivity.RESTRICTED)
    plain = factories.EngagementFactory(mission=mission, sensitivity=Sensitivity.INTERNAL)
    secret.tags.add(hush, mixed)
    plain.tags.add(open_, mixed)
    factories.PersonFactory(mission=mission).tags.add(on_person)
    tag("elsewhere", other_mission)
    return {"hush": hush, "open": open_, "mixed": mixed, "unused": unused, "person": on_person}


def _names(qs):
    return {t.name for t in qs}


def test_in_sight_of_each_persona(tags, officer, internal_officer, outsider):
    everything = {"hushhush", "open-tag", "mixed-tag", "unused", "on-a-person"}
    assert _names(Tag.objects.in_sight_of(officer)) == everything
    assert _names(Tag.objects.in_sight_of(internal_officer)) == everything - {"hushhush"}
    # renaming or deleting: only tags none of whose uses is hidden
    assert _names(Tag.objects.in_sight_of(internal_officer, editable=True)) == {
        "open-tag",
        "unused",
        "on-a-person",
    }
    assert _names(Tag.objects.in_sight_of(outsider)) == {"elsewhere"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_list_filters_do_not_name_a_tag_only_on_hidden_records(
    tags, officer, internal_officer, language
):
    for user, shown in ((internal_officer, False), (officer, True)):
        c = Client()
        c.force_login(user)
        c.post("/language/", {"language": language, "next": "/"})
        for url in LISTS:
            html = c.get(url).content.decode()
            assert 'name="tag"' in html, url
            assert ("hushhush" in html) is shown, (user.username, url)
            assert "open-tag" in html and "unused" in html, url
        # asked for by id anyway: refused like any tag not offered, and never named
        html = c.get(f"/engagements/?tag={tags['hush'].pk}").content.decode()
        assert ("hushhush" in html) is shown


def test_the_admin_history_of_a_tag_out_of_sight_is_not_found(
    client, tags, officer, internal_officer
):
    for user, status in ((internal_officer, 404), (officer, 200)):
        client.force_login(user)
        assert client.get(f"/admin/people/tag/{tags['hush'].pk}/history/").status_code == status
        assert client.get(f"/admin/people/tag/{tags['open'].pk}/history/").status_code == 200


def test_the_segment_form_and_the_admin_do_not_name_it(client, tags, internal_officer):
    choices = {value for value, _ in SegmentForm(user=internal_officer).fields["tag"].choices}
    assert "hushhush" not in choices and "mixed-tag" in choices
    client.force_login(internal_officer)
    for url in ("/admin/people/tag/", "/admin/people/person/add/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "hushhush" not in page.content.decode(), url
