"""The sender's title in a letter, in the letter's language, by documented rules.

A letter says who signs it: the signature prints the *short* title ("Ambassador" / "大使"), the
body may say the *full* one ("Ambassador of the People's Republic of China to the United States
of America" / "中华人民共和国驻美利坚合众国大使") or the *common* one, as people say it ("Chinese
Ambassador to the United States" / "中国驻美国大使"). The title comes, in order, from:

1. the posting's title (``Posting.title``, ``Posting.title_zh``). A title that names a rank of the
   table below ("Ambassador", "总领事") gets that rank's full and common forms; any other title
   is printed as written, in all three forms. A posting with an English title and no Chinese one
   is translated by the rank table, else by the titles of forms of address ("Senator" 参议员),
   else the role's Chinese title stands in: never English words inside a Chinese letter;
2. the posting's role, read by the mission's kind (``ROLE_RANKS``): the head of an embassy is its
   Ambassador, the head of a consulate general its Consul General, the head of a trade office
   its Director, of a representative office its Representative; "chargé d'affaires a.i." and
   "deputy head of mission" likewise by kind; diplomatic ranks (minister, minister-counsellor,
   counsellor, first to third secretary, attaché, consul, vice consul) read the same in every
   kind. "Officer", "other" and every role of a legislator's office or an NGO (kind ``office``)
   compose nothing;
3. the person's own title, when it is an office ("Senator"), not a courtesy title ("Dr.", "Mr.")
   and not held formerly;
4. else no title: the signature is the name alone.

Full and common forms, for a rank composed above:

- the Ambassador of an embassy: "Ambassador of {sending state} to {host state}" /
  "{sending state}驻{host state}大使" (formal names, ``STATE_NAMES``); common "{Chinese}
  Ambassador to {the United States}" / "中国驻美国大使";
- the Consul General (Consul) of a consulate general (consulate): "Consul General of {sending
  state} in {seat}" / "{sending state}驻{seat}总领事"; common "{Chinese} Consul General in
  {seat}" / "中国驻旧金山总领事" (the seat is ``Mission.seat_en`` / ``seat_zh``);
- a chargé d'affaires a.i. of an embassy: common "{Chinese} Chargé d'Affaires a.i. in {the United
  States}" / "中国驻美国临时代办";
- every other rank: "{rank} of the {mission's name}" / "{mission's Chinese name}{rank}"
  ("Counsellor of the Embassy of …", "中华人民共和国驻美利坚合众国大使馆参赞"); common, in an
  embassy or a consulate, "{rank} of the {Chinese} Embassy in {the United States}" /
  "中国驻美国大使馆参赞".

A sending state the tables do not know (the demo's invented Republic of Demoland) is named by
the mission's own fields ``Mission.sending_name_en`` ("Demoland"), ``sending_adjective_en``
("Demolandian"), ``sending_name_zh`` ("德莫兰"), ``sending_state_en`` ("the Republic of
Demoland") and ``sending_state_zh`` ("德莫兰共和国"); each, when set, wins over the tables.

Never "Ambassador of the Embassy of …": an Ambassador is of a state, not of the building. When a
name needed is missing (no seat, no Chinese name of a state), the form falls back to the next
one that can be written (common to full to short), so nothing is ever half English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legation.people.address import office_title

# Short names (the country, its adjective, Chinese name): "leaving the United States", "22
# American states", "Chinese Ambassador".
COUNTRIES = {
    "US": ("the United States", "American", "美国"),
    "GB": ("the United Kingdom", "British", "英国"),
    "CA": ("Canada", "Canadian", "加拿大"),
    "AU": ("Australia", "Australian", "澳大利亚"),
    "DE": ("Germany", "German", "德国"),
    "FR": ("France", "French", "法国"),
    "CN": ("China", "Chinese", "中国"),
    "JP": ("Japan", "Japanese", "日本"),
    "KR": ("the Republic of Korea", "Korean", "韩国"),
    "IN": ("India", "Indian", "印度"),
    "RU": ("Russia", "Russian", "俄罗斯"),
    "BR": ("Brazil", "Brazilian", "巴西"),
    "MX": ("Mexico", "Mexican", "墨西哥"),
    "SG": ("Singapore", "Singaporean", "新加坡"),
    "NZ": ("New Zealand", "New Zealand", "新西兰"),
}
# Formal names of states, as titles and credentials say them.
STATE_NAMES = {
    "CN": ("the People's Republic of China", "中华人民共和国"),
    "US": ("the United States of America", "美利坚合众国"),
    "GB": (
        "the United Kingdom of Great Britain and Northern Ireland",
        "大不列颠及北爱尔兰联合王国",
    ),
    "CA": ("Canada", "加拿大"),
    "AU": ("the Commonwealth of Australia", "澳大利亚联邦"),
    "DE": ("the Federal Republic of Germany", "德意志联邦共和国"),
    "FR": ("the French Republic", "法兰西共和国"),
    "JP": ("Japan", "日本国"),
    "KR": ("the Republic of Korea", "大韩民国"),
    "IN": ("the Republic of India", "印度共和国"),
    "RU": ("the Russian Federation", "俄罗斯联邦"),
    "BR": ("the Federative Republic of Brazil", "巴西联邦共和国"),
    "MX": ("the United Mexican States", "墨西哥合众国"),
    "SG": ("the Republic of Singapore", "新加坡共和国"),
    "NZ": ("New Zealand", "新西兰"),
}

# Ranks: (English, Chinese).
RANKS: dict[str, tuple[str, str]] = {
    "ambassador": ("Ambassador", "大使"),
    "charge_affaires": ("Chargé d'Affaires a.i.", "临时代办"),
    "deputy_chief": ("Deputy Chief of Mission", "副馆长"),
    "minister": ("Minister", "公使"),
    "minister_counsellor": ("Minister-Counsellor", "公使衔参赞"),
    "counsellor": ("Counsellor", "参赞"),
    "first_secretary": ("First Secretary", "一等秘书"),
    "second_secretary": ("Second Secretary", "二等秘书"),
    "third_secretary": ("Third Secretary", "三等秘书"),
    "attache": ("Attaché", "随员"),
    "consul_general": ("Consul General", "总领事"),
    "acting_consul_general": ("Acting Consul General", "代总领事"),
    "deputy_consul_general": ("Deputy Consul General", "副总领事"),
    "consul": ("Consul", "领事"),
    "acting_consul": ("Acting Consul", "代领事"),
    "vice_consul": ("Vice Consul", "副领事"),
    "director": ("Director", "主任"),
    "acting_director": ("Acting Director", "代主任"),
    "deputy_director": ("Deputy Director", "副主任"),
    "representative": ("Representative", "代表"),
    "acting_representative": ("Acting Representative", "代理代表"),
    "deputy_representative": ("Deputy Representative", "副代表"),
}
# Ranks that read the same in every kind of mission but ``office``.
_DIPLOMATIC = (
    "minister", "minister_counsellor", "counsellor", "first_secretary", "second_secretary",
    "third_secretary", "attache", "consul", "vice_consul",
)  # fmt: skip
# Mission kind -> role -> rank.
ROLE_RANKS: dict[str, dict[str, str]] = {
    "embassy": {
        "head_of_mission": "ambassador",
        "charge_affaires": "charge_affaires",
        "deputy": "deputy_chief",
    },
    "consulate_general": {
        "head_of_mission": "consul_general",
        "charge_affaires": "acting_consul_general",
        "deputy": "deputy_consul_general",
    },
    "consulate": {
        "head_of_mission": "consul",
        "charge_affaires": "acting_consul",
        "deputy": "vice_consul",
    },
    "trade_office": {
        "head_of_mission": "director",
        "charge_affaires": "acting_director",
        "deputy": "deputy_director",
    },
    "representative_office": {
        "head_of_mission": "representative",
        "charge_affaires": "acting_representative",
        "deputy": "deputy_representative",
    },
    "office": {},
}
for _kind, _ranks in ROLE_RANKS.items():
    if _kind != "office":
        _ranks.update({r: r for r in _DIPLOMATIC})
# The word for the mission in a common form: "of the Chinese Embassy in …".
_MISSION_WORDS = {
    "embassy": ("Embassy", "大使馆"),
    "consulate_general": ("Consulate General", "总领事馆"),
    "consulate": ("Consulate", "领事馆"),
}
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def country_names(code: str) -> tuple[str, str, str]:
    """(the country, its adjective, its Chinese name); the adjective and the Chinese name are ""
    when the table does not know them."""
    code = (code or "").upper()
    if code in COUNTRIES:
        return COUNTRIES[code]
    import pycountry

    found = pycountry.countries.get(alpha_2=code) if code else None
    name = getattr(found, "common_name", None) or getattr(found, "name", code)
    return name, "", ""


def state_names(code: str) -> tuple[str, str]:
    """The formal name of a state in English and Chinese ("" when unknown)."""
    code = (code or "").upper()
    if code in STATE_NAMES:
        return STATE_NAMES[code]
    import pycountry

    found = pycountry.countries.get(alpha_2=code) if code else None
    official = getattr(found, "official_name", None) or getattr(found, "name", "")
    if official and re.match(r"(Republic|Kingdom|United|Federal|State|Commonwealth)", official):
        official = f"the {official}"
    return official, ""


@dataclass(frozen=True)
class SenderInput:
    """What the sender's title is worked out from (plain values, so a table can drive it)."""

    kind: str = "embassy"
    role: str = ""
    posting_title: str = ""
    posting_title_zh: str = ""
    person_title: str = ""
    person_former: bool = False
    mission_name_en: str = ""
    mission_name_zh: str = ""
    sending_country: str = "CN"
    # The mission's own names of its sending state (``Mission.sending_name_en`` …): each, when
    # set, wins over the tables (a state they do not know, such as the demo's Demoland).
    sending_name_en: str = ""
    sending_adjective_en: str = ""
    sending_name_zh: str = ""
    sending_state_en: str = ""
    sending_state_zh: str = ""
    host_country: str = "US"
    seat_en: str = ""
    seat_zh: str = ""


