"""Likely duplicates reviewed and merged in the browser, through the command's merge service:
field by field, contacts and engagements combined, audited, for those who may merge only."""

from __future__ import annotations

import pytest

from legation.core.models import Operation, Sensitivity
from legation.engagements.models import Engagement
from legation.people.models import EmailAddress, Person, PersonNote
from tests import factories


@pytest.fixture
def twins(mission):
    a = factories.PersonFactory(
        mission=mission, family_name="Smith", given_name="Ann", title="Senator", office=""
    )
    b = factories.PersonFactory(
        mission=mission, family_name="Smith", given_name="Anne", title="Governor", office="Capitol"
    )
    EmailAddress.objects.create(person=a, email="ann@example.org")
    EmailAddress.objects.create(person=b, email="ANN@example.org")
    EmailAddress.objects.create(person=b, email="anne@state.example")
    meeting = factories.EngagementFactory(mission=mission, people=[b], subject="Farm tour")
    return {"a": a, "b": b, "meeting": meeting}


def login(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "heading", "reason"),
    [("en", "Likely duplicates", "same email"), ("zh", "可能重复的人员", "电子邮件相同")],
)
def test_the_list_shows_pairs_with_score_and_reasons(
    client, twins, officer, language, heading, reason
):
    login(client, officer, language)
    assert 'href="/people/duplicates/"' in client.get("/people/").content.decode()
    html = client.get("/people/duplicates/").content.decode()
    assert heading in html and reason in html and "1.00" in html
    a, b = twins["a"], twins["b"]
    assert f'href="/people/duplicates/{a.pk}/{b.pk}/"' in html


@pytest.mark.parametrize(
    ("language", "title_label", "merged"),
    [("en", "Honorific or title", "Merged #"), ("zh", "尊称或头衔", "已将 #")],
)
def test_merge_a_pair_choosing_fields(client, twins, officer, language, title_label, merged):
    a, b = twins["a"], twins["b"]
    login(client, officer, language)
    url = f"/people/duplicates/{a.pk}/{b.pk}/"
    page = client.get(url).content.decode()
    assert title_label in page and "Senator" in page and "Governor" in page
    assert "anne@state.example" in page
    response = client.post(
        url,
        {"version_a": a.version, "version_b": b.version, "field_title": "other",
         "field_given_name": "keep", "field_office": "other"},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain[-1][0] == f"/people/{a.pk}/"
    assert merged in response.content.decode()
    a.refresh_from_db()
    assert (a.title, a.given_name, a.office) == ("Governor", "Ann", "Capitol")
    assert not Person.objects.filter(pk=b.pk).exists()
    assert sorted(a.emails.values_list("email", flat=True)) == [
        "ann@example.org",
        "anne@state.example",
    ]
    assert list(Engagement.objects.filter(people=a)) == [twins["meeting"]]
    deletion = Person.history.get(history_type="-", id=b.pk)
    operation = Operation.objects.get(pk=deletion.operation_id)
    assert operation.description == f"POST /people/duplicates/{a.pk}/{b.pk}/"
    assert Person.history.filter(id=a.pk, operation=operation).exists()


def test_an_empty_value_can_be_chosen(client, twins, officer):
    a, b = twins["a"], twins["b"]
    login(client, officer)
    client.post(
        f"/people/duplicates/{a.pk}/{b.pk}/",
        {"version_a": a.version, "version_b": b.version, "field_title": "keep",
         "field_given_name": "other", "field_office": "keep"},
    )  # fmt: skip
    a.refresh_from_db()
    assert (a.title, a.given_name, a.office) == ("Senator", "Anne", "")


@pytest.mark.parametrize(
    # The conflict's own message is core's (ConflictError); the page around it is translated.
    ("language", "message"),
    [("en", "Someone else changed"), ("zh", "合并两位人员")],
)
def test_a_stale_choice_is_refused(client, twins, officer, language, message):
    a, b = twins["a"], twins["b"]
    login(client, officer, language)
    response = client.post(
        f"/people/duplicates/{a.pk}/{b.pk}/",
        {"version_a": a.version - 1 if a.version > 1 else a.version + 5,
         "version_b": b.version, "field_title": "other"},
    )  # fmt: skip
    assert response.status_code == 409
    assert message in response.content.decode()
    assert Person.objects.filter(pk=b.pk).exists()


def test_a_hidden_note_blocks_the_merge(client, twins, internal_officer):
    a, b = twins["a"], twins["b"]
    PersonNote.objects.create(person=b, text="back channel", sensitivity=Sensitivity.RESTRICTED)
    login(client, internal_officer)
    response = client.post(
        f"/people/duplicates/{a.pk}/{b.pk}/", {"version_a": a.version, "version_b": b.version}
    )
    assert response.status_code == 403
    assert "not cleared" in response.content.decode()
    assert Person.objects.filter(pk=b.pk).exists()


@pytest.mark.parametrize("persona", ["reader", "public_reader"])
def test_readers_may_not_merge(client, twins, request, persona):
    a, b = twins["a"], twins["b"]
    login(client, request.getfixturevalue(persona))
    assert 'href="/people/duplicates/"' not in client.get("/people/").content.decode()
    assert client.get("/people/duplicates/").status_code == 403
    url = f"/people/duplicates/{a.pk}/{b.pk}/"
    assert client.post(url, {"version_a": 1, "version_b": 1}).status_code == 403
    assert Person.objects.filter(pk=b.pk).exists()


def test_another_missions_people_are_not_found(client, twins, outsider):
    a, b = twins["a"], twins["b"]
    login(client, outsider)
    assert "Smith" not in client.get("/people/duplicates/").content.decode()
    url = f"/people/duplicates/{a.pk}/{b.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"version_a": 1, "version_b": 1}).status_code == 404
    assert Person.objects.filter(pk=b.pk).exists()


@pytest.mark.parametrize(
    ("language", "said"), [("en", "This person was merged into"), ("zh", "此人已合并到")]
)
def test_a_merged_away_person_points_to_the_kept_one_and_is_not_in_the_recycle_bin(
    client, twins, officer, language, said
):
    a, b = twins["a"], twins["b"]
    login(client, officer, language)
    response = client.post(
        f"/people/duplicates/{a.pk}/{b.pk}/", {"version_a": a.version, "version_b": b.version}
    )
    assert response.status_code == 302
    page = client.get(f"/people/{b.pk}/")
    html = page.content.decode()
    assert page.status_code == 404
    assert said in html and f"#{a.pk}" in html and f'href="/people/{a.pk}/"' in html
    assert "was deleted" not in html and "已被删除" not in html
    assert f"/history/people.person/{b.pk}/" not in client.get("/recycle-bin/").content.decode()


def test_a_merge_by_the_command_is_marked_too(twins, officer):
    from legation.core.audit import merged_into
    from legation.people.services import person_merge

    a, b = twins["a"], twins["b"]
    person_merge(actor=officer, keep=a, other=b)
    assert merged_into(Person.history.get(history_type="-", id=b.pk)) == a.pk
    factories.PersonFactory(mission=a.mission).delete()
    assert merged_into(Person.history.filter(history_type="-").latest("history_id")) is None
