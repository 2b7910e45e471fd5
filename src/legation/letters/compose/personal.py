"""Suggested personal lines: one sentence recalling the last engagement, in the letter's language.

A suggestion is a sentence of its own, phrased for the engagement's kind ("I remember with
gratitude our meeting in Sacramento on May 3, 2022." / "我还记得2022年5月3日我们在萨克拉门托的
会见。"), built from the kind, the date, the place and, for a visit or an event, the organisation
visited. It never pastes a record's subject, summary or notes: those are the mission's own labels
("Site visit to Port of Long Beach", "Private follow-up"), written for its staff, not for the
recipient. The officer sees them beside the suggestion (``suggestion_source``) and writes from them.

A Chinese sentence holds no English words: a place or an organisation is named only by its
Chinese name (the region's ``name_zh``, a known city, the organisation's ``name_zh``), and left
out when the ledger has none.

Suggestions are only made from engagements that are not restricted (``context.last_engagements``
never returns one), whoever asks.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

from django.utils import timezone

from legation.letters.compose.jinja_filters import format_date

SUGGESTION_LIMIT = 280
SOURCE_LIMIT = 300

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# Organisations whose English name takes "the" in a sentence ("my visit to the Port of Long Beach").
_THE = re.compile(
    r"^(port|university|city|county|state|museum|embassy|consulate|center|centre|institute|"
    r"bank|office|department|ministry|council|chamber|society|library|foundation|college|"
    r"school|board|commission|association|academy|federation|committee|house|senate|"
    r"district|commonwealth|territory|republic)\b.* of "
    # … and national bodies named after the country ("the United States Senate", "the National
    # Governors Association", "the American Farm Bureau Federation").
    r"|^(United States|U\.S\.|National|American)\s",
    re.IGNORECASE,
)


@functools.cache
def _city_names_zh() -> dict[str, str]:
    """Chinese names of the host country's cities the project knows ("Sacramento": "萨克拉门托")."""
    data = resources.files("legation.letters").joinpath("data/us-cities.json")
    cities = json.loads(data.read_text(encoding="utf-8"))["cities"]
    return {en.casefold(): zh for pairs in cities.values() for en, zh in pairs if zh}


def place_name(engagement: Any, language: str) -> str:
    """Where it happened, in the letter's language: the city, else the region; "" if unknown
    (in Chinese: when the ledger has no Chinese name for it)."""
    city = (engagement.city or "").strip()
    region = engagement.region
    if language == "zh":
        if city and _CJK.search(city) and not _LATIN.search(city):
            return city
        if city and city.casefold() in _city_names_zh():
            return _city_names_zh()[city.casefold()]
        return (region.name_zh or "").strip() if region else ""
    if city and not _CJK.search(city):
        return city
    name = region.name_en if region else ""
    return f"the {name}" if name and _THE.match(name) else name  # "the District of Columbia"


def organisation_name(engagement: Any, language: str) -> str:
    """The (first) organisation of the engagement, as a sentence names it; "" if none (or, in
    Chinese, if it has no Chinese name)."""
    organisations = (
        sorted(engagement.organisations.all(), key=lambda o: o.pk)[:1] if engagement.pk else []
    )
    if not organisations:
        return ""
    org = organisations[0]
    if language == "zh":
        return (org.name_zh or "").strip()
    name = (org.name_en or "").strip()
    if name.startswith("The "):
        name = "the " + name[4:]  # "our meeting at the Carter Center"
    elif name and _THE.match(name):
        name = f"the {name}"
    return name


