"""Likely duplicate people, scored, for `legation people duplicates` (then `people merge`).

Pairs are found by blocking (only people sharing an email, a name key or a family name are
compared, so the cost stays near linear) and scored:

- the same email address: 1.0
- the same name in characters: 0.9
- the same folded name, in Latin script or through pinyin (Qin Gang = 秦刚): 0.8
- the same family name and a similar given name (an initial, a typo): 0.6
- a shared organisation: +0.1; a different ref or home region on both sides: -0.2 each
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from legation.intake.matching import first_word, fold, name_keys
from legation.people.models import Affiliation, EmailAddress, Person

MAX_BLOCK = 300


@dataclass
class Pair:
    a: Person
    b: Person
    score: float
    reasons: list[str] = field(default_factory=list)


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def find_duplicates(user: Any, *, min_score: float = 0.6) -> list[Pair]:
    people = {p.pk: p for p in Person.objects.visible_to(user).select_related("mission")}
    emails: dict[int, set[str]] = defaultdict(set)
    for email, pk in EmailAddress.objects.visible_to(user).values_list("email", "person_id"):
        emails[pk].add(email.casefold())
    orgs: dict[int, set[int]] = defaultdict(set)
    for pk, org in Affiliation.objects.visible_to(user).values_list("person_id", "organisation_id"):
        orgs[pk].add(org)
    blocks: dict[str, list[int]] = defaultdict(list)
    for pk, p in people.items():
        for e in emails[pk]:
            blocks[f"e:{e}"].append(pk)
        for key in name_keys(p.family_name, p.given_name, p.name_zh):
            blocks[f"n:{key}"].append(pk)
        if p.family_name:
            blocks[f"f:{fold(p.family_name)}"].append(pk)
    pairs: dict[tuple[int, int], Pair] = {}
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                key = (min(x, y), max(x, y))
                if key in pairs or x == y:
                    continue
                a, b = people[key[0]], people[key[1]]
                if a.mission_id != b.mission_id:
                    continue
                pair = _score(a, b, emails, orgs)
                if pair.score >= min_score:
                    pairs[key] = pair
    return sorted(pairs.values(), key=lambda p: (-p.score, p.a.pk, p.b.pk))


def _score(a: Person, b: Person, emails: dict[int, set[str]], orgs: dict[int, set[int]]) -> Pair:
    score, reasons = 0.0, []
    if emails[a.pk] & emails[b.pk]:
        score, reasons = 1.0, ["same email"]
    elif a.name_zh and a.name_zh == b.name_zh:
        score, reasons = 0.9, ["same name in characters"]
    elif name_keys(a.family_name, a.given_name, a.name_zh) & name_keys(
        b.family_name, b.given_name, b.name_zh
    ):
        score, reasons = 0.8, ["same name"]
    elif fold(a.family_name) == fold(b.family_name) and _similar(
        first_word(a.given_name), first_word(b.given_name)
    ):
        score, reasons = 0.6, ["similar name"]
    if orgs[a.pk] & orgs[b.pk]:
        score, reasons = score + 0.1, [*reasons, "same organisation"]
    if a.ref and b.ref and a.ref != b.ref:
        score, reasons = score - 0.2, [*reasons, "different refs"]
    if a.region_id and b.region_id and a.region_id != b.region_id:
        score, reasons = score - 0.2, [*reasons, "different regions"]
    return Pair(a, b, round(min(score, 1.0), 2), reasons)
