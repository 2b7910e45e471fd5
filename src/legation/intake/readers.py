"""Reading untrusted tables: CSV in any delimiter and encoding, and XLSX, with size limits.

Nothing read here is evaluated: a cell is text, never a formula, macro or external reference.
XLSX is read through openpyxl with defusedxml installed (no entity expansion), after a pass over
the zip that counts its entries and the bytes they actually inflate to (a zip bomb declares small
sizes; only reading tells the truth).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext

from legation.core.spreadsheets import unquote

DELIMITERS = (",", ";", "\t", "|")
EXTRA = "\x00extra"
"""The key a row gets when it has more values than the header has columns."""


def limit(name: str, default: int) -> int:
    """A size limit, overridable in settings (LEGATION_IMPORT_MAX_BYTES and the like)."""
    return int(getattr(settings, f"LEGATION_IMPORT_{name}", default))


MAX_BYTES = 100 * 1024 * 1024  # a file to import
MAX_ROWS = 2_000_000
MAX_COLUMNS = 500
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_INFLATED = 300 * 1024 * 1024


class ReadError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Table:
    """Rows of text keyed by the header's column names, each with its line (or sheet row)."""

    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    encoding: str = ""
    delimiter: str = ""


def read_bytes(source: str | Path | IO[bytes], max_bytes: int | None = None) -> bytes:
    """The whole file, refusing anything over the size limit before reading it all."""
    cap = max_bytes or limit("MAX_BYTES", MAX_BYTES)
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise ReadError(f"{path}: no such file.")
        if path.stat().st_size > cap:
            raise ReadError(f"{path.name} is larger than the {cap // 2**20} MB limit.")
        with path.open("rb") as fh:
            return fh.read(cap + 1)
    data = source.read(cap + 1)
    if len(data) > cap:
        raise ReadError(f"The file is larger than the {cap // 2**20} MB limit.")
    return data


