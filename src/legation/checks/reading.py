"""Drafts from files: plain text, Markdown, Word (python-docx) and PDF (pypdf), as one text.

Spans in a check's output are offsets into this text (characters, not bytes).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024


class DraftError(Exception):
    """A file that cannot be read as a draft; the message says why."""


def read_draft(path: Path) -> str:
    if not path.is_file():
        raise DraftError(f"{path}: no such file.")
    if path.stat().st_size > MAX_BYTES:
        raise DraftError(f"{path}: larger than {MAX_BYTES // 1024 // 1024} MB.")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx(path)
    if suffix == ".pdf":
        return _pdf(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DraftError(f"{path}: not UTF-8 text (save it as UTF-8, DOCX or PDF).") from None
    if suffix in (".md", ".markdown"):
        text = _front_matter(text)
    return text.replace("\r\n", "\n")


def _front_matter(text: str) -> str:
    """A letter template's front matter (between --- lines) is not part of the letter."""
    m = re.match(r"---\n.*?\n---\n", text, re.DOTALL)
    return text[m.end() :] if m else text


def _docx(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_DOCX_UNCOMPRESSED:
                raise DraftError(f"{path}: the document unpacks to more than 100 MB.")
    except zipfile.BadZipFile:
        raise DraftError(f"{path}: not a Word document.") from None
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError) as exc:
        raise DraftError(f"{path}: not a readable PDF ({exc}).") from None
