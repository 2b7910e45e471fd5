"""The letter context: what a template may read, built from the ledger for one user.

Every read goes through ``visible_to(user)``; the figures come from ``legation.insight.figures``.
The context holds plain dictionaries, lists, strings and numbers only (never model instances), so
the sandbox has nothing to reach through and the context can be sent to a worker process.
Everything that is the same for every recipient of a merge (sender, mission, posting figures,
facts, layout) is computed once, in ``LetterBasis``; recipients are loaded in bulk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from legation.core.files import local_copy
from legation.core.models import Mission, Sensitivity
from legation.engagements.models import Engagement, Fact, Kind, Posting
from legation.insight.figures import posting_figures
from legation.letters.compose.jinja_filters import format_date
from legation.letters.compose.letter import Layout
from legation.letters.compose.personal import place_name, suggest_line
from legation.letters.compose.titles import (
    COUNTRIES,  # noqa: F401 (re-exported: other modules read the table here)
    SenderInput,
    country_names,
    sender_titles,
    sending_names,
    state_names,
)
from legation.people.address import FORMER_ZH, TITLE_ZH, normalise_title
from legation.people.models import Affiliation, Person, PersonNote, PostalAddress

PERSONAL_NOTE_PREFIX = "personal:"
# A note for one language's letters: "personal.zh: 我始终珍视……", "personal.en: I still treasure …".
PERSONAL_NOTE_PREFIXES = {"": PERSONAL_NOTE_PREFIX, "en": "personal.en:", "zh": "personal.zh:"}
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_LATIN_RE = re.compile(r"[A-Za-z]")


def personal_fits(text: str, language: str) -> bool:
    """Whether a personal line is written in the letter's language: a Chinese letter's has
    Chinese characters, an English letter's has none."""
    has_cjk = bool(_CJK_RE.search(text))
    return has_cjk if language == "zh" else not has_cjk


def personal_warning(language: str) -> str:
    if language == "zh":
        return gettext(
            "The personal line is not in Chinese and was left out of the Chinese letter: "
            "write a note starting personal.zh: for it."
        )
    return gettext(
        "The personal line is in Chinese and was left out of the English letter: write a note "
        "starting personal.en: for it."
    )


def name_warning(person: Person, language: str, salutation: str) -> str:
    """A Chinese letter to someone without a name in characters names them in Latin letters
    ("尊敬的Baker市长："): common practice, but the officer is told so they can add one."""
    if language != "zh" or _CJK_RE.search(person.name_zh or "") or not _LATIN_RE.search(salutation):
        return ""
    return gettext(
        "No Chinese name recorded for %(name)s: the Chinese letter names them in Latin letters. "
        "Add their name in characters to the person."
    ) % {"name": person.full_name}


# How each sector reads in a sentence ("engage with the media"), by sector code.
SECTOR_PHRASES = {
    "executive": ("the government", "政府"),
    "legislature": ("the legislature", "立法机构"),
    "business": ("the business community", "工商界"),
    "think_tank": ("think tanks", "智库"),
    "media": ("the media", "媒体"),
    "subnational": ("people at the sub-national level", "地方"),
    "academia": ("academia and schools", "学术教育界"),
    "civil_society": ("civil society", "民间团体"),
    "culture_sports": ("the cultural and sports communities", "文化体育界"),
    "public": ("the public", "公众"),
}
KIND_PHRASES = {
    "meeting": ("meeting", "会见"),
    "call": ("call", "通话"),
    "site_visit": ("visit", "参观访问"),
    "event": ("event", "活动"),
    "speech": ("speech", "演讲"),
    "interview": ("interview", "采访"),
    "letter_sent": ("letter", "信函"),
    "letter_received": ("letter", "来信"),
    "email": ("correspondence", "通信"),
    "other": ("conversation", "交流"),
}


