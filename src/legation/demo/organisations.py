"""The demo's organisations: Congress, government offices, companies, think tanks, media,
universities, associations… in every state, with unique names in both scripts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from legation.demo import vocabulary
from legation.demo.context import Context, ascii_letters, next_id
from legation.demo.vocabulary import Pair
from legation.people.models import Organisation


@dataclass(slots=True)
class Org:
    idx: int
    id: int
    name: str
    name_zh: str
    sector: str
    region: str
    kind: str
    city: str
    domain: str
    topic: str
    members: list[int] = field(default_factory=list)  # indexes of its people, in order


@dataclass
class Organisations:
    """The organisations made, by index (0 is the Senate, 1 the House), and indexes of them."""

    all: list[Org]
    by_sector: dict[str, list[int]]
    in_sector_region: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    in_region: dict[str, list[int]] = field(default_factory=dict)


def generate(ctx: Context, n: int) -> Organisations:
    """Write `n` organisations (with a few tags): the first two are the Senate and the House,
    the next cover every sector and then every region once; the rest follow the population."""
    rng, words = ctx.rng, vocabulary.organisations()
    codes = list(words.sectors)
    sectors = ["legislature", "legislature", *(c for c in codes if c != "legislature")]
    cum = list(itertools.accumulate(words.sectors[c].organisations for c in codes))
    sectors += rng.choices(codes, cum_weights=cum, k=max(n - len(sectors), 0))
    sectors = sectors[:n]
    # The first organisations cover every region once; the rest follow the population.
    regions = list(ctx.state_codes)
    rng.shuffle(regions)
    out = Organisations(all=[], by_sector={c: [] for c in codes})
    skip = words.slug_skip
    taken: set[str] = set()
    domains: set[str] = set()
    first_id = next_id(Organisation)
    rows, tag_rows = [], []
    for i, sector in enumerate(sectors):
        if i < 2:
            kind, state = ("us_senate", "us_house")[i], "US-DC"
        else:
            kinds = words.sectors[sector].kinds
            kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
            state = regions[i - 2] if i - 2 < len(regions) else ctx.weighted_state()
            if sector == "executive" and rng.random() < 0.8:
                state = "US-DC"
            if state == "US-DC" and kind in ("governor", "state_senate", "state_house"):
                kind = "city" if sector == "subnational" else "caucus"
        city = rng.choice(ctx.state[state].cities)
        # Names are unique: try again, then elsewhere, then a kind that is not one per state.
        for attempt in range(16):
            if 4 <= attempt < 8 and kind not in ("us_senate", "us_house", "federal_dept"):
                moved = ctx.weighted_state()
                if moved != "US-DC" or kind not in words.one_per_state:
                    state, city = moved, rng.choice(ctx.state[moved].cities)
            if attempt == 8:
                kind = words.fallback_kind.get(kind, kind)
            name, name_zh, topic = _name(ctx, kind, state, city)
            if attempt >= 12:  # a branch somewhere else: "…, Tulsa Chapter"
                where = rng.choice(ctx.state[ctx.weighted_state()].cities)
                if sector in ("civil_society", "culture_sports", "public"):
                    name, name_zh = f"{name}, {where[0]} Chapter", f"{name_zh}{where[1]}分会"
                else:
                    name, name_zh = f"{name} ({where[0]})", f"{name_zh}（{where[1]}）"
            if attempt >= 15:
                name = f"{name} {i}"
            if name not in taken:
                break
        taken.add(name)
        if (
            kind not in ("us_senate", "us_house")
            and rng.random() < 0.35
            and sector
            in ("business", "think_tank", "media", "civil_society", "culture_sports", "public")
        ):
            name_zh = ""  # many organisations have no established Chinese name
        parts = [w for w in (ascii_letters(x) for x in name.split()) if w and w not in skip]
        slug = "".join(parts[:3]) or "org"
        domain, k = f"{slug}.example", 2
        while domain in domains:
            domain, k = f"{slug}{k}.example", k + 1
        domains.add(domain)
        org = Org(i, first_id + i, name, name_zh, sector, state, kind, city[0], domain, topic)
        out.all.append(org)
        out.by_sector[sector].append(i)
        out.in_sector_region.setdefault((sector, state), []).append(i)
        out.in_region.setdefault(state, []).append(i)
        rows.append((org.id, ctx.mission_id, f"DEMO-O{i + 1:05d}", name[:200], name_zh[:200],
                     ctx.sector_id[sector], ctx.region_id[state], f"https://www.{domain}/"))  # fmt: skip
        if rng.random() < 0.05:
            tag = rng.choice(("vip", "christmas-card", "spring-festival"))
            tag_rows.append((org.id, ctx.tag_id[tag]))
    ctx.insert(Organisation, ("id", "mission", "ref", "name_en", "name_zh", "sector", "region",
                              "website"), rows)  # fmt: skip
    ctx.insert(Organisation.tags.through, ("organisation", "tag"), tag_rows)
    return out


def _name(ctx: Context, kind: str, state: str, city: Pair) -> tuple[str, str, str]:
    """(English name, Chinese name, topic its people deal with) for an organisation.

    Each kind draws from a few patterns, so that even the large size (30,000 organisations)
    finds mostly unique names before falling back to adding the city.
    """
    rng, words, family_names = ctx.rng, vocabulary.organisations(), vocabulary.people().family
    st_en, st_zh = ctx.region_en[state], ctx.region_zh[state]
    city_en, city_zh = city
    pre, pre_zh = rng.choice(words.prefixes)
    fnd, fnd_zh = rng.choice(words.founders)
    topic, topic_zh = rng.choice(words.topics)
    pattern = rng.randrange(4)
    if kind == "us_senate":
        return "United States Senate", "美国参议院", topic
    if kind == "us_house":
        return "United States House of Representatives", "美国众议院", topic
    if kind == "state_senate":
        return f"{st_en} State Senate", f"{st_zh}参议院", topic
    if kind == "state_house":
        return f"{st_en} House of Representatives", f"{st_zh}众议院", topic
    if kind == "committee":
        if state == "US-DC":
            body, body_zh = "Council of the District of Columbia", "哥伦比亚特区议会"
        else:
            body, body_zh = (
                ((f"{st_en} Legislature", f"{st_zh}议会"), (f"{st_en} Senate", f"{st_zh}参议院"),
                 (f"{st_en} House", f"{st_zh}众议院"))[pattern % 3]
            )  # fmt: skip
        return f"{body} Committee on {topic}", f"{body_zh}{topic_zh}委员会", topic
    if kind == "caucus":
        return f"Congressional {topic} Caucus", f"国会{topic_zh}议员连线", topic
    if kind == "federal_dept":
        dept, dept_zh = rng.choice(words.federal_departments)
        return f"Department of {dept}", f"{dept_zh}部", dept
    if kind == "federal_office":
        unit, unit_zh = rng.choice(words.federal_units)
        name, name_zh = f"{unit} of {topic}", f"{topic_zh}{unit_zh}"
        if state != "US-DC":
            name, name_zh = f"{name}, {city_en} Field Office", f"{name_zh}{city_zh}办事处"
        return name, name_zh, topic
    if kind == "governor":
        return f"Office of the Governor of {st_en}", f"{st_zh}州长办公室", topic
    if kind == "city":
        return f"City of {city_en}", f"{city_zh}市政府", topic
    if kind == "state_dept":
        dept, dept_zh = rng.choice(words.state_departments)
        return f"{st_en} Department of {dept}", f"{st_zh}{dept_zh}厅", dept
    if kind == "port":
        return f"Port of {city_en}", f"{city_zh}港务局", "port and shipping links"
    if kind == "county":
        # Counties are mostly named after people: invented founders and common surnames.
        name, name_zh = rng.choice(words.founders) if pattern == 0 else rng.choice(family_names)
        return f"{name} County, {st_en}", f"{st_zh}{name_zh}县", "trade and investment"
    if kind == "company":
        ind, ind_zh = rng.choice(words.industries)
        suffix, suffix_zh = rng.choice(words.company_suffixes)
        head, head_zh = ((pre, pre_zh), (city_en, city_zh), (fnd, fnd_zh), (pre, pre_zh))[pattern]
        return f"{head} {ind} {suffix}", f"{head_zh}{ind_zh}{suffix_zh}", ind
    if kind == "think_tank":
        if pattern == 0:
            return f"{pre} Institute for {topic}", f"{pre_zh}{topic_zh}研究所", topic
        if pattern == 1:
            return f"{fnd} Center for {topic}", f"{fnd_zh}{topic_zh}中心", topic
        if pattern == 2:
            return f"{city_en} Forum on {topic}", f"{city_zh}{topic_zh}论坛", topic
        return f"{pre} Council on {topic}", f"{pre_zh}{topic_zh}理事会", topic
    if kind == "university":
        return f"{fnd} University", f"{fnd_zh}大学", topic
    if kind == "college":
        if pattern == 0:
            return f"{city_en} Community College", f"{city_zh}社区学院", topic
        return f"{fnd} College", f"{fnd_zh}学院", topic
    if kind == "school":
        if pattern < 2:
            return (f"{fnd} High School, {city_en}", f"{city_zh}{fnd_zh}中学",
                    "education exchanges")  # fmt: skip
        return f"{fnd} Academy, {city_en}", f"{city_zh}{fnd_zh}学校", "education exchanges"
    if kind == "media":
        outlet, outlet_zh = rng.choice(words.outlets)
        head, head_zh = ((pre, pre_zh), (city_en, city_zh), (fnd, fnd_zh), (pre, pre_zh))[pattern]
        return f"{head} {outlet}", f"{head_zh}{outlet_zh}", topic
    if kind == "association":
        cause, cause_zh = rng.choice(words.causes)
        variant = rng.randrange(8)
        if variant == 0:
            return f"{fnd} Foundation", f"{fnd_zh}基金会", topic
        if variant == 1:
            family, family_zh = rng.choice(family_names)
            return f"{family} Family Foundation", f"{family_zh}家族基金会", topic
        if variant == 2:
            return f"{st_en} {cause} Association", f"{st_zh}{cause_zh}协会", topic
        if variant in (3, 4):
            return f"{city_en} {cause} Association", f"{city_zh}{cause_zh}协会", topic
        if variant == 5:
            return f"{city_en} Chamber of Commerce", f"{city_zh}商会", "trade and investment"
        if variant == 6:
            return (f"{city_en}–Demoland Sister City Committee", f"{city_zh}—德莫兰友好城市委员会",
                    "sister-city ties")  # fmt: skip
        return (f"{st_en}–Demoland Friendship Association", f"{st_zh}—德莫兰友好协会",
                "sister-city ties")  # fmt: skip
    if kind == "orchestra":
        if pattern == 0:
            return f"{city_en} Chamber Players", f"{city_zh}室内乐团", "cultural exchange"
        return f"{pre} Symphony Orchestra", f"{pre_zh}交响乐团", "cultural exchange"
    if kind == "museum":
        if pattern == 0:
            return f"{city_en} Arts Council", f"{city_zh}艺术委员会", "cultural exchange"
        if pattern == 1:
            return (
                f"{city_en} Museum of Asian Art",
                f"{city_zh}亚洲艺术博物馆",
                "cultural exchange",
            )
        if pattern == 2:
            return f"{pre} Arts Center", f"{pre_zh}艺术中心", "cultural exchange"
        return f"{fnd} Museum of Art", f"{fnd_zh}艺术博物馆", "cultural exchange"
    if kind == "team":
        if pattern < 3:
            mascot, mascot_zh = rng.choice(words.mascots)
            return f"{city_en} {mascot}", f"{city_zh}{mascot_zh}", "sports exchanges"
        sport, sport_zh = rng.choice(words.sports)
        return f"{st_en} {sport} Association", f"{st_zh}{sport_zh}协会", "sports exchanges"
    if pattern == 0:
        return (
            f"{city_en} Friends of Demoland Club",
            f"{city_zh}德莫兰之友俱乐部",
            "cultural exchange",
        )
    return (f"{pre} Neighborhood Association, {city_en}", f"{city_zh}{pre_zh}社区协会",
            "cultural exchange")  # fmt: skip
