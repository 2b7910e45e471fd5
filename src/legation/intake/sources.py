"""Imports from contact, calendar and mail files: vCard, ICS, EML/MBOX (or a folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from legation.core.refs import NotFound
from legation.engagements.models import Posting
from legation.engagements.selectors import find_posting
from legation.intake.import_engagements import EngagementImporter
from legation.intake.import_people import PeopleImporter
from legation.intake.importers import ImportError_, Progress, Report, run
from legation.intake.matching import PersonIndex
from legation.intake.readers import ReadError, decode, read_bytes
from legation.people.models import EmailAddress, Person


def _staff_emails(actor: Any, mission: Any) -> set[str]:
    staff = Posting.objects.visible_to(actor).filter(mission=mission).values("person_id")
    rows = EmailAddress.objects.visible_to(actor).filter(person_id__in=staff)
    return {e.casefold() for e in rows.values_list("email", flat=True)}


def import_source(
    kind: str,
    path: str | Path,
    *,
    actor: Any,
    mission: Any,
    dry_run: bool = False,
    skip_rejected: bool = False,
    progress: Progress | None = None,
    verify: Any = None,
    date_from: Any = None,
    until: Any = None,
    engagement_kind: str = "meeting",
    posting: str = "",
    ours: list[str] | None = None,
    letters: bool = False,
    encoding: str = "",
) -> Report:
    """Import a vCard, ICS or mail source; the same report and guarantees as a CSV import."""
    path = Path(path)
    notes: list[str] = []
    warnings: list[str] = []
    read_as = ""
    if posting:
        try:
            found = find_posting(posting, actor, mission=mission)
            posting = found.ref or f"id:{found.pk}"
        except NotFound as exc:
            raise ImportError_(f"--posting: {exc}") from None
    try:
        if kind == "vcard":
            from legation.intake.vcard import read_vcards

            importer: Any = PeopleImporter(actor=actor, mission=mission)
            text, read_as = decode(read_bytes(path), encoding)
            rows: Any = read_vcards(text, mission.host_country, notes)
        elif kind == "ics":
            from legation.intake.calendar import read_events

            importer = EngagementImporter(actor=actor, mission=mission)
            people = Person.objects.visible_to(actor).filter(mission=mission)
            text, read_as = decode(read_bytes(path), encoding)
            rows = read_events(
                text,
                people=PersonIndex.load(people),
                staff_emails=_staff_emails(actor, mission),
                date_from=date_from,
                until=until,
                kind=engagement_kind or "meeting",
                posting=posting,
                notes=notes,
                warnings=warnings,
            )
        elif kind == "mail":
            from legation.intake.mail import read_messages

            importer = EngagementImporter(actor=actor, mission=mission)
            known = EmailAddress.objects.visible_to(actor).filter(person__mission=mission)
            rows = read_messages(
                path,
                ours=ours or [],
                staff_emails=_staff_emails(actor, mission),
                known={e.casefold() for e in known.values_list("email", flat=True)},
                letters=letters,
                posting=posting,
                notes=notes,
            )
        else:
            raise ImportError_(f"Unknown source kind {kind!r}.")
        report = run(
            importer,
            rows,
            source=path.name,
            dry_run=dry_run,
            skip_rejected=skip_rejected,
            progress=progress,
            verify=verify,
        )
    except (ReadError, ValueError) as exc:
        raise ImportError_(str(exc)) from None
    report.notes.extend(notes)
    report.warnings.extend(warnings)
    report.encoding = read_as
    return report
