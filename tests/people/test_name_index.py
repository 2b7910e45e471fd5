"""Person search through the name indexes: the same people as a substring match of the search
keys, only those of the user's missions, in name order, and the indexes kept in step with the
people table."""

from __future__ import annotations

import pytest
from django.db import connection

from legation.core import access
from legation.core.db import text as text_index
from legation.core.models import Sensitivity
from legation.people import names, services
from legation.people.models import Person
from legation.web.search import search_all
from tests import factories

NAMES = [
    ("Qin", "Gang", "秦刚"),
    ("Carter", "Jimmy", "吉米·卡特"),
    ("Wang", "Xiaoming", "王小明"),
    ("Wang", "Xiaoming", "王小明"),  # two people of one name
    ("Li", "Na", "李娜"),
    ("Ouyang", "Xiu", "欧阳修"),
    ("O'Brien", "Siobhán", ""),
    ("Jean-Pierre", "Lévy", ""),
    ("Lü", "Bu", "吕布"),
    ("Wangari", "Maathai", ""),
]

QUERIES = [
    # characters: two characters (shorter than a trigram), one, three, a transliteration
    "秦刚",
    "秦",
    "王小明",
    "吉米卡特",
    "吉米·卡特",
    "米·",
    # pinyin, with and without tones, joined, initials
    "qin gang",
    "Qín Gāng",
    "qingang",
    "qg",
    "xm",
    "lv",
    "lü bu",
    # Latin: whole names in either order, parts of words, accents, apostrophes, hyphens
    "jimmy carter",
    "carter jimmy",
    "wang",
    "ang",
    "li",
    "a",
    "siobhan",
    "o'brien",
    "jean pierre",
    "levy",
    "nobody",
]


def _reference(user, query: str) -> list[int]:
    """Today's rule without any index: every word of the folded query is a substring of the
    search keys, among the people the user may see, in name order."""
    words = names.normalise_query(query).split()
    people = [
        p
        for p in Person.objects.visible_to(user).order_by("family_name", "given_name", "pk")
        if all(w in p.search_keys for w in words)
    ]
    return [p.pk for p in people]


@pytest.fixture
def two_missions(mission, other_mission):
    for family, given, zh in NAMES:
        for m in (mission, other_mission):
            factories.PersonFactory(mission=m, family_name=family, given_name=given, name_zh=zh)
    # enough people for the gram index to be worth asking
    for k in range(30):
        factories.PersonFactory(mission=other_mission, family_name=f"Wanda{k}", name_zh="王")
    return mission, other_mission


