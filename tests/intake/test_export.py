from __future__ import annotations

import csv
import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.access import SYSTEM
from legation.core.models import SecurityEvent
from legation.intake.exporters import export
from legation.intake.importers import commit
from tests import factories


def test_a_csv_export_neutralises_formulas_and_imports_again(staffed, tmp_path):
    staffed["carter"].office = '=HYPERLINK("http://evil.example","x")'
    staffed["carter"].save()
    out = io.BytesIO()
    assert export("people", "csv", out, user=SYSTEM) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    carter = next(r for r in rows if r["ref"] == "P-CARTER")
    assert carter["office"].startswith("'=HYPERLINK")
    path = tmp_path / "people.csv"
    path.write_bytes(out.getvalue())
    report = commit("people", path, actor=SYSTEM, mission=staffed["mission"])
    assert report.counts["matched"] == 3, report.issues


def test_an_xlsx_export_holds_text_not_formulas(staffed, tmp_path):
    staffed["carter"].office = "=1+1"
    staffed["carter"].save()
    path = tmp_path / "people.xlsx"
    call_command(
        "export",
        "people",
        "--format",
        "xlsx",
        "-o",
        str(path),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    values = [row[header.index("office")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+1" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exports_hold_only_what_the_user_may_see_and_are_recorded(staffed, public_reader, outsider):
    factories.EngagementFactory(mission=staffed["mission"], subject="Open", sensitivity=0)
    factories.EngagementFactory(mission=staffed["mission"], subject="Internal", sensitivity=1)
    out = StringIO()
    call_command("export", "engagements", "--format", "json", "--as", "public", stdout=out)
    data = json.loads(out.getvalue())
    assert [e["subject"] for e in data["engagements"]] == ["Open"]
    out = StringIO()
    call_command("export", "people", "--format", "json", "--as", "outsider", stdout=out)
    assert json.loads(out.getvalue())["people"] == []
    event = SecurityEvent.objects.filter(kind="export").first()
    assert event.username == "outsider" and event.detail["what"] == "people"


def test_a_vcard_export_reads_back_as_contacts(staffed, tmp_path):
    path = tmp_path / "people.vcf"
    call_command(
        "export", "people", "--format", "vcf", "-o", str(path), stdout=StringIO(), stderr=StringIO()
    )
    text = path.read_text()
    assert text.count("BEGIN:VCARD") == 3 and "EMAIL:jimmy@carter.example" in text
    with pytest.raises(CommandError, match="vCard is for people only"):
        call_command("export", "engagements", "--format", "vcf", stdout=StringIO())
