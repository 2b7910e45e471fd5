"""Claims in a draft: every figure and date a reader could check, with its span in the text.

Extraction reads the text only (no database): it finds the letter's date, then durations and
anniversaries ("500-plus days", "42 years ago", "四十多年前", "the 45th anniversary"), counts
("22 states", "more than 300 meetings", "22个州"), dated events ("on July 28, 2021", "last
spring") and quantities ("1.7 billion … people"). What each claim is about is decided later, in
``verify``, from the sentence around it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from legation.claims import numbers as num
from legation.claims.dates import DateMention, find_dates, letter_date_in
from legation.claims.nouns import COUNT_NOUNS_EN, COUNT_NOUNS_ZH, UNITS_EN, UNITS_ZH

KINDS = ("duration", "anniversary", "count", "date", "quantity")


@dataclass
class Claim:
    """One checkable statement: where it is, what it says, and how precisely."""

    text: str
    span: tuple[int, int]
    kind: str
    sentence: tuple[int, int]
    language: str = "en"
    value: float | None = None
    interval: num.Interval | None = None
    unit: str = ""  # day, week, month, year (durations, anniversaries)
    noun: str = ""  # the counted thing's key (states, meetings…) or the quantity's words
    ago: bool = False
    ordinal: bool = False  # "the 45th anniversary"
    # "44 years ago next month": the period in which the anniversary is reached.
    ago_when: tuple[str, str] | None = None
    # "44 years after the establishment of…", "在美工作十五个月后": counted from what the words
    # after it (English) or before it (Chinese) name; checked only when they name a fact or the
    # tenure.
    after: bool = False
    date: DateMention | None = None


@dataclass
class Draft:
    text: str
    language: str
    letter_date: dt.date | None
    date_span: tuple[int, int] | None
    claims: list[Claim] = field(default_factory=list)


_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|No|vs|Sen|Rep|Gov|Hon|Prof|Gen|Amb)|\b[A-Z]|"
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))\.$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split after . ! ? 。！？； and at line ends, but not after "Mr." or "U.S.",
    nor at the end of a line of prose that stops inside a sentence (a line wrapped in the middle
    of a clause: "…走访了美国20多个" / "州，会见了…"): the next line goes on with its subject."""
    out, start = [], 0
    for m in re.finditer(r"[.!?](?=\s)|[。！？；;]|\n", text):
        end = m.end()
        if m.group() == "." and _ABBREVIATIONS.search(text[max(0, end - 6) : end]):
            continue
        if m.group() == "\n" and _wrapped(text, m.start()):
            continue
        if text[start:end].strip():
            out.append((start, end))
        start = end
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def _wrapped(text: str, newline: int) -> bool:
    """The line ending at ``newline`` stops inside a sentence the next line goes on with: it is
    prose (a comma in it, or long), ends with a word or a number (no stop, colon or closing
    punctuation) and the next line starts with a Chinese character, a digit or a small letter."""
    line = text[text.rfind("\n", 0, newline) + 1 : newline].rstrip()
    following = text[newline + 1 : newline + 2]
    return (
        bool(re.search(r"[\w\u4e00-\u9fff]$", line))
        and bool(re.search(r"[,，、]", line) or len(line) >= 30)
        and bool(re.match(r"[a-z0-9\u4e00-\u9fff]", following))
    )


def language_of(text: str) -> str:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if cjk > latin / 3 else "en"


def extract(text: str, *, letter_date: dt.date | None = None) -> Draft:
    """The draft's language, its date (given, else found in the text) and every claim in it."""
    found = letter_date_in(text)
    date_span = found[1] if found else None
    draft = Draft(text, language_of(text), letter_date or (found[0] if found else None), date_span)
    spans = sentences(text)

    def sentence_of(pos: int) -> tuple[int, int]:
        return next((s for s in spans if s[0] <= pos < s[1]), (0, len(text)))

    taken: list[tuple[int, int]] = [date_span] if date_span else []
    for mention in find_dates(text):
        if mention.span == date_span:
            continue
        taken.append(mention.span)
        draft.claims.append(
            Claim(
                text=mention.text,
                span=mention.span,
                kind="date",
                sentence=sentence_of(mention.span[0]),
                language="zh" if re.search(r"[\u4e00-\u9fff]", mention.text) else "en",
                date=mention,
            )
        )
    for claim in [*_english(text), *_chinese(text)]:
        if all(claim.span[1] <= a or claim.span[0] >= b for a, b in taken):
            claim.sentence = sentence_of(claim.span[0])
            taken.append(claim.span)
            draft.claims.append(claim)
    draft.claims.sort(key=lambda c: c.span)
    return draft


