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
    r"|as (?:ambassador|consul)|in this country|in the United States|in Washington)\b"
    r"|在美|任内|任期|到任|来美|在任|履职|工作的|使命",
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
    r"\b(?:met|meet|meeting|visited|visit|visiting|conversation|talks?|spoke|dinner|lunch"
    r"|call|toured|hosted|attended)\b|会见|会谈|见面|访问|走访|到访|通话|电话|交谈|会面|出席|演讲|参观",
    re.IGNORECASE,
)
SINGULAR_EN = re.compile(r"\bI\b|\b(?:me|my|mine|myself)\b", re.IGNORECASE)
SINGULAR_ZH = re.compile(r"我(?!们)|本人")
# A friendship's length is not the sender's tenure: "I have known you for 30 years".
RELATIONSHIP = re.compile(
    r"\b(?:known|friends?|friendship|acquaintance)\b|认识|相识|相知|友谊|朋友", re.IGNORECASE
)
SINCE = re.compile(r"\b(?:since|for|over)\b|以来|来", re.IGNORECASE)
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
        return 10 + len(term) if term in sentence else 0
    wanted = _tokens(term)
    if not wanted:
        return 0
    hits = len(wanted & words)
    if hits == len(wanted):
        return 10 + hits
    if hits >= 2 and hits * 3 >= len(wanted) * 2:
        return 5 + hits
    return 0


@dataclass
class FactMatch:
    fact: Any | None
    reason: str = ""
    candidates: list[str] = field(default_factory=list)


def match_fact(sentence: str, facts: list[Any], *, need: str, noun: str = "") -> FactMatch:
    """The fact the sentence names, among those with a date (``need="date"``) or a value."""
    words = _tokens(sentence)
    scored: list[tuple[float, Any]] = []
    for fact in facts:
        if (need == "date" and fact.date is None) or (need == "value" and fact.value is None):
            continue
        terms = [fact.label_en, fact.label_zh, *(fact.aliases or []), fact.key.replace("-", " ")]
        score = max(term_score(str(t), sentence, words) for t in terms)
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
    if len(best) > 1:
        keys = [f.key for f in best]
        return FactMatch(None, f"ambiguous: the sentence could name {', '.join(keys)}", keys)
    return FactMatch(best[0], candidates=[f.key for _, f in scored])


def regions_named(sentence: str, regions: list[tuple[str, str, str]]) -> list[str]:
    """Codes of the regions (code, English name, Chinese name) the sentence names."""
    out = []
    for code, en, zh in regions:
        if (en and re.search(rf"\b{re.escape(en)}\b", sentence)) or (zh and zh in sentence):
            out.append(code)
    return out
