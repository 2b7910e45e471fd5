"""The spreadsheet-formula guard (``legation.core.spreadsheets``): the rule, and every export that
writes CSV or XLSX going through it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from legation.core.spreadsheets import neutralise, safe_cell, unquote

RISKY = ["=1+1", "+1", "-2", "@SUM(A1)", "\tcmd", "\r=x", '=HYPERLINK("http://evil.example","x")']
SRC = Path(__file__).resolve().parents[2] / "src" / "legation"


@pytest.mark.parametrize("value", RISKY)
def test_cells_that_a_spreadsheet_would_evaluate_are_quoted_and_unquoted_again(value):
    assert neutralise(value) == "'" + value
    assert safe_cell(value) == "'" + value
    assert unquote(neutralise(value)) == value


@pytest.mark.parametrize("value", ["Carter", "a=b", "1-2", "", "'quoted", "卡特", " =x"])
def test_other_text_is_left_as_it_is(value):
    assert neutralise(value) == value == safe_cell(value) == unquote(value)


def test_numbers_stay_numbers_for_xlsx_and_become_text_for_csv():
    assert neutralise(-2) == -2 and neutralise(None) is None
    assert safe_cell(-2) == "'-2" and safe_cell(None) == "" and safe_cell(42) == "42"


# Every module that writes CSV or XLSX, and so must neutralise its cells.
WRITERS = {
    "ui/lists.py",
    "insight/reports.py",
    "intake/exporters.py",
    "letters/merge/production.py",
    "letters/merge/jobs.py",
}


def test_every_csv_or_xlsx_writer_uses_the_one_guard():
    writers, definers = set(), set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(SRC).as_posix()
        if re.search(r"csv\.(writer|DictWriter)\(|openpyxl\.Workbook\(|\bWorkbook\(", text):
            writers.add(name)
            assert "from legation.core.spreadsheets import" in text, name
        if re.search(r"""\(\s*["']=["'],\s*["']\+["'],\s*["']-["'],\s*["']@["']""", text):
            definers.add(name)
    assert writers == WRITERS
    assert definers == {"core/spreadsheets.py"}


def test_a_report_csv_neutralises_its_cells():
    from legation.insight.reports import to_csv

    person = {"id": 7, "name": "=cmd|' /C calc'!A0"}
    data = {"kind": "quiet", "quiet": [{"person": person, "engagements": 1, "last": "2024-01-01",
                                        "days_quiet": 400, "rhythm_days": -3}]}  # fmt: skip
    rows = list(csv.reader(io.StringIO(to_csv(data).decode("utf-8-sig"))))
    assert rows[1] == ["7", "'=cmd|' /C calc'!A0", "1", "2024-01-01", "400", "'-3"]


def test_a_merge_manifest_neutralises_its_cells(tmp_path):
    from legation.letters.merge.production import Outcome, write_manifest

    person = SimpleNamespace(pk=3, ref="P-X", full_name="@SUM(A1)", name_zh="+卡特")
    path = write_manifest(tmp_path / "manifest.csv", [Outcome(person, "en", warnings=["-x"])])
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[1][2:4] == ["'@SUM(A1)", "'+卡特"] and rows[1][-1] == "'-x"
