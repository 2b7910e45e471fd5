"""The spreadsheet-formula guard: a cell a spreadsheet would evaluate is written as text.

A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and Google Sheets when a CSV or XLSX file is opened ("CSV injection"), so
every export (list pages, reports, intake exports, a merge's manifests) prefixes such a value
with ``'``. Imports take the prefix off again (``unquote``), so an exported file imports as it
was. Nothing here knows what is exported; it is the one place the rule lives.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = tuple("'" + p for p in FORMULA_PREFIXES)


def neutralise(value: Any) -> Any:
    """The value for a cell: a risky string prefixed with ``'``; anything else as it is (an XLSX
    keeps its numbers and dates)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_cell(value: Any) -> str:
    """The value as CSV text that no spreadsheet runs as a formula (``None`` is empty)."""
    return neutralise("" if value is None else str(value))


def unquote(value: str) -> str:
    """Undo ``neutralise`` ('=SUM… back to =SUM…), so an exported file imports again.

    Harmless on import: legation stores text and never evaluates a cell.
    """
    return value[1:] if value.startswith(_QUOTED) else value
