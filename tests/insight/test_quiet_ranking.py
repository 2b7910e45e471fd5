"""The quiet list, the handover brief's last conversations and open commitments, each against
the same figure computed the plain way (every engagement read, in Python) on a seeded ledger,
for readers of every clearance: the faster paths read less, never something else."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import statistics
from collections import defaultdict

import pytest

from legation.core.models import Sensitivity
from legation.engagements.models import (
    IN_PERSON_KINDS,
    RELATIONSHIP_KINDS,
    Commitment,
    Engagement,
)
from legation.insight import handover, strength
from legation.insight.common import day_end, instant, local_date
from legation.people.models import Person
from tests import factories
from tests.conftest import ambassador, embassy, persona, rows_for_the_group, seed
from tests.insight.conftest import at

AS_OF = dt.date(2023, 6, 30)
TITLES = [
    ("Governor", "Governor of Ohio"),
    ("Senator", "United States Senator"),
    ("Mayor", "Mayor of Springfield"),
    ("Professor", "Professor of Law"),
    ("Mr.", "Partner"),
    ("President", "President of the Republic"),
]
KINDS = ["meeting", "call", "site_visit", "letter_received", "email", "letter_sent", "other"]


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The ledger and its readers, written once for the module's tests (each runs in its own
    transaction within): (the postings, the readers by persona)."""

    def build():
        seed()
        mission = embassy()
        users = {
            who: persona(who, mission) for who in ("officer", "internal_officer", "public_reader")
        }
        return build_ledger(mission, ambassador(mission)), users

    with rows_for_the_group(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def ledger(world):
    return world[0]


def build_ledger(mission, ambassador_posting):
    """Forty people engaged at random rhythms by two postings (some engagements by both), a
    quarter of the people engaged partly in restricted engagements; commitments of every status
    and sensitivity."""
    rng = random.Random(20)
    counsellor = factories.PostingFactory(
        mission=mission, ref="P-COUNS", role="counsellor", arrival=dt.date(2019, 1, 1)
    )
    postings = [ambassador_posting, counsellor]
    for i in range(40):
        title, office = TITLES[i % len(TITLES)]
        person = factories.PersonFactory(
            mission=mission,
            family_name=f"Person{i}",
            title=title,
            office=office,
        )
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(200))
        last = AS_OF - dt.timedelta(days=rng.choice([20, 100, 200, 400, 700]))
        step = rng.choice([7, 30, 60, 120])
        while day <= last:
            staff = rng.choice([[postings[0]], [postings[1]], postings])
            e = factories.EngagementFactory(
                mission=mission,
                kind=rng.choice(KINDS),
                start=at(day.isoformat(), rng.randrange(8, 20)),
                duration=dt.timedelta(hours=rng.choice([1, 3])),
                people=[person],
                staff=staff,
                sensitivity=rng.choice(
                    [
                        Sensitivity.PUBLIC,
                        Sensitivity.RESTRICTED if i % 4 == 3 else Sensitivity.INTERNAL,
                    ]
                ),
            )
            if rng.random() < 0.15:
                factories.CommitmentFactory(
                    engagement=e,
                    status=rng.choice(["open", "in_progress", "done", "dropped"]),
                    due=day + dt.timedelta(days=rng.randrange(-30, 300)),
                    owner=rng.choice([None, *postings]),
                    sensitivity=rng.choice(list(Sensitivity)),
                )
            day += dt.timedelta(days=max(1, step + rng.randrange(-5, 6)))
    return postings