# What a letter thanks someone for, by kind: "Thank you for {occasion}." / "感谢您{occasion}。"
# ({d}: the date in the letter's language; {in_place} " in Atlanta" / {at_place} "在亚特兰大",
# the place ``personal.place_name`` gives, as the suggested line and ``remembered`` name it).
OCCASIONS = {
    "meeting": ("our meeting{in_place} on {d}", "{d}{at_place}与我会见"),
    "call": ("our telephone conversation on {d}", "{d}与我通话"),
    "site_visit": (
        "your hospitality during my visit{in_place} on {d}",
        "{d}对我{at_place}参观访问的热情接待",
    ),
    "event": ("your company at the event{in_place} on {d}", "{d}{at_place}与我共同出席活动"),
    "speech": ("the opportunity to speak{in_place} on {d}", "{d}给予我{at_place}发表演讲的机会"),
    "interview": ("the interview on {d}", "{d}对我的采访"),
    "letter_received": ("your letter of {d}", "{d}的来信"),
    "email": ("your message of {d}", "{d}的来函"),
    "other": ("our conversation{in_place} on {d}", "{d}{at_place}与我的交流"),
}


def _pick(language: str, en: str, zh: str) -> str:
    return (zh or en) if language == "zh" else (en or zh)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class LetterBasis:
    """The part of the context shared by every recipient: sender, mission, figures, facts."""

    posting: Posting
    letter_date: dt.date
    figures: dict[str, Any]
    facts: list[Fact]
    layout: Layout

    @classmethod
    def build(cls, posting: Posting, *, actor: Any, letter_date: dt.date) -> LetterBasis:
        mission = posting.mission
        figures = dict(posting_figures(posting, user=actor, as_of=letter_date))
        return cls(
            posting=posting,
            letter_date=letter_date,
            figures=figures,
            facts=mission_facts(mission, actor),
            layout=mission_layout(mission),
        )

    def shared(self, language: str) -> dict[str, Any]:
        """Sender, mission, date, posting figures and facts in the given language."""
        posting, mission, figures = self.posting, self.posting.mission, self.figures
        country, adjective, country_zh = country_names(mission.host_country)
        zh = language == "zh"
        person = posting.person
        given = sender_input(posting)
        sending, sending_adjective, sending_zh, state_en, state_zh = sending_names(given)
        titles = sender_titles(given)
        idx = 1 if zh else 0
        sender = {
            "name": _pick(language, person.full_name, person.name_zh),
            "name_en": person.full_name,
            "name_zh": person.name_zh,
            # Never falls back to the other language: an English title in a Chinese letter is
            # worse than none.
            "title": titles.short(language),
            "title_full": titles.full(language),
            "title_common": titles.common(language),
            "title_en": titles.short_en,
            "title_zh": titles.short_zh,
            "mission": _pick(language, mission.name_en, mission.name_zh),
        }
        regions = figures["regions"]
        return {
            "language": language,
            "date": format_date(self.letter_date, language),
            "date_iso": self.letter_date.isoformat(),
            "sender": sender,
            "mission": {
                "name": _pick(language, mission.name_en, mission.name_zh),
                "name_en": mission.name_en,
                "name_zh": mission.name_zh,
                "address": [line for line in mission.address.splitlines() if line.strip()],
                "country": _pick(language, country, country_zh) if zh else country,
                "country_adjective": _pick(language, adjective or country, country_zh)
                if zh
                else adjective or country,
                "host_state": state_names(mission.host_country)[idx],
                "host_country_code": mission.host_country.upper(),
                "sending_country": _pick(language, sending, sending_zh) if zh else sending,
                "sending_country_adjective": sending_zh if zh else sending_adjective or sending,
                "sending_state": state_zh if zh else state_en,
                "seat": _pick(language, mission.seat_en, mission.seat_zh),
                "kind": str(mission.kind),
            },
            "posting": {
                "days_in_post": figures["days_in_post"],
                "arrival": format_date(posting.arrival, language),
                "regions_visited": [_pick(language, r["name_en"], r["name_zh"]) for r in regions],
                "states_visited": figures["states_visited"],
                "engagements": figures["engagements"],
                "people_met": figures["people_met"],
                "organisations_met": figures["organisations_met"],
                "sectors_engaged": [
                    SECTOR_PHRASES.get(code, (code, code))[idx]
                    for code in figures["sectors_engaged"]
                ],
            },
            "facts": {
                fact.key: {
                    "key": fact.key,
                    "label": _pick(language, fact.label_en, fact.label_zh),
                    "date": format_date(fact.date, language) if fact.date else "",
                    "date_iso": fact.date.isoformat() if fact.date else "",
                    "value": _number(fact.value),
                    "unit": fact.unit,
                    "citation": fact.citation,
                    "source": fact.citation,  # the name templates used before "citation"
                }
                for fact in self.facts
            },
        }


