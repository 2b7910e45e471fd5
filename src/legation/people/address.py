"""Forms of address: the salutation and address block a letter to a person opens with.

A letter that gets the form of address wrong is remembered for that alone, so the rules are a
table, not judgement calls scattered through templates. They follow US and diplomatic protocol as
Robert Hickey's *Honor & Respect* sets it out, and Chinese diplomatic letter-writing convention.

The honorific (``AddressInput.title``) is matched case-insensitively, ignoring dots, hyphens and
stray spaces ("dr", "Dr.", " DR. " are one title; "Lt. Governor" is "Lieutenant Governor";
"Congresswoman" is "Representative"). "X" below is the family name, whatever the name order.

Rules, by the id ``FormsOfAddress.rule`` reports:

- ``head-of-state``: President or Vice President, not former, whose office names a country
  ("President of the United States", "President of the French Republic"). "Dear Mr. President," /
  "Dear Madam President,"; "Dear President X," when the gender is not recorded. Block: "The
  President" / "The White House" for the US; "His/Her Excellency Full Name" / office otherwise.
  Chinese 总统 (副总统), block "{name}总统阁下".
- ``former-head-of-state``: a former president (``former``, or "Former …" in the office).
  "Dear President Carter,", block "The Honorable Jimmy Carter", never "Dear Mr. President,";
  Chinese 前总统: "尊敬的卡特前总统：", "吉米·卡特前总统阁下".
- ``president-by-name``: the president of an organisation, or an office that names no country.
  "Dear President X,", block name / office. Chinese 先生/女士 when the gender is recorded, else the
  full name: 总统 would be wrong and 主席, 校长 or 总裁 depend on the organisation.
- ``honorable``: a serving Senator 参议员, Representative 众议员, Delegate 代表, Governor 州长, Lieutenant
  Governor 副州长, Mayor 市长, Secretary 部长 (国务卿 for the US Secretary of State, 州务卿 for a
  state's), Minister 部长, Judge 法官, Justice 大法官, Chief Justice 首席大法官. "Dear Senator X,";
  block "The Honorable Full Name" / office, the office being "United States Senate" or "United
  States House of Representatives" for members of Congress. 州 is prefixed to a state legislator's
  Chinese title. 阁下 in the Chinese block except for mayors and judges.
- ``former-honorable``: a former holder of an office many hold at once (Senator, Representative,
  Delegate, Judge, Justice) keeps it: "Dear Senator Brown,", block "The Honorable Sherrod Brown"
  without the office line; Chinese 前 before the title, no 阁下: "尊敬的布朗前参议员：",
  "谢罗德·布朗前参议员".
- ``former-single-office``: a former holder of an office one person holds at a time (Vice
  President, Governor, Lieutenant Governor, Mayor, Secretary, Minister, Chief Justice) goes back
  to the honorific before it: "Dear Mr. Branstad," ("Dear Terry Branstad," when the gender is not
  recorded), block "The Honorable Terry Branstad"; Chinese keeps the title with 前 by courtesy:
  "尊敬的布兰斯塔德前州长：", "特里·布兰斯塔德前州长".
- ``ambassador-excellency``: a serving foreign Ambassador. "Dear Ambassador X,"; block "His/Her
  Excellency Full Name" / office. 大使, "{name}大使阁下".
- ``ambassador-honorable``: a US or former ambassador: "The Honorable Full Name" instead. A
  former ambassador keeps "Dear Ambassador X," (many hold the rank at once); no office line;
  Chinese 前大使, without 阁下.
- ``excellency``: Prime Minister / Premier 总理, or "(His/Her) Excellency" as the title.
  "Your Excellency,"; block "His/Her Excellency Full Name" / office; "{name}总理阁下".
- ``former-excellency``: a former prime minister: "Dear Prime Minister X,", "The Honorable …"
  (like a former president, by tradition); Chinese 前总理, "{name}前总理阁下".
- ``majesty`` / ``royal-highness``: King 国王, Queen 女王, (His/Her) Majesty; Prince 王子, Princess
  公主, (His/Her) Royal Highness. "Your Majesty," / "Your Royal Highness,"; block "His Majesty King
  Full Name" / office; "尊敬的国王陛下：", "{name}国王陛下" (殿下 for royal highnesses).
- ``military``: General 将军, Lieutenant/Major/Brigadier General 中将/少将/准将, Admiral 海军上将,
  Vice/Rear Admiral, Colonel 上校, Lieutenant Colonel. "Dear General X," for every general rank;
  block "Lieutenant General Full Name" / office.
- ``courtesy``: Dr. 博士, Professor 教授, Mr. 先生, Ms. 女士, Mrs. 夫人, Miss 女士, Mx. (no Chinese
  equivalent: the full name). "Dear Dr. X,"; block "Dr. Full Name" / office.
- ``knight``: Sir 爵士, Dame 女爵士: "Dear Sir John," by the given name; block "Sir John Smith".
- ``honorable-only``: "The Honorable" as the title, which is never said in a salutation: "Dear
  Mr./Ms. X," when the gender is recorded, else "Dear Full Name,"; block "The Honorable …".
- ``honorific-verbatim``: any other honorific, used as written: "Dear Rabbi X,", "Rabbi Full Name".
- ``name-only``: no title: "Dear Jimmy Carter,", never a guessed Mr. or Ms.; "尊敬的吉米·卡特：".

Why:

- "Mr./Madam President" belongs to the *sitting* holder of a head-of-state office only; a former
  president keeps "President X" by courtesy, so "Dear President Carter,", never "Dear Mr.
  President Carter,".
- US officials are "The Honorable" in address blocks for life; foreign ambassadors and heads of
  government are "Excellency" while they serve. With no recorded gender the neutral diplomatic
  abbreviation "H.E." stands in for "His/Her Excellency" (and "HM", "HRH" for royalty).
- A former holder is marked on the person (``Person.former``: the person form's "former office
  holder", the people import's ``former`` column) or says so in the office or title ("Former
  Governor of Iowa", "ex-Senator"). The block drops the office line: the office is someone
  else's now. The salutation follows Robert Hickey's rule: an office many hold at the same time
  (senators, representatives, judges, ambassadors, officers of the armed forces, who keep their
  rank retired) keeps its title for life; an office one person holds at a time (governor, mayor,
  secretary, minister, vice president) is the honorific the person had before it ("Mr.", "Dr."),
  because there is only one Governor at a time; former presidents and heads of government keep
  "President X" / "Prime Minister X" by tradition. Everyone keeps "The Honorable" in the block.
- Chinese letters name every former holder by the title with 前 before it (卡特前总统, 布朗前参议员,
  布兰斯塔德前州长), the usual courtesy in Chinese diplomatic writing; 阁下 stays only for former
  heads of state and government.
- Chinese: "尊敬的{family}{title}：", the family name taken from the name in characters
  (``names.split_chinese_name``, so "谢罗德·布朗" gives 布朗) or, without one, the Latin family name
  ("尊敬的Brown参议员："). The block is "{full name}{title}阁下" for heads of state and
  government, ministers, ambassadors, governors and members of legislatures, "{full name}{title}"
  otherwise, the full name being the name in characters or else the Latin full name.
- The name order only decides how the full name is printed: Qin Gang is "Dear Ambassador Qin,"
  and "His Excellency Qin Gang".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from legation.people import names

# Kinds of title; each is one rule family in ``forms_of_address``.
_PRESIDENT = "president"
_HONORABLE = "honorable"
_AMBASSADOR = "ambassador"
_EXCELLENCY = "excellency"
_MAJESTY = "majesty"
_ROYAL = "royal-highness"
_MILITARY = "military"
_COURTESY = "courtesy"
_KNIGHT = "knight"
_HONORABLE_ONLY = "honorable-only"


@dataclass(frozen=True)
class AddressInput:
    """What a form of address is worked out from; all free text as entered on a person."""

    family_name: str
    given_name: str
    name_zh: str
    name_order: str
    title: str
    office: str
    gender: str = ""  # "", "f", "m" or "x"
    former: bool = False


@dataclass(frozen=True)
class FormsOfAddress:
    """The salutation and address block in English and Chinese, and the rule that produced them."""

    salutation_en: str
    salutation_zh: str
    address_block_en: tuple[str, ...]
    address_block_zh: tuple[str, ...]
    rule: str
    rank: str = ""  # "excellency", "majesty", "royal-highness", "honorable" or "": see RANKS


@dataclass(frozen=True)
class _Title:
    en: str  # as printed in the address block
    zh: str
    kind: str
    honour_zh: bool = False  # 阁下 after the Chinese block
    salute: str = ""  # as printed in the salutation, when shorter than ``en`` (ranks)
    pronoun: str = ""  # "m"/"f" for titles that carry a gender (King, Queen)


_TITLES: dict[str, _Title] = {
    "president": _Title("President", "总统", _PRESIDENT, True),
    "vice president": _Title("Vice President", "副总统", _PRESIDENT, True),
    "senator": _Title("Senator", "参议员", _HONORABLE, True),
    "representative": _Title("Representative", "众议员", _HONORABLE, True),
    "delegate": _Title("Delegate", "代表", _HONORABLE, True),
    "governor": _Title("Governor", "州长", _HONORABLE, True),
    "lieutenant governor": _Title("Lieutenant Governor", "副州长", _HONORABLE, True),
    "mayor": _Title("Mayor", "市长", _HONORABLE),
    "secretary": _Title("Secretary", "部长", _HONORABLE, True),
    "minister": _Title("Minister", "部长", _HONORABLE, True),
    "judge": _Title("Judge", "法官", _HONORABLE),
    "justice": _Title("Justice", "大法官", _HONORABLE),
    "chief justice": _Title("Chief Justice", "首席大法官", _HONORABLE),
    "ambassador": _Title("Ambassador", "大使", _AMBASSADOR, True),
    "prime minister": _Title("Prime Minister", "总理", _EXCELLENCY, True),
    "premier": _Title("Premier", "总理", _EXCELLENCY, True),
    "excellency": _Title("", "", _EXCELLENCY, True),
    "his excellency": _Title("", "", _EXCELLENCY, True, pronoun="m"),
    "her excellency": _Title("", "", _EXCELLENCY, True, pronoun="f"),
    "king": _Title("King", "国王", _MAJESTY, pronoun="m"),
    "queen": _Title("Queen", "女王", _MAJESTY, pronoun="f"),
    "majesty": _Title("", "", _MAJESTY),
    "his majesty": _Title("", "", _MAJESTY, pronoun="m"),
    "her majesty": _Title("", "", _MAJESTY, pronoun="f"),
    "prince": _Title("Prince", "王子", _ROYAL, pronoun="m"),
    "princess": _Title("Princess", "公主", _ROYAL, pronoun="f"),
    "his royal highness": _Title("", "", _ROYAL, pronoun="m"),
    "her royal highness": _Title("", "", _ROYAL, pronoun="f"),
    "general": _Title("General", "将军", _MILITARY),
    "lieutenant general": _Title("Lieutenant General", "中将", _MILITARY, salute="General"),
    "major general": _Title("Major General", "少将", _MILITARY, salute="General"),
    "brigadier general": _Title("Brigadier General", "准将", _MILITARY, salute="General"),
    "admiral": _Title("Admiral", "海军上将", _MILITARY),
    "vice admiral": _Title("Vice Admiral", "海军中将", _MILITARY, salute="Admiral"),
    "rear admiral": _Title("Rear Admiral", "海军少将", _MILITARY, salute="Admiral"),
    "colonel": _Title("Colonel", "上校", _MILITARY),
    "lieutenant colonel": _Title("Lieutenant Colonel", "中校", _MILITARY, salute="Colonel"),
    "dr": _Title("Dr.", "博士", _COURTESY),
    "professor": _Title("Professor", "教授", _COURTESY),
    "mr": _Title("Mr.", "先生", _COURTESY, pronoun="m"),
    "ms": _Title("Ms.", "女士", _COURTESY, pronoun="f"),
    "mrs": _Title("Mrs.", "夫人", _COURTESY, pronoun="f"),
    "miss": _Title("Miss", "女士", _COURTESY, pronoun="f"),
    "mx": _Title("Mx.", "", _COURTESY),
    "sir": _Title("Sir", "爵士", _KNIGHT, pronoun="m"),
    "dame": _Title("Dame", "女爵士", _KNIGHT, pronoun="f"),
    "honorable": _Title("The Honorable", "", _HONORABLE_ONLY),
}

# Abbreviated words in titles, expanded before lookup: "Lt. Gen." is "lieutenant general".
_ABBREVIATIONS = {
    "lt": "lieutenant",
    "lieut": "lieutenant",
    "maj": "major",
    "brig": "brigadier",
    "gen": "general",
    "adm": "admiral",
    "col": "colonel",
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "prof": "professor",
    "amb": "ambassador",
    "pres": "president",
    "sec": "secretary",
    "hon": "honorable",
    "honourable": "honorable",
}

# Offices one person holds at a time: a former holder goes back to Mr./Ms. (Hickey), the
# President of a state and heads of government excepted by tradition.
_SINGLE_OFFICES = frozenset(
    {"vice president", "governor", "lieutenant governor", "mayor", "secretary", "minister",
     "chief justice"}
)  # fmt: skip
FORMER_ZH = "前"

_LEADING_WORDS = frozenset({"the", "former", "mr", "mister", "madam", "madame"})

_ALIASES = {
    "us senator": "senator",
    "united states senator": "senator",
    "state senator": "senator",
    "congressman": "representative",
    "congresswoman": "representative",
    "congressmember": "representative",
    "us representative": "representative",
    "united states representative": "representative",
    "member of congress": "representative",
    "state representative": "representative",
    "vp": "vice president",
    "he": "excellency",
    "h e": "excellency",
    "h m": "majesty",
    "h r h": "his royal highness",
    "doctor": "dr",
    "mister": "mr",
    "hrh": "his royal highness",
    "hm": "majesty",
}

TITLE_ZH: dict[str, str] = {key: t.zh for key, t in _TITLES.items() if t.zh}
"""Normalised English title (see ``normalise_title``) -> its Chinese form, for reuse elsewhere."""

_US_STATES_TEXT = """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming"""
_US_STATES = frozenset(_US_STATES_TEXT.split()) | {
    "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota",
    "rhode island", "south carolina", "south dakota", "west virginia",
}  # fmt: skip

_US_RE = re.compile(r"\b(united states|usa?|american|congress(ional)?)\b|\bu\.\s?s\.", re.I)
_STATE_RE = re.compile(r"\bstate\b", re.I)
# "to the United States", "in the US": where a foreign official serves, not whom they serve.
_POSTED_TO_US_RE = re.compile(
    r"\b(to|in|at|accredited to)\s+(the\s+)?(united states( of america)?|usa?\b|u\.\s?s\.(a\.)?)",
    re.I,
)
_FORMER_RE = re.compile(r"\b(former|retired)\b|^\s*ex-", re.I)


def is_former(former: bool, title: str, office: str) -> bool:
    """Whether the person holds their title formerly: marked so, or their title or office says
    it ("Former President of the United States", "ex-Governor")."""
    return bool(former or _FORMER_RE.search(office or "") or _FORMER_RE.search(title or ""))


_VICE_RE = re.compile(r"\bvice\s+president\b", re.I)
# Everyday English names of states that pycountry's lookup misses.
_EXTRA_COUNTRIES = frozenset(
    {"russia", "bolivia", "venezuela", "syria", "tanzania", "moldova", "laos", "korea",
     "south korea", "north korea", "vietnam", "brunei", "czech republic", "turkey", "holy see",
     "kosovo", "palestine", "republic"}
)  # fmt: skip
# "United States", "French Republic", "Russian Federation", "Republic of Korea", "United Kingdom".
_STATE_NAME_RE = re.compile(
    r"^(?:[\w'’]+\s+){0,3}(?:republic|kingdom|federation|confederation|emirates|states|"
    r"principality|grand duchy|sultanate)\b",
    re.I,
)


def normalise_title(title: str) -> str:
    """The key a free-text honorific is looked up by in ``TITLE_ZH``.

    "Dr." -> "dr", " Lt. Governor " -> "lieutenant governor", "Congresswoman" ->
    "representative". An unknown title comes back case-folded and with its spaces tidied.
    """
    key = title.casefold().replace("u.s.", "us").replace("u. s.", "us")
    words = re.sub(r"[.\-‐–—_]", " ", key).split()
    words = [_ABBREVIATIONS.get(w, w) for w in words]
    # "The President", "Former Senator", "Madam Secretary": the office is in the last words.
    while len(words) > 1 and words[0] in _LEADING_WORDS:
        words = words[1:]
    key = " ".join(words)
    return _ALIASES.get(key, key)


_OFFICE_KINDS = frozenset({_PRESIDENT, _HONORABLE, _AMBASSADOR, _EXCELLENCY, _MILITARY})


def office_title(title: str) -> tuple[str, str] | None:
    """(English, Chinese) of a title that names an office or rank ("Senator", 参议员), or None
    for a courtesy title, a style or an unknown word ("Dr.", "The Honorable", "Rabbi")."""
    t = _TITLES.get(normalise_title(title)) if title.strip() else None
    if t is None or t.kind not in _OFFICE_KINDS or not t.en:
        return None
    return t.en, t.zh


def _clean(text: str) -> str:
    """Drop control characters and collapse whitespace, so no line has double spaces."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())


