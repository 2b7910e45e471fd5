"""The filters a letter template may call, and dates written the way each language writes them.

Every filter is pure and works on the plain values of the letter context (numbers, ISO dates,
fact dictionaries), so it can run in a worker process without Django. Filters that depend on the
letter (its language, its date) read them from the template context (``language``, ``date_iso``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jinja2 import pass_context

LANGUAGES = ("en", "zh")

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
_ZH_DIGITS = "零一二三四五六七八九"


class FilterError(ValueError):
    """A filter was given something it cannot work with; the message names the filter."""


def format_date(value: Any, language: str = "en") -> str:
    """ "December 30, 2022" in English, "2022年12月30日" in Chinese."""
    day = as_date(value, "format_date")
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def as_date(value: Any, where: str) -> dt.date:
    """A date from a date, an ISO string, or a fact / engagement dictionary with ``date_iso``."""
    if isinstance(value, dict):
        value = value.get("date_iso") or None
        if value is None:
            raise FilterError(f"{where}: this fact has no date.")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FilterError(f"{where}: {value!r} is not a date (give a fact, a date or YYYY-MM-DD).")


def _number(value: Any, where: str) -> int | float:
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        raise FilterError(f"{where}: {value!r} is not a number.")
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        try:
            value = float(value.replace(",", "")) if "." in value else int(value.replace(",", ""))
        except ValueError:
            raise FilterError(f"{where}: {value!r} is not a number.") from None
    if not isinstance(value, int | float):
        raise FilterError(f"{where}: {value!r} is not a number.")
    if abs(value) >= 10**15:
        raise FilterError(f"{where}: {value!r} is too large.")
    return value


def years_between(start: dt.date, end: dt.date) -> int:
    """Completed years: 1979-01-01 to 2022-12-30 is 43 (the 44th year has not ended)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


@pass_context
def years_since(context: Any, value: Any) -> int:
    return years_between(as_date(value, "years_since"), _letter_date(context))


@pass_context
def days_since(context: Any, value: Any) -> int:
    return (_letter_date(context) - as_date(value, "days_since")).days


def _letter_date(context: Any) -> dt.date:
    return as_date(context.get("date_iso"), "letter date")


def round_down(value: Any, step: Any = None) -> int:
    """Round down to a multiple of ``step``: 520 -> 500 ("500-plus days").

    Without a step: to the leading digit below 1,000 (520 -> 500, 47 -> 40), to two leading
    digits from 1,000 on (1,734 -> 1,700).
    """
    number = int(_number(value, "round_down"))
    if step is None:
        digits = len(str(abs(number)))
        step = 10 ** max(digits - (1 if digits <= 3 else 2), 0)
    step = int(_number(step, "round_down"))
    if step <= 0:
        raise FilterError("round_down: the step must be positive.")
    return (number // step) * step


def _words_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_ONES[hundreds]} hundred")
    if rest:
        if rest < 20:
            parts.append(_ONES[rest])
        else:
            tens, ones = divmod(rest, 10)
            parts.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    return " ".join(parts)


def english_words(n: int) -> str:
    if n < 0:
        return "minus " + english_words(-n)
    if n == 0:
        return "zero"
    parts = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if count:
            parts.append(f"{_words_below_thousand(count)} {name}")
    if n:
        parts.append(_words_below_thousand(n))
    return " ".join(parts)


def _zh_group(n: int, first: bool) -> str:
    """One group of four digits (1..9999); 十 alone for a leading 1 in the tens (十二)."""
    out, pending_zero, started = "", False, False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            pending_zero = pending_zero or started
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += (
            name
            if (digit == 1 and unit == 10 and first and not started)
            else _ZH_DIGITS[digit] + name
        )
        started = True
    return out


def chinese_words(n: int) -> str:
    """二十二, 一百零五, 一万零三百, 十七亿."""
    if n < 0:
        return "负" + chinese_words(-n)
    if n == 0:
        return "零"
    groups = []
    while n:
        n, group = divmod(n, 10000)
        groups.append(group)
    out, need_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = need_zero or bool(out)
            continue
        if out and (need_zero or group < 1000):
            out += "零"
        out += _zh_group(group, first=not out) + ("", "万", "亿", "万亿")[index]
        need_zero = False
    return out


@pass_context
def number_words(context: Any, value: Any) -> str:
    """22 -> "twenty-two" in English, "二十二" in Chinese."""
    number = _number(value, "number_words")
    if number != int(number):
        raise FilterError("number_words: give a whole number (use round_down first).")
    if context.get("language") == "zh":
        return chinese_words(int(number))
    return english_words(int(number))


@pass_context
def ordinal(context: Any, value: Any) -> str:
    """43 -> "43rd" in English, "第43" in Chinese."""
    n = int(_number(value, "ordinal"))
    if context.get("language") == "zh":
        return f"第{n}"
    suffix = (
        "th" if 10 <= abs(n) % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(abs(n) % 10, "th")
    )
    return f"{n}{suffix}"


@pass_context
def magnitude(context: Any, value: Any) -> str:
    """1,700,000,000 -> "1.7 billion" in English, "17亿" in Chinese."""
    number = _number(value, "magnitude")

    def short(x: float) -> str:
        return f"{x:.1f}".rstrip("0").rstrip(".")

    if context.get("language") == "zh":
        for scale, name in ((10**8, "亿"), (10**4, "万")):
            if abs(number) >= scale:
                return f"{short(number / scale)}{name}"
        return f"{number:g}"
    for scale, name in _SCALES:
        if abs(number) >= scale and scale >= 10**6:
            return f"{short(number / scale)} {name}"
    return f"{number:,}" if isinstance(number, int) else f"{number:,.2f}".rstrip("0").rstrip(".")


@pass_context
def format_date_filter(context: Any, value: Any) -> str:
    """A date in the letter's language."""
    return format_date(value, context.get("language") or "en")


@pass_context
def and_list(context: Any, value: Any) -> str:
    """["a", "b", "c"] -> "a, b and c" in English, "a、b和c" in Chinese."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise FilterError("and_list: give a list.")
    items = [str(v) for v in value][:1000]
    if context.get("language") == "zh":
        return "和".join(["、".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


LETTER_FILTERS = {
    "and_list": and_list,
    "years_since": years_since,
    "days_since": days_since,
    "round_down": round_down,
    "number_words": number_words,
    "ordinal": ordinal,
    "magnitude": magnitude,
    "format_date": format_date_filter,
}