@pytest.fixture
def operator(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", password="x-Secret-pass-42")


def _searched(user, query: str) -> list[int]:
    return list(Person.objects.visible_to(user).search(query).values_list("pk", flat=True))


@pytest.mark.parametrize("query", QUERIES)
def test_an_officer_finds_only_their_missions_people(two_missions, officer, query):
    mission, _ = two_missions
    found = _searched(officer, query)
    assert found == _reference(officer, query)
    assert not Person.objects.filter(pk__in=found).exclude(mission=mission).exists()


@pytest.mark.parametrize("query", ["秦刚", "qin gang", "jimmy carter", "王", "qg", "wang"])
def test_the_other_missions_people_are_there_but_not_found(two_missions, officer, query):
    """The same names exist in the other mission: the index finds them for its officers only."""
    mission, other = two_missions
    theirs = factories.user_with_role("theirs", "officer", [other], Sensitivity.RESTRICTED)
    mine, their = set(_searched(officer, query)), set(_searched(theirs, query))
    assert mine and their and not mine & their
    assert set(Person.objects.filter(pk__in=mine).values_list("mission", flat=True)) == {mission.pk}
    assert set(Person.objects.filter(pk__in=their).values_list("mission", flat=True)) == {other.pk}


@pytest.mark.parametrize("query", QUERIES)
def test_the_operator_finds_what_the_substring_match_finds(two_missions, operator, query):
    assert access.sees_all_missions(operator)
    assert _searched(operator, query) == _reference(operator, query)
    assert _searched(access.SYSTEM, query) == _reference(access.SYSTEM, query)


@pytest.mark.parametrize("query", ["wang", "a", "王", "qin gang"])
def test_many_matches_walk_the_names_with_the_same_result(
    two_missions, officer, operator, query, monkeypatch
):
    """Past the candidate limit the search walks the names in order (SQLite; PostgreSQL past
    the ids it reads): same people, in the same order, as the reference."""
    before = _searched(officer, query), _searched(operator, query)
    assert before == (_reference(officer, query), _reference(operator, query))
    monkeypatch.setattr(text_index, "PERSON_CANDIDATES_MAX", 1)
    monkeypatch.setattr(text_index, "PERSON_CANDIDATE_IDS_MAX", 1)
    assert (_searched(officer, query), _searched(operator, query)) == before


def test_postgresql_reads_the_ids_of_a_few_matches_and_sorts_them(two_missions, officer):
    """PostgreSQL: a surname in few names is found by id (the ids' query, then the page)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's choice")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        found = _searched(officer, "wang")
    assert found == _reference(officer, "wang") != []
    first, page = (q["sql"] for q in queries.captured_queries if "people_person" in q["sql"])
    assert "LIMIT 3001" in first and "ORDER BY" not in first
    assert "= ANY(" in page  # the ids as one array (core.db.lists.InList)


def test_no_mission_or_no_clearance_finds_no_one(two_missions):
    from django.contrib.auth import get_user_model

    mission, _ = two_missions
    nowhere = factories.user_with_role("nowhere", "officer", [], Sensitivity.RESTRICTED)
    assert _searched(nowhere, "wang") == []
    roleless = get_user_model().objects.create_user("roleless", password="x-Secret-pass-42")
    mission.members.add(roleless)
    assert access.clearance(roleless) < 0
    assert _searched(roleless, "wang") == []
    assert _searched(roleless, "王") == []


def test_pages_of_results_neither_repeat_nor_skip(two_missions, operator):
    everyone = _searched(operator, "a")
    qs = Person.objects.visible_to(operator).search("a")
    pages = [list(qs[i : i + 7].values_list("pk", flat=True)) for i in range(0, len(everyone), 7)]
    assert [pk for page in pages for pk in page] == everyone


def test_the_index_follows_edits_and_deletions(two_missions, officer):
    mission, _ = two_missions
    person = Person.objects.filter(mission=mission, name_zh="秦刚").get()
    services.person_update(
        actor=officer, person=person, family_name="Zhou", given_name="Enlai", name_zh="周恩来"
    )
    assert person.pk not in _searched(officer, "秦刚")
    assert person.pk not in _searched(officer, "qg")
    assert person.pk in _searched(officer, "周恩来")
    assert person.pk in _searched(officer, "zel")
    assert person.pk in _searched(officer, "恩来")
    services.person_delete(actor=officer, person=person)
    assert person.pk not in _searched(officer, "周恩来")
    assert person.pk not in _searched(officer, "恩来")
    created = services.person_create(actor=officer, mission=mission, name_zh="邓颖超")
    assert _searched(officer, "颖超") == [created.pk]
    assert _searched(officer, "dyc") == [created.pk]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in (text_index.PERSON_FTS, text_index.PERSON_GRAM_FTS):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")  # noqa: S608


def test_search_page_shows_only_the_officers_people(client, two_missions, officer):
    mission, other = two_missions
    client.force_login(officer)
    for query in ["秦刚", "qin gang", "qg", "Jimmy Carter", "吉米卡特"]:
        results = search_all(officer, query)
        assert results.people
        assert {p.mission_id for p in results.people} == {mission.pk}
        html = client.get("/search/", {"q": query}).content.decode()
        for theirs in Person.objects.filter(mission=other).search(query):
            assert f'href="/people/{theirs.pk}/"' not in html
        for mine in results.people:
            assert f'href="/people/{mine.pk}/"' in html


def test_the_people_list_filters_by_name_within_the_mission(client, two_missions, officer):
    mission, other = two_missions
    client.force_login(officer)
    html = client.get("/people/", {"q": "王小明"}).content.decode()
    mine = Person.objects.filter(mission=mission, name_zh="王小明")
    theirs = Person.objects.filter(mission=other, name_zh="王小明")
    assert all(f"/people/{p.pk}/" in html for p in mine)
    assert not any(f"/people/{p.pk}/" in html for p in theirs)


def test_search_grams_hold_every_short_substring():
    keys = names.search_keys(family_name="Qin", given_name="Gang", name_zh="秦刚")
    grams = names.search_grams(keys).split()
    for word in keys.split():
        for size in (1, 2):
            for i in range(len(word) - size + 1):
                assert names.gram_token(word[i : i + size]) in grams
    assert names.gram_token("·") != "·" and len(names.gram_token("·")) > 2
    assert names.gram_token("秦刚") == "秦刚"


ORG_QUERIES = ["Institute", "institute", "stit", "国会", "美国国会", "UN", "nothing here", "e"]


@pytest.fixture
def organisations(mission, other_mission):
    names_ = [
        ("Brookings Institute", "布鲁金斯学会"),
        ("Hoover Institute", ""),
        ("United States Congress", "美国国会"),
        ("UN Association", "联合国协会"),
        ("Institute of Peace", "和平研究所"),
    ]
    for en, zh in names_:
        for m in (mission, other_mission):
            factories.OrganisationFactory(mission=m, name_en=en, name_zh=zh)


def _org_reference(user, text: str) -> list[int]:
    from legation.people.models import Organisation

    return [
        o.pk
        for o in Organisation.objects.visible_to(user).order_by("name_en", "pk")
        if text.lower() in o.name_en.lower() or text.lower() in o.name_zh.lower()
    ]


@pytest.mark.parametrize("text", ORG_QUERIES)
def test_organisation_search_is_the_substring_match_within_the_mission(
    organisations, officer, operator, text, monkeypatch
):
    from legation.people.models import Organisation

    def searched(user):
        return list(Organisation.objects.visible_to(user).search(text).values_list("pk", flat=True))

    assert searched(officer) == _org_reference(officer, text)
    assert searched(operator) == _org_reference(operator, text)
    monkeypatch.setattr(text_index, "PERSON_CANDIDATES_MAX", 1)
    assert searched(officer) == _org_reference(officer, text)
    assert not Organisation.objects.filter(pk__in=searched(officer)).exclude(
        mission__members=officer
    )