# Each kind's sentence: (English, Chinese). {on} is "on May 3, 2022" / "2022年5月3日",
# {in_place} " in Sacramento" / "在萨克拉门托", {org} the organisation visited.
_EN = {
    "meeting": "I remember with gratitude our meeting{in_place} {on}.",
    "meeting:org": "I remember with gratitude our meeting at {org}{in_place} {on}.",
    "call": "I remember with gratitude our telephone conversation {on}.",
    "site_visit": "I will not forget my visit to {org}{in_place} {on}.",
    "site_visit:place": "I will not forget my visit to {place} {on}.",
    "site_visit:bare": "I will not forget my visit {on}.",
    "event": "It was a pleasure to see you at the event{in_place} {on}.",
    "event:org": "It was a pleasure to see you at the {org_bare} event{in_place} {on}.",
    "speech": "I remain grateful for the opportunity to speak{in_place} {on}.",
    "interview": "Thank you again for the interview {on}.",
    "letter_received": "Thank you again for your letter of {date}.",
    "email": "Thank you again for your message of {date}.",
    "other": "I remember with gratitude our conversation{in_place} {on}.",
}
_ZH = {
    "meeting": "我还记得{date}我们{at_place}的会见。",
    "meeting:org": "我还记得{date}我们在{org}的会见。",
    "call": "我还记得{date}与您的通话。",
    "site_visit": "我不会忘记{date}参观{org}的情景。",
    "site_visit:place": "我不会忘记{date}在{place}参观访问的情景。",
    "site_visit:bare": "我不会忘记{date}的参观访问。",
    "event": "很高兴{date}{at_place}的活动上与您相见。",
    "event:bare": "很高兴{date}在活动上与您相见。",
    "event:org": "很高兴{date}在{org}的活动上与您相见。",
    "speech": "感谢您{date}让我有机会{at_place}发表演讲。",
    "interview": "再次感谢您{date}对我的采访。",
    "letter_received": "再次感谢您{date}的来信。",
    "email": "再次感谢您{date}的来函。",
    "other": "我还记得{date}与您{at_place}的交流。",
}


def _phrase(kind: str, *, language: str, date: str, place: str, org: str) -> str:
    table = _ZH if language == "zh" else _EN
    key = kind if kind in table else "other"
    if org and place and place.casefold() in org.casefold():
        place = ""  # "the Port of Long Beach", not "the Port of Long Beach in Long Beach"
    if key == "site_visit":
        key = "site_visit" if org else ("site_visit:place" if place else "site_visit:bare")
    elif key in ("event", "meeting") and org:
        key = f"{key}:org"
    if language == "zh":
        at_place = f"在{place}" if place else ""
        if key == "event" and not place:
            key = "event:bare"
        return table[key].format(date=date, at_place=at_place, place=place, org=org)
    return table[key].format(
        on=f"on {date}",
        date=date,
        in_place=f" in {place}" if place else "",
        place=place,
        org=org,
        org_bare=re.sub(r"^the ", "", org, flags=re.IGNORECASE),
    )


def suggest_line(engagement: Any, language: str) -> str:
    """The suggested sentence for ``engagement`` in ``language`` ("" for none)."""
    if engagement is None:
        return ""
    day = timezone.localtime(engagement.start).date()
    line = _phrase(
        engagement.kind,
        language=language,
        date=format_date(day, language),
        place=place_name(engagement, language),
        org=organisation_name(engagement, language),
    )
    return line[:SUGGESTION_LIMIT]


@functools.cache
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


_ZH_END = re.compile(r"(?<=[。！？])")


def first_sentence(text: str) -> str:
    """The first sentence of a summary, not cut at "Dr." or "Ms." (pysbd's rules for English;
    a Chinese text ends its sentences with 。！？)."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    if _CJK.search(text) and not _LATIN.search(text[:40]):
        return _ZH_END.split(text, maxsplit=1)[0].strip()
    sentences = _segmenter().segment(text)
    return (sentences[0] if sentences else text).strip()


def suggestion_source(engagement: Any) -> str:
    """What the officer is shown beside the suggestion: the date, the kind, the subject and the
    summary's first sentence (the record as the officer may see it; never printed in a letter)."""
    day = timezone.localtime(engagement.start).date()
    source = f"{day.isoformat()} {engagement.get_kind_display()}: {engagement.subject}"
    first = first_sentence(engagement.summary or "")
    if first:
        source += f" — {first}"
    return source[:SOURCE_LIMIT]