# -- English ---------------------------------------------------------------------------------
_MOD_EN = "|".join(sorted(num.MODIFIERS_EN, key=len, reverse=True))
_FILLER = (
    r"(?:(?:[A-Z][\w.'’-]*|different|major|more|other|key|new|distinct|large|small|big|local|"
    r"individual|sitting|separate|in-person|face-to-face|and|of\s+the|U\.S\.)\s+){0,4}?"
)
_UNIT_EN = "|".join(sorted(UNITS_EN, key=len, reverse=True))
_NOUN_EN = "|".join(sorted((p for p, _ in COUNT_NOUNS_EN), key=len, reverse=True))
_VAGUE_EN = "|".join(k for k in num.VAGUE_AMOUNTS if k.isascii())
_WORD_EN = "|".join(sorted(num.EN_WORDS, key=len, reverse=True))
_NUMBER_EN = re.compile(
    rf"(?:\b(?P<mod>{_MOD_EN})\s+)?(?:(?P<dozen>\b(?:half\s+a|an?|{_WORD_EN}|\d+)\s+dozen\b(?!s))"
    rf"|(?P<vague>\b(?:{_VAGUE_EN}))|(?P<a>\ban?\b)"
    rf"|(?P<cur>(?:US)?\$\s?)?(?P<num>{num.EN_NUMBER.pattern}))",
    re.IGNORECASE,
)
# "the ninth state I have visited", "the 10th city", "my third visit to Washington State".
_ORDINAL_NOUN_EN = re.compile(
    r"\b(?P<n>\d+(?:st|nd|rd|th)|(?:[a-z]+-)?(?:second|third|[a-z]+th))\s+"
    r"(?P<noun>states?(?!\s+visits?\b)|city|cities|visit|trip)\b",
    re.IGNORECASE,
)
ORDINAL_NOUNS = {"state": "states", "states": "states", "city": "cities", "cities": "cities",
                 "visit": "visits", "trip": "visits", "州": "states", "城市": "cities",
                 "次": "visits"}  # fmt: skip
# A duration counted from another event ("seven years later", "七年后") is not a claim, unless
# what follows names it ("44 years after the establishment of diplomatic relations").
_RELATIVE_TAIL_EN = re.compile(
    r"\s+(later|after(?!\s+(?:that|this|which)\b)|afterwards|earlier|before|on)\b", re.I
)


def _plain_adjectives(words: str) -> bool:
    """ "busy", "unforgettable", "wonderful": words between a number and its unit that describe
    the span ("nine busy months"), lower case and not a noun of their own."""
    found = words.split()
    return 0 < len(found) <= 2 and all(
        re.fullmatch(r"[a-z]+(?:-[a-z]+)?", w) and not w.endswith("s") and w not in _NOT_ADJECTIVES
        for w in found
    )


_NOT_ADJECTIVES = {"this", "that", "last", "next", "each", "every", "per", "a", "an", "the",
                   "more", "other", "of", "and", "or", "in", "to", "for", "with", "at", "on"}  # fmt: skip
_ORDINAL_EN = re.compile(
    r"\b(?P<n>\d+(?:st|nd|rd|th)|[a-z]+(?:-[a-z]+)?(?:th|st|nd|rd))\s+anniversary\b",
    re.IGNORECASE,
)


def _english(text: str) -> list[Claim]:
    out: list[Claim] = []
    for m in _ORDINAL_EN.finditer(text):
        value = _ordinal(m.group("n"))
        if value:
            out.append(_anniversary(text, m.span(), value, "en"))
    for m in _ORDINAL_NOUN_EN.finditer(text):
        value = _ordinal(m.group("n"))
        if value and value >= 2:
            out.append(
                Claim(
                    text=m.group(0),
                    span=m.span(),
                    kind="count",
                    sentence=m.span(),
                    value=value,
                    interval=num.Interval(value, value),
                    noun=ORDINAL_NOUNS[m.group("noun").lower()],
                    ordinal=True,
                )
            )
    for m in _NUMBER_EN.finditer(text):
        claim = _english_number(text, m)
        if claim is not None:
            out.append(claim)
    return out


