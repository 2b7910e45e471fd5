"""Untrusted files: malformed, oversized, zip bombs, entities, formulas, random bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legation.core.access import SYSTEM
from legation.intake import readers
from legation.intake.importers import ImportError_, preview
from legation.intake.mail import message_row
from legation.intake.mapping import MappingError, Template, parse_mapping
from legation.intake.readers import ReadError, decode, read_table
from legation.intake.vcard import cards
from legation.people.models import Person
from tests.intake.conftest import CORPUS


def test_utf8_with_bom_gb18030_and_semicolons_are_read(write):
    text = "ref;family_name;given_name;name_zh\nA1;Wang;Xiaoming;王小明\n"
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        # One short line of GB18030 also reads as Big5 or EUC-KR: it is named, not guessed.
        named = encoding if encoding == "gb18030" else ""
        table = read_table(write(f"p-{encoding}.csv", text, encoding), encoding=named)
        assert table.delimiter == ";"
        assert list(table.rows) == [
            (2, {"ref": "A1", "family_name": "Wang", "given_name": "Xiaoming", "name_zh": "王小明"})
        ]


def test_a_zip_bomb_is_refused_by_what_it_inflates_to(settings, write):
    settings.LEGATION_IMPORT_MAX_ZIP_INFLATED = 1_000_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    with pytest.raises(ReadError, match="zip bomb"):
        read_table(write("bomb.xlsx", buf.getvalue()))


def test_an_xlsx_with_too_many_parts_is_refused(settings, write):
    settings.LEGATION_IMPORT_MAX_ZIP_ENTRIES = 10
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(11):
            z.writestr(f"part{i}.xml", b"<a/>")
    with pytest.raises(ReadError, match="11 parts"):
        read_table(write("many.xlsx", buf.getvalue()))


def test_an_xml_entity_bomb_in_an_xlsx_is_not_expanded(write):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["ref", "family_name"])
    raw = io.BytesIO()
    book.save(raw)
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            sheet = item.filename == "xl/worksheets/sheet1.xml"
            dst.writestr(item, evil if sheet else src.read(item))
    with pytest.raises(ReadError, match="cannot be read"):
        list(read_table(write("evil.xlsx", out.getvalue())).rows)


def test_a_huge_file_is_refused_with_a_clear_message(settings, write):
    settings.LEGATION_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ReadError, match="larger than the 0 MB limit"):
        read_table(write("big.csv", "a,b\n" + "1,2\n" * 1000))


def test_binary_garbage_and_an_unreadable_xls_are_one_line_errors(mission, write):
    with pytest.raises(ImportError_, match="NUL bytes"):
        preview("people", write("x.csv", b"\x00\x01\x02"), actor=SYSTEM, mission=mission)
    with pytest.raises(ImportError_, match=r"Old \.xls"):
        preview("people", write("x.xls", b"\xd0\xcf\x11\xe0"), actor=SYSTEM, mission=mission)


def test_a_malformed_message_is_a_clear_error_not_a_crash():
    with pytest.raises(ValueError, match=r"header cannot be read|From|malformed"):
        message_row(
            (CORPUS / "malformed.eml").read_bytes(),
            ours=[],
            staff_emails=set(),
            letters=False,
            posting="",
        )


def test_mapping_templates_cannot_reach_attributes_or_code():
    assert Template("{a.__class__}").render({"a": "x"}) == ""
    with pytest.raises(MappingError, match="unknown filter"):
        Template("{a|eval}")
    with pytest.raises(MappingError, match="exactly one of"):
        parse_mapping({"fields": {"ref": {"column": "a", "value": "b"}}})


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_fail_cleanly(data):
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        assert "encoding" in str(exc)
        return
    assert isinstance(text, str) and encoding


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_any_text_splits_into_cards_without_crashing(text):
    for line, block in cards(text):
        assert line >= 1 and block.upper().startswith("BEGIN:VCARD")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=6), min_size=1, max_size=8))
def test_any_csv_is_planned_row_by_row_and_nothing_is_written(mission, tmp_path, rows):
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["ref", "family_name", "email", "sector", "phone"])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        report = preview("people", path, actor=SYSTEM, mission=mission)
    except ImportError_:
        return
    for issue in report.issues:
        assert issue.line >= 2 and issue.reason
    assert Person.objects.count() == 0


def test_readers_limit_defaults_are_sane():
    assert readers.MAX_BYTES >= 50 * 2**20 and readers.MAX_ZIP_ENTRIES >= 100
