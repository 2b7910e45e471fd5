"""How the review queue names the sender, the recipients and a suggestion's source in the
interface language (the letters themselves are worded by ``context``; this is the page only).

A Chinese page shows 李志强 · 大使, 吉米·卡特 · 前总统 and "2026-10-02 会见：…"; an English one
Li Zhiqiang, Ambassador, Jimmy Carter · former President and "2026-10-02 meeting: …".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from typing import Any

from django.utils import translation
from django.utils.formats import date_format

from legation.engagements.models import Kind
from legation.letters.compose.context import sender_input
from legation.letters.compose.titles import sender_titles
from legation.people.address import (
    FORMER_ZH,
    TITLE_ZH,
    is_former,
    normalise_title,
    office_title,
)


def ui_language() -> str:
    """ "zh" when the page is in Chinese, else "en"."""
    return "zh" if (translation.get_language() or "").lower().startswith("zh") else "en"


def sender_label(posting: Any, language: str | None = None) -> str:
    """The sender's name and short title in the page's language: "李志强，大使"."""
    language = language or ui_language()
    person = posting.person
    titles = sender_titles(sender_input(posting))
    if language == "zh":
        name = person.name_zh or str(person)
        title = titles.short_zh or titles.short_en
        return f"{name}，{title}" if title else name
    name = person.full_name or str(person)
    title = titles.short_en or posting.title
    return f"{name}, {title}" if title else name


def recipient_title(person: Any, language: str | None = None) -> str:
    """The recipient's title in the page's language: 前总统 / "former President" for a former
    president (as the forms of address put it), 女士 / "Ms." for a courtesy title; "" if none.
    A title legation does not know is shown as written."""
    language = language or ui_language()
    title = (person.title or "").strip()
    if not title:
        return ""
    office = office_title(title)
    former = is_former(person.former, title, person.office) and office is not None
    if language == "zh":
        zh = office[1] if office else TITLE_ZH.get(normalise_title(title), "")
        if not zh:
            return title
        return f"{FORMER_ZH}{zh}" if former else zh
    if office and former:
        return translation.gettext("former %(title)s") % {"title": office[0]}
    return office[0] if office else title


_SOURCE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (.+?): (.*)$", re.S)


@functools.cache
def _kind_labels() -> dict[str, str]:
    """Every language's label of every engagement kind -> the kind (worked out once)."""
    labels: dict[str, str] = {}
    for code in ("en", "zh-hans"):
        with translation.override(code):
            for value, label in Kind.choices:
                labels[str(label)] = value
    return labels


def suggestion_source(source: str) -> str:
    """A stored suggestion source ("2026-10-02 meeting: Courtesy call …", written in whatever
    language the merge was made in) with its date, kind and separator in the page's language:
    "2026年10月2日 会见：…"."""
    match = _SOURCE_RE.match(source or "")
    if not match:
        return source
    day, label, rest = match.groups()
    kind = _kind_labels().get(label)
    if kind is None:
        return source
    shown = str(Kind(kind).label)
    with contextlib.suppress(ValueError):  # the page's date style
        day = date_format(dt.date.fromisoformat(day), "DATE_FORMAT")
    return f"{day} {shown}{translation.pgettext('separator', ': ')}{rest}"