def _ordinal(token: str) -> float | None:
    if token[:1].isdigit():
        return float(re.sub(r"\D", "", token))
    from number_parser import parse_ordinal

    found = parse_ordinal(token.lower())
    return None if found is None else float(found)


def _anniversary(text: str, span: tuple[int, int], value: float, lang: str) -> Claim:
    return Claim(
        text=text[span[0] : span[1]],
        span=span,
        kind="anniversary",
        sentence=span,
        language=lang,
        value=value,
        interval=num.Interval(value, value),
        unit="year",
        ordinal=True,
    )


def _english_number(text: str, m: re.Match[str]) -> Claim | None:
    modifier = num.MODIFIERS_EN.get((m.group("mod") or "").lower())
    start, pos = m.start(), m.end()
    vague, value = m.group("vague"), None
    if m.group("dozen"):
        value = num.dozen(m.group("dozen")[: -len("dozen")])
        if value is None:
            return None
        interval = (
            num.interval_for(value, modifier, plus=False, step=0)
            if modifier
            else num.Interval(value * 0.9, value * 1.1)
        )
        vague = m.group("dozen")
    elif vague:
        lo, hi = num.VAGUE_AMOUNTS[vague.lower()]
        value, interval = (lo + hi) / 2, num.Interval(lo, hi)
    elif m.group("a"):
        if not modifier and not re.match(rf"\s+(?:{_UNIT_EN})\s+ago\b", text[m.end() :]):
            return None  # "a year" is no figure; "a year ago" is
        value = 1.0
    else:
        value = num.parse_en(m.group("num"))
        if value is None or re.fullmatch(r"(19|20)\d\d", m.group("num")):
            return None
    rest = text[pos:]
    plus = re.match(r"(?:-plus|\+|\s+plus)\b|\+", rest)
    if plus:
        pos += plus.end()
        rest = text[pos:]
    factor, length = num.trailing_magnitude(rest, "en")
    pos += length
    rest = text[pos:]
    unit = re.match(
        rf"[\s-]+(?:(?!(?:more|other|of|the|and|or|in|to)\b)[a-z]+\s+){{0,2}}?(?P<u>{_UNIT_EN})\b"
        r"(?P<ago>\s+ago\b(?:\s+(?P<which>this|next)\s+(?P<when>week|month|year)\b)?)?",
        rest,
    )
    if (
        unit
        and not re.fullmatch(r"[\s-]+", rest[: unit.start("u")])
        and not _plain_adjectives(rest[: unit.start("u")])
    ):
        unit = None
    if unit and factor == 1 and not m.group("cur"):
        tail = None if unit.group("ago") else _RELATIVE_TAIL_EN.match(rest, unit.end())
        if tail and tail.group(1).lower() != "after":
            return None  # "seven years later": counted from another event, not a claim
        if not vague and value == 1 and not modifier and not plus and not unit.group("ago"):
            return None  # "one year": too plain to be a figure anyone cites
        if not vague:
            interval = num.interval_for(value, modifier, plus=bool(plus), step=1)
        end = pos + unit.end()
        name = UNITS_EN[unit.group("u").lower()]
        if name == "decade":
            name, value = "year", value * 10
            interval = num.Interval(
                *(None if x is None else x * 10 for x in (interval.lo, interval.hi)),
                lo_open=interval.lo_open,
                hi_open=interval.hi_open,
            )
        if unit.group("when"):  # "44 years ago next month": the claim is "44 years ago"
            end = pos + unit.start("which") - 1
        return Claim(
            text=text[start:end],
            span=(start, end),
            kind="anniversary" if unit.group("ago") else "duration",
            sentence=(start, end),
            value=value,
            interval=interval,
            unit=name,
            ago=bool(unit.group("ago")),
            ago_when=(unit.group("which"), unit.group("when")) if unit.group("when") else None,
            after=bool(tail),
        )
    if m.group("a"):
        return None
    noun = re.match(rf"\s+{_FILLER}(?P<n>{_NOUN_EN})\b", rest)
    if noun and factor == 1 and not m.group("cur") and value < 1_000_000:
        if value == 1 and not modifier and not vague:
            return None
        if not vague:
            interval = num.interval_for(value, modifier, plus=bool(plus), step=0)
        key = next(k for p, k in COUNT_NOUNS_EN if re.fullmatch(p, noun.group("n"), re.I))
        end = pos + noun.end()
        return Claim(
            text=text[start:end],
            span=(start, end),
            kind="count",
            sentence=(start, end),
            value=value,
            interval=interval,
            noun=key,
        )
    words = re.match(r"[ \t]*((?:[\w$'’-]+[ \t]+){0,5}[\w'’-]+)", text[pos:])
    if factor > 1 or m.group("cur") or (value >= 1000 and words is not None):
        step = num.place_unit(value) * factor
        value *= factor
        if not vague:
            interval = num.interval_for(value, modifier, plus=bool(plus), step=step)
        currency = " dollars" if m.group("cur") else ""
        return Claim(
            text=text[start:pos],
            span=(start, pos),
            kind="quantity",
            sentence=(start, pos),
            value=value,
            interval=interval,
            noun=(words.group(1) if words else "") + currency,
        )
    return None


