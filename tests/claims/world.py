"""The corpus ledger: the sender of the example letter and what the corpus sentences cite.

As of 2022-12-30, P-QIN (arrived 2021-07-28) has 520 days in post; 23 meetings in 22 states and
Washington, D.C. (23 regions, 23 cities); 2 speeches, 3 site visits (a factory, a port, a farm)
and a call on 2022-12-05; 29 engagements; 21 people met (President Carter, 12 members of
Congress, 8 business leaders); 5 organisations. P-DEP (arrived 2020-03-01) held 3 meetings in
2 states. Facts are created per sentence from the corpus's fact library.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from legation.core.models import Sector
from legation.engagements.models import Fact
from tests import factories

STATES = [
    ("US-CA", "Los Angeles"), ("US-NY", "New York"), ("US-TX", "Houston"), ("US-FL", "Miami"),
    ("US-IL", "Chicago"), ("US-WA", "Seattle"), ("US-GA", "Atlanta"), ("US-MA", "Boston"),
    ("US-MI", "Detroit"), ("US-OH", "Columbus"), ("US-PA", "Philadelphia"),
    ("US-IA", "Des Moines"), ("US-MN", "Minneapolis"), ("US-CO", "Denver"), ("US-AZ", "Phoenix"),
    ("US-UT", "Salt Lake City"), ("US-OR", "Portland"), ("US-KY", "Louisville"),
    ("US-MO", "St. Louis"), ("US-NC", "Charlotte"), ("US-TN", "Nashville"), ("US-NE", "Omaha"),
]  # fmt: skip


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def build_world() -> dict[str, Any]:
    """Create the corpus ledger (needs sectors and regions seeded)."""
    mission = factories.MissionFactory(ref="EMB-CN-US", name_en="Embassy of China in the US")
    person = factories.PersonFactory(mission=mission, family_name="Qin", given_name="Gang")
    qin = factories.PostingFactory(
        mission=mission, person=person, ref="P-QIN", role="head_of_mission",
        title="Ambassador", arrival=dt.date(2021, 7, 28),
    )  # fmt: skip
    deputy = factories.PostingFactory(
        mission=mission, ref="P-DEP", role="deputy", arrival=dt.date(2020, 3, 1)
    )
    carter = factories.PersonFactory(mission=mission, family_name="Carter", given_name="Jimmy")
    legislature = Sector.objects.get(code="legislature")
    business = Sector.objects.get(code="business")
    lawmakers = [
        factories.PersonFactory(mission=mission, sector=legislature, title="Senator")
        for _ in range(12)
    ]
    leaders = [factories.PersonFactory(mission=mission, sector=business) for _ in range(8)]
    orgs = [factories.OrganisationFactory(mission=mission) for _ in range(5)]

    def engagement(code: str, city: str, day: dt.date, kind: str = "meeting", **kw: Any) -> Any:
        return factories.EngagementFactory(
            mission=mission, region=factories.region(code), city=city, start=at(day),
            kind=kind, staff=[kw.pop("posting", qin)], **kw,
        )  # fmt: skip

    for i, (code, city) in enumerate(STATES):
        people = [lawmakers[i]] if i < 12 else ([leaders[i - 12]] if i < 20 else [])
        e = engagement(code, city, dt.date(2021, 9, 1) + dt.timedelta(days=14 * i), people=people)
        if i < 5:
            e.organisations.add(orgs[i])
    engagement("US-DC", "Washington", dt.date(2022, 11, 1), people=[carter])
    engagement("US-CA", "Los Angeles", dt.date(2022, 4, 12), kind="speech")
    engagement("US-NY", "New York", dt.date(2022, 10, 5), kind="speech")
    engagement("US-MI", "Detroit", dt.date(2022, 5, 20), kind="site_visit", site_type="factory")
    engagement("US-WA", "Seattle", dt.date(2022, 7, 8), kind="site_visit", site_type="port")
    engagement("US-IA", "Des Moines", dt.date(2022, 8, 15), kind="site_visit", site_type="farm")
    factories.EngagementFactory(
        mission=mission, kind="call", start=at(dt.date(2022, 12, 5)), staff=[qin]
    )
    for code, day in (("US-NY", (2021, 5, 1)), ("US-NY", (2021, 6, 1)), ("US-NJ", (2022, 2, 1))):
        engagement(code, "Newark" if code == "US-NJ" else "New York", dt.date(*day),
                   posting=deputy)  # fmt: skip
    return {"mission": mission, "qin": qin, "deputy": deputy, "carter": carter}


def create_facts(library: dict[str, dict[str, Any]], keys: list[str]) -> list[Fact]:
    out = []
    for key in keys:
        spec = dict(library[key])
        if spec.get("value") is not None:
            spec["value"] = Decimal(str(spec["value"]))
        if isinstance(spec.get("date"), str):
            spec["date"] = dt.date.fromisoformat(spec["date"])
        out.append(Fact.objects.create(key=key, **spec))
    return out


# The sender of the letter corpus (tests/claims/letters): P-LIN, ambassador, arrived 2022-03-14,
# in a mission of its own. (code, city, day, kind, sector of the person met, site type, org)
LETTER_ENGAGEMENTS = [
    ("US-DC", "Washington", (2022, 3, 25), "meeting", "legislature", "", False),
    ("US-WA", "Seattle", (2022, 4, 19), "meeting", "subnational", "", False),
    ("US-WA", "Tacoma", (2022, 5, 17), "site_visit", None, "port", False),
    ("US-CA", "San Francisco", (2022, 6, 8), "meeting", "business", "", True),
    ("US-CA", "Los Angeles", (2022, 7, 14), "speech", None, "", False),
    ("US-IL", "Chicago", (2022, 9, 8), "meeting", "business", "", True),
    ("US-NY", "New York", (2022, 10, 12), "meeting", "academia", "", False),
    ("US-IA", "Ames", (2022, 11, 3), "site_visit", None, "farm", False),
    ("US-DC", "Washington", (2022, 12, 13), "meeting", "legislature", "", False),
    ("US-TX", "Houston", (2023, 1, 18), "meeting", "business", "", True),
    ("US-MA", "Boston", (2023, 3, 7), "event", "academia", "", False),
    ("US-WA", "Seattle", (2023, 3, 29), "meeting", "business", "", False),
    ("US-MI", "Detroit", (2023, 5, 10), "site_visit", None, "factory", False),
    ("", "", (2023, 6, 5), "call", None, "", False),
    ("US-GA", "Atlanta", (2023, 6, 12), "meeting", "subnational", "", False),
    ("US-DC", "Washington", (2023, 6, 14), "meeting", "legislature", "", False),
]


def build_letter_world() -> dict[str, Any]:
    """The letter corpus's ledger (needs sectors and regions seeded): P-LIN and its engagements."""
    mission = factories.MissionFactory(ref="EMB-LET", name_en="Embassy of China in the US")
    person = factories.PersonFactory(mission=mission, family_name="Lin", given_name="Hai")
    lin = factories.PostingFactory(
        mission=mission, person=person, ref="P-LIN", role="head_of_mission",
        title="Ambassador", arrival=dt.date(2022, 3, 14),
    )  # fmt: skip
    for code, city, day, kind, sector, site, org in LETTER_ENGAGEMENTS:
        people = []
        if sector:
            people = [
                factories.PersonFactory(mission=mission, sector=Sector.objects.get(code=sector))
            ]
        e = factories.EngagementFactory(
            mission=mission, region=factories.region(code) if code else None, city=city,
            start=at(dt.date(*day)), kind=kind, site_type=site, staff=[lin], people=people,
        )  # fmt: skip
        if org:
            e.organisations.add(factories.OrganisationFactory(mission=mission))
    return {"mission": mission, "lin": lin}
