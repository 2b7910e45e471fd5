"""A person's and an organisation's pages show the first rows and link to the lists filtered to
the record (`/engagements/?person=`, `?organisation=`, `/people/?organisation=`); the filters
take only a record the user may see, show it as a removable chip, and never a <select> of every
record."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from legation.people.models import Affiliation
from tests import factories

CHIP = {"en": "Organisation: United States Senate", "zh-hans": "机构：美国参议院"}
REFUSED = {
    "organisation": {
        "en": "No such organisation among those you may see.",
        "zh-hans": "在您可查看的机构中没有此机构。",
    },
    "person": {
        "en": "No such person among those you may see.",
        "zh-hans": "在您可查看的人员中没有此人。",
    },
}


def _speak(client, user, language: str) -> None:
    client.force_login(user)
    client.post("/language/", {"language": language, "next": "/"})


@pytest.fixture(params=["en", "zh-hans"])
def language(request):
    return request.param


def _rows(page: str) -> list[str]:
    """The subjects or names linked from the list's table body, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/[^"]+/\d+/">([^<]+)</a>', body)


def test_engagements_narrowed_to_a_person_or_an_organisation(
    client, officer, mission, ledger, language
):
    factories.EngagementFactory(mission=mission, subject="Without Carter", people=[ledger["wang"]])
    _speak(client, officer, language)
    carter, senate = ledger["carter"], ledger["senate"]

    everything = client.get("/engagements/").content.decode()
    assert "Without Carter" in everything

    page = client.get(f"/engagements/?person={carter.pk}").content.decode()
    assert sorted(_rows(page)) == ["Talk 0", "Talk 1", "Talk 2"]  # each once, no duplicates
    name = "吉米·卡特" if language == "zh-hans" else "Jimmy Carter"
    assert ("人员：" if language == "zh-hans" else "Person: ") in page and name in page

    page = client.get(f"/engagements/?organisation={senate.pk}&kind=meeting").content.decode()
    assert sorted(_rows(page)) == ["Talk 0", "Talk 1", "Talk 2"]
    assert CHIP[language] in page
    # A hidden input keeps the filter when the form is sent again; no list of every record.
    assert f'<input type="hidden" name="organisation" value="{senate.pk}"' in page
    assert '<select name="organisation"' not in page and '<select name="person"' not in page
    # The chip's × drops the organisation and keeps the other filters.
    assert 'href="?kind=meeting"' in page
    assert "Without Carter" in client.get("/engagements/?kind=meeting").content.decode()


def test_people_narrowed_to_an_organisation(client, officer, mission, ledger, language):
    carter, senate = ledger["carter"], ledger["senate"]
    Affiliation.objects.create(person=carter, organisation=senate, role="Senator")
    Affiliation.objects.create(person=carter, organisation=senate, role="Chair")
    _speak(client, officer, language)
    everything = _rows(client.get("/people/").content.decode())
    assert len(everything) == 3  # Qin, Carter, Wang
    page = client.get(f"/people/?organisation={senate.pk}&sort=-name").content.decode()
    assert _rows(page) == ["Jimmy Carter"]  # two affiliations, one row
    assert CHIP[language] in page
    assert 'href="?sort=-name"' in page
    assert '<select name="organisation"' not in page


