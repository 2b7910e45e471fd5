"""Letters and emails (.eml, .mbox, or a folder of them) as rows of the engagements import.

Messages are parsed with the modern `email` API (`policy.default`); a message whose headers are
defective (an unparseable address, a missing Date) is reported, not guessed at. Each message
becomes an engagement of kind email (or letter sent / received with `--letters`), linked to the
people whose addresses it names, with the message itself kept as an attachment. A folder is read
without following symbolic links, so a file cannot point the import elsewhere.
"""

from __future__ import annotations

import email
import hashlib
import mailbox
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

from legation.intake.importers.engagements import ATTACHMENT as ATTACHMENT_KEY
from legation.intake.readers import EXTRA
from legation.intake.services import NewAttachment

MAX_MESSAGE_BYTES = 25 * 1024 * 1024
MAX_FILES = 100_000


def _sources(path: Path) -> Iterator[tuple[str, int, bytes | str]]:
    """(file label, item number, raw bytes or an error) for every message under `path`."""
    if path.is_symlink():
        yield str(path), 0, "A symbolic link is not followed."
        return
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and not p.is_symlink()
            and p.suffix.lower() in (".eml", ".mbox")
            and not any(
                part.is_symlink() for part in p.parents if part != path and path in part.parents
            )
        )
        if len(files) > MAX_FILES:
            raise ValueError(f"The folder holds more than {MAX_FILES:,} message files.")
        for f in files:
            yield from _sources(f)
        return
    if not path.is_file():
        raise ValueError(f"{path}: no such file or folder.")
    if path.suffix.lower() == ".mbox" or path.read_bytes()[:5] == b"From ":
        box = mailbox.mbox(str(path), create=False)
        try:
            for n, key in enumerate(box.iterkeys(), start=1):
                raw = box.get_bytes(key)
                yield (
                    path.name,
                    n,
                    raw if len(raw) <= MAX_MESSAGE_BYTES else "The message is larger than 25 MB.",
                )
        finally:
            box.close()
        return
    if path.stat().st_size > MAX_MESSAGE_BYTES:
        yield path.name, 1, "The message is larger than 25 MB."
        return
    yield path.name, 1, path.read_bytes()


def _addresses(msg: EmailMessage, header: str) -> list[str]:
    value = msg.get(header)
    if value is None:
        return []
    return [
        a.addr_spec for a in getattr(value, "addresses", ()) if a.addr_spec and "@" in a.addr_spec
    ]


def _body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    try:
        return str(part.get_content()).strip()[:5000]
    except (LookupError, UnicodeError, ValueError):
        return ""


def message_row(
    raw: bytes, *, ours: list[str], staff_emails: set[str], letters: bool, posting: str
) -> dict[str, object]:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    problems = [type(d).__name__ for d in msg.defects]
    try:
        senders = _addresses(msg, "From")
        recipients = [a for h in ("To", "Cc") for a in _addresses(msg, h)]
        date_header = msg.get("Date")
        when = getattr(date_header, "datetime", None)
    except (ValueError, TypeError, IndexError) as exc:
        raise ValueError(f"A header cannot be read ({exc}).") from None
    for name in ("From", "To", "Cc", "Date"):
        header = msg.get(name)
        problems += [type(d).__name__ for d in getattr(header, "defects", ())]
    if problems and not senders:
        raise ValueError(f"The message is malformed ({', '.join(sorted(set(problems)))}).")
    if not senders:
        raise ValueError("The message has no From address.")
    if when is None:
        raise ValueError("The message has no readable Date.")

    def mine(address: str) -> bool:
        a = address.casefold()
        return a in staff_emails or any(
            a == o.casefold() or (o.startswith("@") and a.endswith(o.casefold())) for o in ours
        )

    outgoing = mine(senders[0])
    kind = ("letter_sent" if outgoing else "letter_received") if letters else "email"
    others = [a for a in (*senders, *recipients) if not mine(a)]
    staff = [a for a in (*senders, *recipients) if a.casefold() in staff_emails]
    if posting:
        staff.append(posting)
    message_id = str(msg.get("Message-ID", "") or "").strip()
    ident = message_id or hashlib.sha256(raw).hexdigest()
    subject = str(msg.get("Subject", "") or "").strip() or "(no subject)"
    return {
        "ref": "mail:" + hashlib.sha256(ident.encode()).hexdigest()[:40],
        "date": when.isoformat(),
        "duration": "0",
        "kind": kind,
        "subject": " ".join(subject.split())[:300],
        "summary": _body(msg),
        "notes": f"From {senders[0]} to {', '.join(recipients)[:800]}",
        "people": ";".join(dict.fromkeys(others)),
        "staff": ";".join(dict.fromkeys(staff)),
        ATTACHMENT_KEY: NewAttachment(
            filename=f"{hashlib.sha256(ident.encode()).hexdigest()[:16]}.eml",
            content=raw,
            content_type="message/rfc822",
        ),
    }


def read_messages(
    path: Path,
    *,
    ours: list[str],
    staff_emails: set[str],
    known: set[str],
    letters: bool,
    posting: str,
    notes: list[str],
) -> Iterator[tuple[int, dict[str, object]]]:
    """Rows for the engagements import; addresses nobody has are dropped and noted."""
    for n, (label, item, raw) in enumerate(_sources(path), start=1):
        where = f"{label} #{item}"
        if isinstance(raw, str):
            yield n, {EXTRA: f"{where}: {raw}"}
            continue
        try:
            row = message_row(
                raw, ours=ours, staff_emails=staff_emails, letters=letters, posting=posting
            )
        except Exception as exc:  # one bad message never stops the mailbox
            yield n, {EXTRA: f"{where}: {exc}"}
            continue
        addresses = [a for a in str(row["people"]).split(";") if a]
        unknown = [a for a in addresses if a.casefold() not in known]
        if unknown:
            notes.append(f"{where}: nobody has {', '.join(unknown[:5])}; not linked")
        row["people"] = ";".join(a for a in addresses if a.casefold() in known)
        yield n, row