def _verbatim_title(title: str) -> str:
    """An unknown honorific as the user wrote it, minus stray spaces and repeated dots."""
    cleaned = _clean(title).strip(" .")
    return f"{cleaned}." if cleaned and title.strip().endswith(".") else cleaned


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _lines(*lines: str) -> tuple[str, ...]:
    return tuple(line for line in lines if line)


@lru_cache(maxsize=1024)
def _names_a_country(text: str) -> bool:
    """Whether ``text``, what follows "President of", names a sovereign state."""
    text = re.split(r"[,;()\d]|\s-\s|\b(?:since|from)\b", text, maxsplit=1)[0]
    text = re.sub(r"^the\s+", "", " ".join(text.split()), flags=re.I).rstrip(" .")
    if not text:
        return False
    if text.casefold() in _EXTRA_COUNTRIES or _STATE_NAME_RE.search(text):
        return True
    import pycountry  # loaded on first use: its database costs a few milliseconds to read

    try:
        pycountry.countries.lookup(text)
    except LookupError:
        return False
    return True


def _head_of_state_office(key: str, office: str) -> bool:
    """Whether the office is a head of state's (or, for "vice president", their deputy's)."""
    if key == "president" and _VICE_RE.search(office):
        return False
    if re.search(
        r"(\b(us|united states|american)|\bu\.\s?s\.)\s+(vice\s+)?president\b", office, re.I
    ):
        return True
    match = re.search(r"\bpresident\s+of\s+(.+)", office, re.I)
    return bool(match) and _names_a_country(match.group(1))