def test_the_csv_keeps_the_filter(client, officer, mission, ledger):
    factories.EngagementFactory(mission=mission, subject="Without Carter", people=[ledger["wang"]])
    client.force_login(officer)
    page = client.get(f"/engagements/?person={ledger['carter'].pk}").content.decode()
    assert f"person={ledger['carter'].pk}&amp;format=csv" in page
    response = client.get(f"/engagements/?person={ledger['carter'].pk}&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(r[7] for r in rows[1:]) == ["Talk 0", "Talk 1", "Talk 2"]


@pytest.mark.parametrize(
    "url",
    [
        "/engagements/?organisation={senate}",
        "/engagements/?person={carter}",
        "/people/?organisation={senate}",
        "/engagements/?person=nonsense",
    ],
)
def test_a_record_of_another_mission_shows_nothing(
    client, outsider, other_mission, ledger, language, url
):
    """An officer of another mission sends the id of this mission's record: a refusal next to the
    filter and no rows, not their own list unfiltered, and nothing of the record."""
    theirs = factories.PersonFactory(mission=other_mission, family_name="Theirs")
    factories.EngagementFactory(mission=other_mission, subject="Their own talk", people=[theirs])
    _speak(client, outsider, language)
    assert _rows(client.get(url.split("?")[0]).content.decode())  # they do have rows of their own
    response = client.get(url.format(senate=ledger["senate"].pk, carter=ledger["carter"].pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert _rows(page) == []
    kind = "person" if "person=" in url else "organisation"
    assert REFUSED[kind][language] in page
    for secret in ("Senate", "参议院", "Carter", "卡特", "Talk 0"):
        assert secret not in page
    # Nor in the CSV.
    export = client.get(
        url.format(senate=ledger["senate"].pk, carter=ledger["carter"].pk) + "&format=csv"
    )
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1  # the header only


def _talks(mission, n: int, **links) -> None:
    now = timezone.now()
    for i in range(n):
        e = factories.EngagementFactory(
            mission=mission,
            subject=f"Old talk {i:02}",
            start=now - dt.timedelta(days=i + 10),
            people=links.get("people", ()),
        )
        if "org" in links:
            e.organisations.add(links["org"])


@pytest.mark.parametrize("more", [False, True])
def test_organisation_page_shows_the_first_rows_and_links_to_the_rest(
    client, officer, mission, language, more
):
    org = factories.OrganisationFactory(mission=mission, name_en="Ministry", name_zh="部")
    for i in range(50 + more):
        person = factories.PersonFactory(mission=mission, family_name=f"Member{i:02}")
        factories.AffiliationFactory(person=person, organisation=org)
    _talks(mission, 25 + more, org=org)
    _speak(client, officer, language)
    page = client.get(f"/people/organisations/{org.pk}/").content.decode()
    assert "Member49" in page and ">Old talk 24</a>" in page
    members_link = (
        "该机构的全部人员" if language == "zh-hans" else "All people of this organisation"
    )
    talks_link = (
        "与该机构的全部交往" if language == "zh-hans" else "All engagements with this organisation"
    )
    if not more:
        assert members_link not in page and talks_link not in page
        return
    assert "Member50" not in page and ">Old talk 25</a>" not in page
    assert f'href="/people/?organisation={org.pk}" id="all-members">{members_link}</a>' in page
    assert (
        f'href="/engagements/?organisation={org.pk}" id="all-engagements">{talks_link}</a>' in page
    )
    # The lists hold the rest (the people list shows 50 a page, by name).
    people = client.get(f"/people/?organisation={org.pk}&page=2").content.decode()
    assert any("Member50" in row for row in _rows(people))
    talks = _rows(client.get(f"/engagements/?organisation={org.pk}").content.decode())
    assert len(talks) == 26 and talks[-1] == "Old talk 25"


@pytest.mark.parametrize("more", [False, True])
def test_person_page_shows_the_newest_engagements_and_links_to_the_rest(
    client, officer, mission, language, more
):
    person = factories.PersonFactory(
        mission=mission, family_name="Li", given_name="Lei", name_zh="李雷", name_order="eastern"
    )
    _talks(mission, 25 + more, people=[person])
    _speak(client, officer, language)
    page = client.get(f"/people/{person.pk}/").content.decode()
    timeline = page.split('id="timeline"', 1)[1]
    assert len(re.findall(r">Old talk \d\d</a>", timeline)) == 25
    link = "与李雷的全部交往" if language == "zh-hans" else "All engagements with Li Lei"
    if not more:
        assert link not in page
        return
    assert ">Old talk 25</a>" not in page
    assert f'href="/engagements/?person={person.pk}" id="all-engagements">{link}</a>' in page
    talks = _rows(client.get(f"/engagements/?person={person.pk}").content.decode())
    assert len(talks) == 26 and talks[-1] == "Old talk 25"


def test_units_are_sorted_by_their_english_name(client, officer, mission, language):
    """As the organisations list sorts them (not by the characters' code points)."""
    org = factories.OrganisationFactory(mission=mission, name_en="Ministry")
    factories.OrganisationFactory(
        mission=mission, parent=org, name_en="zeta office", name_zh="乙司"
    )
    factories.OrganisationFactory(
        mission=mission, parent=org, name_en="Alpha office", name_zh="甲司"
    )
    _speak(client, officer, language)
    page = client.get(f"/people/organisations/{org.pk}/").content.decode()
    first, second = ("甲司", "乙司") if language == "zh-hans" else ("Alpha office", "zeta office")
    assert page.index(first) < page.index(second)


def test_units_are_found_through_the_parent_index(client, officer, mission, other_mission):
    """Only the visible units, read through the parent index: beside the mission filter SQLite
    scanned every organisation when none has a parent (their NULLs make the parent index look
    no better than the mission's in its statistics)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    org = factories.OrganisationFactory(mission=mission, name_en="Ministry")
    factories.OrganisationFactory(mission=mission, parent=org, name_en="Visible office")
    factories.OrganisationFactory(mission=other_mission, parent=org, name_en="Foreign office")
    page = client.get(f"/people/organisations/{org.pk}/").content.decode()
    assert "Visible office" in page and "Foreign office" not in page

    alone = factories.OrganisationFactory.create_batch(200, mission=mission)[0]
    type(alone).objects.filter(parent__isnull=False).update(parent=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/people/organisations/{alone.pk}/").status_code == 200
    [sql] = [
        q["sql"]
        for q in queries.captured_queries
        if f'"parent_id" = {alone.pk}' in q["sql"] and "name_en" in q["sql"]
    ]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "SCAN people_organisation" not in plan and "parent_id" in plan, plan
