"""Calendar (ICS) meetings as rows of the engagements import.

Repeating events are expanded within a date range (recurring-ical-events), each occurrence its
own engagement with a ref made of the event's UID and its start, so a re-import matches it.
Times keep their zone (TZID, UTC or floating, which is read as the mission's local time);
all-day events start at noon local time. Attendees become participants matched by email, then
by name; staff members among them become the engagement's staff. A malformed event is reported
on its own; if the calendar as a whole cannot be parsed, each event is parsed separately.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from legation.intake.matching import Ambiguous, PersonIndex
from legation.intake.readers import EXTRA, decode

MAX_OCCURRENCES = 2000
_EVENT = re.compile(
    r"^BEGIN:VEVENT\s*$.*?^END:VEVENT\s*$", re.MULTILINE | re.DOTALL | re.IGNORECASE
)
_TZ = re.compile(
    r"^BEGIN:VTIMEZONE\s*$.*?^END:VTIMEZONE\s*$", re.MULTILINE | re.DOTALL | re.IGNORECASE
)


def _ref(uid: str, start: dt.datetime | dt.date) -> str:
    return "ics:" + hashlib.sha256(f"{uid}|{start.isoformat()}".encode()).hexdigest()[:40]


def _aware(value: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(12, 0)))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _calendars(text: str) -> Iterator[tuple[int, Any, str]]:
    """(line, calendar, error): the whole file, or event by event when the whole fails."""
    import icalendar

    try:
        yield 1, icalendar.Calendar.from_ical(text), ""
        return
    except Exception:  # noqa: S110 - fall back to parsing each event on its own
        pass
    zones = "\r\n".join(m.group(0) for m in _TZ.finditer(text))
    for m in _EVENT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        wrapped = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{zones}\r\n{m.group(0)}\r\nEND:VCALENDAR\r\n"
        try:
            yield line, icalendar.Calendar.from_ical(wrapped), ""
        except Exception as exc:
            yield line, None, f"The event cannot be read ({type(exc).__name__}: {str(exc)[:200]})."


def _broken(event: Any) -> str:
    """Why an event cannot be used ("" if it can): checked one by one before expansion."""
    try:
        start = event.decoded("DTSTART")
        if "DTEND" in event:
            event.decoded("DTEND")
        if "RRULE" in event:
            event.get("RRULE").to_ical()
    except Exception as exc:
        return f"cannot be read ({type(exc).__name__}: {str(exc)[:200]})."
    if not isinstance(start, dt.date):
        return "has no start date."
    return ""


def _drop(cal: Any, event: Any) -> None:
    for component in cal.walk():
        if event in component.subcomponents:
            component.subcomponents.remove(event)


def _address(value: Any) -> str:
    text = str(value or "")
    return text[7:].strip() if text.lower().startswith("mailto:") else text.strip()


def read_events(
    data: bytes,
    *,
    people: PersonIndex,
    staff_emails: set[str],
    date_from: dt.date | None,
    until: dt.date | None,
    kind: str,
    posting: str,
    notes: list[str],
) -> Iterator[tuple[int, dict[str, str]]]:
    import recurring_ical_events

    text, _ = decode(data)
    lo = date_from or dt.date(1900, 1, 1)
    hi = until or (timezone.localdate() + dt.timedelta(days=365))
    for line, cal, error in _calendars(text):
        if cal is None:
            yield line, {EXTRA: error}
            continue
        for event in list(cal.walk("VEVENT")):
            problem = _broken(event)
            if problem:
                _drop(cal, event)
                yield (
                    line,
                    {
                        EXTRA: f"Event {str(event.get('SUMMARY', '') or event.get('UID', ''))[:80]!r}: {problem}"
                    },
                )
        try:
            occurrences = recurring_ical_events.of(cal).between(lo, hi + dt.timedelta(days=1))
        except Exception as exc:
            yield (
                line,
                {
                    EXTRA: f"The calendar's events cannot be expanded ({type(exc).__name__}: {str(exc)[:200]})."
                },
            )
            continue
        per_uid: dict[str, int] = {}
        for event in occurrences:
            try:
                row = _event_row(event, people, staff_emails, kind, posting, notes, line)
            except Exception as exc:
                yield (
                    line,
                    {EXTRA: f"An event cannot be read ({type(exc).__name__}: {str(exc)[:200]})."},
                )
                continue
            uid = str(event.get("UID", ""))
            per_uid[uid] = per_uid.get(uid, 0) + 1
            if per_uid[uid] > MAX_OCCURRENCES:
                continue
            yield line, row


def _event_row(
    event: Any,
    people: PersonIndex,
    staff_emails: set[str],
    kind: str,
    posting: str,
    notes: list[str],
    line: int,
) -> dict[str, str]:
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if "DTEND" in event else None
    aware = _aware(start)
    minutes = 60
    if end is not None:
        minutes = max(0, int((_aware(end) - aware).total_seconds() // 60))
        if not isinstance(start, dt.datetime):  # all-day: no clock time to speak of
            minutes = 0
    participants, staff = [], [posting] if posting else []
    for attendee in [*_as_list(event.get("ATTENDEE")), *_as_list(event.get("ORGANIZER"))]:
        email = _address(attendee)
        cn = str(getattr(attendee, "params", {}).get("CN", "")).strip()
        if email.casefold() in staff_emails:
            staff.append(email)
            continue
        pk = people.by_email.get(email.casefold()) if email else None
        if pk is None and cn:
            *given, family = cn.replace(",", " ").split() or [""]
            try:
                pk, _ = people.match(
                    ref=None, emails=[], family_name=family, given_name=" ".join(given)
                )
            except Ambiguous:
                pk = None
        if pk is None:
            notes.append(f"line {line}: attendee {cn or email!r} matches nobody; not linked")
        else:
            participants.append(f"id:{pk}")
    location = str(event.get("LOCATION", "") or "").strip()
    return {
        "ref": _ref(str(event.get("UID", "")) or str(event.get("SUMMARY", "")), start),
        "date": aware.isoformat(),
        "duration": str(minutes),
        "kind": kind,
        "subject": (str(event.get("SUMMARY", "") or "").strip() or "(no title)")[:300],
        "summary": str(event.get("DESCRIPTION", "") or "").strip(),
        "notes": f"Location: {location}" if location else "",
        "people": ";".join(dict.fromkeys(participants)),
        "staff": ";".join(dict.fromkeys(staff)),
    }


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
