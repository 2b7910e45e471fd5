"""Network: who a person is connected to, and who in the mission holds each relationship.

Connections come from three places: affiliations (colleagues in the same organisation),
recorded relationships (spouse of, chief of staff of…), and shared engagements (met together).
A relationship is *held* by the postings whose engagements included the person (the kinds that
measure a relationship, RELATIONSHIP_KINDS: a letter sent to a list holds nothing). A person engaged
by one posting and by no other posting still in post is a handover risk: when that posting ends,
nobody left in the mission knows them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, TypedDict

from django.db.models import Count, Max, Q
from django.utils import timezone

from legation.engagements.models import RELATIONSHIP_KINDS, EngagementParticipant, Posting
from legation.insight.common import day_end, iso, scope
from legation.insight.models import PostingActivity
from legation.insight.strength import relationship_strength, strengths
from legation.people.models import Affiliation, Person, Relationship

MAX_CONNECTIONS = 25


class Holder(TypedDict):
    posting: str | None
    posting_id: int
    person: str
    title: str
    engagements: int
    last: str | None
    in_post: bool


def holders(
    user: Any, person_ids: list[int], *, as_of: dt.date | None = None
) -> dict[int, list[Holder]]:
    """For each person, the postings that engaged them, with counts, most engagements first."""
    as_of = as_of or timezone.localdate()
    if not person_ids:
        return {}
    postings = Posting.objects.visible_to(user).select_related("person").in_bulk()
    # The per-posting table, searched once per posting and person (its index leads with the
    # posting, the facet and the item): each row is one engagement of one posting with one of
    # these people, the rows the user may see (visible_to on the engagement's mission and
    # sensitivity). Driven from the people, never from every engagement in scope.
    rows = [
        {"person_id": pid, "posting_id": posting, "n": n, "last": last}
        for pid, posting, n, last in PostingActivity.objects.visible_to(user)
        .filter(
            posting_id__in=list(postings) or [0],
            facet=PostingActivity.Facet.PERSON,
            kind__in=RELATIONSHIP_KINDS,
            item_id__in=person_ids,
            start__lt=day_end(as_of),
        )
        .values_list("item_id", "posting_id")
        .annotate(n=Count("*"), last=Max("start"))
        .order_by()
    ]  # fmt: skip
    out: dict[int, list[Holder]] = defaultdict(list)
    for r in rows:
        posting = postings.get(r["posting_id"])
        if posting is None:
            continue
        in_post = posting.arrival <= as_of and (
            posting.departure is None or posting.departure >= as_of
        )
        out[r["person_id"]].append(
            {
                "posting": posting.ref,
                "posting_id": posting.pk,
                "person": str(posting.person),
                "title": posting.title or posting.get_role_display(),
                "engagements": r["n"],
                "last": iso(r["last"]),
                "in_post": in_post,
            }
        )
    for items in out.values():
        items.sort(key=lambda h: (-h["engagements"], h["person"]))
    return dict(out)


def is_handover_risk(held_by: list[Holder], posting: Posting) -> bool:
    """Known through this posting and through no other posting still in post."""
    return not any(h["in_post"] and h["posting_id"] != posting.pk for h in held_by)


def person_network(person: Person, user: Any, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """A person's connections and the mission's holders of the relationship."""
    as_of = as_of or timezone.localdate()
    affiliations = list(
        Affiliation.objects.visible_to(user)
        .filter(person=person)
        .select_related("organisation", "organisation__sector")
    )
    org_ids = [a.organisation_id for a in affiliations]
    colleagues = list(
        Affiliation.objects.visible_to(user)
        .filter(organisation_id__in=org_ids)
        .exclude(person=person)
        .select_related("person", "organisation")
        .order_by("organisation__name_en", "person__family_name")[:MAX_CONNECTIONS]
    )
    relationships = list(
        Relationship.objects.visible_to(user)
        .filter(Q(from_person=person) | Q(to_person=person))
        .select_related("from_person", "to_person")
    )
    theirs = scope(user, end=as_of).filter(engagementparticipant__person=person)
    shared = list(
        EngagementParticipant.objects.filter(engagement__in=theirs.values("id"))
        .exclude(person=person)
        .values("person_id")
        .annotate(n=Count("id"), last=Max("engagement__start"))
        .order_by("-n", "-last")[:MAX_CONNECTIONS]
    )
    met = Person.objects.visible_to(user).in_bulk([r["person_id"] for r in shared])
    held = holders(user, [person.pk], as_of=as_of).get(person.pk, [])
    return {
        "person": person,
        "as_of": as_of.isoformat(),
        "strength": relationship_strength(person, user, as_of=as_of),
        "affiliations": [
            {
                "organisation": a.organisation,
                "role": a.role,
                "start": iso(a.start),
                "end": iso(a.end),
            }
            for a in affiliations
        ],
        "colleagues": [
            {"person": a.person, "organisation": a.organisation, "role": a.role} for a in colleagues
        ],
        "relationships": [
            {
                "other": r.to_person if r.from_person_id == person.pk else r.from_person,
                "kind": r.get_kind_display(),
                "direction": "out" if r.from_person_id == person.pk else "in",
                "note": r.note,
            }
            for r in relationships
        ],
        "shared": [
            {"person": met[r["person_id"]], "engagements": r["n"], "last": iso(r["last"])}
            for r in shared
            if r["person_id"] in met
        ],
        "holders": held,
        "single_holder": len([h for h in held if h["in_post"]]) <= 1,
    }


def handover_risks(
    posting: Posting, user: Any, *, as_of: dt.date | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The posting's strongest relationships that nobody else still in post holds.

    Only the `limit` strongest relationships are examined: they are the ones a successor must
    take over, and the rest are too many to act on.
    """
    as_of = as_of or timezone.localdate()
    ranked = strengths(user, as_of=as_of, posting=posting, limit=limit)
    held = holders(user, [r["person_id"] for r in ranked], as_of=as_of)
    out = []
    for r in ranked:
        held_by = held.get(r["person_id"], [])
        if is_handover_risk(held_by, posting):
            out.append({**r, "holders": held_by})
    return out
