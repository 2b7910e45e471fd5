"""Word letters with docxtpl, from a mission's Word template or the default one.

The Word template is read once (its bytes kept in memory, its Jinja source compiled once by the
sandbox), and each letter is rendered with ``render(context, jinja_env=LetterSandbox(...))``:
docxtpl's own environment is not sandboxed, and the document properties are rendered too.

Placeholders a Word template may use (all plain text unless said otherwise):

``letterhead_zh``, ``letterhead_en``, ``top_date`` (English letters), ``bottom_date`` (Chinese
letters), ``date``, ``inside_address`` (list), ``salutation``, ``paragraphs`` (all paragraphs as
rich text, for ``{{r p }}``), ``paragraphs_en`` / ``paragraphs_zh`` (the same, only for a letter in
that language, so each can sit in a paragraph formatted for it), ``closing`` (list), ``closing_en``
/ ``closing_zh`` (the same, only for a letter in that language: the default template indents
此致), ``signature_left`` / ``signature_right`` (lists: English letters sign on the left, Chinese on
the right), ``subject``, ``recipient``, ``language``, ``draft``.

The rich text of a paragraph takes its fonts from the paragraph's style; its runs are tagged with
the languages (Latin text en-US, East Asian text zh-CN), and in a Chinese letter they carry the
East Asian hint, so that punctuation Latin and Chinese share (“”‘’·—…) is set in the Chinese font.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from legation.letters.compose.letter import Letter
from legation.letters.compose.markup import EMPHASIS, STRONG
from legation.letters.compose.sandbox import (
    LetterSandbox,
    LetterTemplateError,
    RenderTimeout,
    cpu_limit,
    hook_seconds,
)

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "docx" / "letter.docx"
MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_MEMBERS = 2000


class DocxError(Exception):
    pass


def check_zip(data: bytes, where: str) -> None:
    """Refuse zip bombs: count members and add up their real sizes while reading."""
    import zipfile

    if len(data) > MAX_DOCX_BYTES:
        raise DocxError(f"{where}: larger than {MAX_DOCX_BYTES // 1024 // 1024} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise DocxError(f"{where}: too many parts in the document.")
            total = 0
            for member in members:
                with archive.open(member) as fh:
                    while chunk := fh.read(65536):
                        total += len(chunk)
                        if total > MAX_UNCOMPRESSED:
                            raise DocxError(f"{where}: the document unpacks too large.")
    except zipfile.BadZipFile:
        raise DocxError(f"{where}: not a Word (.docx) file.") from None


_LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
_HINT = '<w:rFonts w:hint="eastAsia"/>'


def _rich(runs: list[list[Any]], zh: bool = False) -> Any:
    """A paragraph's runs as Word rich text (what docxtpl's ``RichText.add`` writes, plus the
    East Asian hint and the languages, which it cannot write)."""
    from xml.sax.saxutils import escape

    from docxtpl import RichText

    rich = RichText()
    parts = []
    for text, style in runs:
        props = (
            (_HINT if zh else "")
            + ("<w:b/>" if style & STRONG else "")
            + ("<w:i/>" if style & EMPHASIS else "")
            + _LANG
        )
        parts.append(
            f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(str(text))}</w:t></w:r>'
        )
    rich.xml = "".join(parts)
    return rich


def _paragraphs(letter: Letter) -> list[Any]:
    zh = letter.language == "zh"
    out = []
    for block in letter.blocks:
        if block["t"] == "p":
            out.append(_rich(block["runs"], zh))
        else:
            for i, item in enumerate(block["items"]):
                mark = f"{block['start'] + i}. " if block["t"] == "ol" else "• "
                out.append(_rich([[mark, 0], *item], zh))
    return out


def docx_context(letter: Letter) -> dict[str, Any]:
    zh = letter.language == "zh"
    paragraphs = _paragraphs(letter)
    return {
        "letterhead_zh": letter.layout.letterhead_zh,
        "letterhead_en": letter.layout.letterhead_en,
        "date": letter.date,
        "top_date": "" if zh else letter.date,
        "bottom_date": letter.date if zh else "",
        "inside_address": list(letter.inside_address),
        "salutation": letter.salutation,
        "paragraphs": paragraphs,
        "paragraphs_en": [] if zh else paragraphs,
        "paragraphs_zh": paragraphs if zh else [],
        "closing": list(letter.closing),
        "closing_en": [] if zh else list(letter.closing),
        "closing_zh": list(letter.closing) if zh else [],
        "signature_left": [] if zh else list(letter.signature),
        "signature_right": list(letter.signature) if zh else [],
        "subject": letter.subject,
        "recipient": letter.recipient,
        "language": letter.language,
        "draft": letter.draft,
    }


class WordTemplate:
    """A Word template read once; ``render`` gives one letter's .docx bytes."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_template()
        try:
            self.data = self.path.read_bytes()
        except OSError as exc:
            raise DocxError(f"cannot read {self.path}: {exc.strerror}.") from None
        check_zip(self.data, str(self.path))
        self.env = LetterSandbox()
        self._lock = threading.Lock()

    def render(self, letter: Letter) -> bytes:
        from docxtpl import DocxTemplate
        from jinja2 import TemplateError

        document = DocxTemplate(io.BytesIO(self.data))
        try:
            with self._lock, cpu_limit(hook_seconds()):
                document.render(docx_context(letter), jinja_env=self.env, autoescape=True)
        except RenderTimeout:
            raise DocxError(
                f"{self.path.name}: rendering took too long (a loop too big?)."
            ) from None
        except LetterTemplateError as exc:
            raise DocxError(f"{self.path.name}: {exc}") from None
        except TemplateError as exc:
            raise DocxError(f"{self.path.name}: {exc}") from None
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


@lru_cache(maxsize=8)
def word_template(path: str = "") -> WordTemplate:
    """The process's copy of a Word template (read and compiled once)."""
    return WordTemplate(Path(path) if path else None)


def default_template() -> Path:
    """The shipped default template, built with python-docx if it is missing."""
    if not DEFAULT_TEMPLATE.is_file():
        from legation.letters.render.word_default import build

        try:
            build(DEFAULT_TEMPLATE)
        except OSError:
            import tempfile

            fallback = Path(tempfile.gettempdir()) / "legation-letter.docx"
            build(fallback)
            return fallback
    return DEFAULT_TEMPLATE
