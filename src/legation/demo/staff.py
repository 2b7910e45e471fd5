"""The demo mission's staff: their people (Chinese names) and postings, with two heads of mission
in turn; the one in post is the demo login's (``HEAD_POSTING_REF``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from legation.demo import vocabulary
from legation.demo.context import Context, ascii_letters, next_id
from legation.demo.mission import DEMO_DOMAIN
from legation.engagements.models import Posting
from legation.people import names
from legation.people.models import EmailAddress, Person, PhoneNumber

HEAD_POSTING_REF = "DEMO-HOM"  # the head of mission in post, held by the demo login


@dataclass(slots=True)
class StaffPosting:
    id: int
    ref: str
    role: str
    arrival: dt.date
    departure: dt.date | None
    weight: int  # how often among our participants

    def in_force(self, day: dt.date) -> bool:
        return self.arrival <= day and (self.departure is None or day <= self.departure)


def generate(ctx: Context, first_person_id: int) -> list[StaffPosting]:
    """Write the staff's people (ids from `first_person_id`), contacts and postings.

    The head of mission in post arrived 521 to 579 days before `today` ("500-plus days" in the
    letters); the previous one served the three or so years before."""
    weights = vocabulary.mission().staff_weight
    rng, today = ctx.rng, ctx.today
    hom_arrival = today - dt.timedelta(days=rng.randint(521, 579))
    prev_arrival = hom_arrival - dt.timedelta(days=rng.randint(1050, 1250))
    posting_id = next_id(Posting)
    people, postings, emails, phones = [], [], [], []
    out: list[StaffPosting] = []
    envoy = "the Republic of Demoland to the United States of America"
    for k, member in enumerate(vocabulary.mission().staff):
        ref, role, title, title_zh = member.ref, member.role, member.title, member.title_zh
        arrived, left = member.arrived_days_ago, member.left_days_ago
        if ref == HEAD_POSTING_REF:
            arrival, departure = hom_arrival, None
        elif ref == "DEMO-HOM-PREV":
            arrival, departure = prev_arrival, hom_arrival - dt.timedelta(days=1)
        else:
            arrival = today - dt.timedelta(days=arrived)
            departure = today - dt.timedelta(days=left) if left is not None else None
        gender = "m" if rng.random() < 0.6 else "f"
        family, given, name_zh = ctx.chinese_name(gender)
        pid = first_person_id + k
        head = role == "head_of_mission"
        former = departure is not None and departure < today
        if head:
            person_title = "Ambassador"
            office = f"{'Former ' if former else ''}Ambassador of {envoy}"
        else:
            person_title = "Mr." if gender == "m" else "Ms."
            office = f"{title}, Embassy of the Republic of Demoland"
        pinyin, keys, grams = ctx.derived(family, given, name_zh)
        people.append((pid, ctx.mission_id, f"DEMO-S{k + 1:02d}", family, given, name_zh,
                       pinyin, names.NAME_ORDER_EASTERN, gender, person_title, office, former,
                       ctx.region_id["US-DC"], keys, grams,
                       ctx.stamp((today - arrival).days)))  # fmt: skip
        local = f"{ascii_letters(given)}.{ascii_letters(family)}"
        emails.append((pid, ctx.email(local, DEMO_DOMAIN), "work", True))
        phones.append((pid, f"+1202555{100 + k:04d}", "office"))
        postings.append((posting_id + k, ref, ctx.mission_id, pid, role, title, title_zh,
                         arrival, departure))  # fmt: skip
        out.append(StaffPosting(posting_id + k, ref, role, arrival, departure, weights[role]))
    ctx.insert(Person, ("id", "mission", "ref", "family_name", "given_name", "name_zh",
                        "pinyin", "name_order", "gender", "title", "office", "former",
                        "region", "search_keys", "search_grams", "created"), people)  # fmt: skip
    ctx.insert(EmailAddress, ("person", "email", "label", "primary"), emails)
    ctx.insert(PhoneNumber, ("person", "number", "label"), phones)
    ctx.insert(Posting, ("id", "ref", "mission", "person", "role", "title", "title_zh",
                         "arrival", "departure"), postings)  # fmt: skip
    return out