def _serves_us(office: str) -> bool:
    """Whether the office is a US one ("U.S. Ambassador to China"), not a post in the US."""
    return bool(_US_RE.search(_POSTED_TO_US_RE.sub(" ", office)))


def _excellency(gender: str) -> str:
    return {"m": "His Excellency", "f": "Her Excellency"}.get(gender, "H.E.")


def _office_line(key: str, office: str) -> str:
    """The block line under the name; for members of Congress, the chamber itself."""
    federal = _serves_us(office) and not _STATE_RE.search(office)
    if key == "senator" and federal and "senat" in office.casefold():
        return "United States Senate"
    if key == "representative" and federal:
        return "United States House of Representatives"
    return office


def _honorable_zh(key: str, title: _Title, office: str) -> str:
    """The Chinese title of an "Honorable" office, which for a few depends on the office."""
    if key in {"senator", "representative"} and _STATE_RE.search(office):
        return "州" + title.zh
    if key != "secretary":
        return title.zh
    lowered = " ".join(office.casefold().replace("u.s.", "us").split())
    if "secretary of state" not in lowered:
        return title.zh
    rest = lowered.replace("secretary of state", " ")
    rest = " ".join(re.sub(r"\b(of|the|former)\b", " ", rest).split())
    if rest in {"", "us", "united states", "united states america"}:
        return "国务卿"
    return "州务卿" if any(state in rest for state in _US_STATES) else title.zh