# -- Chinese ---------------------------------------------------------------------------------
_MOD_ZH = "|".join(sorted(num.MODIFIERS_ZH, key=len, reverse=True))
_VAGUE_ZH = "|".join(k for k in num.VAGUE_AMOUNTS if not k.isascii())
_UNIT_ZH = "|".join(sorted(UNITS_ZH, key=len, reverse=True))
_NOUN_ZH = "|".join(sorted((p for p, _ in COUNT_NOUNS_ZH), key=len, reverse=True))
_NUMBER_ZH = re.compile(
    rf"(?P<mod>{_MOD_ZH})?(?:(?P<vague>{_VAGUE_ZH})|(?P<half>半)(?=个?月|年)"
    rf"|(?P<num>[0-9]+(?:\.[0-9]+)?|[{num.ZH_DIGITS}]+))"
)
# "第九个州", "第十个城市", "第三次访问华盛顿州" (a visit: 次 followed by a verb of visiting).
_ORDINAL_ZH = re.compile(
    rf"第(?P<n>[0-9]+|[{num.ZH_DIGITS}]+)(?:(?:个|座)?(?P<noun>州|城市)|(?P<visit>次)"
    rf"(?=(?:来到|来|到访|访问|前往|走访|去|赴)))"
)
_MEASURE = "个|位|座|家|次|场|名|所|项|余位|多位"


def _chinese(text: str) -> list[Claim]:
    out: list[Claim] = []
    for m in _ORDINAL_ZH.finditer(text):
        value = num.parse_zh(m.group("n"))
        if value and value >= 2:
            noun = m.group("noun") or m.group("visit")
            out.append(
                Claim(
                    text=m.group(0),
                    span=m.span(),
                    kind="count",
                    sentence=m.span(),
                    language="zh",
                    value=value,
                    interval=num.Interval(value, value),
                    noun=ORDINAL_NOUNS[noun],
                    ordinal=True,
                )
            )
    for m in _NUMBER_ZH.finditer(text):
        claim = _chinese_number(text, m)
        if claim is not None:
            out.append(claim)
    return out