def sender_input(posting: Posting) -> SenderInput:
    """What ``titles.sender_titles`` reads from a posting, its person and its mission."""
    mission, person = posting.mission, posting.person
    return SenderInput(
        kind=str(mission.kind),
        role=str(posting.role),
        posting_title=posting.title,
        posting_title_zh=posting.title_zh,
        person_title=person.title,
        person_former=person.former,
        mission_name_en=mission.name_en,
        mission_name_zh=mission.name_zh,
        sending_country=mission.sending_country,
        sending_name_en=mission.sending_name_en,
        sending_adjective_en=mission.sending_adjective_en,
        sending_name_zh=mission.sending_name_zh,
        sending_state_en=mission.sending_state_en,
        sending_state_zh=mission.sending_state_zh,
        host_country=mission.host_country,
        seat_en=mission.seat_en,
        seat_zh=mission.seat_zh,
    )


def one_letter(
    template: Any,
    person: Person,
    posting: Posting,
    actor: Any,
    *,
    letter_date: dt.date,
    personal: str | None = None,
) -> tuple[Person, LetterBasis, dict[str, Any]]:
    """What one letter to one person is made from: the person as the actor may see them, the
    sender's basis (figures, layout) and the template's context. `personal` None: the line
    recalling the last conversation, from the person's notes."""
    person = load_people([person.pk], actor)[0]
    basis = LetterBasis.build(posting, actor=actor, letter_date=letter_date)
    if personal is None:
        personal = personal_notes([person.pk], actor, template.language).get(person.pk, "")
    context = letter_context(
        basis,
        person,
        language=template.language,
        personal=personal,
        last=last_engagements([person.pk], actor).get(person.pk),
    )
    return person, basis, context


def mission_facts(mission: Mission, actor: Any) -> list[Fact]:
    """The facts a letter of the mission may cite, by key: its own fact wins over a shared one."""
    return Fact.objects.visible_to(actor).by_key_for(mission)


def mission_layout(mission: Mission) -> Layout:
    emblem = ""
    if mission.letterhead_emblem:
        # A stored file's name (docs/storage.md), or an absolute path the operator keeps on
        # every server; Typst reads a real file, so a stored one is given as its local copy.
        path: Path | None = Path(mission.letterhead_emblem)
        if not path.is_absolute():
            path = local_copy(mission.letterhead_emblem)
        emblem = str(path) if path is not None and path.is_file() else ""
    return Layout(
        letterhead_zh=mission.name_zh,
        letterhead_en=mission.name_en,
        address_lines=tuple(line for line in mission.address.splitlines() if line.strip()),
        page_size=str(mission.page_size or Mission.PageSize.LETTER.value),
        font=mission.letterhead_font,
        emblem=emblem,
    )


def _chunks(ids: Sequence[int], size: int = 900) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def recipients_queryset(actor: Any) -> Any:
    """People with what a letter needs, prefetched: emails, addresses, current affiliations."""
    today = timezone.localdate()
    current = Affiliation.objects.filter(Q(end__isnull=True) | Q(end__gte=today)).select_related(
        "organisation"
    )
    return (
        Person.objects.visible_to(actor)
        .select_related("region", "sector")
        .prefetch_related(
            "emails",
            Prefetch("addresses", queryset=PostalAddress.objects.select_related("region")),
            Prefetch("affiliations", queryset=current),
            "tags",
        )
    )


