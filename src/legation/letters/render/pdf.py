"""PDF letters with Typst: one compiler per process, fonts loaded once, data as JSON inputs.

The layout (``typst/letter.typ``) reads each letter from ``sys.inputs.data`` and sets every string
as text, so no name or placeholder value can inject Typst markup. Chinese is set with Noto Serif
CJK (Debian's ``fonts-noto-cjk``) or a font the mission supplies; body Latin text with Typst's
embedded Libertinus Serif.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

from legation.core.fonts import font_dirs
from legation.letters.compose.letter import Letter

LAYOUT = Path(__file__).resolve().parent / "typst" / "letter.typ"
# Sources of letters are strings in JSON; the only files Typst reads are the layout, fonts and a
# mission's emblem, which may live anywhere, hence the file-system root.
_ROOT = Path(LAYOUT.anchor)


class PdfError(Exception):
    """Typst could not set a letter; the message is Typst's own, without the source dump."""


class Typesetter:
    """One Typst compiler with its fonts; compiles one letter, or many into one PDF."""

    def __init__(self) -> None:
        import typst

        self._typst = typst
        self.fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=True, font_paths=font_dirs()
        )
        self.compiler = typst.Compiler(
            str(LAYOUT), root=str(_ROOT), font_paths=self.fonts, ignore_system_fonts=True
        )
        self._lock = threading.Lock()

    def compile(self, data: object) -> bytes:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with self._lock:  # a compiler is not re-entrant
            try:
                pdf = self.compiler.compile(
                    format="pdf", sys_inputs={"data": payload}, pdf_tags=False
                )
            except self._typst.TypstError as exc:
                raise PdfError(f"Typst could not set the letter: {exc.message}") from None
        assert isinstance(pdf, bytes)
        return pdf

    def pdf(self, letter: Letter) -> bytes:
        return self.compile(_prepare(letter))

    def png(self, letter: Letter, ppi: float = 96.0) -> bytes:
        """The letter's first page as a PNG image (for previews on a web page)."""
        payload = json.dumps(_prepare(letter), ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            try:
                pages = self.compiler.compile(format="png", ppi=ppi, sys_inputs={"data": payload})
            except self._typst.TypstError as exc:
                raise PdfError(f"Typst could not set the letter: {exc.message}") from None
        first = pages[0] if isinstance(pages, list) else pages
        assert isinstance(first, bytes)
        return first

    def combined(self, letters: Sequence[Letter]) -> bytes:
        """One PDF of many letters, each starting on a new page (for printing)."""
        if not letters:
            raise PdfError("No letters to combine.")
        return self.compile([_prepare(letter) for letter in letters])


def _prepare(letter: Letter) -> dict:
    data = letter.to_json()
    emblem = data["layout"].get("emblem") or ""
    if emblem:
        path = Path(emblem)
        data["layout"]["emblem"] = "/" + str(path.relative_to(_ROOT)) if path.is_file() else ""
    return data


_shared: Typesetter | None = None
_shared_lock = threading.Lock()


def typesetter() -> Typesetter:
    """The process's typesetter, created on first use (fonts are read once per process)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Typesetter()
    return _shared


def render_pdf(letter: Letter) -> bytes:
    return typesetter().pdf(letter)


def render_combined(letters: Sequence[Letter]) -> bytes:
    return typesetter().combined(letters)