#: the encodings offered by name on the import page (any codec Python knows is accepted)
ENCODINGS = (
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("gb18030", "GB18030 (Simplified Chinese, GBK, GB2312)"),
    ("big5", "Big5 (Traditional Chinese)"),
    ("cp932", "Shift-JIS (Japanese, cp932)"),
    ("euc-kr", "EUC-KR (Korean)"),
    ("cp1252", "Windows-1252 (Western European)"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
    ("cp1250", "Windows-1250 (Central European)"),
    ("cp1251", "Windows-1251 (Cyrillic)"),
)
_DETECT_BYTES = 4 * 2**20  # what detection looks at (it samples within it)
_MARGIN = 0.15  # a reading this much messier (charset-normalizer's chaos) is still plausible
_COHERENCE_LEAD = 0.1  # how far the best reading's language fit must lead to be trusted alone


@dataclass
class Detected:
    """The encoding a text file is taken to be in, and whether that is certain.

    When it is not, `readings` holds each plausible encoding with the words it makes of the
    file's non-ASCII bytes, so the user can tell which one is right.
    """

    encoding: str
    sure: bool
    readings: list[tuple[str, str]]


def _words(text: str, limit: int = 6) -> str:
    """The first distinct words that hold non-ASCII characters (what an encoding changes)."""
    seen: dict[str, None] = {}
    for word in text.replace(",", " ").replace(";", " ").replace("\t", " ").split():
        if any(ord(c) > 127 for c in word):
            seen.setdefault(word[:30], None)
            if len(seen) >= limit:
                break
    return ", ".join(seen)


def detect(data: bytes) -> Detected:
    """BOMs and UTF-8 are certain; anything else is charset-normalizer's guess, trusted only when
    no other plausible encoding reads the file differently, or when the best reading's language
    fit (coherence) leads every other reading's by a clear margin. Short files in single-byte or East Asian encodings are often not
    certain: Latin-1 "Müller" is also GB18030 "M黮ler"; Shift-JIS "東京" is also GB18030 "搶嫗"."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return Detected(name, True, [])
    try:
        data.decode("utf-8")
        return Detected("utf-8", True, [])
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:_DETECT_BYTES]))
    if not matches:
        return Detected("", False, [])
    least = min(m.chaos for m in matches)
    # Each distinct text a plausible encoding makes of the file, with the best language fit
    # among the encodings that make it.
    readings: dict[str, Any] = {}
    for m in matches:
        if m.chaos > least + _MARGIN:
            continue
        text = str(m)
        if text not in readings or m.coherence > readings[text].coherence:
            readings[text] = m
    ranked = sorted(readings.values(), key=lambda m: (-m.coherence, m.chaos))
    best = ranked[0]
    lead = best.coherence - (ranked[1].coherence if len(ranked) > 1 else 0.0)
    sure = len(ranked) == 1 or lead >= _COHERENCE_LEAD
    shown = [] if sure else [(m.encoding, _words(str(m))) for m in ranked[:6]]
    return Detected(best.encoding, sure, shown)


def encoding_name(name: str) -> str:
    """A codec's canonical name, or ReadError for a name Python does not know."""
    try:
        return codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        raise ReadError(
            f"Unknown encoding {name!r}: use a name such as utf-8, gb18030, cp932 (Shift-JIS), "
            "cp1252 or latin-1."
        ) from None


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """Text and the encoding it was read in: the one named, else the detected one when certain.

    An uncertain guess is refused, never used: the error lists the plausible readings and asks
    for the encoding (`--encoding`, or the Encoding field of the import page).
    """
    if encoding:
        name = encoding_name(encoding)
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            name = "utf-8-sig"
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ReadError(
                gettext(
                    "The file is not %(name)s: line %(line)d holds bytes that %(name)s cannot "
                    "read (%(bytes)s). Name the file's real encoding."
                )
                % {"name": name, "line": line, "bytes": repr(data[exc.start : exc.start + 4])}
            ) from None
    found = detect(data)
    if found.sure:
        try:
            return data.decode(found.encoding), found.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    options = "; ".join(f"{e}: {w}" if w else e for e, w in found.readings)
    readings = (
        gettext(" (it reads differently as %(options)s)") % {"options": options} if options else ""
    )
    raise ReadError(
        gettext("The file's encoding cannot be told for certain%(readings)s.")
        % {"readings": readings}
        + " "
        + gettext(
            "Choose it in the Encoding field of the import page, or give --encoding on the "
            "command line (for example cp1252 or gb18030)."
        )
    )


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most columns (quotes respected)."""
    best, best_n = ",", 0
    for delim in DELIMITERS:
        try:
            n = len(next(csv.reader([header_line], delimiter=delim)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = delim, n
    return best


def _header(names: list[str]) -> list[str]:
    columns = [str(n or "").strip().lstrip("\ufeff") for n in names]
    if not any(columns):
        raise ReadError("The first row is empty: it must name the columns.")
    if len(columns) > limit("MAX_COLUMNS", MAX_COLUMNS):
        raise ReadError(f"The file has {len(columns)} columns; at most {MAX_COLUMNS} are read.")
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise ReadError(f"The column {name!r} appears twice in the header.")
        seen.add(name)
    return columns


def read_csv(data: bytes, encoding: str = "") -> Table:
    text, encoding = decode(data, encoding)
    if "\x00" in text:
        raise ReadError("The file contains NUL bytes: it is not a text (CSV) file.")
    first = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        columns = _header(next(reader))
    except StopIteration:
        raise ReadError("The file is empty.") from None
    except csv.Error as exc:
        raise ReadError(f"line 1: {exc}") from None
    max_rows = limit("MAX_ROWS", MAX_ROWS)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        count = 0
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ReadError(f"line {line}: {exc}") from None
            if not any(v.strip() for v in values):
                continue
            count += 1
            if count > max_rows:
                raise ReadError(f"The file has more than {max_rows:,} rows.")
            row = {
                c: unquote(values[i].strip()) if i < len(values) else ""
                for i, c in enumerate(columns)
            }
            if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
                row[EXTRA] = "more values than the header has columns"
            yield line, row

    return Table(columns=columns, rows=rows(), encoding=encoding, delimiter=delimiter)


def check_zip(data: bytes, what: str = "XLSX") -> None:
    """Count entries and inflate each one, refusing bombs by what is read, not what is declared."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError(f"The file is not a valid {what} file (not a zip archive).") from None
    entries = archive.infolist()
    max_entries = limit("MAX_ZIP_ENTRIES", MAX_ZIP_ENTRIES)
    if len(entries) > max_entries:
        raise ReadError(f"The {what} file holds {len(entries):,} parts; at most {max_entries:,}.")
    cap = limit("MAX_ZIP_INFLATED", MAX_ZIP_INFLATED)
    total = 0
    for info in entries:
        try:
            with archive.open(info) as member:
                while chunk := member.read(1 << 16):
                    total += len(chunk)
                    if total > cap:
                        raise ReadError(
                            f"The {what} file unpacks to more than {cap // 2**20} MB; "
                            "it is refused as a possible zip bomb."
                        )
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ReadError(f"The {what} file is damaged ({info.filename}: {exc}).") from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def read_xlsx(data: bytes) -> Table:
    import openpyxl
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise ReadError("XLSX import needs the defusedxml package installed.")
    check_zip(data)
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise ReadError(f"The XLSX file cannot be read ({type(exc).__name__}: {exc}).") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise ReadError("The XLSX file has no worksheet.")
    # The sheet's <dimension> is whatever the writer claimed (A1:XFD1048576, or nothing, and
    # every row then padded to its last cell): forget it. The header is as wide as its last
    # name; every other row is read up to that column only, whatever cells lie beyond.
    sheet.reset_dimensions()
    try:
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    except StopIteration:
        raise ReadError("The first worksheet is empty.") from None
    names = [_cell_text(v) for v in first]
    while names and not names[-1]:
        names.pop()
    columns = _header(names)
    it = sheet.iter_rows(min_row=2, max_col=len(columns), values_only=True)
    max_rows = limit("MAX_ROWS", MAX_ROWS)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for n, values in enumerate(it, start=2):
            if n - 1 > max_rows:
                raise ReadError(f"The worksheet has more than {max_rows:,} rows.")
            texts = [unquote(_cell_text(v)) for v in values]
            if not any(texts):
                continue
            yield n, {c: (texts[i] if i < len(texts) else "") for i, c in enumerate(columns)}
        book.close()

    return Table(columns=columns, rows=rows(), encoding="xlsx", delimiter="")


def read_table(source: str | Path | IO[bytes], filename: str = "", encoding: str = "") -> Table:
    """A table from a CSV or XLSX file (told apart by content, not by name); `encoding` names
    a CSV's encoding (default: detected, and refused when uncertain)."""
    data = read_bytes(source)
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    name = (filename or str(source)).lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise ReadError("The file is named .xlsx but is not an XLSX (zip) file.")
    if name.endswith(".xls"):
        raise ReadError("Old .xls files are not read: save the sheet as .xlsx or CSV.")
    return read_csv(data, encoding)