def last_engagements(person_ids: Sequence[int], actor: Any) -> dict[int, Engagement]:
    """Each person's most recent engagement a letter may recall: one the actor may see, not a
    letter sent, and never a restricted one, whoever renders (a letter goes out of the mission:
    it neither names nor dates a restricted engagement, and a suggestion is never built from
    one). Internal and public engagements are offered."""
    visible = (
        Engagement.objects.visible_to(actor)
        .exclude(kind=Kind.LETTER_SENT)
        .filter(sensitivity__lt=Sensitivity.RESTRICTED)
    )
    latest = visible.filter(engagementparticipant__person=OuterRef("pk")).order_by("-start", "-pk")
    pairs: dict[int, int] = {}
    for chunk in _chunks(list(person_ids)):
        rows = (
            Person.objects.filter(pk__in=chunk)
            .annotate(last=Subquery(latest.values("pk")[:1]))
            .values_list("pk", "last")
        )
        pairs.update({pk: last for pk, last in rows if last})
    engagements = (
        Engagement.objects.select_related("region")
        .prefetch_related("organisations")
        .in_bulk(list(pairs.values()))
    )
    return {pk: engagements[e] for pk, e in pairs.items() if e in engagements}


def personal_notes(person_ids: Sequence[int], actor: Any, language: str = "") -> dict[int, str]:
    """The personal line of each person for a letter in ``language`` (``pick_note``)."""
    notes = personal_notes_with_level(person_ids, actor, language)
    return {pk: text for pk, (text, _level) in notes.items()}


def personal_notes_with_level(
    person_ids: Sequence[int], actor: Any, language: str = ""
) -> dict[int, tuple[str, int]]:
    """``personal_notes`` with each note's sensitivity, which the letter quoting it inherits."""
    by_language = personal_notes_by_language(person_ids, actor)
    picked = {pk: pick_note(notes, language) for pk, notes in by_language.items()}
    return {pk: note for pk, note in picked.items() if note is not None}


def pick_note(notes: dict[str, tuple[str, int]], language: str) -> tuple[str, int] | None:
    """The line for a letter in ``language``: the latest "personal.zh:" (".en:") note, else the
    latest "personal:" one."""
    return notes.get(language) or notes.get("")


def personal_notes_by_language(
    person_ids: Sequence[int], actor: Any
) -> dict[int, dict[str, tuple[str, int]]]:
    """Each person's latest visible personal note per language ("" for "personal:", "en" for
    "personal.en:", "zh" for "personal.zh:"), with its sensitivity."""
    out: dict[int, dict[str, tuple[str, int]]] = {}
    starts = Q()
    for prefix in PERSONAL_NOTE_PREFIXES.values():
        starts |= Q(text__istartswith=prefix)
    for chunk in _chunks(list(person_ids)):
        notes = (
            PersonNote.objects.visible_to(actor)
            .filter(starts, person_id__in=chunk)
            .order_by("person_id", "-created", "-pk")
            .values_list("person_id", "text", "sensitivity")
        )
        for person_id, text, level in notes:
            for language, prefix in PERSONAL_NOTE_PREFIXES.items():
                if text[: len(prefix)].casefold() == prefix:
                    line = text[len(prefix) :].strip()
                    out.setdefault(person_id, {}).setdefault(language, (line, level))
    return out


def cites_last_engagement(template: Any) -> bool:
    """Whether a template reads ``last_engagement`` (its letters then say what it was about)."""
    return "last_engagement" in getattr(template, "source", "") or "last_engagement" in " ".join(
        [getattr(template, "body", ""), getattr(template, "subject", "")]
    )


def letter_sensitivity(
    template: Any, *, personal_level: int | None = None, last: Engagement | None = None
) -> int:
    """How sensitive a letter is: the most sensitive record it quotes, and internal at least.

    ``personal_level`` is the sensitivity of what the personal line came from (a note, a
    suggestion); ``last`` the engagement the context offers as ``last_engagement``, which counts
    only if the template reads it.
    """
    levels = [Sensitivity.INTERNAL]
    if personal_level is not None:
        levels.append(personal_level)
    if last is not None and cites_last_engagement(template):
        levels.append(last.sensitivity)
    return max(levels)


def postal_lines(person: Person) -> list[str]:
    """The first postal address, as printed on an envelope ("Atlanta, GA 30307")."""
    addresses = list(person.addresses.all())
    if not addresses:
        return []
    a = addresses[0]
    region = a.region.code.split("-")[-1] if a.region else ""
    last = " ".join(
        p for p in [f"{a.city}," if a.city and region else a.city, region, a.postal_code] if p
    )
    return [*(line for line in a.lines.splitlines() if line.strip()), *([last] if last else [])]