def sending_names(s: SenderInput) -> tuple[str, str, str, str, str]:
    """The sending state's (short name, adjective, Chinese short name, formal name, Chinese
    formal name): the mission's own names where set, else the tables'."""
    short, adjective, short_zh = country_names(s.sending_country)
    state_en, state_zh = state_names(s.sending_country)
    return (
        s.sending_name_en.strip() or short,
        s.sending_adjective_en.strip() or adjective,
        s.sending_name_zh.strip() or short_zh,
        s.sending_state_en.strip() or state_en,
        s.sending_state_zh.strip() or state_zh,
    )


@dataclass(frozen=True)
class SenderTitles:
    short_en: str
    short_zh: str
    full_en: str
    full_zh: str
    common_en: str
    common_zh: str
    rule: str  # "posting", "posting-rank", "role", "person" or "none"

    def short(self, language: str) -> str:
        return self.short_zh if language == "zh" else self.short_en

    def full(self, language: str) -> str:
        return self.full_zh if language == "zh" else self.full_en

    def common(self, language: str) -> str:
        return self.common_zh if language == "zh" else self.common_en


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[.\-‐–—_’']", " ", text.casefold()).split())


_BY_ENGLISH = {_fold(en): key for key, (en, _zh) in RANKS.items()}
_BY_ENGLISH.update({"charge d affaires": "charge_affaires", "chargé d affaires": "charge_affaires"})
_BY_CHINESE = {zh: key for key, (_en, zh) in RANKS.items()}


def rank_of(title: str) -> str:
    """The rank a title names ("Ambassador", "consul-general", "总领事"), or ""."""
    text = title.strip()
    return _BY_CHINESE.get(text, "") or _BY_ENGLISH.get(_fold(text), "")


def _zh_ok(text: str) -> bool:
    return bool(text) and not _LATIN.search(text)


def _article(name: str) -> str:
    """A mission's name after "of the": "Embassy of …" (a leading "The" dropped)."""
    return re.sub(r"^the\s+", "", name.strip(), flags=re.I)


def _compose(rank: str, s: SenderInput) -> tuple[str, str, str, str]:
    """(full_en, full_zh, common_en, common_zh) for a rank; "" where a name is missing."""
    en, zh = RANKS[rank]
    if rank == "ambassador" and s.kind != "embassy":
        return "", "", "", ""  # an Ambassador is of a state: never "of the Consulate …"
    _sc, sending_adjective, sending_short_zh, sending_en, sending_zh = sending_names(s)
    host_en, host_zh = state_names(s.host_country)
    country_en, _adjective, country_zh = country_names(s.host_country)
    seat_en, seat_zh = s.seat_en.strip(), s.seat_zh.strip()
    mission_en, mission_zh = _article(s.mission_name_en), s.mission_name_zh.strip()
    full_en = f"{en} of the {mission_en}" if mission_en else ""
    full_zh = f"{mission_zh}{zh}" if _zh_ok(mission_zh) else ""
    common_en = common_zh = ""

    def zh_ok(*parts: str) -> bool:
        return all(_zh_ok(p) for p in parts)

    if rank == "ambassador" and s.kind == "embassy":
        full_en = f"{en} of {sending_en} to {host_en}" if sending_en and host_en else ""
        full_zh = f"{sending_zh}驻{host_zh}{zh}" if zh_ok(sending_zh, host_zh) else ""
        common_en = f"{sending_adjective} {en} to {country_en}" if sending_adjective else ""
        common_zh = (
            f"{sending_short_zh}驻{country_zh}{zh}" if zh_ok(sending_short_zh, country_zh) else ""
        )
    elif rank in {"consul_general", "consul"} and s.kind in {"consulate_general", "consulate"}:
        if sending_en and seat_en:
            full_en = f"{en} of {sending_en} in {seat_en}"
            common_en = f"{sending_adjective} {en} in {seat_en}" if sending_adjective else ""
        if zh_ok(sending_zh, seat_zh):
            full_zh = f"{sending_zh}驻{seat_zh}{zh}"
        if zh_ok(sending_short_zh, seat_zh):
            common_zh = f"{sending_short_zh}驻{seat_zh}{zh}"
    elif rank == "charge_affaires" and s.kind == "embassy":
        common_en = f"{sending_adjective} {en} in {country_en}" if sending_adjective else ""
        common_zh = (
            f"{sending_short_zh}驻{country_zh}{zh}" if zh_ok(sending_short_zh, country_zh) else ""
        )
    elif s.kind in _MISSION_WORDS:
        word_en, word_zh = _MISSION_WORDS[s.kind]
        where_en, where_zh = (country_en, country_zh) if s.kind == "embassy" else (seat_en, seat_zh)
        common_en = (
            f"{en} of the {sending_adjective} {word_en} in {where_en}"
            if where_en and sending_adjective
            else ""
        )
        common_zh = (
            f"{sending_short_zh}驻{where_zh}{word_zh}{zh}"
            if zh_ok(sending_short_zh, where_zh)
            else ""
        )
    return full_en, full_zh, common_en, common_zh


def sender_titles(s: SenderInput) -> SenderTitles:
    """The sender's short, full and common titles in both languages (module docstring)."""
    posted_en, posted_zh = s.posting_title.strip(), s.posting_title_zh.strip()
    role_rank = ROLE_RANKS.get(s.kind, {}).get(s.role, "")
    rank = rank_of(posted_en) or rank_of(posted_zh) if (posted_en or posted_zh) else role_rank
    person = None if s.person_former else office_title(s.person_title)
    if posted_en or posted_zh:
        rule = "posting-rank" if rank else "posting"
    elif rank:
        rule = "role"
    elif person:
        rule = "person"
    else:
        rule = "none"
    rank_en, rank_zh = RANKS[rank] if rank else ("", "")
    role_zh = RANKS[role_rank][1] if role_rank else ""
    if rule == "person":
        assert person is not None
        short_en, short_zh = person
    else:
        short_en = posted_en or rank_en
        translated = (office_title(posted_en) or ("", ""))[1] if posted_en else ""
        short_zh = posted_zh or rank_zh or translated or role_zh
        if not short_zh and person:
            short_zh = person[1]
    if not _zh_ok(short_zh):
        short_zh = ""
    full_en, full_zh, common_en, common_zh = _compose(rank, s) if rank else ("", "", "", "")
    if rank and posted_en and rank_of(posted_en) != rank:
        # "Ambassador Extraordinary and Plenipotentiary": written as given, so no composed form.
        full_en = common_en = ""
    if rank and posted_zh and rank_of(posted_zh) != rank:
        full_zh = common_zh = ""
    full_en = full_en or short_en
    full_zh = full_zh or short_zh
    return SenderTitles(
        short_en=short_en,
        short_zh=short_zh,
        full_en=full_en,
        full_zh=full_zh,
        common_en=common_en or full_en,
        common_zh=common_zh or full_zh,
        rule=rule,
    )
