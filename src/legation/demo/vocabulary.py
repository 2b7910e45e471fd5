"""The demo's vocabulary, read once from the data files beside this module.

Every name in them is common or generic; the combinations the generator makes are invented.
Words come in pairs (English, Chinese) wherever the ledger keeps both scripts. The files:

- ``data/states.csv``: each state's telephone area code, the first three digits of its ZIP codes
  and its population (millions, the weight by which people and places are drawn); its cities come
  from ``letters/data/us-cities.json``, which letters in Chinese use to name a place.
- ``data/people.json``: given and family names in both scripts, Chinese names, notes, streets.
- ``data/organisations.json``: name parts, the mix of sectors, and who works in each kind of
  organisation (a ladder of roles taken in order, then roles drawn from the rest).
- ``data/engagements.json``: kinds, hours and durations, subjects, summaries, site types.
- ``data/commitments.json``: what is promised, and the odds of how it ends.
- ``data/staff.csv``: the mission's staff (arrival and departure in days before ``today``;
  empty: still in post, or for the heads of mission, placed by the generator).
- ``data/mission.json``: the mission's tags, each staff role's share of engagements, its facts.

The order of every list matters: the generator draws from them with a seeded random source, so
reordering a list changes the data a seed gives.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

Pair = tuple[str, str]  # (English, Chinese)
# (title rule, role, office format). Title rules: "courtesy" is Mr. or Ms. by gender, "dr" Dr.,
# "prof" Professor, "drc" either, "none" nothing; anything else is the honorific itself.
Role = tuple[str, str, str]
_OF_ORG = "{role}, {org}"


@dataclass(frozen=True)
class State:
    code: str  # ISO 3166-2
    cities: tuple[Pair, ...]
    area: str  # telephone area code
    zip3: str  # first three digits of its ZIP codes
    weight: float  # population in millions


@dataclass(frozen=True)
class OrgKind:
    ladder: tuple[Role, ...]  # the first members take these in order
    rest: tuple[Role, ...]  # later members draw one of these


@dataclass(frozen=True)
class Sector:
    people: float  # share of people
    organisations: float  # share of organisations
    kinds: tuple[tuple[str, int], ...]  # kinds of organisation with weights


@dataclass(frozen=True)
class People:
    given_male: tuple[Pair, ...]
    given_female: tuple[Pair, ...]
    family: tuple[Pair, ...]  # roughly by frequency
    chinese_family: tuple[str, ...]  # roughly by frequency
    chinese_given_male: tuple[str, ...]
    chinese_given_female: tuple[str, ...]
    notes: tuple[str, ...]
    restricted_notes: tuple[str, ...]
    streets: tuple[str, ...]
    street_kinds: tuple[str, ...]


@dataclass(frozen=True)
class Organisations:
    prefixes: tuple[Pair, ...]
    founders: tuple[Pair, ...]
    industries: tuple[Pair, ...]
    company_suffixes: tuple[Pair, ...]
    topics: tuple[Pair, ...]
    federal_departments: tuple[Pair, ...]
    federal_units: tuple[Pair, ...]
    state_departments: tuple[Pair, ...]
    outlets: tuple[Pair, ...]
    causes: tuple[Pair, ...]
    mascots: tuple[Pair, ...]
    sports: tuple[Pair, ...]
    fields: tuple[str, ...]
    schools: tuple[str, ...]
    slug_skip: frozenset[str]  # words left out of web domains
    sectors: dict[str, Sector]  # by sector code
    one_per_state: frozenset[str]  # kinds with one organisation per state (never in DC)
    fallback_kind: dict[str, str]  # what to make when every name of a kind is taken
    kinds: dict[str, OrgKind]


@dataclass(frozen=True)
class Engagements:
    kinds: tuple[tuple[str, int], ...]  # with weights
    in_person: frozenset[str]
    durations: dict[str, tuple[int, int]]  # minutes, low and high
    hours: dict[str, tuple[int, int, int]]  # first and last start (minutes), step
    subjects: tuple[str, ...]  # of conversation, in engagements and notes
    subject_formats: dict[str, tuple[str, ...]]
    site_types: dict[str, tuple[str, ...]]  # by sector of the organisation visited
    site_types_otherwise: tuple[str, ...]
    summary_openings: tuple[str, ...]
    summary_closings: tuple[str, ...]


@dataclass(frozen=True)
class Commitments:
    ours: tuple[str, ...]
    theirs: tuple[str, ...]
    statuses: tuple[str, ...]
    status_odds: dict[str, tuple[float, ...]]  # cumulative, by how far past due
    resolutions: dict[str, tuple[str, ...]]  # by closing status


@dataclass(frozen=True)
class StaffMember:
    ref: str
    role: str
    title: str
    title_zh: str
    arrived_days_ago: int | None
    left_days_ago: int | None


@dataclass(frozen=True)
class Mission:
    tags: tuple[str, ...]
    staff: tuple[StaffMember, ...]
    staff_weight: dict[str, int]  # how often each role is among our participants
    facts: tuple[dict[str, Any], ...]  # Fact fields


def _json(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as f:
        return json.load(f)


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _pairs(items: list[list[str]]) -> tuple[Pair, ...]:
    return tuple((en, zh) for en, zh in items)


def _roles(items: list[dict[str, Any]]) -> tuple[Role, ...]:
    out: list[Role] = []
    for item in items:
        role = (item["title"], item["role"], item.get("office", _OF_ORG))
        out += [role] * item.get("times", 1)
    return tuple(out)


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


@functools.cache
def states() -> tuple[State, ...]:
    """The states, DC and Puerto Rico, in file order, with their cities."""
    cities_file = resources.files("legation.letters").joinpath("data/us-cities.json")
    cities = json.loads(cities_file.read_text(encoding="utf-8"))["cities"]
    return tuple(
        State(
            code=row["code"],
            cities=_pairs(cities[row["code"]]),
            area=row["area_code"],
            zip3=row["zip3"],
            weight=float(row["population_millions"]),
        )
        for row in _csv("states.csv")
    )


_PEOPLE_LISTS = (
    "chinese_family", "chinese_given_male", "chinese_given_female", "notes", "restricted_notes",
    "streets", "street_kinds",
)  # fmt: skip


@functools.cache
def people() -> People:
    data = _json("people.json")
    return People(
        given_male=_pairs(data["given_male"]),
        given_female=_pairs(data["given_female"]),
        family=_pairs(data["family"]),
        **{key: tuple(data[key]) for key in _PEOPLE_LISTS},
    )


@functools.cache
def organisations() -> Organisations:
    data = _json("organisations.json")
    pairs = (
        "prefixes", "founders", "industries", "company_suffixes", "topics",
        "federal_departments", "federal_units", "state_departments", "outlets", "causes",
        "mascots", "sports",
    )  # fmt: skip
    return Organisations(
        **{key: _pairs(data[key]) for key in pairs},
        fields=tuple(data["fields"]),
        schools=tuple(data["schools"]),
        slug_skip=frozenset(data["slug_skip"]),
        sectors={
            code: Sector(mix["people"], mix["organisations"], tuple(mix["kinds"].items()))
            for code, mix in data["sectors"].items()
        },
        one_per_state=frozenset(data["one_per_state"]),
        fallback_kind=dict(data["fallback_kind"]),
        kinds={
            name: OrgKind(_roles(kind["ladder"]), _roles(kind["rest"]))
            for name, kind in data["kinds"].items()
        },
    )


@functools.cache
def engagements() -> Engagements:
    data = _json("engagements.json")
    return Engagements(
        kinds=tuple(data["kinds"].items()),
        in_person=frozenset(data["in_person"]),
        durations={kind: (low, high) for kind, (low, high) in data["durations"].items()},
        hours={kind: (first, last, step) for kind, (first, last, step) in data["hours"].items()},
        subjects=tuple(data["subjects"]),
        subject_formats={kind: tuple(f) for kind, f in data["subject_formats"].items()},
        site_types={sector: tuple(t) for sector, t in data["site_types"].items()},
        site_types_otherwise=tuple(data["site_types_otherwise"]),
        summary_openings=tuple(data["summary_openings"]),
        summary_closings=tuple(data["summary_closings"]),
    )


@functools.cache
def commitments() -> Commitments:
    data = _json("commitments.json")
    return Commitments(
        ours=tuple(data["ours"]),
        theirs=tuple(data["theirs"]),
        statuses=tuple(data["statuses"]),
        status_odds={when: tuple(odds) for when, odds in data["status_odds"].items()},
        resolutions={status: tuple(r) for status, r in data["resolutions"].items()},
    )


def _fact(spec: dict[str, Any]) -> dict[str, Any]:
    out = dict(spec)
    if "date" in out:
        out["date"] = dt.date.fromisoformat(out["date"])
    if "value" in out:
        out["value"] = Decimal(out["value"])
    return out


@functools.cache
def mission() -> Mission:
    data = _json("mission.json")
    staff = tuple(
        StaffMember(
            ref=row["ref"],
            role=row["role"],
            title=row["title"],
            title_zh=row["title_zh"],
            arrived_days_ago=_optional_int(row["arrived_days_ago"]),
            left_days_ago=_optional_int(row["left_days_ago"]),
        )
        for row in _csv("staff.csv")
    )
    return Mission(
        tags=tuple(data["tags"]),
        staff=staff,
        staff_weight=dict(data["staff_weight"]),
        facts=tuple(_fact(spec) for spec in data["facts"]),
    )
