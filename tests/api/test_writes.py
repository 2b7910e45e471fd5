"""Writes through the API: the services' rules, versions (ETag, If-Match: 428 without, 412 on
an older one, never a silent overwrite), problem details naming the field, in the caller's
language; the person's lists (emails…) replaced as sent; cursor pages that neither skip nor
repeat."""

from __future__ import annotations

import pytest

from legation.engagements.models import Engagement
from legation.people.models import Person
from tests import factories
from tests.api.helpers import api_as, every_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def carter(mission):
    return factories.PersonFactory(mission=mission, family_name="Carter", given_name="Jimmy")


def _meeting(**extra):
    return {
        "kind": "meeting",
        "start": "2026-03-04T09:30:00+08:00",
        "subject": "Port visit",
        **extra,
    }


def test_an_engagement_is_created_read_changed_and_deleted_with_its_version(officer, carter):
    api = api_as(officer)
    created = api.post(
        "/api/v1/engagements/", _meeting(people=[carter.pk], tags=["ports"], region="CA")
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["ETag"] == '"1"' and body["version"] == 1
    assert created["Location"].endswith(f"/api/v1/engagements/{body['id']}/")
    assert body["people"] == [carter.pk] and body["tags"] == ["ports"] and body["region"] == "US-CA"
    url = f"/api/v1/engagements/{body['id']}/"
    assert api.get(url, if_none_match='"1"').status_code == 304
    # No If-Match: refused, nothing changed.
    missing = api.patch(url, {"subject": "Harbour visit"})
    assert missing.status_code == 428
    assert missing.json()["type"] == "urn:legation:problem:precondition_required"
    changed = api.patch(url, {"subject": "Harbour visit"}, if_match='"1"')
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    # Another client still holding version 1 is refused and told the current version.
    stale = api.patch(url, {"subject": "Lost update"}, if_match='"1"')
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert Engagement.objects.get(pk=body["id"]).subject == "Harbour visit"
    assert api.delete(url, if_match='"1"').status_code == 412
    assert api.delete(url, if_match='W/"2"').status_code == 204
    assert api.get(url).status_code == 404


def test_every_refused_field_is_named_in_one_problem(officer, carter):
    api = api_as(officer)
    answer = api.post(
        "/api/v1/engagements/",
        {"kind": "lunch", "start": "yesterday", "subject": "x", "people": [carter.pk]},
    )
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:legation:problem:validation"
    assert problem["status"] == 400 and problem["instance"] == "/api/v1/engagements/"
    assert {e["field"] for e in problem["errors"]} == {"kind", "start"}
    # The services' own rules come back the same way: an engagement meets someone.
    nobody = api.post("/api/v1/engagements/", _meeting())
    assert nobody.status_code == 400
    assert nobody.json()["errors"][0]["message"]
    assert not Engagement.objects.exists()


def test_problems_speak_the_callers_language(officer, carter):
    api = api_as(officer, HTTP_ACCEPT_LANGUAGE="zh-hans")
    answer = api.post("/api/v1/engagements/", _meeting(people=[carter.pk], start="not a date"))
    problem = answer.json()
    assert problem["title"] == "部分数值未被接受。"
    assert problem["errors"][0]["field"] == "start"
    assert "日期" in problem["errors"][0]["message"] or "格式" in problem["errors"][0]["message"]
    url = f"/api/v1/people/{carter.pk}/"
    assert api.patch(url, {"office": "x"}).json()["detail"].startswith("请在 If-Match")


def test_a_person_with_lists_is_created_and_their_emails_replaced_as_sent(officer):
    api = api_as(officer)
    created = api.post(
        "/api/v1/people/",
        {"family_name": "Li", "given_name": "Hua", "name_zh": "李华", "tags": ["alumni"],
         "emails": [{"email": "Li.Hua@Example.org", "primary": True}],
         "phones": [{"number": "+1 202 555 0143", "label": "office"}]},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    person = created.json()
    assert person["pinyin"] == "Li Hua"
    assert [e["email"] for e in person["emails"]] == ["Li.Hua@example.org"]
    assert person["phones"][0]["number"] == "+12025550143"
    url = f"/api/v1/people/{person['id']}/"
    kept = person["emails"][0]
    changed = api.patch(
        url, {"emails": [kept, {"email": "hua@example.org"}], "office": "Dean"}, if_match='"1"'
    )
    assert changed.status_code == 200, changed.content
    assert sorted(e["email"] for e in changed.json()["emails"]) == [
        "Li.Hua@example.org",
        "hua@example.org",
    ]
    assert changed.json()["phones"] == person["phones"]  # a list not sent stays
    refused = api.patch(url, {"emails": [{"email": "not-an-address"}]}, if_match=changed["ETag"])
    assert refused.status_code == 400
    assert Person.objects.get(pk=person["id"]).emails.count() == 2


def test_names_are_searchable_in_characters_pinyin_and_latin(officer, mission):
    factories.PersonFactory(mission=mission, family_name="Wang", given_name="Fang", name_zh="王芳")
    factories.PersonFactory(mission=mission, family_name="Smith", given_name="Anna")
    api = api_as(officer, scope="read")
    for query in ("王芳", "wang fang", "Wang"):
        names = [p["family_name"] for p in every_page(api, "/api/v1/people/", {"q": query})]
        assert names == ["Wang"], query


def test_the_cursor_neither_skips_nor_repeats_rows_added_between_pages(officer, carter):
    api = api_as(officer)
    for day in range(1, 8):
        factories.EngagementFactory(
            mission=carter.mission, people=[carter], subject=f"day {day}",
            start=f"2026-01-{day:02d}T10:00:00Z",
        )  # fmt: skip
    first = api.get("/api/v1/engagements/", {"page_size": 3}).json()
    assert [e["subject"] for e in first["results"]] == ["day 7", "day 6", "day 5"]
    factories.EngagementFactory(
        mission=carter.mission, people=[carter], subject="newest", start="2026-02-01T10:00:00Z"
    )
    rest = []
    url = first["next"]
    while url:
        page = api.client.get(url, secure=True).json()
        rest += [e["subject"] for e in page["results"]]
        url = page["next"]
    assert rest == ["day 4", "day 3", "day 2", "day 1"]
    oldest = every_page(api, "/api/v1/engagements/", {"sort": "start", "page_size": 5})
    assert [e["subject"] for e in oldest][:2] == ["day 1", "day 2"]


def test_a_session_write_needs_the_csrf_token(client, officer, carter):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    assert browser.get("/api/v1/people/", secure=True).status_code == 200
    refused = browser.post(
        "/api/v1/people/", {"family_name": "Forged"}, content_type="application/json", secure=True
    )
    assert refused.status_code == 403
    assert not Person.objects.filter(family_name="Forged").exists()


def test_the_rate_limit_answers_429_with_retry_after(officer, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE = "3/minute"
    api = api_as(officer, scope="read")
    codes = [api.get("/api/v1/missions/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api.get("/api/v1/missions/")
    assert 0 < int(limited["Retry-After"]) <= 60
    assert limited.json()["type"] == "urn:legation:problem:throttled"
    # Another token has its own count.
    assert api_as(officer, scope="read").get("/api/v1/missions/").status_code == 200
    cache.clear()


def test_a_deleted_record_is_restored_with_what_its_deletion_took(officer, reader, carter):
    from legation.core.models import SecurityEvent

    api = api_as(officer)
    person = api.get(f"/api/v1/people/{carter.pk}/")
    engagement = api.post("/api/v1/engagements/", _meeting(people=[carter.pk])).json()
    assert api.delete(f"/api/v1/people/{carter.pk}/", if_match=person["ETag"]).status_code == 204
    assert api.get(f"/api/v1/engagements/{engagement['id']}/").json()["people"] == []
    # A reader may not restore (their role), and a record that exists is not restored twice.
    assert api_as(reader).post(f"/api/v1/people/{carter.pk}/restore/", None).status_code == 403
    back = api.post(f"/api/v1/people/{carter.pk}/restore/", None)
    assert back.status_code == 200, back.content
    assert back.json()["family_name"] == "Carter" and back["ETag"]
    assert api.get(f"/api/v1/engagements/{engagement['id']}/").json()["people"] == [carter.pk]
    again = api.post(f"/api/v1/people/{carter.pk}/restore/", None)
    assert again.status_code == 409
    assert again.json()["type"] == "urn:legation:problem:restore_refused"
    assert SecurityEvent.objects.filter(kind="restore", source="api").count() == 1
    assert api.post("/api/v1/people/999999/restore/", None).status_code == 404


def test_a_restricted_deletion_is_not_found_for_someone_not_cleared(
    officer, internal_officer, carter
):
    api = api_as(officer)
    secret = api.post("/api/v1/engagements/", _meeting(people=[carter.pk], sensitivity=2)).json()
    assert api.delete(f"/api/v1/engagements/{secret['id']}/", if_match='"1"').status_code == 204
    other = api_as(internal_officer)
    answer = other.post(f"/api/v1/engagements/{secret['id']}/restore/", None)
    assert answer.status_code == 404
    assert "Port visit" not in answer.content.decode()
    assert not Engagement.objects.filter(pk=secret["id"]).exists()


def test_many_engagements_at_once_with_the_importers_report(officer, reader, carter):
    from legation.core.models import Operation

    api = api_as(officer)
    rows = [
        {"date": f"2026-05-{day:02d}", "time": "10:00", "kind": "meeting",
         "subject": f"Bulk {day}", "people": f"id:{carter.pk}", "tags": "bulk"}
        for day in range(1, 6)
    ]  # fmt: skip
    rehearsal = api.post("/api/v1/engagements/bulk/", {"rows": rows, "dry_run": True})
    assert rehearsal.status_code == 200, rehearsal.content
    assert rehearsal.json()["counts"]["created"] == 5 and not Engagement.objects.exists()
    bad = [*rows, {"date": "2026-13-40", "kind": "meeting", "subject": "Broken"}]
    refused = api.post("/api/v1/engagements/bulk/", {"rows": bad})
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["type"] == "urn:legation:problem:rows_rejected"
    assert [r["line"] for r in problem["report"]["rejected"]] == [6]
    assert not Engagement.objects.exists()  # all or nothing
    done = api.post("/api/v1/engagements/bulk/", {"rows": rows})
    assert done.status_code == 201, done.content
    assert done.json()["counts"]["created"] == 5
    assert Engagement.objects.filter(subject__startswith="Bulk").count() == 5
    operation = Operation.objects.get(pk=done.json()["operation"])
    assert operation.source == "api" and operation.actor == officer
    assert "token tests write" in operation.description
    # A reader's rows are refused by the same rules as their file would be.
    new = [{**rows[0], "subject": "A reader's meeting"}]
    theirs = api_as(reader).post("/api/v1/engagements/bulk/", {"rows": new})
    assert theirs.status_code in (400, 403), theirs.content
    assert Engagement.objects.count() == 5


def test_a_cursor_among_equal_names_neither_repeats_nor_skips(officer, mission):
    for given in ("Brenda", "Charlotte", "Gregory", "Helen", "Ivan"):
        factories.PersonFactory(mission=mission, family_name="Adams", given_name=given)
    api = api_as(officer, scope="read")
    first = api.get("/api/v1/people/", {"page_size": 3}).json()
    assert [p["given_name"] for p in first["results"]] == ["Brenda", "Charlotte", "Gregory"]
    factories.PersonFactory(mission=mission, family_name="Adams", given_name="Aaron")
    factories.PersonFactory(mission=mission, family_name="Adams", given_name="Harriet")
    rest = api.client.get(first["next"], secure=True).json()
    assert [p["given_name"] for p in rest["results"]] == ["Harriet", "Helen", "Ivan"]
    # Reversed, by id, by a date: the same guarantee.
    names = [
        p["given_name"]
        for p in every_page(api, "/api/v1/people/", {"sort": "-name", "page_size": 2})
    ]
    assert names == ["Ivan", "Helen", "Harriet", "Gregory", "Charlotte", "Brenda", "Aaron"]
    ids = [p["id"] for p in every_page(api, "/api/v1/people/", {"sort": "id", "page_size": 2})]
    assert ids == sorted(ids) and len(ids) == 7


def test_a_cursor_or_a_sort_not_given_by_the_list_is_refused_cleanly(officer, carter):
    api = api_as(officer, scope="read")
    import base64

    for cursor in (
        "cD1hYmM=",
        "garbage",
        base64.urlsafe_b64encode(b'{"s":"id","v":["x","y"]}').decode(),
    ):
        answer = api.get("/api/v1/engagements/", {"sort": "id", "cursor": cursor})
        assert answer.status_code == 404, cursor
        assert answer.json()["type"] == "urn:legation:problem:not_found"
    bad_sort = api.get("/api/v1/people/", {"sort": "password"})
    assert bad_sort.status_code == 400 and bad_sort.json()["errors"][0]["field"] == "sort"
    assert api.get("/api/v1/people/", {"page_size": 0}).status_code == 400
    assert api.get("/api/v1/people/", {"page_size": 501}).status_code == 400


def test_ids_and_durations_out_of_range_are_refused_not_a_crash(officer, carter):
    api = api_as(officer)
    huge = 10**20
    for body in (
        _meeting(people=[huge]),
        _meeting(people=[carter.pk], duration="999999999 00:00:00"),
        _meeting(people=[carter.pk], duration="-01:00:00"),
    ):
        answer = api.post("/api/v1/engagements/", body)
        assert answer.status_code == 400, (body, answer.content)
        assert answer["Content-Type"] == "application/problem+json"
    assert (
        api.post("/api/v1/commitments/", {"engagement": huge, "description": "x"}).status_code
        == 400
    )


def test_a_field_that_cannot_be_set_is_refused_not_ignored(officer, carter):
    api = api_as(officer)
    read = api.get(f"/api/v1/people/{carter.pk}/")
    answer = api.patch(
        f"/api/v1/people/{carter.pk}/", {"office": "Dean", "pinyin": "x", "colour": "red"},
        if_match=read["ETag"],
    )  # fmt: skip
    assert answer.status_code == 400
    assert {e["field"] for e in answer.json()["errors"]} == {"pinyin", "colour"}
    assert Person.objects.get(pk=carter.pk).office != "Dean"


def test_a_persons_list_errors_name_the_row_and_its_field(officer, carter):
    api = api_as(officer)
    read = api.get(f"/api/v1/people/{carter.pk}/")
    answer = api.patch(
        f"/api/v1/people/{carter.pk}/",
        {"emails": [{"email": "a@example.org", "primary": True},
                    {"email": "A@example.org", "primary": True}, {"email": "nope"}],
         "tags": ["x" * 61]},
        if_match=read["ETag"],
    )  # fmt: skip
    assert answer.status_code == 400
    fields = [e["field"] for e in answer.json()["errors"]]
    assert "emails.2.email" in fields and "emails" in fields
    messages = " ".join(e["message"] for e in answer.json()["errors"])
    assert "Only one email can be the primary one." in messages
    assert "listed twice" in messages
    assert not carter.emails.exists()


def test_an_unknown_api_address_and_a_crash_are_problems_too(officer):
    api = api_as(officer, scope="read")
    for path in ("/api/v1/", "/api/v1/nothing/", "/api/v2/people/"):
        answer = api.get(path)
        assert answer.status_code == 404, path
        assert answer["Content-Type"] == "application/problem+json"
        assert answer.json()["type"] == "urn:legation:problem:not_found"


def test_a_malformed_if_match_and_a_stale_one_are_explained_in_chinese(officer, carter):
    api = api_as(officer, HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = f"/api/v1/people/{carter.pk}/"
    malformed = api.patch(url, {"office": "x"}, if_match="yesterday")
    assert malformed.status_code == 428 and malformed.json()["detail"].startswith("If-Match 必须")
    assert api.patch(url, {"office": "x"}, if_match='"1"').status_code == 200
    stale = api.patch(url, {"office": "y"}, if_match='"1"').json()
    assert stale["detail"].startswith("该记录现为第 2 版") and "下方" not in stale["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/people/", {"family_name": "Null", "tags": ["a\x00b"]}),
        ("/api/v1/engagements/bulk/", {"rows": [{"date": "2026-01-01", "kind": "meeting",
                                                 "subject": "a\x00"}]}),
        ("/api/v1/engagements/bulk/", {"rows": [{"subject": {"nested": 1}}]}),
    ],
)  # fmt: skip
def test_a_null_character_or_a_nested_value_is_refused_not_a_crash(officer, path, body):
    # PostgreSQL cannot hold a NUL in text: refused as the text fields refuse it (the property
    # run found a tag carrying one answered 500 there).
    answer = api_as(officer).post(path, body)
    assert answer.status_code == 400, answer.content
    assert not Person.objects.filter(family_name="Null").exists()


def test_dates_outside_the_ledgers_range_are_refused(officer, carter):
    api = api_as(officer)
    answer = api.post(
        "/api/v1/engagements/", _meeting(people=[carter.pk], start="2300-01-01T10:00:00Z")
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "start"
    assert not Engagement.objects.exists()


def test_a_write_to_an_address_that_is_not_there_is_a_problem_not_a_csrf_page(officer):
    api = api_as(officer)
    for method in ("post", "patch"):
        answer = getattr(api, method)("/api/v1/nothing/", {"x": 1})
        assert answer.status_code == 404, method
        assert answer["Content-Type"] == "application/problem+json"
    assert api.delete("/api/v1/commitments/1/restore/").status_code == 404
