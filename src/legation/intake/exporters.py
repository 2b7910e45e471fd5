"""Exports of people, organisations, engagements and commitments: CSV, XLSX, JSON, vCard.

Everything exported is read through `visible_to(user)`, so an export holds what its user may
see and nothing more. The columns are the import's own, so an exported file imports again.
Spreadsheet cells that start with = + - @, a tab or a carriage return are prefixed with ' so
that no spreadsheet evaluates them (`legation.core.spreadsheets`); the importer removes the
prefix again. Every export is recorded as a security event.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import Prefetch
from django.utils import timezone

from legation.core.signals import security_event
from legation.core.spreadsheets import neutralise
from legation.engagements.models import Commitment, Engagement
from legation.intake.importers import importer_for
from legation.people.models import Organisation, Person, PersonNote

FORMATS = ("csv", "xlsx", "json", "vcf")
KINDS = ("people", "organisations", "engagements", "commitments")
SENSITIVITY_CODES = {0: "public", 1: "internal", 2: "restricted"}


def _person_token(person: Person) -> str:
    emails = list(person.emails.all())
    return person.ref or (emails[0].email if emails else f"id:{person.pk}")


def people_rows(user: Any) -> Iterator[dict[str, Any]]:
    notes = PersonNote.objects.visible_to(user)
    qs = (
        Person.objects.visible_to(user)
        .select_related("sector", "region")
        .prefetch_related(
            "emails",
            "phones",
            "addresses",
            "tags",
            "affiliations__organisation",
            Prefetch("notes", queryset=notes, to_attr="visible_notes"),
        )
        .order_by("pk")
    )
    for p in qs.iterator(chunk_size=2000):
        aff = next(iter(p.affiliations.all()), None)
        addr = next(iter(p.addresses.all()), None)
        yield {
            "id": p.pk,
            "ref": p.ref or "",
            "family_name": p.family_name,
            "given_name": p.given_name,
            "name_zh": p.name_zh,
            "title": p.title,
            "office": p.office,
            "gender": p.gender,
            "organisation": aff.organisation.name_en if aff else "",
            "role": aff.role if aff else "",
            "sector": p.sector.code if p.sector else "",
            "region": p.region.code if p.region else "",
            "email": ";".join(e.email for e in p.emails.all()),
            "phone": ";".join(n.number for n in p.phones.all()),
            "address": addr.lines if addr else "",
            "city": addr.city if addr else "",
            "postal_code": addr.postal_code if addr else "",
            "salutation": p.salutation_en,
            "salutation_zh": p.salutation_zh,
            "tags": ";".join(t.name for t in p.tags.all()),
            "notes": "\n\n".join(n.text for n in p.visible_notes),
            "name_order": p.name_order,
            "language": p.preferred_language,
        }


def organisation_rows(user: Any) -> Iterator[dict[str, Any]]:
    qs = (
        Organisation.objects.visible_to(user)
        .select_related("sector", "region", "parent")
        .prefetch_related("tags")
        .order_by("pk")
    )
    for o in qs.iterator(chunk_size=2000):
        yield {
            "id": o.pk,
            "ref": o.ref or "",
            "name_en": o.name_en,
            "name_zh": o.name_zh,
            "sector": o.sector.code if o.sector else "",
            "region": o.region.code if o.region else "",
            "parent": o.parent.name_en if o.parent else "",
            "website": o.website,
            "notes": o.notes,
            "tags": ";".join(t.name for t in o.tags.all()),
        }


def engagement_rows(user: Any) -> Iterator[dict[str, Any]]:
    qs = (
        Engagement.objects.visible_to(user)
        .select_related("region")
        .prefetch_related("people__emails", "staff", "organisations", "tags")
        .order_by("pk")
    )
    for e in qs.iterator(chunk_size=2000):
        local = timezone.localtime(e.start)
        yield {
            "id": e.pk,
            "ref": e.ref or "",
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "duration": str(int(e.duration.total_seconds() // 60)),
            "kind": e.kind,
            "region": e.region.code if e.region else "",
            "city": e.city,
            "site_type": e.site_type,
            "subject": e.subject,
            "summary": e.summary,
            "people": ";".join(_person_token(p) for p in e.people.all()),
            "staff": ";".join(s.ref or f"id:{s.pk}" for s in e.staff.all()),
            "organisations": ";".join(o.ref or o.name_en for o in e.organisations.all()),
            "notes": e.notes,
            "sensitivity": SENSITIVITY_CODES.get(e.sensitivity, ""),
            "tags": ";".join(t.name for t in e.tags.all()),
        }


def commitment_rows(user: Any) -> Iterator[dict[str, Any]]:
    qs = (
        Commitment.objects.visible_to(user)
        .select_related("engagement", "requested_by", "owner")
        .order_by("pk")
    )
    for c in qs.iterator(chunk_size=2000):
        yield {
            "id": c.pk,
            "engagement": c.engagement.ref or str(c.engagement_id),
            "description": c.description,
            "direction": c.direction,
            "requested_by": (c.requested_by.ref or f"id:{c.requested_by_id}")
            if c.requested_by
            else "",
            "owner": (c.owner.ref or str(c.owner_id)) if c.owner else "",
            "due": c.due.isoformat() if c.due else "",
            "status": c.status,
            "resolution": c.resolution,
            "closed_on": c.closed_on.isoformat() if c.closed_on else "",
            "sensitivity": SENSITIVITY_CODES.get(c.sensitivity, ""),
        }


ROWS = {
    "people": people_rows,
    "organisations": organisation_rows,
    "engagements": engagement_rows,
    "commitments": commitment_rows,
}


def columns(kind: str) -> list[str]:
    return ["id", *importer_for(kind, actor=None).columns]


def _write_csv(kind: str, rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.DictWriter(text, fieldnames=columns(kind), extrasaction="ignore")
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    text.flush()
    text.detach()
    return n


def _write_xlsx(kind: str, rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    cols = columns(kind)
    sheet.append(cols)
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        # openpyxl stores a string starting with "=" as a formula: neutralising is essential here.
        sheet.append([neutralise(_xlsx_safe(row.get(c, ""))) for c in cols])
    book.save(out)
    return n


def _xlsx_safe(value: Any) -> Any:
    if isinstance(value, str):  # control characters are not allowed in XLSX cells
        return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)
    return value


def _write_json(kind: str, rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    items = list(rows)
    out.write(
        json.dumps(
            {"kind": kind, "exported": dt.datetime.now(dt.UTC).isoformat(), kind: items},
            ensure_ascii=False,
            indent=1,
        ).encode()
    )
    return len(items)


def _write_vcf(kind: str, rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    import vobject

    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        card = vobject.vCard()
        card.add("n").value = vobject.vcard.Name(
            family=row["family_name"] or row["name_zh"],
            given=row["given_name"],
            prefix=row["title"],
        )
        full = " ".join(p for p in (row["given_name"], row["family_name"]) if p) or row["name_zh"]
        card.add("fn").value = full or "-"
        if row["organisation"]:
            card.add("org").value = [row["organisation"]]
        if row["office"]:
            card.add("title").value = row["office"]
        for email in filter(None, row["email"].split(";")):
            card.add("email").value = email
        for phone in filter(None, row["phone"].split(";")):
            card.add("tel").value = phone
        if row["tags"]:
            card.add("categories").value = row["tags"].split(";")
        if row["notes"]:
            card.add("note").value = row["notes"]
        if row["ref"]:
            card.add("uid").value = f"legation:{row['ref']}"
        out.write(card.serialize().encode())
    return n


WRITERS = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json, "vcf": _write_vcf}


def export(kind: str, fmt: str, out: IO[bytes], *, user: Any, target: str = "") -> int:
    """Write what `user` may see of `kind` in `fmt`; record it; return the number of records."""
    if kind not in ROWS:
        raise ValueError(f"Unknown export {kind!r}: use one of {', '.join(ROWS)}.")
    if fmt not in WRITERS or (fmt == "vcf" and kind != "people"):
        raise ValueError(
            "vCard (vcf) is for people only." if fmt == "vcf" else f"Unknown format {fmt!r}."
        )
    count = WRITERS[fmt](kind, ROWS[kind](user), out)
    security_event(
        "export",
        user=user,
        username=user.get_username(),
        source="command",
        what=kind,
        format=fmt,
        records=count,
        file=Path(target).name if target else "",
    )
    return count
