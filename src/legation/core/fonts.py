"""Fonts for the PDFs Typst sets (letters and insight's reports): the folders searched.

Chinese is set with Noto CJK (Debian's ``fonts-noto-cjk``); Latin text with Typst's embedded
fonts. More folders can be given in ``LEGATION_FONT_DIRS`` (os.pathsep-separated), searched first.
"""

from __future__ import annotations

import os
from pathlib import Path

CJK_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/share/fonts/truetype/noto",
)


def font_dirs() -> list[str]:
    """Folders searched for fonts: ``LEGATION_FONT_DIRS`` (os.pathsep-separated) and Noto CJK."""
    extra = [d for d in os.environ.get("LEGATION_FONT_DIRS", "").split(os.pathsep) if d]
    return [d for d in [*extra, *CJK_FONT_DIRS] if Path(d).is_dir()]
