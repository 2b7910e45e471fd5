"""The demo's engagements: three years of meetings, calls, visits, letters… with their people,
staff, organisations, tags and the commitments they raise.

The heads of mission's trips and one visit to each region are planned first (``_planned``); the
rest fall on weekdays more than weekends, growing a little over the years. They are built and
written in chunks, a second thread writing one chunk while the next is built, with the
engagements' full-text index and each posting's activity rows set aside during the load and
filled in one statement at the end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from legation.demo import commitments, vocabulary
from legation.demo.context import WINDOW_DAYS, Context, next_id, weighted_sample
from legation.demo.organisations import Organisations
from legation.demo.people import People
from legation.demo.staff import StaffPosting
from legation.engagements.models import (
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
)
from legation.insight import derived
from legation.insight import versions as ledger_versions


@dataclass(slots=True)
class _Spec:
    """An engagement whose kind, time, place and staff are fixed in advance (a visit, a trip)."""

    day: int
    kind: str
    minute: int
    region: str
    staff: tuple[int, ...]
    pool: list[int]


def generate(
    ctx: Context,
    orgs: Organisations,
    people: People,
    postings: list[StaffPosting],
    *,
    total_n: int,
    commitments_n: int,
    chunk: int,
) -> None:
    """Write `total_n` engagements and `commitments_n` commitments, `chunk` engagements a round."""
    rng = ctx.rng
    days = [ctx.window_start + dt.timedelta(days=i) for i in range(WINDOW_DAYS)]
    day_staff = _day_staff(postings, days)
    specs, allowed = _planned(ctx, people, postings, days)
    specs = specs[:total_n]
    weights = []
    for i, day in enumerate(days):
        w = (10, 10, 10, 10, 10, 2, 1)[day.weekday()]
        w *= 0.7 if day.month == 8 else 0.75 if day.month == 12 else 1.0
        weights.append(w * (1 + 0.25 * i / WINDOW_DAYS))
    day_cum = list(itertools.accumulate(weights))
    random_days = sorted(
        rng.choices(range(WINDOW_DAYS), cum_weights=day_cum, k=total_n - len(specs))
    )
    pending = commitments.pending(rng, total_n, commitments_n)
    schedule = _schedule(random_days, specs)

    eid = first_id = next_id(Engagement)
    suspended = ctx.w.suspend_text_index(Engagement)
    activity = derived.suspend_activity()
    versions_aside = ledger_versions.suspend()
    ctx.w.begin_background()
    try:
        _rounds(
            ctx, orgs, people, postings, allowed, schedule, day_staff, days, pending, eid, chunk
        )
    finally:
        ctx.w.end_background()
    if suspended:
        ctx.progress(0.94, "text search index")
        ctx.w.resume_text_index(suspended, first_id)
    ctx.progress(0.96, "each posting's activity")
    ctx.w.resume_activity(activity, first_id)
    ledger_versions.resume(versions_aside)


def _rounds(
    ctx: Context,
    orgs: Organisations,
    people: People,
    postings: list[StaffPosting],
    allowed_map: dict[int, tuple[frozenset[str], list[str]]],
    schedule: Iterator[tuple[int, _Spec | None]],
    day_staff: list[tuple[tuple[int, ...], list[int], int]],
    days: list[dt.date],
    pending: bytearray,
    eid: int,
    chunk_size: int,
) -> None:
    """Build and write the engagements chunk by chunk, with their links and commitments."""
    rng, words = ctx.rng, vocabulary.engagements()
    total_n = len(pending)
    random, choice, bisect_right = rng.random, rng.choice, bisect.bisect_right
    kind_codes = [k for k, _ in words.kinds]
    kind_cum = list(itertools.accumulate(w for _, w in words.kinds))
    people_pop = list(range(len(people.id)))
    p_id, p_region, p_org, p_label = people.id, people.region, people.org, people.label
    p_cum, p_total, p_vip = people.cum, people.total, people.vip
    people_in, orgs_in_region, all_orgs = people.people_in, orgs.in_region, orgs.all
    region_id, mission_id = ctx.region_id, ctx.mission_id
    hours, durations, in_person = words.hours, words.durations, words.in_person
    site_types, site_types_otherwise = words.site_types, words.site_types_otherwise
    subjects, openings, closings = words.subjects, words.summary_openings, words.summary_closings
    cities = {code: [c for c, _ in st.cities] for code, st in ctx.state.items()}
    formats = {
        kind: ([f for f in fs if "{org}" in f], [f for f in fs if "{org}" not in f])
        for kind, fs in words.subject_formats.items()
    }
    remote = {"call", "email", "letter_sent", "letter_received"}
    wants_org = {"site_visit", "speech", "interview"}
    prev = next((j for j, p in enumerate(postings) if p.ref == "DEMO-HOM-PREV"), -1)
    farewell_from = (
        (postings[prev].departure - ctx.window_start).days - 30
        if prev >= 0 and postings[prev].departure else WINDOW_DAYS
    )  # fmt: skip
    tag_farewell, tag_vip = ctx.tag_id["farewell"], ctx.tag_id["vip"]
    starts: dict[int, Any] = {}
    done = 0
    while done < total_n:
        chunk = list(itertools.islice(schedule, chunk_size))
        if not chunk:
            break
        n = len(chunk)
        kinds = rng.choices(kind_codes, cum_weights=kind_cum, k=n)
        prims = rng.choices(people_pop, cum_weights=p_cum, k=n)
        e_rows, part_rows, staff_rows, org_rows, tag_rows, c_rows = [], [], [], [], [], []
        for j, (d, spec) in enumerate(chunk):
            if spec is not None:
                kind, minute, region = spec.kind, spec.minute, spec.region
                staff = list(spec.staff)
                pool = spec.pool
                p = pool[int(random() * len(pool))] if pool else prims[j]
            else:
                kind, p, pool = kinds[j], prims[j], None
                lo, hi, step = hours[kind]
                minute = lo + step * int(random() * ((hi - lo) // step + 1))
                idx, cum, weight = day_staff[d]
                s1 = idx[bisect_right(cum, random() * weight)]
                staff = [s1]
                if len(idx) > 1 and random() < 0.35:
                    s2 = idx[bisect_right(cum, random() * weight)]
                    if s2 != s1:
                        staff.append(s2)
                if kind in in_person:
                    region = p_region[p] if random() < 0.75 else "US-DC"
                    for s in staff:
                        allowed = allowed_map.get(s)
                        if allowed is not None and region not in allowed[0]:
                            region = "US-DC" if random() < 0.65 else choice(allowed[1])
                else:
                    region = p_region[p] if random() < 0.3 else None
            # Their participants: colleagues, people from the same place, or anyone.
            parts = [p]
            r = random()
            extra = (r >= 0.85) if kind in remote else (0 if r < 0.55 else 1 if r < 0.85 else 2)
            o = p_org[p]
            for _ in range(extra):
                if o >= 0 and random() < 0.5:
                    members = all_orgs[o].members
                    q = members[int(random() * len(members))]
                elif pool or (region is not None and random() < 0.6):
                    local = pool or people_in[region]
                    q = local[int(random() * len(local))] if local else p
                else:
                    q = bisect_right(p_cum, random() * p_total)
                if q not in parts:
                    parts.append(q)
            eorgs = []
            if o >= 0 and (kind in wants_org or random() < 0.65):
                eorgs.append(o)
            if region is not None and random() < 0.1:
                local = orgs_in_region.get(region)
                if local:
                    o2 = local[int(random() * len(local))]
                    if o2 not in eorgs:
                        eorgs.append(o2)
            first = all_orgs[eorgs[0]] if eorgs else None
            site, city = "", ""
            if kind == "site_visit":
                options = site_types.get(first.sector if first else "", site_types_otherwise)
                site = options[int(random() * len(options))]
                if region != "US-DC" and random() < 0.08:
                    site = "farm"
            if region is not None and kind in in_person:
                if first is not None and first.region == region:
                    city = first.city
                else:
                    names_ = cities[region]
                    city = names_[int(random() * len(names_))]
            who = p_label[p]
            topic = choice(subjects)
            with_org, without_org = formats[kind]
            if first is not None and with_org and (random() < 0.7 or not without_org):
                subject = choice(with_org).format(who=who, org=first.name, topic=topic)
            else:
                subject = choice(without_org).format(who=who, topic=topic)
            if random() < 0.6:
                summary = (
                    choice(openings).format(topic=topic, topic2=choice(subjects), who=who)
                    + " " + choice(closings).format(who=who)
                ).strip()  # fmt: skip
            else:
                summary = ""
            notes = f"Next step: {choice(subjects)}." if random() < 0.1 else ""
            r = random()
            sensitivity = 0 if r < 0.2 else 2 if r >= 0.9 else 1
            dlo, dhi = durations[kind]
            minutes = dlo + 15 * int(random() * ((dhi - dlo) // 15 + 1)) if dhi else 0
            key = d * 1440 + minute
            start = starts.get(key)
            if start is None:
                start = starts[key] = ctx.w.datetime(ctx.at(days[d], minute))
            e_rows.append((eid, mission_id, kind, start, ctx.w.duration(minutes),
                           region_id[region] if region is not None else None, city, site,
                           subject[:300], summary, notes, sensitivity))  # fmt: skip
            for q in parts:
                part_rows.append((eid, p_id[q]))
            for s in staff:
                staff_rows.append((eid, postings[s].id))
            for oo in eorgs:
                org_rows.append((eid, all_orgs[oo].id))
            if prev in staff and d >= farewell_from:
                tag_rows.append((eid, tag_farewell))
            if p_vip[p] and kind in in_person and random() < 0.5:
                tag_rows.append((eid, tag_vip))
            for _ in range(pending[done + j]):
                c_rows.append(
                    commitments.row(
                        ctx, engagement_id=eid, mission_id=mission_id, topic=topic, who=who,
                        person_id=p_id[p],
                        owners=[postings[s].id for s in staff], raised=days[d],
                        sensitivity=sensitivity,
                    )
                )  # fmt: skip
            eid += 1
        ctx.insert(Engagement, ("id", "mission", "kind", "start", "duration", "region",
                                  "city", "site_type", "subject", "summary", "notes",
                                  "sensitivity"), e_rows)  # fmt: skip
        ctx.insert(EngagementParticipant, ("engagement", "person"), part_rows)
        ctx.insert(EngagementStaff, ("engagement", "posting"), staff_rows)
        ctx.insert(EngagementOrganisation, ("engagement", "organisation"), org_rows)
        ctx.insert(Engagement.tags.through, ("engagement", "tag"), tag_rows)
        commitments.insert(ctx, c_rows)
        done += n
        ctx.progress(0.13 + 0.8 * done / total_n, f"engagements {done:,} of {total_n:,}")


def _visited(ctx: Context, low: int, high: int) -> list[str]:
    """The states a head of mission travels to: New York and California, and others by size."""
    rng = ctx.rng
    states = [c for c in ctx.state_codes if ctx.is_state[c]]
    must = [c for c in ("US-NY", "US-CA") if c in states]
    rest = [c for c in states if c not in must]
    k = rng.randint(low, high) - len(must)
    return sorted(must + weighted_sample(rng, rest, [ctx.state[c].weight for c in rest], k))


def _planned(
    ctx: Context, people: People, postings: list[StaffPosting], days: list[dt.date]
) -> tuple[list[_Spec], dict[int, tuple[frozenset[str], list[str]]]]:
    """Engagements fixed in advance: each head of mission's trips, and one visit per region.

    A head of mission's in-person engagements happen only in the states of their trips or in
    Washington, which gives the "500-plus days, 22 states" profile the letters quote.
    """
    rng = ctx.rng
    specs: list[_Spec] = []
    allowed: dict[int, tuple[frozenset[str], list[str]]] = {}
    last_day = len(days) - 1
    for pi, posting in enumerate(postings):
        if posting.role != "head_of_mission":
            continue
        visited = _visited(ctx, 22, 26) if posting.departure is None else _visited(ctx, 26, 30)
        allowed[pi] = (frozenset([*visited, "US-DC"]), [*visited, "US-DC"])
        lo = max((posting.arrival - ctx.window_start).days, 0) + 7
        hi = (
            last_day
            if posting.departure is None
            else min((posting.departure - ctx.window_start).days, last_day)
        )
        if hi < lo:
            continue
        for code in visited:
            d = rng.randint(lo, hi)
            for _ in range(10):
                if days[d].weekday() < 5:
                    break
                d = rng.randint(lo, hi)
            others = [j for j, p in enumerate(postings) if j != pi and p.in_force(days[d])]
            n = rng.randint(2, 4)
            kinds = [
                "meeting",
                *rng.sample(["site_visit", "speech", "event", "interview"], n - 1),
            ]
            for kind, minute in zip(kinds, (540, 660, 840, 990), strict=False):
                staff = (pi,) if not others or rng.random() < 0.6 else (pi, rng.choice(others))
                specs.append(_Spec(d, kind, minute, code, staff, people.people_in[code]))
    for code in ctx.state_codes:
        d = rng.randrange(len(days))
        staff = [j for j, p in enumerate(postings)
                 if p.role != "head_of_mission" and p.in_force(days[d])]  # fmt: skip
        if staff:
            kind = rng.choice(("meeting", "site_visit"))
            specs.append(_Spec(d, kind, rng.choice((600, 660, 840)), code,
                               (rng.choice(staff),), people.people_in[code]))  # fmt: skip
    specs.sort(key=lambda spec: spec.day)
    return specs, allowed


def _day_staff(
    postings: list[StaffPosting], days: list[dt.date]
) -> list[tuple[tuple[int, ...], list[int], int]]:
    """For each day, the postings in force and their cumulative weights."""
    shared: dict[tuple[int, ...], tuple[tuple[int, ...], list[int], int]] = {}
    out = []
    for day in days:
        idx = tuple(j for j, p in enumerate(postings) if p.in_force(day))
        if not idx:
            raise ValueError(f"No posting in force on {day}.")  # pragma: no cover
        if idx not in shared:
            cum = list(itertools.accumulate(postings[j].weight for j in idx))
            shared[idx] = (idx, cum, cum[-1])
        out.append(shared[idx])
    return out


def _schedule(random_days: list[int], specs: list[_Spec]) -> Iterator[tuple[int, _Spec | None]]:
    """Random engagements and planned ones, merged in date order."""
    k = 0
    for d in random_days:
        while k < len(specs) and specs[k].day <= d:
            yield specs[k].day, specs[k]
            k += 1
        yield d, None
    for spec in specs[k:]:
        yield spec.day, spec
