"""The tiny demo of one seed and day, pinned: what the generator wrote before its split into
modules and data files, it writes still (on SQLite and PostgreSQL alike).

These figures were read from the generator as it stood before the split. A deliberate change of
the vocabulary or of the drawing order changes them: update them then, on purpose, never to make
an accidental change pass.
"""

from __future__ import annotations

import datetime as dt

from legation.demo.generator import generate
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Posting,
)
from legation.people.models import (
    Affiliation,
    EmailAddress,
    Organisation,
    Person,
    PersonNote,
    PhoneNumber,
    PostalAddress,
    Relationship,
)
from tests.demo.test_generator import SEED, TODAY, _digest

# The fingerprint of people, organisations, engagements, commitments and postings (_digest).
TINY_DIGEST = "d77a4b781b50c360fd5cc2c012002b0ef9ae6be0c0eadf4ec6ba00de4e5cc62e"


def test_the_tiny_demo_of_seed_7_is_the_one_written_before(seeded):
    generate(size="tiny", seed=SEED, today=TODAY)

    counts = {
        model.__name__: model.objects.count()
        for model in (
            EmailAddress, PhoneNumber, PostalAddress, PersonNote, Affiliation, Relationship,
            EngagementParticipant, EngagementStaff, EngagementOrganisation,
        )
    }  # fmt: skip
    assert counts == {
        "EmailAddress": 188,
        "PhoneNumber": 180,
        "PostalAddress": 62,
        "PersonNote": 21,
        "Affiliation": 190,
        "Relationship": 6,
        "EngagementParticipant": 1948,
        "EngagementStaff": 1956,
        "EngagementOrganisation": 1073,
    }
    people = Person.objects.order_by("ref").values_list(
        "family_name", "given_name", "name_zh", "title", "office"
    )
    assert list(people.filter(ref__in=["DEMO-C000001", "DEMO-C000002"])) == [
        ("Guo", "Haiyan", "郭海燕", "Director", "Director, Bureau of Global Security"),
        ("Young", "Joseph", "", "Mr.", "Chief of Staff, United States House of Representatives"),
    ]
    head = Posting.objects.select_related("person").get(ref="DEMO-HOM")
    assert (head.person.family_name, head.person.given_name, head.person.name_zh) == (
        "Lu", "Shihan", "陆诗涵",
    )  # fmt: skip
    assert head.arrival == dt.date(2022, 12, 14)
    assert list(Organisation.objects.order_by("ref").values_list("name_en", "name_zh")[:3]) == [
        ("United States Senate", "美国参议院"),
        ("United States House of Representatives", "美国众议院"),
        ("Bureau of Global Security", "全球安全局"),
    ]
    first = Engagement.objects.order_by("start", "id").first()
    assert (first.kind, first.start, first.subject) == (
        "email",
        dt.datetime(2021, 6, 16, 12, 6, tzinfo=dt.UTC),
        "Email to Governor Thomas on the language programme",
    )
    assert Commitment.objects.filter(status="done").count() == 214
    assert Commitment.objects.filter(status="open").count() == 24
    assert _digest() == TINY_DIGEST
