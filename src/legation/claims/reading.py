"""Drafts from files: plain text, Markdown, Word (python-docx) and PDF (pypdf), as one text.

Spans in a check's output are offsets into this text (characters, not bytes). Text taken out of a
PDF or a Word file is given back as written: lines the typesetter wrapped inside a paragraph are
joined (Chinese without a space; a hyphen that only broke a word removed), and the spaces a
typesetter or an extractor puts between a number and a Chinese character are removed
("500 多个" is "500多个"), so a .pdf or .docx checks exactly like its .txt.
"""

from __future__ import annotations

import itertools
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
    return normalise("\n".join(lines))


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [_page_lines(page) for page in reader.pages]
    except (PdfReadError, ValueError) as exc:
        raise DraftError(f"{path}: not a readable PDF ({exc}).") from None
    text = ""
    for lines in pages:
        for i, line in enumerate(lines):
            if not text:
                text = line
            elif i == 0 and _continues(text, line):
                text = _join(text, line)  # a paragraph going on over a page break
            else:
                text += "\n" + line
    return normalise(text)


# -- Text set on a page, back to the text as written -------------------------------------------
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_NUMBER_WORD = re.compile(
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|\d+)$", re.IGNORECASE
)


def normalise(text: str) -> str:
    """What typesetting adds to a text, taken away: soft hyphens, spaces set between a number
    and a Chinese character ("500 多个", "2022 年 12 月"), non-breaking and full-width spaces."""
    text = text.replace("\u00ad", "").replace("\u00a0", " ").replace("\u3000", " ")
    text = re.sub(rf"(?<=[0-9])[ \t]+(?=[{_CJK}])", "", text)
    text = re.sub(rf"(?<=[{_CJK}，、：（])[ \t]+(?=[0-9])", "", text)
    return re.sub(r"[ \t]+\n", "\n", text)


def _join(text: str, line: str) -> str:
    """A line wrapped by the typesetter, joined to the one before it: no space between Chinese
    characters, a hyphen that only broke a word taken away ("estab-" "lishing"), one kept in a
    compound or a number ("twenty-" "two", "500-" "plus")."""
    text = text.rstrip(" \t")
    line = line.lstrip(" \t")
    if re.search(rf"[{_CJK}，。、；：！？）”]$", text) or re.match(
        rf"[{_CJK}，。、；：！？（“]", line
    ):
        return text + line
    hyphen = re.search(r"(\w+)-$", text)
    if hyphen and re.match(r"[a-z]", line):
        if _NUMBER_WORD.search(hyphen.group(1)) or re.match(r"plus\b", line):
            return text + line
        return text[:-1] + line
    return text + " " + line


def _continues(text: str, line: str) -> bool:
    """Across pages, a line continues the text when the text stopped inside a sentence."""
    last = text.rsplit("\n", 1)[-1].rstrip()
    return (
        bool(last)
        and not re.search(r"[.!?:;。！？：；]$", last)
        and bool(re.match(rf"[a-z{_CJK}0-9]", line.lstrip()))
    )


def _page_lines(page: object) -> list[str]:
    """The page's lines with a soft line break (a paragraph's lines set one leading apart,
    starting at the left margin) joined, each paragraph, heading or signature line on its own.

    Lines are read with their positions (pypdf's visitor): the body's leading is the most common
    distance between lines that could be one paragraph's, the smaller on a tie (a short letter
    has as many paragraph gaps as wrapped lines); a line that starts at the margin about one leading below a line that
    is not indented beyond a paragraph indent continues it (Chinese lines set a little taller
    than English ones: within 12 %; paragraph spacing adds a third or more), and never more than
    1.5 times the font size below it (single or 1.15 spacing; with only a few lines on a page
    the commonest distance may be between paragraphs). A right-aligned date, a signature, a
    closing set with other spacing stays a line of its own."""
    chunks: list[tuple[float, float, str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip("\n"):
            x = cm[4] + tm[4] * cm[0]
            y = cm[5] + tm[5] * cm[3]
            scale = abs(tm[3] * cm[3]) or 1.0
            chunks.append((x, y, text.replace("\n", ""), float(size) * scale))

    plain = page.extract_text(visitor_text=visit) or ""  # type: ignore[attr-defined]
    lines: list[list[float | str]] = []  # [x, y, text, font size]
    for x, y, text, size in chunks:
        if lines and abs(float(lines[-1][1]) - y) < 1.0:
            lines[-1][2] = str(lines[-1][2]) + text
            lines[-1][0] = min(float(lines[-1][0]), x)
            lines[-1][3] = max(float(lines[-1][3]), size)
        else:
            lines.append([x, y, text, size])
    lines = [line for line in lines if str(line[2]).strip()]
    if len(lines) < 2:
        return [normalise(line) for line in plain.splitlines() if line.strip()]
    gaps = [round(float(a[1]) - float(b[1]), 1) for a, b in itertools.pairwise(lines)]
    leading = _leading(
        [g for g, line in zip(gaps, lines[1:], strict=True) if 0 < g <= 1.5 * float(line[3])]
    )
    left = min(float(line[0]) for line in lines)
    out: list[str] = []
    previous: list[float | str] | None = None
    for line, gap in zip(lines, [None, *gaps], strict=True):
        text = str(line[2])
        soft = (
            previous is not None
            and gap is not None
            and 0.93 * leading <= gap <= 1.12 * leading
            and gap <= 1.5 * float(line[3])
            and abs(float(line[0]) - left) <= 1.0
            and float(previous[0]) - left <= 40.0
        )
        if soft and out:
            out[-1] = _join(out[-1], text)
        else:
            out.append(text)
        previous = line
    return out


def _leading(gaps: list[float]) -> float:
    """The body's leading: the commonest distance between lines that could be one paragraph's
    (at most 1.5 times the font size), counting distances within 2 % of each other as one; on a
    tie the smaller (a short letter has as many paragraph gaps as wrapped lines, and a paragraph
    gap is the larger)."""
    if not gaps:
        return 0.0

    def near(g: float) -> int:
        return sum(1 for h in gaps if abs(h - g) <= 0.02 * g)

    return min(gaps, key=lambda g: (-near(g), g))