def engagement_context(engagement: Engagement | None, language: str) -> dict[str, Any] | None:
    if engagement is None:
        return None
    day = timezone.localtime(engagement.start).date()
    region = engagement.region
    place = place_name(engagement, language)
    return {
        "date": format_date(day, language),
        "date_iso": day.isoformat(),
        "kind": KIND_PHRASES.get(engagement.kind, (engagement.kind, engagement.kind))[
            1 if language == "zh" else 0
        ],
        # Never a restricted record's subject (``last_engagements`` offers none; this holds
        # for any caller).
        "subject": engagement.subject if engagement.sensitivity < Sensitivity.RESTRICTED else "",
        "region": _pick(language, region.name_en, region.name_zh) if region else "",
        "city": engagement.city,
        # Phrases that read right for every kind (never "our letter received on …").
        "occasion": _pick(language, *OCCASIONS.get(engagement.kind, OCCASIONS["other"])).format(
            d=format_date(day, language),
            in_place=f" in {place}" if place else "",
            at_place=f"在{place}" if place else "",
        ),
        "remembered": (
            suggest_line(engagement, language)
            if engagement.sensitivity < Sensitivity.RESTRICTED
            else ""
        ),
    }


def file_stem(person: Person) -> str:
    """A file name after the person: "carter-jimmy-12" (the id keeps namesakes apart)."""
    name = slugify(f"{person.family_name} {person.given_name}") or slugify(person.pinyin)
    return f"{name or 'person'}-{person.pk}"


def _recipient_title_zh(person: Person) -> str:
    """The title in Chinese (前总统 for a former president), never the English word."""
    title = TITLE_ZH.get(normalise_title(person.title), "")
    return f"{FORMER_ZH}{title}" if title and person.former else title


def recipient_context(person: Person, language: str) -> dict[str, Any]:
    forms = person.forms_of_address()
    zh = language == "zh"
    salutation = forms.salutation_zh if zh else forms.salutation_en
    if zh:
        name = salutation.removeprefix("尊敬的").rstrip("：:")
    else:
        name = salutation.removeprefix("Dear ").rstrip(",")
    affiliations = list(person.affiliations.all())
    org = affiliations[0].organisation if affiliations else None
    block = list(forms.address_block_zh if zh else forms.address_block_en)
    emails = list(person.emails.all())
    return {
        "salutation": salutation,
        "name": name,
        "full_name": _pick(language, person.full_name, person.name_zh),
        "name_en": person.full_name,
        "name_zh": person.name_zh,
        "title": _recipient_title_zh(person) if zh else person.title,
        "office": person.office,
        "former": person.former,
        "rank": forms.rank,
        "organisation": _pick(language, org.name_en, org.name_zh) if org else "",
        "address_lines": block + postal_lines(person),
        "email": emails[0].email if emails else "",
        "language": language,
        "file_stem": file_stem(person),
    }


def letter_context(
    basis: LetterBasis,
    person: Person,
    *,
    language: str,
    personal: str = "",
    last: Engagement | None = None,
    shared: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The full context of one letter (``shared`` is ``basis.shared(language)``, reused)."""
    context = dict(shared if shared is not None else basis.shared(language))
    context["recipient"] = recipient_context(person, language)
    context["last_engagement"] = engagement_context(last, language)
    personal = personal.strip()
    warnings = [name_warning(person, language, context["recipient"]["salutation"])]
    if personal and not personal_fits(personal, language):
        # Never silently: the letter goes without it, and the officer is told why.
        personal = ""
        warnings.append(personal_warning(language))
    context["personal"] = personal
    context["warnings"] = [w for w in warnings if w]
    return context


def person_language(person: Person, default: str) -> str:
    """A recipient's language from a tag "lang:zh" / "lang:en", else the default."""
    for tag in person.tags.all():
        if tag.name.lower().startswith("lang:"):
            code = tag.name.split(":", 1)[1].strip().lower()
            if code in ("en", "zh"):
                return code
    return default


def load_people(person_ids: Iterable[int], actor: Any) -> list[Person]:
    ids = list(person_ids)
    found: dict[int, Person] = {}
    for chunk in _chunks(ids):
        found.update({p.pk: p for p in recipients_queryset(actor).filter(pk__in=chunk)})
    return [found[pk] for pk in ids if pk in found]
