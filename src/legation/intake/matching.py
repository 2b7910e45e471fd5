"""Finding the person (or organisation) an incoming record is about.

The order, documented in docs/intake.md:

1. **ref**: the same reference is the same person, whatever else differs.
2. **email**: any of the row's email addresses already on one person of the mission.
3. **name**: the fuzzy match. Names are folded (case, accents, punctuation and spacing ignored;
   only the first word of the given name counts, so "Benjamin L." is "Benjamin"), and a person
   with characters matches on them too (秦刚 = Qin Gang through pinyin). A candidate is
   dropped when something recorded on both sides disagrees: a different ref, region or title.
   Exactly one candidate left is a match; more than one is reported as ambiguous and the row
   is rejected rather than guessed.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from legation.people import names


def fold(text: str) -> str:
    """Lowercase, no accents, letters and digits only, single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text.casefold())
    return " ".join(text.split())


def first_word(text: str) -> str:
    parts = fold(text).split()
    return parts[0] if parts else ""


def name_keys(family_name: str, given_name: str, name_zh: str = "") -> set[str]:
    """The keys two records of one person share, in Latin script and in characters."""
    keys = set()
    family, given = fold(family_name), first_word(given_name)
    if family or given:
        keys.add(f"{family}|{given}")
    zh = names.clean_chinese_name(name_zh or "")
    if zh and names.has_cjk(zh):
        keys.add(f"zh|{zh}")
        if not names.is_transliterated(zh):
            spelled = fold(names.pinyin(zh)).split(" ", 1)
            if len(spelled) == 2:
                keys.add(f"{spelled[0]}|{spelled[1].replace(' ', '')}")
    return keys


@dataclass
class Candidate:
    pk: int
    ref: str | None
    region_id: int | None
    title: str
    label: str


@dataclass
class PersonIndex:
    """The people of one mission, held in memory for matching a whole file at once."""

    by_ref: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    people: dict[int, Candidate] = field(default_factory=dict)

    @classmethod
    def load(cls, queryset: Any) -> PersonIndex:
        from legation.people.models import EmailAddress

        index = cls()
        rows = queryset.values_list(
            "pk", "ref", "family_name", "given_name", "name_zh", "region_id", "title"
        )
        for pk, ref, family, given, zh, region_id, title in rows.iterator(chunk_size=5000):
            index.add(pk, ref, family, given, zh, region_id, title)
        emails = EmailAddress.objects.filter(person__in=queryset).values_list("email", "person_id")
        for email, pk in emails.iterator(chunk_size=5000):
            index.by_email.setdefault(email.casefold(), pk)
        return index

    def add(
        self,
        pk: int,
        ref: str | None,
        family: str,
        given: str,
        zh: str,
        region_id: int | None,
        title: str,
        emails: Iterable[str] = (),
    ) -> None:
        label = " ".join(p for p in (given, family) if p) or zh
        cand = Candidate(pk, ref or None, region_id, fold(title), label)
        self.people[pk] = cand
        if ref:
            self.by_ref[ref] = pk
        for key in name_keys(family, given, zh):
            self.by_name[key].append(cand)
        for email in emails:
            self.by_email.setdefault(email.casefold(), pk)

    def match(
        self,
        *,
        ref: str | None,
        emails: Iterable[str],
        family_name: str,
        given_name: str,
        name_zh: str = "",
        region_id: int | None = None,
        title: str = "",
    ) -> tuple[int | None, str]:
        """(pk, how) with how in ref, email, name; (None, "") for a new person.

        Raises `Ambiguous` when the name matches several people and nothing tells them apart.
        """
        if ref and ref in self.by_ref:
            return self.by_ref[ref], "ref"
        for email in emails:
            pk = self.by_email.get(email.casefold())
            if pk is not None:
                other = self.people.get(pk)
                if other is not None and ref and other.ref and other.ref != ref:
                    continue
                return pk, "email"
        found: dict[int, Candidate] = {}
        for key in name_keys(family_name, given_name, name_zh):
            for cand in self.by_name.get(key, ()):
                if ref and cand.ref and cand.ref != ref:
                    continue
                if region_id and cand.region_id and region_id != cand.region_id:
                    continue
                if title and cand.title and fold(title) != cand.title:
                    continue
                found[cand.pk] = cand
        if len(found) == 1:
            return next(iter(found)), "name"
        if len(found) > 1:
            labels = ", ".join(f"{c.label} (#{c.pk})" for c in found.values())
            raise Ambiguous(f"The name matches several people: {labels}; give a ref or email.")
        return None, ""


class Ambiguous(Exception):
    pass