def _chinese_number(text: str, m: re.Match[str]) -> Claim | None:
    modifier = num.MODIFIERS_ZH.get(m.group("mod") or "")
    start, pos = m.start(), m.end()
    if m.group("half"):
        value, vague = 0.5, None
    elif m.group("vague"):
        lo, hi = num.VAGUE_AMOUNTS[m.group("vague")]
        value: float | None = (lo + hi) / 2
        vague: num.Interval | None = num.Interval(lo, hi)
    else:
        value, vague = num.parse_zh(m.group("num")), None
        if value is None:
            return None
    factor, length = num.trailing_magnitude(text[pos:], "zh")
    pos += length
    plus = text[pos : pos + 1] in ("多", "余")
    pos += plus
    rest = text[pos:]
    anniv = re.match(r"周年", rest)
    if anniv and factor == 1:
        return _anniversary(text, (start, pos + anniv.end()), value, "zh")
    unit = re.match(
        rf"(?:(?P<mo>个(?P<p0>多|余)?月)|个?(?P<u>{_UNIT_ZH}))(?P<half>半)?(?P<plus>多|余)?"
        rf"(?P<tail>前|以来|来|之后|以后|后)?",
        rest,
    )
    if unit and factor == 1:
        after = unit.group("tail") in ("之后", "以后", "后")
        plus = plus or bool(unit.group("plus") or unit.group("p0"))
        end = pos + unit.end()
        modifier, end = _zh_after(text, end, modifier)
        half = bool(unit.group("half"))
        tenure_before = re.search(_ZH_TENURE_BEFORE, text[max(0, start - 12) : start])
        if (
            value == 1
            and not modifier
            and not plus
            and not half
            and unit.group("tail") != "前"
            and not (unit.group("tail") in ("来", "以来") and tenure_before)
        ):
            return None  # "新的一年", "过去一年": not a figure; "抵达华盛顿一年来" is
        if half:  # "一年半": 1.5 to under 2
            value += 0.5
            interval = num.Interval(value, value + 0.5, hi_open=True)
        elif value == 0.5:  # "半年": half a unit; "半年多": half to under one
            interval = num.Interval(0.5, 1 if plus else 0.75, hi_open=True)
        else:
            interval = vague or num.interval_for(value, modifier, plus=plus, step=1)
        return Claim(
            text=text[start:end],
            span=(start, end),
            kind="anniversary" if unit.group("tail") == "前" else "duration",
            sentence=(start, end),
            language="zh",
            value=value,
            interval=interval,
            unit="month" if unit.group("mo") else UNITS_ZH[unit.group("u")],
            ago=unit.group("tail") == "前",
            after=after,
        )
    if value == 0.5:
        return None
    noun = re.match(rf"(?:{_MEASURE})?(?:多|余)?(?:[\u4e00-\u9fff]{{0,4}}?)(?P<n>{_NOUN_ZH})", rest)
    if noun is None or noun.start("n") > 0:
        # "5位来自学术界、企业界和政府的朋友": a measure word, a description ending in 的, the noun
        described = re.match(
            rf"(?:{_MEASURE})(?:多|余)?[\u4e00-\u9fff、]{{1,16}}?的(?P<n>{_NOUN_ZH})", rest
        )
        noun = described or noun
    if noun and factor == 1 and (noun.group(0) != noun.group("n") or len(rest) > 0):
        if noun.start("n") > 0 and not re.match(rf"(?:{_MEASURE}|多|余)", rest):
            return None  # a bare number followed later by a noun: not a count of it
        plus = plus or bool(re.match(r"(?:个|位|座|家|次|场|名|所|项)?[多余]", rest))
        if value == 1 and not modifier and not plus and not vague:
            return None  # "一个农场": as "a farm", not a figure
        end = pos + noun.end()
        modifier, end = _zh_after(text, end, modifier)
        key = next(k for p, k in COUNT_NOUNS_ZH if re.fullmatch(p, noun.group("n")))
        return Claim(
            text=text[start:end],
            span=(start, end),
            kind="count",
            sentence=(start, end),
            language="zh",
            value=value,
            interval=vague or num.interval_for(value, modifier, plus=plus, step=0),
            noun=key,
        )
    if factor > 1:
        step = num.place_unit(value) * factor
        value *= factor
        words = re.match(r"(?:美元|元|吨|人)?[\u4e00-\u9fff]{0,8}", text[pos:])
        return Claim(
            text=text[start:pos],
            span=(start, pos),
            kind="quantity",
            sentence=(start, pos),
            language="zh",
            value=value,
            interval=num.interval_for(value, modifier, plus=plus, step=step),
            noun=words.group(0) if words else "",
        )
    return None


# Words just before "一年来" that make it the sender's tenure ("抵达华盛顿一年来").
_ZH_TENURE_BEFORE = r"到任|抵达|抵美|来美|在美|在任|履职|递交国书|[抵到]达[\u4e00-\u9fff]{0,4}$"


def _zh_after(text: str, end: int, modifier: str | None) -> tuple[str | None, int]:
    """Modifiers written after the unit: "左右" (about), "以上" (at least)."""
    for word, meaning in (("左右", "about"), ("以上", "at_least")):
        if text.startswith(word, end):
            return meaning, end + len(word)
    return modifier, end