@dataclass(frozen=True)
class _Person:
    """The cleaned name parts a rule fills its forms with."""

    surname: str  # the Latin family name (or the only name there is)
    given: str
    family: str
    full: str  # Latin, in the person's name order
    surname_zh: str  # family name in characters, else the Latin one
    given_zh: str
    full_zh: str  # name in characters, else the Latin full name
    gender: str
    former: bool

    def dear(self, word: str, name: str) -> str:
        words = _join(word, name)
        return f"Dear {words}," if words else "Dear Sir or Madam,"

    def zh(self, title_zh: str, name: str = "") -> str:
        """尊敬的{family}{title}：, or the full name alone when there is no Chinese title."""
        if not title_zh:
            return f"尊敬的{self.full_zh}：" if self.full_zh else "尊敬的先生/女士："
        return f"尊敬的{name or self.surname_zh}{title_zh}："

    def honourable_en(self, fallback: str) -> str:
        return _join("The Honorable", self.full) if self.full else fallback


def _person(a: AddressInput) -> _Person:
    family, given = _clean(a.family_name), _clean(a.given_name)
    name_zh = names.clean_chinese_name(_clean(a.name_zh))
    has_zh = names.has_cjk(name_zh)
    if not (family or given) and has_zh and not names.is_transliterated(name_zh):
        # Only a Chinese name in characters: its pinyin is its Latin spelling.
        family, _, given = names.pinyin(name_zh).partition(" ")
    full = names.full_name(family_name=family, given_name=given, name_order=a.name_order)
    family_zh, given_zh = names.split_chinese_name(name_zh) if has_zh else ("", "")
    return _Person(
        surname=family or given,
        given=given,
        family=family,
        full=full,
        surname_zh=family_zh or given_zh or family or given,
        given_zh=given_zh or given,
        full_zh=name_zh if has_zh else full,
        gender=a.gender.strip().casefold()[:1],
        former=is_former(a.former, a.title, a.office),
    )


