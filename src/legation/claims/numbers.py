"""Numbers as letters write them, and what a vague number means as an interval.

English number words go through ``number-parser``, Chinese numerals through ``cn2an``; digits
with thousands separators are read here. A vague form ("500-plus", "over 20", "nearly 30",
"about 40", "dozens of", "四十多", "近30") becomes an ``Interval`` the ledger's figure must fall in.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

EN_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "thousand",
]  # fmt: skip
_WORD = "|".join(sorted(EN_WORDS, key=len, reverse=True))
# "1,874", "1.7", "22", or "twenty-two", "one hundred and five" (spans stay those of the text).
EN_NUMBER = re.compile(
    rf"(?<![\w.,])(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
    rf"|\b(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}))*\b",
    re.IGNORECASE,
)
ZH_DIGITS = "零〇一二两三四五六七八九十百千"
ZH_NUMBER = re.compile(rf"[0-9]+(?:\.[0-9]+)?|[{ZH_DIGITS}]+")
MAGNITUDES_EN = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
MAGNITUDES_ZH = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}

# Words that make a number vague, with the rule that turns N into an interval.
MODIFIERS_EN = {
    "more than": "over",
    "over": "over",
    "well over": "over",
    "upwards of": "over",
    "in excess of": "over",
    "just over": "just_over",
    "at least": "at_least",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "less than": "under",
    "fewer than": "under",
    "under": "under",
}
MODIFIERS_ZH = {
    "超过": "over",
    "逾": "over",
    "多达": "at_least",
    "至少": "at_least",
    "将近": "nearly",
    "接近": "nearly",
    "近": "nearly",
    "大约": "about",
    "约": "about",
    "不到": "under",
    "不足": "under",
}
# Quantity words that stand for a number themselves.
VAGUE_AMOUNTS = {
    "dozens of": (24, 99),
    "scores of": (40, 99),
    "hundreds of": (200, 999),
    "thousands of": (2000, 9999),
    "数十": (20, 99),
    "几十": (20, 99),
    "上百": (100, 999),
    "数百": (200, 999),
    "几百": (200, 999),
    "上千": (1000, 9999),
    "数千": (2000, 9999),
}


@dataclass(frozen=True)
class Interval:
    """What a claim allows: a value between ``lo`` and ``hi`` (``None``: unbounded)."""

    lo: float | None
    hi: float | None
    lo_open: bool = False
    hi_open: bool = False

    def __contains__(self, value: float) -> bool:
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return False
        return not (
            self.hi is not None and (value > self.hi or (self.hi_open and value == self.hi))
        )

    def describe(self, integer: bool = True) -> str:
        """ "500–599", "21 or more", "25–29", "1,530,000,000–1,870,000,000" for people to read."""

        def fmt(x: float) -> str:
            return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0")

        lo, hi = self.lo, self.hi
        if integer:
            lo = None if lo is None else (math.floor(lo) + 1 if self.lo_open else math.ceil(lo))
            hi = None if hi is None else (math.ceil(hi) - 1 if self.hi_open else math.floor(hi))
            if lo is not None and hi is not None:
                return fmt(lo) if lo == hi else f"{fmt(lo)}–{fmt(hi)}"
            if lo is not None:
                return f"{fmt(lo)} or more"
            return f"{fmt(hi or 0)} or fewer"
        left = "more than " if self.lo_open else ""
        if lo is not None and hi is not None:
            return f"{left}{fmt(lo)} to {'under ' if self.hi_open else ''}{fmt(hi)}"
        if lo is not None:
            return f"{'more than' if self.lo_open else 'at least'} {fmt(lo)}"
        return f"{'under' if self.hi_open else 'at most'} {fmt(hi or 0)}"


def dozen(words: str) -> float | None:
    """ "a dozen" 12, "half a dozen" 6, "two dozen" 24, "3 dozen" 36 (the words before "dozen")."""
    words = re.sub(r"\s+", " ", words.strip().lower())
    if words == "half a":
        return 6.0
    if words in ("a", "an"):
        return 12.0
    n = parse_en(words)
    return None if n is None else n * 12


def place_unit(value: float) -> float:
    """The unit of the last significant digit: 500 → 100, 1.7e9 → 1e8, 22 → 1, 1.5 → 0.1."""
    d = Decimal(str(value)).normalize()
    exponent = d.as_tuple().exponent
    return float(Decimal(1).scaleb(int(exponent)))


def interval_for(value: float, modifier: str | None, *, plus: bool, step: float) -> Interval:
    """The interval a number with its modifier allows.

    ``step`` is the width of an exact claim: 1 for durations measured in fractions of a unit
    ("3 years" holds for 3 to under 4 completed years), 0 for whole counts ("22 states"), and
    the unit of the last digit for rounded quantities ("1.7 billion" holds for 1.65 to under 1.8
    billion: rounded or cut off).
    """
    if plus:
        unit = place_unit(value)
        if unit < 10 and value >= 10:  # "22-plus": at least 22
            return Interval(value, None)
        return Interval(value, value + unit, hi_open=True)
    if modifier == "over":
        return Interval(value, None, lo_open=True)
    if modifier == "just_over":
        return Interval(value, value * 1.1, lo_open=True)
    if modifier == "at_least":
        return Interval(value, None)
    if modifier == "nearly":
        return Interval(value - value / 6, value, hi_open=True)
    if modifier == "about":
        return Interval(value * 0.9, value * 1.1)
    if modifier == "under":
        return Interval(0, value, hi_open=True)
    if step == 0:
        return Interval(value, value)
    if step == 1:
        return Interval(value, value + 1, hi_open=True)
    return Interval(value - step / 2, value + step, hi_open=True)


def parse_en(token: str) -> float | None:
    """A number written in digits ("1,874", "1.7") or words ("twenty-two")."""
    token = token.strip()
    if token[:1].isdigit():
        try:
            return float(Decimal(token.replace(",", "")))
        except InvalidOperation:
            return None
    from number_parser import parse_number

    found = parse_number(token.lower())
    return None if found is None else float(found)


def parse_zh(token: str) -> float | None:
    """A number in Arabic digits or Chinese numerals ("二十二", "四十", "两"), via cn2an."""
    if token[:1].isdigit():
        return float(token)
    import cn2an

    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError):
        return None


def trailing_magnitude(text: str, language: str) -> tuple[float, int]:
    """The multiplier a magnitude word right after a number gives, and its length in ``text``."""
    if language == "zh":
        for word, factor in MAGNITUDES_ZH.items():
            if text.startswith(word):
                return factor, len(word)
        return 1.0, 0
    m = re.match(r"\s+(thousand|million|billion|trillion)\b", text, re.IGNORECASE)
    if m:
        return MAGNITUDES_EN[m.group(1).lower()], m.end()
    return 1.0, 0
