"""Segments built and saved in the browser: the filters, the live count, the merge form's count,
and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from legation.core.models import Sensitivity
from legation.core.vocab import resolve_sector
from legation.letters.models import Segment
from legation.letters.services import segment_create
from tests import factories

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def crowd(mission, ambassador_posting):
    legislature = resolve_sector("legislature")
    padilla = factories.PersonFactory(
        mission=mission, family_name="Padilla", given_name="Alex", sector=legislature,
        region=factories.region("US-CA"),
    )  # fmt: skip
    padilla.tags.create(name="farewell", mission=mission)
    factories.PersonFactory(
        mission=mission, family_name="Cruz", given_name="Ted", sector=legislature,
        region=factories.region("US-TX"),
    )  # fmt: skip
    factories.PersonFactory(mission=mission, family_name="Friedman", given_name="Tom")
    # Met only in a restricted meeting: an officer cleared for it counts them, others do not.
    factories.EngagementFactory(
        mission=mission, people=[padilla], kind="call", sensitivity=Sensitivity.RESTRICTED,
        start=timezone.make_aware(dt.datetime(2022, 5, 1, 10)),
    )  # fmt: skip
    return {"padilla": padilla, "legislature": legislature}


def login(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def count_html(client, **params):
    data = {"name": "", "mission": ""} | params
    return client.get("/letters/segments/count/", data, **HX)


@pytest.mark.parametrize(
    ("language", "two", "save"),
    [("en", "2 recipients", "Save segment"), ("zh", "2位收件人", "保存收件人分组")],
)
def test_build_count_and_save_a_segment(client, crowd, officer, mission, language, two, save):
    login(client, officer, language)
    page = client.get("/letters/segments/new/").content.decode()
    assert save in page and 'hx-get="/letters/segments/count/"' in page
    response = count_html(client, mission=mission.pk, sector=crowd["legislature"].pk)
    html = response.content.decode()
    assert two in html and "Padilla" in html and "Cruz" in html and "Friedman" not in html
    response = client.post(
        "/letters/segments/new/",
        {"name": "hill", "mission": mission.pk, "sector": crowd["legislature"].pk,
         "region": factories.region("US-CA").pk, "tag": "farewell", "language": "",
         "description": "The Hill"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    segment = Segment.objects.get(name="hill")
    assert segment.filter == "sector=legislature region=US-CA tag=farewell"
    assert segment.mission == mission
    listing = client.get("/letters/segments/").content.decode()
    assert "hill" in listing and "sector=legislature region=US-CA tag=farewell" in listing


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Choose at least one filter"), ("zh", "请至少选择一个筛选条件")],
)
def test_a_segment_without_filters_is_refused(client, crowd, officer, mission, language, message):
    login(client, officer, language)
    response = client.post("/letters/segments/new/", {"name": "nobody", "mission": mission.pk})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Segment.objects.exists()


def test_edit_reads_the_saved_filter_back_and_delete(client, crowd, officer, mission):
    segment = segment_create(
        actor=officer, mission=mission, name="hill",
        filter="sector=legislature kind=call met-since=2022-01-01 person=1,2",
    )  # fmt: skip
    login(client, officer)
    page = client.get(f"/letters/segments/{segment.pk}/").content.decode()
    assert 'value="2022-01-01"' in page and 'value="person=1 person=2"' in page
    response = client.post(
        f"/letters/segments/{segment.pk}/",
        {"name": "hill", "mission": mission.pk, "sector": crowd["legislature"].pk,
         "kind": "call", "met_since": "2022-01-01"},
    )  # fmt: skip
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.filter == "sector=legislature kind=call met-since=2022-01-01"
    assert client.post(f"/letters/segments/{segment.pk}/delete/").status_code == 302
    assert not Segment.objects.exists()


def test_count_honours_clearance(client, crowd, officer, internal_officer, mission):
    """The restricted call counts for the officer cleared for it, not for the internal one."""
    params = {"mission": mission.pk, "kind": "call"}
    assert "1 recipient" in count_html(login(client, officer), **params).content.decode()
    html = count_html(login(client, internal_officer), **params).content.decode()
    assert "0 recipients" in html and "Padilla" not in html


def test_language_filter(client, crowd, officer, mission):
    crowd["padilla"].tags.create(name="lang:zh", mission=mission)
    html = count_html(login(client, officer), mission=mission.pk, language="zh").content.decode()
    assert "1 recipient" in html and "Padilla" in html


@pytest.mark.parametrize("persona", ["reader", "public_reader"])
def test_readers_have_no_segment_pages(client, crowd, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get("/letters/segments/").status_code == 403
    assert client.get("/letters/segments/count/", {"filter": "all=yes"}).status_code == 403


def test_another_missions_segment_is_not_found(client, crowd, officer, outsider, mission):
    segment = segment_create(actor=officer, mission=mission, name="hill", filter="all=yes")
    login(client, outsider)
    assert "hill" not in client.get("/letters/segments/").content.decode()
    assert client.get(f"/letters/segments/{segment.pk}/").status_code == 404
    assert client.post(f"/letters/segments/{segment.pk}/delete/").status_code == 404
    assert client.get("/letters/segments/count/", {"segment": segment.pk}).status_code == 404
    # Nor does a filter of the outsider count the mission's people.
    html = client.get("/letters/segments/count/", {"filter": "all=yes"}).content.decode()
    assert "0 recipients" in html
    assert Segment.objects.filter(pk=segment.pk).exists()


@pytest.mark.parametrize(("language", "three"), [("en", "4 recipients"), ("zh", "4位收件人")])
def test_merge_form_shows_the_count_of_a_saved_segment(
    client, crowd, officer, mission, language, three
):
    segment = segment_create(actor=officer, mission=mission, name="everyone", filter="all=yes")
    login(client, officer, language)
    page = client.get(f"/letters/jobs/?segment={segment.pk}").content.decode()
    # Qin Gang (the ambassador), Padilla, Cruz, Friedman: four people of the mission.
    assert "4" in page and 'id="segment-count"' in page
    html = client.get("/letters/segments/count/", {"segment": segment.pk}, **HX).content.decode()
    assert three in html
    assert f'<option value="{segment.pk}" selected>' in page


@pytest.mark.parametrize(
    ("words", "error"),
    [("kind=letter_sent", "kind: unknown value"), ("kind=party", "kind: unknown value"),
     ("language=fr", "language: give en or zh")],
)  # fmt: skip
def test_unreadable_filters_say_why(client, crowd, officer, words, error):
    html = login(client, officer).get("/letters/segments/count/", {"filter": words}).content
    assert error in html.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "met-by: no posting “%s”"), ("zh", "met-by：没有岗位“%s”")],
)
def test_a_met_by_word_naming_no_visible_posting_says_so_never_a_server_error(
    client, crowd, officer, mission, other_mission, language, message
):
    """An unknown ref and another mission's ref read the same: nothing leaks."""
    factories.PostingFactory(mission=other_mission, ref="P-ELSEWHERE")
    login(client, officer, language)
    for ref in ("NOPE", "P-ELSEWHERE"):
        response = count_html(client, name="x", mission=mission.pk, more=f"met-by={ref}")
        assert response.status_code == 200
        assert message % ref in response.content.decode()
        response = client.post(
            "/letters/segments/new/", {"name": "x", "mission": mission.pk, "more": f"met-by={ref}"}
        )
        assert response.status_code == 400
        assert message % ref in response.content.decode()
    assert not Segment.objects.filter(name="x").exists()


def test_a_saved_organisation_reopens_as_the_missions_own(
    client, crowd, officer, mission, other_mission
):
    # Refs are per mission: another mission's organisation with the same ref, made first,
    # is not the one the segment means (nor one the officer may see).
    factories.OrganisationFactory(mission=other_mission, ref="FB", name_en="Other Farm Bureau")
    ours = factories.OrganisationFactory(mission=mission, ref="FB", name_en="Farm Bureau")
    segment = segment_create(actor=officer, mission=mission, name="farm", filter="organisation=FB")
    login(client, officer)
    page = client.get(f"/letters/segments/{segment.pk}/").content.decode()
    assert f'<option value="{ours.pk}" selected>' in page
    assert "Other Farm Bureau" not in page
