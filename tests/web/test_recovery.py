"""The recycle bin, the page of a deleted record, and revert from the history page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from legation.engagements import services as engagement_services
from legation.people import services
from legation.people.models import Person


@pytest.fixture
def deleted(mission, officer):
    """A public person and an internal engagement, both deleted by the officer."""
    person = services.person_create(
        actor=officer, mission=mission, family_name="Carter", tags=["governor"]
    )
    engagement = engagement_services.engagement_create(
        actor=officer,
        mission=mission,
        organisations=[
            services.organisation_create(actor=officer, mission=mission, name_en="Farm Bureau")
        ],
        kind="meeting",
        start=timezone.now() - dt.timedelta(days=1),
        subject="INTERNAL-TALK",
        sensitivity=1,
    )
    services.person_delete(actor=officer, person=person)
    engagement_services.engagement_delete(actor=officer, engagement=engagement)
    return {"person": person.pk, "engagement": engagement.pk}


def test_the_recycle_bin_lists_what_each_user_may_see(
    client, deleted, officer, reader, public_reader, outsider
):
    client.force_login(officer)
    page = client.get("/recycle-bin/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Carter" in text and "INTERNAL-TALK" in text
    assert text.index("INTERNAL-TALK") < text.index("Carter")  # newest first
    assert "Deleted" in text and "officer" in text
    assert f"/history/people.person/{deleted['person']}/restore/" in text
    client.force_login(reader)  # sees both, may restore neither
    text = client.get("/recycle-bin/").content.decode()
    assert "Carter" in text and "INTERNAL-TALK" in text and "/restore/" not in text
    client.force_login(public_reader)  # not cleared for the internal engagement
    text = client.get("/recycle-bin/").content.decode()
    assert "Carter" in text and "INTERNAL-TALK" not in text
    client.force_login(outsider)  # an officer of another mission sees none of ours
    text = client.get("/recycle-bin/").content.decode()
    assert "Carter" not in text and "INTERNAL-TALK" not in text


def test_the_recycle_bin_is_in_the_nav_and_in_chinese(client, deleted, officer):
    client.force_login(officer)
    assert b'href="/recycle-bin/"' in client.get("/").content
    page = client.get("/recycle-bin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "回收站" in text and "恢复" in text


def test_restoring_from_the_bin_brings_the_tags_back(client, deleted, officer):
    client.force_login(officer)
    pk = deleted["person"]
    page = client.post(f"/history/people.person/{pk}/restore/")
    assert page.status_code == 302 and page["Location"] == f"/people/{pk}/"
    assert set(Person.objects.get(pk=pk).tags.values_list("name", flat=True)) == {"governor"}
    assert "Carter" not in client.get("/recycle-bin/").content.decode()


def test_a_deleted_record_page_says_where_to_restore_it(
    client, deleted, officer, public_reader, outsider
):
    client.force_login(officer)
    pk = deleted["person"]
    page = client.get(f"/people/{pk}/")
    assert page.status_code == 404
    text = page.content.decode()
    assert "was deleted" in text and "officer" in text
    assert f"/history/people.person/{pk}/" in text and "/recycle-bin/" in text
    page = client.get(f"/people/{pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "已被删除" in page.content.decode()
    # Invisible or never existing: the same plain 404.
    plain = client.get("/people/999999/")
    client.force_login(public_reader)
    hidden = client.get(f"/engagements/{deleted['engagement']}/")
    client.force_login(outsider)
    other = client.get(f"/people/{pk}/")
    for response in (plain, hidden, other):
        assert response.status_code == 404
        assert b"was deleted" not in response.content and b"recycle-bin" not in response.content
    assert hidden.content == other.content.replace(b"outsider", b"public")


def test_revert_from_the_history_page(client, mission, officer, reader):
    person = services.person_create(
        actor=officer, mission=mission, family_name="Brown", title="Senator", tags=["ohio"]
    )
    services.person_update(actor=officer, person=person, title="Governor")
    Person.objects.get(pk=person.pk).tags.clear()
    url = f"/history/people.person/{person.pk}/"
    client.force_login(reader)
    assert b"Revert to this version" not in client.get(url).content
    first = Person.history.filter(id=person.pk, history_type="+").get()  # with its tag
    revert = f"{url}revert/{first.history_id}/"
    assert client.post(revert).status_code == 403
    assert Person.objects.get(pk=person.pk).title == "Governor"
    client.force_login(officer)
    page = client.get(url)
    assert page.content.count(b"Revert to this version") >= 2
    assert "恢复到此版本" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    version = Person.objects.get(pk=person.pk).version
    page = client.post(revert, {"version": version}, follow=True)
    assert page.status_code == 200
    person.refresh_from_db()
    assert person.title == "Senator" and person.version == version + 1
    assert set(person.tags.values_list("name", flat=True)) == {"ohio"}
    text = page.content.decode()
    assert "Reverted to the earlier version." in text and "Governor" in text  # the diff


def test_revert_refused_to_an_outsider_and_on_a_stale_version(client, mission, officer, outsider):
    person = services.person_create(actor=officer, mission=mission, family_name="Brown")
    services.person_update(actor=officer, person=person, title="Governor")
    first = Person.history.filter(id=person.pk).order_by("history_id").first()
    revert = f"/history/people.person/{person.pk}/revert/{first.history_id}/"
    client.force_login(outsider)
    assert client.post(revert).status_code == 404
    client.force_login(officer)
    page = client.post(revert, {"version": 1}, follow=True)
    assert "Someone else changed this record" in page.content.decode()
    assert Person.objects.get(pk=person.pk).title == "Governor"
