"""Dates in a draft: the letter's own date, and the dated events it mentions.

Full dates ("July 28, 2021", "28 July 2021", "2021年7月28日") are found by pattern and read with
``dateparser`` (abbreviations, "Sept.", day-first orders); Chinese numerals in dates go through
``cn2an``. Relative dates ("last spring", "earlier this month", "去年春天") become the period they
name, counted from the letter's date, never from today. Seasons are the northern meteorological
ones (spring: March to May; winter: December to February).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?"
)
_ZHD = "0-9〇零一二三四五六七八九十"
EN_FULL = re.compile(
    rf"\b(?:(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS}),?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})(?!\d)"
)
EN_MONTH = re.compile(rf"\b(?:{MONTHS})\s+(?:of\s+)?\d{{4}}\b")
EN_YEAR = re.compile(
    r"\b(?:in|since)\s+(?:the\s+year\s+)?((?:19|20)\d{2})\b(?!\s*(?:-|–)\s*\d)", re.IGNORECASE
)
ZH_FULL = re.compile(rf"([{_ZHD}]{{4}})\s*年\s*([{_ZHD}]{{1,2}})\s*月\s*([{_ZHD}]{{1,3}})\s*[日号]")
ZH_MONTH = re.compile(
    rf"([{_ZHD}]{{4}})\s*年\s*([{_ZHD}]{{1,2}})\s*月(?!\s*[{_ZHD}]{{1,3}}\s*[日号])"
)
ZH_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年(?![0-9]*\s*[月前来])")
_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
SEASONS_ZH = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
EN_RELATIVE = re.compile(
    r"\b(?:(earlier|early|late|later)\s+)?(this|last|past)\s+"
    r"(spring|summer|autumn|fall|winter|month|year|week)\b",
    re.IGNORECASE,
)
_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Dates without a year, counted from the letter's date: "yesterday", "this Monday", "in March",
# "last April", "March last year", "on March 29".
EN_YESTERDAY = re.compile(r"\byesterday\b", re.IGNORECASE)
EN_WEEKDAY = re.compile(
    rf"\b(?:(?P<which>this|last|on)\s+)(?P<day>{'|'.join(_WEEKDAYS)})\b(?!,?\s+(?:{MONTHS}))",
    re.IGNORECASE,
)
EN_BARE_MONTH = re.compile(
    rf"\b(?i:(?P<which>last|this)|in|since|during|(?:early|late|earlier|later)\s+in|on)\s+"
    rf"(?:(?:early|late|mid-?)\s*)?(?P<month>{_MONTH_NAMES})\b"
    rf"(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b)?(?!,?\s+(?:of\s+)?\d{{4}})"
    rf"(?:\s+(?:of\s+)?(?P<year>last|this)\s+year\b)?"
)
ZH_YESTERDAY = re.compile(r"昨天|昨日")
ZH_WEEKDAY = re.compile(
    r"(?<![每一两几数])(?P<which>本|这个?|上个?)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天])(?![次起])"
)
ZH_BARE_MONTH = re.compile(
    r"(?<![0-9〇零一二三四五六七八九十年第个])(?P<year>今年|去年)?"
    r"(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月"
    r"(?!份?[0-9]*个)(?:(?P<day>[0-9]{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号])?"
)
_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# Words that put a sentence in the future: a date without a year there is the next one.
FUTURE = re.compile(
    r"\b(?:will|shall|look(?:ing)? forward|invite|invitation|would be (?:honou?red|pleased)"
    r"|upcoming|next|coming|hope to|plan to|intend to|expect to)\b|将(?!近)|邀请|希望|计划|打算|期待|届时|即将|敬请|欢迎您|拟于",
    re.IGNORECASE,
)
ZH_RELATIVE = re.compile(
    r"(去年|今年|本月|这个月|上个月|上月|上周|上星期)"
    r"(?:(春|夏|秋|冬)(?:天|季))?(早些时候|初|底|年初|年底)?"
)


@dataclass(frozen=True)
class Period:
    """The days a date mention allows, both ends included."""

    start: dt.date
    end: dt.date
    label: str

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class DateMention:
    span: tuple[int, int]
    text: str
    # A fixed period, or None for a relative one resolved against the letter's date.
    period: Period | None
    relative: tuple[str, str, str] | None = None  # (qualifier, which, unit)


def _zh_int(token: str) -> int:
    if token.isdigit():
        return int(token)
    import cn2an

    return int(cn2an.cn2an(token, "smart"))


def _month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(dt.date(year, month, 1), dt.date(year, month, last), f"{year}-{month:02d}")


def parse_en_date(text: str) -> dt.date | None:
    import dateparser

    parsed = dateparser.parse(
        text.replace("Sept.", "Sep."),
        languages=["en"],
        settings={"STRICT_PARSING": True, "DATE_ORDER": "MDY", "PREFER_DAY_OF_MONTH": "first"},
    )
    return parsed.date() if parsed else None


def find_dates(text: str) -> Iterator[DateMention]:
    """Every date mention in the text, fixed or relative, with its span; no two overlap."""
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    found: list[DateMention] = []
    for m in EN_FULL.finditer(text):
        day = parse_en_date(m.group(0))
        if day:
            taken.append(m.span())
            found.append(DateMention(m.span(), m.group(0), Period(day, day, day.isoformat())))
    for m in ZH_FULL.finditer(text):
        try:
            day = dt.date(*(_zh_int(g) for g in m.groups()))
        except (ValueError, KeyError):
            continue
        taken.append(m.span())
        found.append(DateMention(m.span(), m.group(0), Period(day, day, day.isoformat())))
    for m in EN_MONTH.finditer(text):
        month = _MONTH_NUMBER.get(m.group(0)[:3].lower())
        if month and free(*m.span()):
            taken.append(m.span())
            year = int(m.group(0)[-4:])
            found.append(DateMention(m.span(), m.group(0), _month_period(year, month)))
    for m in ZH_MONTH.finditer(text):
        if free(*m.span()):
            year, month = _zh_int(m.group(1)), _zh_int(m.group(2))
            if 1 <= month <= 12:
                taken.append(m.span())
                found.append(DateMention(m.span(), m.group(0), _month_period(year, month)))
    for pattern in (EN_YEAR, ZH_YEAR):
        for m in pattern.finditer(text):
            year = int(m.group(1))
            if free(*m.span(1)):
                taken.append(m.span(1))
                found.append(
                    DateMention(
                        m.span(1),
                        m.group(1),
                        Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)),
                    )
                )

    def add(
        m: re.Match[str], relative: tuple[str, str, str], span: tuple[int, int] | None = None
    ) -> None:
        s, e = span or m.span()
        if free(s, e):
            taken.append((s, e))
            found.append(DateMention((s, e), text[s:e], None, relative))

    for m in EN_YESTERDAY.finditer(text):
        add(m, ("", "yesterday", "day"))
    for m in ZH_YESTERDAY.finditer(text):
        add(m, ("", "yesterday", "day"))
    for m in EN_WEEKDAY.finditer(text):
        which = m.group("which").lower()
        add(
            m,
            (
                "",
                "this" if which == "this" else "last",
                f"weekday:{_WEEKDAYS.index(m.group('day').lower())}",
            ),
        )
    for m in ZH_WEEKDAY.finditer(text):
        which = m.group("which") or ""
        relative = "this" if which.startswith(("本", "这")) else ("last_week" if which else "last")
        add(m, ("", relative, f"weekday:{_ZH_WEEKDAY[m.group('day')]}"))
    for m in EN_BARE_MONTH.finditer(text):
        month = _MONTH_NUMBER[m.group("month")[:3].lower()]
        which = {"last": "last_year", "this": "this_year"}.get(m.group("year") or "") or (
            m.group("which") or ""
        ).lower()
        day = m.group("day")
        unit = f"day:{month}-{day}" if day else f"monthname:{month}"
        start = m.start("which") if m.group("which") else m.start("month")
        add(m, ("", which, unit), (start, m.end()))
    for m in ZH_BARE_MONTH.finditer(text):
        try:
            month = _zh_int(m.group("month"))
            day = _zh_int(m.group("day")) if m.group("day") else None
        except (ValueError, KeyError):
            continue
        if not 1 <= month <= 12:
            continue
        which = {"今年": "this_year", "去年": "last_year"}.get(m.group("year") or "", "")
        unit = f"day:{month}-{day}" if day else f"monthname:{month}"
        add(m, ("", which, unit))
    for m in EN_RELATIVE.finditer(text):
        qualifier, which, unit = (g.lower() if g else "" for g in m.groups())
        if which == "past" or re.search(r"\bthe\s+$", text[max(0, m.start() - 4) : m.start()]):
            continue  # "the past year", "over the last year": durations, not dates
        if which == "this" and unit in ("month", "year", "week") and not qualifier:
            continue  # "this year" is the letter's own time, not an event's date
        if free(*m.span()):
            taken.append(m.span())
            found.append(DateMention(m.span(), m.group(0), None, (qualifier, which, unit)))
    for m in ZH_RELATIVE.finditer(text):
        which, season, qualifier = m.groups()
        if (
            not season
            and not qualifier
            and (which in ("今年", "本月", "这个月") or _zh_followed_by_count(text, m.end()))
        ):
            continue
        if free(*m.span()):
            taken.append(m.span())
            found.append(DateMention(m.span(), m.group(0), None, _zh_relative(m.groups())))
    yield from sorted(found, key=lambda d: d.span)


def _zh_followed_by_count(text: str, end: int) -> bool:
    return bool(re.match(r"[以]?[来内]", text[end : end + 2]))


def _zh_relative(groups: tuple[str | None, ...]) -> tuple[str, str, str]:
    which, season, qualifier = groups
    season_en = {"春": "spring", "夏": "summer", "秋": "autumn", "冬": "winter"}.get(season or "")
    qual = {"早些时候": "earlier", "初": "early", "年初": "early", "底": "late", "年底": "late"}
    q = qual.get(qualifier or "", "")
    if which in ("去年", "今年") and season_en:
        # "去年春天" is the spring of last calendar year, not the latest spring.
        return q, "last_year" if which == "去年" else "this_year", season_en
    if which in ("去年", "今年"):
        return q, "last" if which == "去年" else "this", "year"
    if which in ("上个月", "上月"):
        return q, "last", "month"
    if which in ("上周", "上星期"):
        return q, "last", "week"
    return q, "this", "month"


def _season(year: int, start_month: int) -> Period:
    start = dt.date(year, start_month, 1)
    end_month = start_month + 2
    end_year = year + (end_month > 12)
    end_month = (end_month - 1) % 12 + 1
    name = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}[start_month]
    return Period(start, _month_period(end_year, end_month).end, f"{name} {year}")


def _named_month(d: dt.date, month: int, which: str, forward: bool) -> int:
    """The year of a month named without one: "in March" is the latest March up to the letter's
    date (the next one in a sentence about the future), "last April" the latest before the
    letter's month, "March last year" / "去年3月" last year's, "this March" / "今年3月" this year's."""
    if which == "this_year":
        return d.year
    if which == "last_year":
        return d.year - 1
    if which == "last":
        return d.year if month < d.month else d.year - 1
    if forward:
        return d.year if month >= d.month else d.year + 1
    return d.year if month <= d.month else d.year - 1


