"""One search box over people, organisations and engagements, ranked, within visible_to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from legation.core import access
from legation.engagements.models import Engagement
from legation.engagements.search import MIN_TEXT_TERM, newest_matching
from legation.people import names
from legation.people.models import Organisation, Person


@dataclass
class SearchResults:
    people: list[Person]
    organisations: list[Organisation]
    engagements: list[Engagement]

    @property
    def total(self) -> int:
        return len(self.people) + len(self.organisations) + len(self.engagements)


def _rank_people(people: list[Person], query: str) -> list[Person]:
    q = names.normalise_query(query)

    def score(p: Person) -> tuple[int, str]:
        full = names.normalise_query(f"{p.full_name} {p.name_zh} {p.pinyin}")
        exact = q in (
            names.normalise_query(p.full_name),
            p.name_zh,
            names.normalise_query(p.pinyin),
            names.normalise_query(p.family_name),
        )
        return (0 if exact else 1 if full.startswith(q) else 2, p.family_name)

    seen: set[int] = set()
    unique = [p for p in people if not (p.pk in seen or seen.add(p.pk))]  # first of each kept
    return sorted(unique, key=score)


def _same_family_name(user: Any, query: str, limit: int) -> list[Person]:
    """People whose family name is the query ("li", "Wang"): ranked first, but past the first
    rows in name order when the word is in hundreds of names (Lisa, Olivia…). One look-up in the
    (mission, family name) index, the spellings a family name is written in."""
    word = query.strip()
    if not word.isascii():  # pinyin with tone marks (Lǐ, Wáng): the family name is written bare
        word = names.normalise_query(word)
    if not word or " " in word or not word.isascii():
        return []
    spellings = {word, word.lower(), word.upper(), word.capitalize()}
    # One range of the index per spelling (with `family_name IN (...)` PostgreSQL walked the
    # whole mission in name order instead), merged here.
    found = [
        person
        for spelling in sorted(spellings)
        for person in Person.objects.visible_to(user)
        .filter(family_name=spelling)
        .only(*PERSON_FIELDS)
        .order_by("family_name", "given_name", "pk")[:limit]
    ]
    return sorted(found, key=lambda p: (p.family_name, p.given_name, p.pk))[:limit]


#: what the search page shows of each result (web/search.html) and ranks people by: nothing else
#: is read, and no related row is joined
PERSON_FIELDS = (
    "id",
    "mission_id",
    "family_name",
    "given_name",
    "name_zh",
    "pinyin",
    "name_order",
    "title",
    "office",
)
ORGANISATION_FIELDS = ("id", "mission_id", "name_en", "name_zh")
ENGAGEMENT_FIELDS = ("id", "mission_id", "subject", "start", "kind")


def search_all(user: Any, query: str, limit: int = 20) -> SearchResults:
    """One query per section: people (through the name index), organisations, engagements."""
    people = list(Person.objects.visible_to(user).search(query).only(*PERSON_FIELDS)[: limit * 3])
    people = _same_family_name(user, query, limit) + people
    text = query.strip()
    orgs = list(
        Organisation.objects.visible_to(user).search(text).only(*ORGANISATION_FIELDS)[:limit]
    )
    ranked = _rank_people(people, query)[:limit]
    visible = Engagement.objects.visible_to(user)
    if any(len(term) >= MIN_TEXT_TERM for term in text.split()):
        # A word in thousands of engagements ("wang", "meeting"): walk them newest first
        # rather than read and sort them all for the first twenty.
        engagements = newest_matching(
            visible, text, limit, ENGAGEMENT_FIELDS, sorted(access.mission_ids(user))
        )
    else:
        # Terms too short for the text index (a name in two characters, 秦刚, or initials)
        # would scan every engagement: the engagements of the people found stand in for them.
        found = visible.filter(engagementparticipant__person__in=[p.pk for p in ranked])
        engagements = list(found.only(*ENGAGEMENT_FIELDS).order_by("-start", "-pk")[:limit])
    return SearchResults(ranked, orgs, engagements)