def forms_of_address(a: AddressInput) -> FormsOfAddress:
    """Work out the salutation and address block for ``a`` by the rules in the module docstring."""
    p = _person(a)
    office = _clean(a.office)
    key = normalise_title(a.title)
    t = _TITLES.get(key)
    if t is None:
        verbatim = _verbatim_title(a.title)
        if not verbatim:
            block = _lines(p.full or "Sir or Madam", office)
            block_zh = _lines(p.full_zh or "先生/女士")
            return FormsOfAddress(p.dear("", p.full), p.zh(""), block, block_zh, "name-only")
        block = _lines(_join(verbatim, p.full), office)
        # "Mr. Chairman" is complete as it is: "Dear Mr. Chairman Smith," is never right.
        vocative = verbatim.split()[0].rstrip(".").casefold() in {"mr", "madam", "madame"}
        name = "" if vocative and " " in verbatim else p.surname
        return FormsOfAddress(
            p.dear(verbatim, name), p.zh(""), block, _lines(p.full_zh), "honorific-verbatim"
        )
    rule = _RULES[t.kind]
    forms = rule(p, key, t, office)
    return replace(forms, rank=_rank(forms.rule, key, p.former, office))


# The recipient's rank for the complimentary close (docs/letters.md): who is "Excellency".
RANKS = {
    "head-of-state": "excellency",
    "excellency": "excellency",
    "ambassador-excellency": "excellency",
    "majesty": "majesty",
    "royal-highness": "royal-highness",
    "former-head-of-state": "honorable",
    "former-excellency": "honorable",
    "former-single-office": "honorable",
    "former-honorable": "honorable",
    "honorable": "honorable",
    "ambassador-honorable": "honorable",
    "honorable-only": "honorable",
}


