"""The demo's people: names in both scripts, titles and offices by the kind of organisation
they work for, contacts, notes, affiliations, tags, and a few relationships between them."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from legation.demo import vocabulary
from legation.demo.context import WINDOW_DAYS, Context, ascii_letters, next_id
from legation.demo.organisations import Organisations
from legation.people import names
from legation.people.models import (
    Affiliation,
    EmailAddress,
    Person,
    PersonNote,
    PhoneNumber,
    PostalAddress,
    Relationship,
)


@dataclass
class People:
    """The people made, by index, in columns: what the engagements draw on."""

    next_id: int  # the id after the last person's (the mission's staff come next)
    vip: bytearray
    people_in: dict[str, list[int]]  # by region
    id: list[int] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    org: list[int] = field(default_factory=list)  # index in Organisations.all, -1: none
    label: list[str] = field(default_factory=list)  # "Senator Smith"
    cum: list[float] = field(default_factory=list)  # cumulative weights: who is met how often
    total: float = 0.0


def generate(ctx: Context, orgs: Organisations, n: int) -> People:
    """Write `n` people with their contacts, notes, affiliations, tags and relationships."""
    rng, words = ctx.rng, vocabulary.people()
    sector_mix = vocabulary.organisations().sectors
    org_kinds = vocabulary.organisations().kinds
    fields, schools = vocabulary.organisations().fields, vocabulary.organisations().schools
    subjects = vocabulary.engagements().subjects
    codes = list(sector_mix)
    sector_cum = list(itertools.accumulate(sector_mix[c].people for c in codes))
    forced_regions = list(ctx.state_codes)
    rng.shuffle(forced_regions)
    first_id = next_id(Person)
    out = People(next_id=first_id + n, vip=bytearray(n),
                 people_in={code: [] for code in ctx.state_codes})  # fmt: skip
    p_role: list[str] = []
    p_gender: list[str] = []
    senators: dict[str, list[int]] = {}
    weights: list[float] = []
    rows, emails, phones, addresses, notes, affiliations, tags = [], [], [], [], [], [], []
    vip_titles = {"Senator", "Governor", "Lieutenant Governor", "Secretary", "Mayor",
                  "Under Secretary"}  # fmt: skip
    for i in range(n):
        pid = first_id + i
        sector = codes[i] if i < len(codes) else rng.choices(codes, cum_weights=sector_cum)[0]
        forced = forced_regions[i] if i < len(forced_regions) else None
        gender = "m" if rng.random() < 0.5 else "f"
        chinese = rng.random() < 0.15
        if chinese:
            family, given, name_zh = ctx.chinese_name(gender)
            order = names.NAME_ORDER_EASTERN
        else:
            given, given_zh = rng.choice(words.given_male if gender == "m" else words.given_female)
            family, family_zh = rng.choices(words.family, cum_weights=ctx.family_cum)[0]
            name_zh = f"{given_zh}·{family_zh}" if rng.random() < 0.45 else ""
            order = names.NAME_ORDER_WESTERN
        o = _pick_org(ctx, orgs, sector, forced)
        org = orgs.all[o] if o >= 0 else None
        if org is not None and org.kind in ("us_senate", "us_house"):
            region = forced or ctx.weighted_state()
            while org.kind == "us_senate" and not ctx.is_state[region]:
                region = ctx.weighted_state()
        elif forced is not None:
            region = forced
        elif org is not None:
            region = org.region
        else:
            region = ctx.weighted_state()
        # Title, office and role.
        if org is not None:
            okind = org_kinds[org.kind]
            m = len(org.members)
            rule, role, office_fmt = (
                okind.ladder[m] if m < len(okind.ladder) else (rng.choice(okind.rest))
            )
            org.members.append(i)
        else:
            rule, role, office_fmt = ("none" if rng.random() < 0.3 else "courtesy", "", "")
        role = role.format(field=rng.choice(fields), school=rng.choice(schools))
        courtesy = "Mr." if gender == "m" else "Ms."
        if rule == "drc":
            rule = "dr" if rng.random() < 0.4 else "courtesy"
        title = {"courtesy": courtesy, "dr": "Dr.", "prof": "Professor", "none": ""}.get(rule, rule)
        state_name = ctx.region_en[region]
        office = office_fmt.format(
            role=role, org=org.name if org else "", state=state_name,
            city=org.city if org else "", topic=org.topic if org else "",
        )[:200]  # fmt: skip
        former = False
        if org is not None and org.kind == "us_senate" and rule == "Senator":
            held = senators.setdefault(region, [])
            held.append(i)
            if len(held) > 2:  # two senators a state: the others served before
                former, office = True, f"Former {office}"
        if (
            org is not None
            and org.kind == "us_house"
            and title == "Representative"
            and (not ctx.is_state[region])
        ):
            title = "Delegate"
            office = f"Delegate to the United States House of Representatives from {state_name}"
        pinyin, keys, grams = ctx.derived(family, given, name_zh)
        created = ctx.stamp(WINDOW_DAYS + rng.randint(1, 700))
        rows.append((pid, ctx.mission_id, f"DEMO-C{i + 1:06d}", family, given, name_zh, pinyin,
                     order, gender, title, office, former, ctx.sector_id[sector],
                     ctx.region_id[region], keys, grams, created))  # fmt: skip
        full = names.full_name(family_name=family, given_name=given, name_order=order)
        label = f"{title} {family}" if title else full
        out.id.append(pid)
        out.region.append(region)
        out.org.append(o)
        out.label.append(label)
        out.people_in[region].append(i)
        p_role.append(role)
        p_gender.append(gender)
        vip = (title in vip_titles and not former) or (
            role in ("Chief Executive Officer", "President") and rng.random() < 0.2
        )
        out.vip[i] = vip
        weight = min(rng.paretovariate(1.3), 300.0) * (4 if vip else 1)
        weights.append(weight * (0.3 if sector == "public" else 1))
        # Contacts.
        domain = org.domain if org else "mail.example"
        if rng.random() < 0.85:
            local = f"{ascii_letters(given)}.{ascii_letters(family)}"
            emails.append((pid, ctx.email(local, domain), "work" if org else "personal", True))
            if rng.random() < 0.1:
                local = f"{ascii_letters(given)[:1]}{ascii_letters(family)}{rng.randint(10, 99)}"
                emails.append((pid, ctx.email(local, "mail.example"), "personal", False))
        area = ctx.state[region].area
        if rng.random() < 0.7:
            phones.append((pid, f"+1{area}555{rng.randint(0, 9999):04d}", "office"))
            if rng.random() < 0.25:
                phones.append((pid, f"+1{area}555{rng.randint(0, 9999):04d}", "mobile"))
        if rng.random() < 0.3:
            st = ctx.state[region]
            lines = (f"{rng.randint(100, 9899)} {rng.choice(words.streets)} "
                     f"{rng.choice(words.street_kinds)}")  # fmt: skip
            if rng.random() < 0.4:
                lines += f"\nSuite {rng.randint(100, 999)}"
            city = org.city if org and org.region == region else rng.choice(st.cities)[0]
            addresses.append((pid, "office", lines, city, ctx.region_id[region],
                              f"{st.zip3}{rng.randint(1, 99):02d}", "US"))  # fmt: skip
        if rng.random() < 0.12:
            r = rng.random()
            topic = rng.choice(subjects)
            if r < 0.25:
                text, sens = rng.choice(words.restricted_notes).format(topic=topic), 2
            else:
                text = rng.choice(words.notes).format(topic=topic, who=label)
                sens = 0 if r > 0.9 else 1
            notes.append((pid, text, sens, ctx.stamp(rng.randint(1, WINDOW_DAYS))))
        if org is not None:
            start = ctx.today - dt.timedelta(days=rng.randint(120, 4000))
            end = ctx.today - dt.timedelta(days=rng.randint(30, 110)) if former else None
            affiliations.append((pid, org.id, (role or "Member")[:150], start, end))
            others = orgs.by_sector[org.sector]
            if rng.random() < 0.1 and len(others) > 1:
                prev = orgs.all[rng.choice(others)]
                if prev is not org:
                    until = start - dt.timedelta(days=rng.randint(1, 200))
                    since = until - dt.timedelta(days=rng.randint(200, 3000))
                    affiliations.append((pid, prev.id, "Member", since, until))
        for tag, share in (
            ("vip", 1.0 if vip else 0.0), ("alumni", 0.04), ("christmas-card", 0.1),
            ("spring-festival", 0.35 if chinese else 0.05), ("farewell", 0.03),
            ("media-friendly", 0.3 if sector == "media" else 0.0),
        ):  # fmt: skip
            if share and rng.random() < share:
                tags.append((pid, ctx.tag_id[tag]))
    relationships = _relationships(ctx, orgs, out, p_role, p_gender, senators)
    out.cum = list(itertools.accumulate(weights))
    out.total = out.cum[-1]
    ctx.progress(0.08, "people: writing")
    ctx.insert(Person, ("id", "mission", "ref", "family_name", "given_name", "name_zh",
                        "pinyin", "name_order", "gender", "title", "office", "former",
                        "sector", "region", "search_keys", "search_grams", "created"), rows)  # fmt: skip
    ctx.insert(EmailAddress, ("person", "email", "label", "primary"), emails)
    ctx.insert(PhoneNumber, ("person", "number", "label"), phones)
    ctx.insert(PostalAddress, ("person", "label", "lines", "city", "region", "postal_code",
                               "country"), addresses)  # fmt: skip
    ctx.insert(PersonNote, ("person", "text", "sensitivity", "created"), notes)
    ctx.insert(Affiliation, ("person", "organisation", "role", "start", "end"), affiliations)
    ctx.insert(Person.tags.through, ("person", "tag"), tags)
    ctx.insert(Relationship, ("from_person", "to_person", "kind", "note"), relationships)
    return out


def _pick_org(ctx: Context, orgs: Organisations, sector: str, forced: str | None) -> int:
    """The organisation a new person works for (-1: none), near `forced` when given."""
    rng = ctx.rng
    if sector == "public" and rng.random() < 0.6:
        return -1
    if forced is not None:
        local = orgs.in_sector_region.get((sector, forced))
        if local:
            return rng.choice(local)
        if sector == "legislature":
            return 1  # the House: a Representative (or Delegate) from that state
        if sector == "subnational":
            return -1
    elif sector == "legislature":
        r = rng.random()
        if r < 0.2:
            return 0
        if r < 0.6:
            return 1
    pool = orgs.by_sector[sector]
    return rng.choice(pool) if pool else -1


def _relationships(
    ctx: Context,
    orgs: Organisations,
    people: People,
    roles: list[str],
    genders: list[str],
    senators: dict[str, list[int]],
) -> list[tuple]:
    """A few ties between people: colleagues, spouses, chiefs of staff, successors, friends."""
    rng = ctx.rng
    n = len(people.id)
    teams = [org.members for org in orgs.all if len(org.members) > 1]
    chiefs = [i for i, role in enumerate(roles) if role == "Chief of Staff"]
    # The first two senators of a state hold the seats now; the later ones are former.
    successions = [(held[1], held[2]) for held in senators.values() if len(held) > 2]
    out, seen = [], set()
    for _ in range(max(6, n // 150)):
        kind = rng.choices(
            ("colleague", "spouse", "chief_of_staff", "successor", "friend"),
            weights=(35, 20, 20, 5, 20),
        )[0]
        source = target = -1
        note = ""
        if kind == "colleague" and teams:
            source, target = rng.sample(rng.choice(teams), 2)
        elif kind == "chief_of_staff" and chiefs:
            source = rng.choice(chiefs)
            bosses = [j for j in orgs.all[people.org[source]].members
                      if roles[j] in ("Senator", "Representative")]  # fmt: skip
            target = rng.choice(bosses) if bosses else -1
        elif kind == "successor" and successions:
            source, target = successions[rng.randrange(len(successions))]
            note = "in the Senate"
        elif kind == "spouse":
            source = rng.randrange(n)
            target = rng.randrange(n)
            if genders[source] == genders[target]:
                target = -1
        else:
            kind, source, target = "friend", rng.randrange(n), rng.randrange(n)
        if source < 0 or target < 0 or source == target or (source, target) in seen:
            continue
        seen.add((source, target))
        out.append((people.id[source], people.id[target], kind, note))
    return out