def resolve(mention: DateMention, letter_date: dt.date, *, forward: bool = False) -> Period:
    """The period a mention names, relative ones counted from the letter's date. ``forward``:
    the sentence speaks of the future, so a date without a year is the next one."""
    if mention.period is not None:
        return mention.period
    assert mention.relative is not None
    qualifier, which, unit = mention.relative
    d = letter_date
    if which == "next" and unit in ("week", "month", "year"):  # "44 years ago next month"
        if unit == "week":
            monday = d - dt.timedelta(days=d.weekday()) + dt.timedelta(days=7)
            return Period(monday, monday + dt.timedelta(days=6), f"the week of {monday}")
        if unit == "month":
            first = (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            return _month_period(first.year, first.month)
        return Period(dt.date(d.year + 1, 1, 1), dt.date(d.year + 1, 12, 31), str(d.year + 1))
    if unit == "day" and which == "yesterday":
        day = d - dt.timedelta(days=1)
        return Period(day, day, f"yesterday ({day.isoformat()})")
    if unit.startswith("weekday:"):
        weekday = int(unit.split(":")[1])
        monday = d - dt.timedelta(days=d.weekday())
        if which == "this":
            day = monday + dt.timedelta(days=weekday)
        elif which == "last_week":
            day = monday - dt.timedelta(days=7) + dt.timedelta(days=weekday)
        else:  # "last Monday", "on Monday": the latest one before the letter's date
            back = (d.weekday() - weekday) % 7 or 7
            day = d - dt.timedelta(days=back)
            if forward:
                day = d + dt.timedelta(days=(weekday - d.weekday()) % 7 or 7)
        return Period(day, day, day.isoformat())
    if unit.startswith("monthname:"):
        month = int(unit.split(":")[1])
        return _month_period(_named_month(d, month, which, forward), month)
    if unit.startswith("day:"):
        month, day_of_month = (int(x) for x in unit.split(":")[1].split("-"))
        year = _named_month(d, month, which, forward)
        if not forward and which == "" and (month, day_of_month) > (d.month, d.day):
            year = d.year - 1
        try:
            day = dt.date(year, month, day_of_month)
        except ValueError:
            day = dt.date(year, month, calendar.monthrange(year, month)[1])
        return Period(day, day, day.isoformat())
    if unit in SEASONS and which in ("last_year", "this_year"):
        return _season(d.year - (which == "last_year"), SEASONS[unit])
    if unit in SEASONS:
        start_month = SEASONS[unit]
        # The season the letter's date falls in starts in this (or, in winter, last) year.
        current_year = d.year if d.month >= start_month or start_month == 12 else d.year - 1
        current = _season(current_year, start_month)
        if which == "this":
            return current
        # "last spring": the latest spring that ended before the letter's date.
        if current.end < d:
            return current
        return _season(current_year - 1, start_month)
    if unit == "month":
        if which == "this":
            month = _month_period(d.year, d.month)
            if qualifier == "later":
                return Period(min(d + dt.timedelta(days=1), month.end), month.end, "later")
            if qualifier in ("earlier", "early"):
                return Period(month.start, max(month.start, d), f"earlier in {month.label}")
            return month
        prev = d.replace(day=1) - dt.timedelta(days=1)
        return _month_period(prev.year, prev.month)
    if unit == "week":
        monday = d - dt.timedelta(days=d.weekday())
        if which == "this":
            return Period(monday, d, f"the week of {monday.isoformat()}")
        start = monday - dt.timedelta(days=7)
        return Period(start, start + dt.timedelta(days=6), f"the week of {start.isoformat()}")
    year = d.year if which == "this" else d.year - 1
    if which == "this" and qualifier == "later":  # "later this year": after the letter
        end = dt.date(year, 12, 31)
        return Period(min(d + dt.timedelta(days=1), end), end, f"later in {year}")
    if which == "this" and qualifier in ("earlier", "early"):
        return Period(dt.date(year, 1, 1), d, f"earlier in {year}")
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))


def letter_date_in(text: str) -> tuple[dt.date, tuple[int, int]] | None:
    """The letter's own date: a line that holds only a full date (the English letterhead date,
    the Chinese date under the signature). A date inside a sentence is an event, never taken."""
    fixed = [d for d in find_dates(text) if d.period and d.period.start == d.period.end]
    for mention in fixed:
        s, e = mention.span
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if line.strip().strip(",.。") == mention.text:
            return mention.period.start, mention.span  # type: ignore[union-attr]
    return None