# What makes a secretary or minister sub-national: a US state named, "State", a province, a county.
_SUBNATIONAL_RE = re.compile(
    r"\b(state|province|provincial|county|city|municipal|regional|territor(y|ial))\b", re.I
)
_US_STATE_NAME_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _US_STATES), key=len, reverse=True)) + r")\b", re.I
)


def _national(office: str) -> bool:
    """Whether a secretary's or minister's office is a national one: it names no US state
    ("Secretary, Kentucky Department of Economic Development"), province, county or city, and is
    not a state's ("Secretary of State" of the United States is national, Kentucky's is not)."""
    text = re.sub(r"\bwashington,?\s+d\.?\s?c\.?", " ", office, flags=re.I)
    text = re.sub(r"\b(secretary|department) of state\b", " ", text, flags=re.I)
    return not (_US_STATE_NAME_RE.search(text) or _SUBNATIONAL_RE.search(text))


def _rank(rule: str, key: str, former: bool, office: str = "") -> str:
    """Serving national ministers and cabinet secretaries are addressed as Excellency in
    diplomatic notes, though "The Honorable" on an envelope; a state's secretary is not."""
    if rule == "honorable" and key in {"minister", "secretary"} and not former:
        return "excellency" if _national(office) else "honorable"
    return RANKS.get(rule, "")