def plain_quiet(user, posting, limit):
    """The quiet list from every visible engagement, read one by one."""
    engagements = Engagement.objects.visible_to(user).filter(
        kind__in=RELATIONSHIP_KINDS, start__lt=day_end(AS_OF)
    )
    if posting is not None:
        engagements = engagements.filter(engagementstaff__posting=posting)
    per: dict[int, list] = defaultdict(list)
    for e in engagements.distinct().prefetch_related("engagementparticipant_set"):
        w = strength.KIND_WEIGHTS[e.kind]
        if e.kind in IN_PERSON_KINDS and e.duration >= strength.LONG_ENGAGEMENT:
            w += 1
        for p in e.engagementparticipant_set.all():
            per[p.person_id].append((e.start, w))
    people = Person.objects.visible_to(user).in_bulk(list(per))
    cutoff = day_end(AS_OF - dt.timedelta(days=strength.QUIET_FLOOR_DAYS))
    out = []
    for pid, rows in per.items():
        if pid not in people or len(rows) < 4 or max(s for s, _ in rows) >= cutoff:
            continue
        weight = float(sum(w for _, w in rows))
        person = people[pid]
        seniority = strength.seniority_of(person.title, person.office)
        standing = round(strength.frequency_points(weight) + 30 * seniority[0], 1)
        if standing < strength.STRONG_STANDING:
            continue
        days = sorted(local_date(s) for s, _ in rows)
        rhythm = statistics.median((b - a).days for a, b in itertools.pairwise(days))
        quiet = (AS_OF - days[-1]).days
        threshold = max(strength.QUIET_FLOOR_DAYS, 2 * rhythm) if rhythm else 90
        if quiet > threshold:
            out.append(((-standing, -round(weight, 1), pid), (pid, standing, quiet, rhythm)))
    return [row for _key, row in sorted(out)][:limit]


def figures(rows):
    return [(q["person"].pk, q["standing"], q["days_quiet"], q["rhythm_days"]) for q in rows]


@pytest.mark.parametrize("who", ["officer", "internal_officer", "public_reader"])
def test_the_quiet_list_is_the_plain_ranking_for_every_clearance(ledger, who, world, monkeypatch):
    user = world[1][who]
    # Small chunks and batches: the candidates are read and examined over many rounds.
    monkeypatch.setattr(strength, "SENIORITY_CHUNK", 3)
    monkeypatch.setattr(strength, "RHYTHM_BATCH", 2)
    for posting, limit in itertools.product([None, *ledger], [1, 3, 8, 50]):
        got = strength.quiet_relationships(user, as_of=AS_OF, posting=posting, limit=limit)
        assert figures(got) == plain_quiet(user, posting, limit), (posting, limit)
    # Seeded so that the list is not trivially empty for the cleared reader.
    if who == "officer":
        assert len(plain_quiet(user, None, 50)) >= 5


@pytest.mark.parametrize("who", ["officer", "public_reader"])
def test_the_handover_shares_its_people_and_keeps_every_figure(ledger, who, world):
    user = world[1][who]
    posting = ledger[0]
    brief = handover.handover_brief(posting, user=user, as_of=AS_OF)
    assert figures(brief["quiet"]) == plain_quiet(user, posting, handover.QUIET)
    ranked = strength.strengths(user, as_of=AS_OF, posting=posting, limit=handover.RELATIONSHIPS)
    assert [r["person_id"] for r in brief["relationships"]] == [r["person_id"] for r in ranked]
    for r in brief["relationships"]:
        e = (
            Engagement.objects.visible_to(user)
            .filter(engagementparticipant__person_id=r["person_id"], start__lt=day_end(AS_OF))
            .filter(kind__in=RELATIONSHIP_KINDS)
            .order_by("-start", "-id")
            .first()
        )
        assert r["last_conversation"] == {
            "date": local_date(e.start).isoformat(),
            "subject": e.subject,
            "kind": e.kind,
        }
    # Open commitments: the posting's own and those raised in its visible engagements.
    theirs = set(
        Engagement.objects.visible_to(user)
        .filter(engagementstaff__posting=posting, start__lt=day_end(AS_OF))
        .values_list("id", flat=True)
    )
    expected = sorted(
        (c.due, c.pk)
        for c in Commitment.objects.visible_to(user).filter(status__in=["open", "in_progress"])
        if (c.owner_id == posting.pk or c.engagement_id in theirs)
        and instant(c.engagement.start) < day_end(AS_OF)
    )
    got = brief["commitments"]
    assert got["total"] == len(expected)
    assert [item["id"] for item in got["items"]] == [pk for _due, pk in expected][
        : handover.COMMITMENTS
    ]
    if who == "public_reader":
        # A restricted engagement never counts for a reader cleared for public records only.
        restricted = set(
            Engagement.objects.filter(sensitivity=Sensitivity.RESTRICTED).values_list(
                "id", flat=True
            )
        )
        assert restricted and not restricted & theirs
