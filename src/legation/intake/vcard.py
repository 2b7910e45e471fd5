"""vCard 2.1, 3.0 and 4.0 contacts (Outlook, Google, Apple) as rows of the people import.

Each card is parsed on its own, so one broken card is reported with its line and the others
still come in. Folded lines, quoted-printable, several emails and Chinese names are handled by
vobject; a name in characters goes to `name_zh` (the Latin names then come from its pinyin).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from legation.intake.readers import EXTRA
from legation.people import names
from legation.people.services import normalise_phone

_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
MAX_CARD_BYTES = 1024 * 1024


def cards(text: str) -> Iterator[tuple[int, str]]:
    """(line where the card begins, its text), for each BEGIN:VCARD … END:VCARD block."""
    start, block = 0, []
    for n, line in enumerate(text.splitlines(), start=1):
        if _BEGIN.match(line):
            start, block = n, [line]
        elif block:
            block.append(line)
            if _END.match(line):
                yield start, "\r\n".join(block) + "\r\n"
                block = []
    if block:
        yield start, "\r\n".join(block) + "\r\n"


def _values(card: Any, name: str) -> list[Any]:
    return [c.value for c in card.contents.get(name, [])]


def card_row(card: Any, country: str, notes: list[str], line: int) -> dict[str, str]:
    row: dict[str, str] = {}
    n = card.contents.get("n")
    family = given = prefix = ""
    if n:
        value = n[0].value
        family, given, prefix = (
            str(value.family or ""),
            str(value.given or ""),
            str(value.prefix or ""),
        )
    fn = str(_values(card, "fn")[0]) if _values(card, "fn") else ""
    family, given = family.strip(), given.strip()
    if names.has_cjk(family + given):
        row["name_zh"] = f"{family}{given}"
        # The Latin names from pinyin, family first ("Wang Xiaoming"), as a card has none.
        spelled = names.pinyin(row["name_zh"]).split(" ", 1)
        family, given = (spelled[0], spelled[1]) if len(spelled) == 2 else ("", "")
    elif not (family or given) and fn:
        if names.has_cjk(fn):
            row["name_zh"] = fn
        else:
            *first, last = fn.split()
            family, given = last, " ".join(first)
    row.update(family_name=family, given_name=given, title=prefix.strip())
    org = _values(card, "org")
    if org:
        first = org[0][0] if isinstance(org[0], list) and org[0] else org[0]
        row["organisation"] = str(first or "").strip()
    if _values(card, "title"):
        row["office"] = str(_values(card, "title")[0]).strip()[:200]
    row["email"] = ";".join(str(e).strip() for e in _values(card, "email") if str(e).strip())
    phones = []
    for raw in (str(t).strip() for t in _values(card, "tel")):
        try:
            phones.append(normalise_phone(raw.removeprefix("tel:"), country))
        except Exception:  # a number the phone library cannot read: kept in the report only
            notes.append(f"line {line}: phone {raw!r} not kept (not a valid number)")
    row["phone"] = ";".join(phones)
    adr = _values(card, "adr")
    if adr:
        a = adr[0]
        street = a.street if isinstance(a.street, str) else " ".join(a.street or [])
        row.update(
            address=street.strip(),
            city=str(a.city or "").strip()[:100],
            postal_code=str(a.code or "").strip()[:20],
        )
    row["notes"] = "\n".join(str(v).strip() for v in _values(card, "note"))
    cats = [c for v in _values(card, "categories") for c in (v if isinstance(v, list) else [v])]
    row["tags"] = ";".join(str(c).strip() for c in cats if str(c).strip())
    return row


def read_vcards(
    data: bytes | str, country: str, notes: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    import vobject

    from legation.intake.readers import decode

    text = data if isinstance(data, str) else decode(data)[0]
    for line, block in cards(text):
        if len(block) > MAX_CARD_BYTES:
            yield line, {EXTRA: "The card is larger than 1 MB."}
            continue
        try:
            card = vobject.readOne(block, allowQP=True)
            row = card_row(card, country, notes, line)
        except Exception as exc:  # vobject raises many types; one card's error stays its own
            yield (
                line,
                {EXTRA: f"The card cannot be read ({type(exc).__name__}: {str(exc)[:200]})."},
            )
            continue
        yield line, row