def _block_zh(p: _Person, title_zh: str, honour: bool) -> tuple[str, ...]:
    return _lines(f"{p.full_zh}{title_zh}" + ("阁下" if honour and p.full_zh + title_zh else ""))


def _president(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    head_of_state = _head_of_state_office(key, office)
    if head_of_state and not p.former:
        mr = {"m": "Mr.", "f": "Madam"}.get(p.gender)
        salutation = f"Dear {mr} {t.en}," if mr else p.dear(t.en, p.surname)
        if _serves_us(office):
            block = _lines(f"The {t.en}", "The White House" if key == "president" else "")
        else:
            block = _lines(_join(_excellency(p.gender), p.full), office)
        return FormsOfAddress(
            salutation, p.zh(t.zh), block, _block_zh(p, t.zh, True), "head-of-state"
        )
    if p.former and key in _SINGLE_OFFICES and (head_of_state or not office):
        return _former_single(p, t.zh)
    if head_of_state or (p.former and not office):
        title_zh = FORMER_ZH + t.zh if p.former else t.zh
        return FormsOfAddress(
            p.dear(t.en, p.surname),
            p.zh(title_zh),
            _lines(p.honourable_en(t.en)),
            _block_zh(p, title_zh, True),
            "former-head-of-state",
        )
    polite = {"m": "先生", "f": "女士"}.get(p.gender, "")
    return FormsOfAddress(
        p.dear(t.en, p.surname),
        p.zh(polite),
        _lines(p.full, office or t.en),
        _block_zh(p, polite, False),
        "president-by-name",
    )


def _former_single(p: _Person, title_zh: str) -> FormsOfAddress:
    """A former holder of an office one person holds at a time: "Dear Mr. X," in English (the
    honorific before the office; the full name when the gender is not recorded), "The Honorable"
    for life; Chinese keeps the title with 前 by courtesy (尊敬的布朗前州长：)."""
    mr = {"m": "Mr.", "f": "Ms."}.get(p.gender, "")
    title_zh = FORMER_ZH + title_zh if title_zh else ""
    return FormsOfAddress(
        p.dear(mr, p.surname) if mr else p.dear("", p.full),
        p.zh(title_zh),
        _lines(p.honourable_en("")) or _lines("Sir or Madam"),
        _block_zh(p, title_zh, False),
        "former-single-office",
    )


def _honorable(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    title_zh = _honorable_zh(key, t, office)
    if p.former and key in _SINGLE_OFFICES:
        return _former_single(p, title_zh)
    if p.former:
        title_zh = FORMER_ZH + title_zh
    block = _lines(p.honourable_en(t.en), "" if p.former else _office_line(key, office))
    return FormsOfAddress(
        p.dear(t.en, p.surname),
        p.zh(title_zh),
        block,
        _block_zh(p, title_zh, t.honour_zh and not p.former),
        "former-honorable" if p.former else "honorable",
    )


def _ambassador(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    title_zh = FORMER_ZH + t.zh if p.former else t.zh
    if p.former or _serves_us(office):
        block = _lines(p.honourable_en(t.en), "" if p.former else office)
        rule = "ambassador-honorable"
    else:
        block = _lines(_join(_excellency(p.gender), p.full), office or t.en)
        rule = "ambassador-excellency"
    return FormsOfAddress(
        p.dear(t.en, p.surname), p.zh(title_zh), block, _block_zh(p, title_zh, not p.former), rule
    )


def _excellency_rule(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    if p.former:
        title_zh = FORMER_ZH + t.zh if t.zh else ""
        return FormsOfAddress(
            p.dear(t.en, p.surname) if t.en else p.dear("", p.full),
            p.zh(title_zh),
            _lines(p.honourable_en(t.en)),
            _block_zh(p, title_zh, True),
            "former-excellency",
        )
    style = _excellency(t.pronoun or p.gender)
    return FormsOfAddress(
        "Your Excellency,",
        p.zh(t.zh) if t.zh else f"尊敬的{p.full_zh}阁下：",
        _lines(_join(style, p.full), office or t.en),
        _block_zh(p, t.zh, True),
        "excellency",
    )


def _royal(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    highness = t.kind == _ROYAL
    style = "Royal Highness" if highness else "Majesty"
    pronoun = {"m": "His", "f": "Her"}.get(t.pronoun or p.gender)
    styled = f"{pronoun} {style}" if pronoun else ("HRH" if highness else "HM")
    suffix = "殿下" if highness else "陛下"
    return FormsOfAddress(
        f"Your {style},",
        f"尊敬的{t.zh}{suffix}：",
        _lines(_join(styled, t.en, p.full), office),
        _lines(f"{p.full_zh}{t.zh}{suffix}"),
        "royal-highness" if highness else "majesty",
    )


def _knight(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    # Sir John: knights and dames go by their given name, never the family name alone.
    return FormsOfAddress(
        p.dear(t.en, p.given or p.full),
        p.zh(t.zh, p.given_zh or p.full_zh),
        _lines(_join(t.en, p.given, p.family), office),
        _block_zh(p, t.zh, False),
        "knight",
    )


def _ranked(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    return FormsOfAddress(
        p.dear(t.salute or t.en, p.surname),
        p.zh(t.zh),
        _lines(_join(t.en, p.full), office),
        _block_zh(p, t.zh, False),
        t.kind,
    )


def _honorable_only(p: _Person, key: str, t: _Title, office: str) -> FormsOfAddress:
    # "The Honorable" is written, never said: the salutation uses Mr./Ms. or the name.
    mr = {"m": "Mr.", "f": "Ms."}.get(p.gender, "")
    polite = {"m": "先生", "f": "女士"}.get(p.gender, "")
    return FormsOfAddress(
        p.dear(mr, p.surname) if mr else p.dear("", p.full),
        p.zh(polite),
        _lines(p.honourable_en(""), office) or _lines("Sir or Madam"),
        _block_zh(p, "", True),
        "honorable-only",
    )


_RULES = {
    _PRESIDENT: _president,
    _HONORABLE: _honorable,
    _AMBASSADOR: _ambassador,
    _EXCELLENCY: _excellency_rule,
    _MAJESTY: _royal,
    _ROYAL: _royal,
    _MILITARY: _ranked,
    _COURTESY: _ranked,
    _KNIGHT: _knight,
    _HONORABLE_ONLY: _honorable_only,
}
