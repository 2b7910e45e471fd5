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


_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def unquote(value: str) -> str:
    """Undo the export's formula neutralisation ('=SUM… back to =SUM…), so files round-trip.

    Harmless on import: legation stores text and never evaluates a cell.
    """
    return value[1:] if value.startswith(_NEUTRALISED) else value


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


def _cjk_share(text: str) -> float:
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 1.0
    return sum(1 for c in wide if 0x3400 <= ord(c) <= 0x9FFF or 0x3000 <= ord(c) <= 0x303F) / len(
        wide
    )


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in: BOMs first, UTF-8, GB18030, then a best guess."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="strict"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    # GB18030 decodes most byte strings; trust it only when what it gives is mostly Chinese.
    if text and _cjk_share(text) > 0.8:
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


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


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
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


def read_table(source: str | Path | IO[bytes], filename: str = "") -> Table:
    """A table from a CSV or XLSX file (told apart by content, not by name)."""
    data = read_bytes(source)
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    name = (filename or str(source)).lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise ReadError("The file is named .xlsx but is not an XLSX (zip) file.")
    if name.endswith(".xls"):
        raise ReadError("Old .xls files are not read: save the sheet as .xlsx or CSV.")
    return read_csv(data)
