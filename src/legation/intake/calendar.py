"""Calendar (ICS) meetings as rows of the engagements import.

Repeating events are expanded within a date range, each occurrence its own engagement with a ref
made of the event's UID and its start, so a re-import matches it. The repeats (RRULE, RDATE,
EXDATE, and changed occurrences by RECURRENCE-ID) are generated one at a time by dateutil and
counted as they come: an event that repeats every second without end stops at the limit instead
of being listed whole, and the cut is reported.
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
from legation.intake.readers import EXTRA, decode, limit

MAX_OCCURRENCES = 2000
"""Occurrences of one repeating event read at most (LEGATION_IMPORT_MAX_OCCURRENCES)."""
MAX_CALENDAR_OCCURRENCES = 100_000
"""Occurrences of all events of a calendar read at most."""
MAX_OCCURRENCE_STEPS = 1_000_000
"""Repetitions of one event looked at before the range starts, at most."""
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


def _address(value: Any) -> str:
    text = str(value or "")
    return text[7:].strip() if text.lower().startswith("mailto:") else text.strip()


def _as_datetime(value: dt.date | dt.datetime, like: dt.datetime) -> dt.datetime:
    """`value` as a datetime comparable with `like` (both naive, or both aware)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, like.time() if like.tzinfo is None else dt.time())
        if like.tzinfo is not None:
            value = value.replace(tzinfo=like.tzinfo)
    if like.tzinfo is None and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if like.tzinfo is not None and value.tzinfo is None:
        return value.replace(tzinfo=like.tzinfo)
    return value


def _dates(event: Any, name: str) -> list[Any]:
    """The dates of a multi-valued property (EXDATE, RDATE), periods reduced to their start."""
    out = []
    for item in _as_list(event.get(name)):
        for one in getattr(item, "dts", [item]):
            value = getattr(one, "dt", one)
            if isinstance(value, tuple):  # a PERIOD: its start
                value = value[0]
            if isinstance(value, dt.date):
                out.append(value)
    return out


def _rules(event: Any, first: dt.datetime) -> Any:
    """The event's repetition as a dateutil rruleset, iterated lazily (never listed)."""
    from dateutil import rrule

    rules = rrule.rruleset()
    rules.rdate(first)  # the start is always an occurrence, on the rule or not
    for recur in _as_list(event.get("RRULE")):
        parts = {k: v for k, v in recur.items() if k != "UNTIL"}
        text = type(recur)(parts).to_ical().decode()
        rule = rrule.rrulestr(text, dtstart=first)
        if recur.get("UNTIL"):
            rule = rule.replace(until=_as_datetime(recur["UNTIL"][0], first))
        rules.rrule(rule)
    for value in _dates(event, "RDATE"):
        rules.rdate(_as_datetime(value, first))
    for value in _dates(event, "EXDATE"):
        rules.exdate(_as_datetime(value, first))
    return rules


class Expansion:
    """Occurrences of one event within [lo, hi], generated one at a time and never more than
    the limits allow: at most `per_event` occurrences, and at most `max_steps` repetitions
    looked at before the range starts. `truncated` says why it stopped early, if it did."""

    def __init__(
        self, event: Any, overrides: dict[Any, Any], lo: dt.date, hi: dt.date, per_event: int
    ) -> None:
        self.event, self.overrides = event, overrides
        self.lo, self.hi, self.per_event = lo, hi, per_event
        self.truncated = ""

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        """(component, start, end) of each occurrence, in order."""
        event = self.event
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else None
        length = (end - start) if end is not None else None
        if length is None and "DURATION" in event:
            length = event.decoded("DURATION")
        first = _as_datetime(start, dt.datetime(2000, 1, 1, tzinfo=getattr(start, "tzinfo", None)))
        lo = _as_datetime(self.lo, first)
        stop = _as_datetime(self.hi + dt.timedelta(days=1), first)
        if "RRULE" not in event and "RDATE" not in event:
            starts: Iterator[dt.datetime] = iter([first])
        else:
            starts = iter(_rules(event, first))
        seen = skipped = 0
        max_steps = limit("MAX_OCCURRENCE_STEPS", MAX_OCCURRENCE_STEPS)
        for when in starts:
            if when >= stop:
                return
            if when < lo:
                skipped += 1
                if skipped > max_steps:
                    self.truncated = (
                        f"repeats more than {max_steps:,} times before {self.lo.isoformat()}; "
                        "it was not expanded (import it with a later --from, or shorten it in "
                        "the calendar)"
                    )
                    return
                continue
            if seen >= self.per_event:
                self.truncated = (
                    f"repeats more than {self.per_event:,} times between "
                    f"{self.lo.isoformat()} and {self.hi.isoformat()}; only the first "
                    f"{self.per_event:,} were read (narrow the range with --from and --until)"
                )
                return
            seen += 1
            value = when if isinstance(start, dt.datetime) else when.date()
            override = self.overrides.get(_key(value))
            if override is not None:
                o_start = override.decoded("DTSTART")
                o_end = override.decoded("DTEND") if "DTEND" in override else None
                yield override, o_start, o_end
                continue
            yield event, value, (value + length) if length is not None else None


