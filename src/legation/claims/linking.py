"""What a claim is about, read from the words of its sentence: who speaks, which fact, which event.

Facts are named by their labels and aliases: a Chinese term must appear as written; an English
term matches when all its content words appear (inflections aside: "establishing diplomatic
relations" names "Diplomatic relations established"), or most of them, for a lower score. The
best-scoring fact wins; a tie between facts is reported as ambiguous, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FIRST_PERSON_EN = re.compile(r"\bI\b|\b(?:me|my|mine|myself|we|us|our|ours)\b", re.IGNORECASE)
OTHER_PERSON_EN = re.compile(r"\b(?:you|your|he|she|his|her|they|their)\b", re.IGNORECASE)
FIRST_PERSON_ZH = re.compile(r"我|本人|本馆")
OTHER_PERSON_ZH = re.compile(r"您|你|他|她")
TENURE = re.compile(
    r"\b(?:here|tenure|in post|posting|since I (?:arrived|came)|my (?:time|stay|term|mission)"
    r"|as (?:ambassador|consul)|in this country|in the United States|in Washington"
    r"|since (?:I|my) (?:presented|presentation of) (?:my )?credentials)\b"
    r"|在美|任内|任期|到任|来美|在任|履职|工作的|使命|递交国书",
    re.IGNORECASE,
)
ARRIVAL = re.compile(
    r"\b(?:arrived|arrival|arriving|came to|took up|assumed (?:my|the) (?:post|office|duties)"
    r"|presented (?:my )?credentials|began my)\b|到任|抵达|抵美|来到|赴任|递交国书",
    re.IGNORECASE,
)
DEPARTURE = re.compile(
    r"\b(?:leave|leaving|left|depart|departing|departure|farewell)\b|离任|离开|回国",
    re.IGNORECASE,
)
ENGAGEMENT = re.compile(
    r"\b(?:met|meet|meeting|visited|visit|visiting|conversation|talks?|spoke|speech|dinner|lunch"
    r"|call|toured|tour|hosted|hosting|host|attended|welcomed?|hospitality|received|receiving"
    r"|reception|been to|went to|travell?ed to|trip|discussion|discussed|exchange"
    r"|spent (?:a|an|the)\s+(?:\w+\s+)?(?:day|evening|afternoon|morning|week))\b"
    r"|会见|会谈|见面|访问|走访|到访|通话|电话|交谈|会面|出席|演讲|参观|接待|款待|午餐|晚宴|宴请|共进|举办|讨论|交流|之行|行程|出访",
    re.IGNORECASE,
)
# What a person does, not a country: with no "I" or "we" in the sentence, "thirty years ago, a
# young engineer travelled to Shanghai" is someone else's history, not a claim.
LIFE_EVENT = re.compile(
    ARRIVAL.pattern + "|" + ENGAGEMENT.pattern
    + r"|\b(?:travell?ed|moved|studied|born|grew up|founded|opened|started)\b"
    r"|前往|来到|移居|留学|出生|创办|开办",
    re.IGNORECASE,
)  # fmt: skip
SINGULAR_EN = re.compile(r"\bI\b|\b(?:me|my|mine|myself)\b", re.IGNORECASE)
SINGULAR_ZH = re.compile(r"我(?!们)|本人")
# A friendship's length is not the sender's tenure: "I have known you for 30 years". Knowing
# someone decides it; a friendship named beside a tenure word ("in my 300 days here … friends")
# does not.
KNOWING = re.compile(r"\b(?:known|acquainted|acquaintance)\b|认识|相识|相知", re.IGNORECASE)
RELATIONSHIP = re.compile(r"\b(?:friendship|friends?)\b|友谊|友情|朋友", re.IGNORECASE)
# A sentence that points back at the one before: "the 44th anniversary of that decision",
# "51年前，这次访问…".
ANAPHOR = re.compile(r"\b(?:that|this|these|those|the same|then)\b|这|此|那|该", re.IGNORECASE)
SECOND_PERSON = re.compile(r"\b(?:you|your|yours)\b|您|你", re.IGNORECASE)
_STOP = {
    "the", "of", "and", "a", "an", "in", "on", "to", "for", "between", "our", "two", "with", "by",
    "at", "as", "is", "was", "were", "be", "been", "this", "that", "its", "their",
}  # fmt: skip


def speaker(sentence: str, language: str) -> str | None:
    """ "sender" when the sentence speaks in the first person, "other" for you/he/she/they."""
    first, other = (
        (FIRST_PERSON_ZH, OTHER_PERSON_ZH)
        if re.search(r"[\u4e00-\u9fff]", sentence)
        else (FIRST_PERSON_EN, OTHER_PERSON_EN)
    )
    if first.search(sentence):
        return "sender"
    if other.search(sentence):
        return "other"
    return None


def speaks_alone(sentence: str) -> bool:
    """The sender alone speaks ("I", "my", "我"), not "we", which may include the reader."""
    zh = re.search(r"[\u4e00-\u9fff]", sentence)
    return bool((SINGULAR_ZH if zh else SINGULAR_EN).search(sentence))


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ments", "ment", "ing", "ies", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _tokens(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[A-Za-z]+|\d+", text) if w.lower() not in _STOP}


def term_score(term: str, sentence: str, words: set[str]) -> float:
    term = term.strip()
    if not term:
        return 0
    if re.search(r"[\u4e00-\u9fff]", term):
        if term in sentence:
            return 10 + len(term)
        return 5 + len(term) if _loose_zh(term, sentence) is not None else 0
    wanted = _tokens(term)
    if not wanted:
        return 0
    hits = len(wanted & words)
    if hits == len(wanted):
        return 10 + hits
    if hits >= 2 and hits * 3 >= len(wanted) * 2:
        return 5 + hits
    return 0


def _loose_zh(term: str, sentence: str) -> int | None:
    """Where a Chinese term is written out with words between its characters, within one
    clause: "建交" in "建立了外交关系", "建立外交关系" in "建立了外交关系" (each character in
    order, at most three characters between two of them, no punctuation). None if it is not."""
    if len(term) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", term):
        return None
    gap = r"[\u4e00-\u9fff]{0,3}?"
    m = re.search(gap.join(re.escape(c) for c in term), sentence)
    return m.start() if m else None


def term_positions(term: str, sentence: str) -> list[int]:
    """Where a term is written in the sentence (a Chinese term as written or written out, an
    English one at each of its content words)."""
    term = term.strip()
    if not term:
        return []
    if re.search(r"[\u4e00-\u9fff]", term):
        found = [m.start() for m in re.finditer(re.escape(term), sentence)]
        loose = _loose_zh(term, sentence)
        return found or ([] if loose is None else [loose])
    wanted = _tokens(term)
    return [
        m.start()
        for m in re.finditer(r"[A-Za-z]+|\d+", sentence)
        if m.group().lower() not in _STOP and _stem(m.group()) in wanted
    ]


@dataclass
class FactMatch:
    fact: Any | None
    reason: str = ""
    candidates: list[str] = field(default_factory=list)


def match_fact(
    sentence: str, facts: list[Any], *, need: str, noun: str = "", near: int | None = None
) -> FactMatch:
    """The fact the sentence names, among those with a date (``need="date"``) or a value. With
    ``near`` (the claim's position in ``sentence``), facts named equally well are told apart by
    distance: the one named nearest the claim wins."""
    words = _tokens(sentence)
    scored: list[tuple[float, Any]] = []
    for fact in facts:
        if (need == "date" and fact.date is None) or (need == "value" and fact.value is None):
            continue
        score = max(term_score(str(t), sentence, words) for t in fact_terms(fact))
        if need == "value" and fact.unit and noun and score > 0:
            unit = _tokens(fact.unit) or {fact.unit}
            if unit & _tokens(noun) or fact.unit in noun:
                score += 1
        if score > 0:
            scored.append((score, fact))
    if not scored:
        kind = "a date" if need == "date" else "a value"
        return FactMatch(None, f"no fact with {kind} is named in the sentence")
    scored.sort(key=lambda s: -s[0])
    best = [f for s, f in scored if s == scored[0][0]]
    if scored[0][0] < 5 and len(scored) > 1:
        best = [f for _, f in scored]
    if near is not None and len(best) > 1:
        distance = {id(f): _distance(f, sentence, near) for f in best}
        nearest = min(distance.values())
        best = [f for f in best if distance[id(f)] == nearest]
    if len(best) > 1:
        keys = [f.key for f in best]
        return FactMatch(None, f"ambiguous: the sentence could name {', '.join(keys)}", keys)
    return FactMatch(best[0], candidates=[f.key for _, f in scored])


def fact_terms(fact: Any) -> list[str]:
    return [fact.label_en, fact.label_zh, *(fact.aliases or []), fact.key.replace("-", " ")]


def _distance(fact: Any, sentence: str, near: int) -> int:
    places = [p for t in fact_terms(fact) for p in term_positions(str(t), sentence)]
    return min((abs(p - near) for p in places), default=len(sentence))


# "Washington" alone is the capital or the state: the words around it decide, else the ledger.
CAPITAL_NAMES = {"US": ("Washington", "华盛顿", "US-DC", "US-WA")}
CAPITAL_WORDS = re.compile(
    r"\bD\.\s?C\.|\bDC\b|\bcapital\b|\bCapitol\b|\bCongress\b|\bWhite House\b"
    r"|\bState Department\b|首都|国会|白宫|特区",
)


def regions_named(sentence: str, regions: list[tuple[str, str, str]]) -> list[str]:
    """Codes of the regions (code, English name, Chinese name) the sentence names. A capital's
    name shared with a state ("Washington", "华盛顿") is read by the words around it: "Washington
    State", "the state of Washington", "华盛顿州" is the state; with "D.C.", "the Capitol",
    "Congress", "国会" it is the capital; else both readings are returned as one choice,
    "US-DC|US-WA" (capital first), for the ledger to decide."""
    out = []
    for code, en, zh in regions:
        if (en and re.search(rf"\b{re.escape(en)}\b", sentence)) or (zh and zh in sentence):
            out.append(code)
    for en, zh, capital, state in CAPITAL_NAMES.values():
        plain = [
            m
            for m in re.finditer(rf"\b{en}\b", sentence)
            if not re.match(r"\s+(?:State|state)\b", sentence[m.end() :])
            and not re.search(r"\bstate\s+of\s*$", sentence[: m.start()], re.IGNORECASE)
        ]
        if not plain and not re.search(rf"{zh}(?!州)", sentence):
            continue
        explicit = re.search(
            rf"\b{en}\s+(?:State|state)\b|\bstate\s+of\s+{en}\b|{zh}州", sentence, re.IGNORECASE
        )
        if not explicit:
            out = [c for c in out if c != state]
        if capital not in out:
            out.append(capital if CAPITAL_WORDS.search(sentence) else f"{capital}|{state}")
    return out


def cities_named(sentence: str, cities: list[str]) -> list[str]:
    """The ledger's cities (English names, as engagements record them) the sentence names, in
    English or by their usual Chinese names (nouns.CITY_NAMES_ZH)."""
    from legation.claims.nouns import CITY_NAMES_ZH

    out = [c for c in cities if c and re.search(rf"\b{re.escape(c)}\b", sentence)]
    for zh, en in CITY_NAMES_ZH.items():
        if zh in sentence and en in cities and en not in out:
            if en == "Washington" and re.search(rf"{zh}州", sentence):
                continue
            out.append(en)
    return out
