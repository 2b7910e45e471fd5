"""The search page and the organisation page do a fixed amount of work: one query per section,
nothing joined that the page does not show, the same number of queries with 3 results or 30."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories


def _queries(client, url: str, params: dict | None = None) -> list[str]:
    client.get(url, params or {})  # warm: session, content types
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _add_matches(mission, posting, n: int) -> None:
    for k in range(n):
        person = factories.PersonFactory(
            mission=mission, family_name=f"Zephyrine{k}", given_name="Ada", name_zh="泽菲"
        )
        org = factories.OrganisationFactory(mission=mission, name_en=f"Zephyrine Institute {k}")
        engagement = factories.EngagementFactory(
            mission=mission, people=[person], staff=[posting], subject=f"Zephyrine talks {k}"
        )
        engagement.organisations.add(org)


def _touching(queries: list[str], table: str) -> list[str]:
    """The ORM's queries of `table` (quoted names; the index's own counts name it bare)."""
    return [q for q in queries if f'FROM "{table}"' in q]


@pytest.mark.parametrize("query", ["zephyrine", "泽菲", "Ada Zephyrine1"])
def test_search_page_queries_do_not_grow_with_results(
    client, officer, mission, ambassador_posting, query
):
    client.force_login(officer)
    _add_matches(mission, ambassador_posting, 3)
    few = _queries(client, "/search/", {"q": query})
    _add_matches(mission, ambassador_posting, 27)
    many = _queries(client, "/search/", {"q": query})
    assert len(many) == len(few), "\n".join(many)
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Zephyrine" in html


def test_search_page_reads_one_query_per_section_and_joins_nothing_unshown(
    client, officer, mission, ambassador_posting
):
    client.force_login(officer)
    _add_matches(mission, ambassador_posting, 12)
    queries = _queries(client, "/search/", {"q": "zephyrine"})
    people = [q for q in _touching(queries, "people_person") if q.startswith("SELECT")]
    orgs = _touching(queries, "people_organisation")
    engagements = _touching(queries, "engagements_engagement")
    # people: the name search, and (one Latin word) the family name look-up that ranks "Li"
    # first: one range of the name index per spelling (as typed, lower, upper, capitalised)
    # (PostgreSQL reads the few matches' ids first, then their page: two for the name search)
    spellings = {"zephyrine", "ZEPHYRINE", "Zephyrine"}
    name_search = 2 if connection.vendor == "postgresql" else 1
    assert len(people) == name_search + len(spellings), "\n".join(queries)
    # engagements: one query; on PostgreSQL first the date bounding the walk among the newest
    # (engagements.search.newest_matching: one index range, the date alone), the older ones
    # only when the newest held fewer than a page (here the mission is smaller than the bound)
    bounds = [q for q in engagements if q.startswith('SELECT "engagements_engagement"."start"')]
    assert len(bounds) == (1 if connection.vendor == "postgresql" else 0), "\n".join(queries)
    assert len(orgs) == 1 and len(engagements) == 1 + len(bounds), "\n".join(queries)
    looked_up = {s for s in spellings for q in people if f"\"family_name\" = '{s}'" in q}
    assert looked_up == spellings, "\n".join(people)
    for sql in people + orgs + engagements:
        # sectors and regions are not shown on the search page: never joined for it
        assert "core_sector" not in sql and "core_region" not in sql, sql
        # nor the long texts no result line shows read
        columns = sql.split(" FROM ")[0]
        assert "address_block_en" not in columns and "notes" not in columns, sql
        assert "summary" not in columns and "search_keys" not in columns, sql


def test_organisation_page_queries_do_not_grow_with_members_or_engagements(
    client, officer, mission, ambassador_posting
):
    client.force_login(officer)
    org = factories.OrganisationFactory(mission=mission, name_en="Hub Institute")
    factories.OrganisationFactory(mission=mission, name_en="Hub Unit", parent=org)

    def grow(n: int) -> None:
        for _ in range(n):
            person = factories.PersonFactory(mission=mission)
            factories.AffiliationFactory(person=person, organisation=org)
            e = factories.EngagementFactory(mission=mission, people=[person])
            e.organisations.add(org)

    grow(2)
    few = _queries(client, f"/people/organisations/{org.pk}/")
    grow(15)
    many = _queries(client, f"/people/organisations/{org.pk}/")
    assert len(many) == len(few), "\n".join(many)
    for sql in _touching(many, "engagements_engagement"):
        assert "core_region" not in sql and "summary" not in sql.split(" FROM ")[0], sql
    html = client.get(f"/people/organisations/{org.pk}/").content.decode()
    assert "Hub Unit" in html
    assert html.count("/people/") >= 17


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("query", ["li", "Li", "LI", "Lǐ", "lǐ"])
def test_a_family_name_is_found_first_even_when_the_word_is_in_hundreds_of_names(
    client, officer, mission, language, query
):
    """ "li" is in Alice, Olivia, Williams…: the Li family must not fall past the first rows."""
    for k in range(70):
        factories.PersonFactory(mission=mission, family_name=f"Aldridge{k:02d}", given_name="Alice")
    li = factories.PersonFactory(
        mission=mission, family_name="Li", given_name="Gang", name_zh="李刚"
    )
    other = factories.MissionFactory()
    factories.PersonFactory(mission=other, family_name="Li", given_name="Hidden")
    client.force_login(officer)
    client.post("/language/", {"language": language, "next": "/"})
    html = client.get("/search/", {"q": query}).content.decode()
    assert ('<html lang="zh-Hans">' in html) == (language == "zh-hans")
    assert f"/people/{li.pk}/" in html
    assert html.index(f"/people/{li.pk}/") < html.index("Aldridge"), "the Li family first"
    assert "Hidden" not in html  # another mission's Li stays out


def test_the_header_search_box_shows_only_a_search_of_its_own(client, officer, mission):
    """A list's own filter (?q= on the engagements list) is not a site-wide search."""
    client.force_login(officer)
    listed = client.get("/engagements/", {"q": "Edgecase"}).content.decode()
    header = listed.split('<form class="search"')[1].split("</form>")[0]
    assert "Edgecase" not in header
    searched = client.get("/search/", {"q": "Edgecase"}).content.decode()
    header = searched.split('<form class="search"')[1].split("</form>")[0]
    assert 'value="Edgecase"' in header