def _key(value: Any) -> Any:
    """A recurrence's identity: its UTC instant, or its day for all-day events."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(dt.UTC)
    return value


def read_events(
    data: bytes | str,
    *,
    people: PersonIndex,
    staff_emails: set[str],
    date_from: dt.date | None,
    until: dt.date | None,
    kind: str,
    posting: str,
    notes: list[str],
    warnings: list[str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of the engagements import, one per occurrence in the range.

    Repeats are generated one by one, never listed whole: an event stops at
    LEGATION_IMPORT_MAX_OCCURRENCES occurrences (2,000) and the calendar at
    LEGATION_IMPORT_MAX_CALENDAR_OCCURRENCES (100,000); each cut is added to `warnings`.
    """
    warnings = notes if warnings is None else warnings
    text = data if isinstance(data, str) else decode(data)[0]
    lo = date_from or dt.date(1900, 1, 1)
    hi = until or (timezone.localdate() + dt.timedelta(days=365))
    per_event = limit("MAX_OCCURRENCES", MAX_OCCURRENCES)
    total_cap = limit("MAX_CALENDAR_OCCURRENCES", MAX_CALENDAR_OCCURRENCES)
    total = 0
    for line, cal, error in _calendars(text):
        if cal is None:
            yield line, {EXTRA: error}
            continue
        masters: list[Any] = []
        overrides: dict[str, dict[Any, Any]] = {}
        for event in cal.walk("VEVENT"):
            problem = _broken(event)
            if problem:
                name = str(event.get("SUMMARY", "") or event.get("UID", ""))[:80]
                yield line, {EXTRA: f"Event {name!r}: {problem}"}
                continue
            if "RECURRENCE-ID" in event:
                try:
                    rid = _key(event.decoded("RECURRENCE-ID"))
                except Exception as exc:
                    yield line, {EXTRA: f"An event cannot be read ({type(exc).__name__})."}
                    continue
                overrides.setdefault(str(event.get("UID", "")), {})[rid] = event
            else:
                masters.append(event)
        uids = {str(e.get("UID", "")) for e in masters}
        # A changed occurrence whose series is not in the file stands on its own.
        for uid, changed in overrides.items():
            if uid not in uids:
                masters.extend(changed.values())
        for event in masters:
            uid = str(event.get("UID", ""))
            name = str(event.get("SUMMARY", "") or uid)[:80]
            expansion = Expansion(
                event,
                overrides.get(uid, {}) if "RECURRENCE-ID" not in event else {},
                lo,
                hi,
                per_event,
            )
            try:
                for component, start, end in expansion:
                    if total >= total_cap:
                        warnings.append(
                            f"The calendar has more than {total_cap:,} occurrences between "
                            f"{lo.isoformat()} and {hi.isoformat()}; reading stopped at line "
                            f"{line}, event {name!r} (narrow the range with --from and --until)."
                        )
                        return
                    total += 1
                    try:
                        row = _event_row(
                            component, start, end, people, staff_emails, kind, posting, notes, line
                        )
                    except Exception as exc:
                        yield (
                            line,
                            {
                                EXTRA: f"An event cannot be read ({type(exc).__name__}: {str(exc)[:200]})."
                            },
                        )
                        continue
                    yield line, row
            except Exception as exc:
                yield (
                    line,
                    {
                        EXTRA: f"Event {name!r}: its repeats cannot be read ({type(exc).__name__}: {str(exc)[:200]})."
                    },
                )
                continue
            if expansion.truncated:
                warnings.append(f"line {line}: event {name!r} {expansion.truncated}.")


def _event_row(
    event: Any,
    start: Any,
    end: Any,
    people: PersonIndex,
    staff_emails: set[str],
    kind: str,
    posting: str,
    notes: list[str],
    line: int,
) -> dict[str, str]:
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
