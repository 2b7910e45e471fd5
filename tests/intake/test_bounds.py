"""Inputs that used to be unbounded: endless repeats, padded sheets, guessed encodings, far dates."""

from __future__ import annotations

import datetime as dt
import tracemalloc

from legation.core.access import SYSTEM
from legation.engagements.models import Engagement
from legation.intake.sources import import_source
from tests.homes import migrated_sqlite
from tests.intake.test_web_import import as_client, count, send, text

# ---------------------------------------------------------------------------------------------
# Calendars: a repeat without end is generated one occurrence at a time and cut at the limit.

EVERY_SECOND = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:tick@test\r\nDTSTART:20260101T000000Z\r\nDTEND:20260101T000001Z\r\n"
    "RRULE:FREQ=SECONDLY\r\nSUMMARY:Tick\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:lunch@test\r\nDTSTART:20260101T120000Z\r\nDTEND:20260101T130000Z\r\n"
    "SUMMARY:Lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _peak(fn):
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_repeat_every_second_without_end_stops_at_the_limit_while_generating(
    mission, write, settings
):
    settings.LEGATION_IMPORT_MAX_OCCURRENCES = 200
    tick = write("tick.ics", EVERY_SECOND)
    lunch = write("lunch.ics", EVERY_SECOND.replace("FREQ=SECONDLY", "FREQ=SECONDLY;COUNT=200"))

    def dry_run(path):
        return import_source(
            "ics",
            path,
            actor=SYSTEM,
            mission=mission,
            date_from=dt.date(2026, 1, 1),
            until=dt.date(2026, 1, 1),
            dry_run=True,
        )

    # One day of the range is 86,400 occurrences: listing them first took 37 s and 180 MB.
    # Read one at a time, they cost what the first 200 of them cost alone.
    _, base = _peak(lambda: dry_run(lunch))
    report, peak = _peak(lambda: dry_run(tick))
    assert peak < base + 5 * 2**20, f"{peak / 2**20:.0f} MB, {base / 2**20:.0f} MB without repeats"
    assert report.count("created") == 201  # 200 ticks and the lunch
    assert report.warnings == [
        "line 1: event 'Tick' repeats more than 200 times between 2026-01-01 and 2026-01-01; "
        "only the first 200 were read (narrow the range with --from and --until)."
    ]
    assert "warnings" in report.as_dict() and not Engagement.objects.exists()


def test_a_repeat_far_before_the_range_and_a_crowded_calendar_are_cut_and_reported(
    mission, write, settings
):
    settings.LEGATION_IMPORT_MAX_OCCURRENCE_STEPS = 5_000
    path = write("tick.ics", EVERY_SECOND.replace("20260101T00000", "20250101T00000"))
    report = import_source(
        "ics", path, actor=SYSTEM, mission=mission, date_from=dt.date(2026, 1, 1), dry_run=True
    )
    assert report.count("created") == 1  # the lunch; the tick is not expanded
    assert "repeats more than 5,000 times before 2026-01-01" in report.warnings[0]

    settings.LEGATION_IMPORT_MAX_CALENDAR_OCCURRENCES = 50
    daily = EVERY_SECOND.replace("FREQ=SECONDLY", "FREQ=DAILY")
    report = import_source(
        "ics", write("daily.ics", daily), actor=SYSTEM, mission=mission, dry_run=True
    )
    assert report.count("created") == 50
    assert "The calendar has more than 50 occurrences" in report.warnings[-1]


def test_the_calendar_preview_on_the_web_is_cut_at_the_limit_and_says_so(
    client, officer, mission, settings, tmp_path
):
    settings.LEGATION_IMPORT_MAX_OCCURRENCES = 50
    as_client(client, officer)
    page = send(
        client,
        "ics",
        "tick.ics",
        EVERY_SECOND.encode(),
        mission=mission,
        date_from="2026-01-01",
        until="2026-01-01",
    )
    assert page.status_code == 200
    assert count(page, "created") == 51
    assert "repeats more than 50 times between 2026-01-01 and 2026-01-01" in text(page)
    assert 'id="import-warnings"' in page.content.decode()


# ---------------------------------------------------------------------------------------------
# XLSX: only the header's columns are read, whatever the rows hold or the sheet's size claims.


def _padded_xlsx(rows: int, *, header: bool = False) -> bytes:
    """A sheet whose every row (the header too, if `header`) has a blank cell in the last column
    (XFD), and no <dimension> to say how wide it is: each row used to be read as 16,384 cells."""
    import io
    import re
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ref", "family_name", "given_name"])
    for i in range(rows):
        sheet.append([f"P{i}", f"Family{i}", "Ann"])
    for r in range(1 if header else 2, rows + 2):
        sheet.cell(r, 16384).value = " "
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            dst.writestr(item, data)
    return out.getvalue()


def test_a_sheet_padded_to_16384_columns_reads_only_the_headers_columns(write):
    import time

    from legation.intake.readers import read_table

    path = write("padded.xlsx", _padded_xlsx(2_000))
    started = time.perf_counter()
    table = read_table(path)
    rows = list(table.rows)
    seconds = time.perf_counter() - started
    assert table.columns == ["ref", "family_name", "given_name"]
    assert len(rows) == 2_000 and rows[-1] == (
        2_001,
        {"ref": "P1999", "family_name": "Family1999", "given_name": "Ann"},
    )
    # 2,000 rows of 16,384 cells took 15 s; 2,000 rows of 3 take a tenth of a second.
    assert seconds < 3, f"{seconds:.1f} s"
    # A header padded the same way is as wide as its names, not 16,384 columns.
    table = read_table(write("padded-header.xlsx", _padded_xlsx(10, header=True)))
    assert table.columns == ["ref", "family_name", "given_name"] and len(list(table.rows)) == 10


# ---------------------------------------------------------------------------------------------
# Encodings: certain, or named; never a guess read as mojibake.

NAMES = "ref,family_name,given_name,name_zh,city\nA1,Müller,Zoë,,\nA2,Wang,,王小明,北京\n"
LATIN = "ref,family_name,given_name,city\nA1,Müller,Zoë,Köln\n"
JAPANESE = "ref,family_name,name_zh,city\nA1,Tanaka,田中太郎,東京\n"
CHINESE = "ref,family_name,name_zh,city\nA1,Wang,王小明,北京\n"


def _people(report) -> str:
    """What the rows to create hold (names in Latin script and in characters)."""
    return str([(o.label, o.payload) for o in report.outcomes if o.action == "created"])


def test_utf8_utf8_bom_and_utf16_are_read_and_named(mission, write):
    from legation.intake.importers import preview

    for encoding, shown in (("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")):
        report = preview(
            "people", write(f"{encoding}.csv", NAMES, encoding), actor=SYSTEM, mission=mission
        )
        assert report.encoding == shown
        labels = _people(report)
        assert "Müller" in labels and "Zoë" in labels and "王小明" in labels, labels


def test_latin1_shift_jis_and_gb18030_are_never_read_as_another_encoding(mission, write):
    """Latin-1 "Müller" used to become GB18030 "M黮ler", Shift-JIS "東京" GB18030 "搶嫗"."""
    import pytest

    from legation.intake.importers import ImportError_, preview

    cases = (
        (LATIN, "latin-1", "Müller", "gb18030"),
        (JAPANESE, "shift_jis", "田中太郎", "gb18030"),
        (CHINESE, "gb18030", "王小明", "big5"),
    )
    for text_, encoding, right, misread_as in cases:
        wrong = right.encode(encoding).decode(misread_as, errors="replace")
        path = write(f"{encoding}.csv", text_, encoding)
        with pytest.raises(ImportError_, match="cannot be told for certain") as refused:
            preview("people", path, actor=SYSTEM, mission=mission)
        assert right in str(refused.value) and "--encoding" in str(refused.value)
        report = preview("people", path, actor=SYSTEM, mission=mission, encoding=encoding)
        assert right in _people(report) and wrong not in _people(report)
    # Told the wrong encoding, a file that cannot be read in it says so, with the line.
    with pytest.raises(ImportError_, match="not utf-8: line 2"):
        preview(
            "people",
            write("l.csv", LATIN, "latin-1"),
            actor=SYSTEM,
            mission=mission,
            encoding="utf-8",
        )
    with pytest.raises(ImportError_, match="Unknown encoding 'klingon'"):
        preview(
            "people",
            write("l.csv", LATIN, "latin-1"),
            actor=SYSTEM,
            mission=mission,
            encoding="klingon",
        )


def test_longer_files_are_detected_with_certainty(mission, write):
    from legation.intake.importers import preview

    japanese = "ref,family_name,name_zh,city\n" + "".join(
        f"J{i},X,{n},{c}\n"
        for i, (n, c) in enumerate(
            zip(
                ["田中太郎", "佐藤花子", "鈴木一郎", "高橋健", "渡辺美咲"],
                ["東京", "大阪", "京都", "横浜", "名古屋"],
                strict=True,
            )
        )
    )
    report = preview("people", write("jp.csv", japanese, "cp932"), actor=SYSTEM, mission=mission)
    assert report.encoding == "cp932" and "田中太郎" in _people(report)


def test_the_dry_run_shows_the_encoding_and_encoding_is_an_option(mission, tmp_path, write):
    from tests.intake.conftest import run_cli

    home = tmp_path / "home"
    migrated_sqlite(home)
    assert run_cli("init", home=home).returncode == 0
    assert (
        run_cli(
            "import", "missions", str(write("m.csv", "ref,name_en\nM1,Mission\n")), home=home
        ).returncode
        == 0
    )
    path = write("latin.csv", LATIN, "latin-1")
    refused = run_cli("import", "people", str(path), "--dry-run", home=home)
    assert refused.returncode != 0 and "cannot be told for certain" in refused.stderr
    assert "M黮ler" not in refused.stdout + refused.stderr
    named = run_cli("import", "people", str(path), "--dry-run", "--encoding", "latin-1", home=home)
    assert named.returncode == 0, named.stderr
    assert "encoding: iso8859-1" in named.stdout and "Müller" in named.stdout


def test_the_import_page_asks_for_the_encoding_and_shows_the_one_used(client, officer, mission):
    as_client(client, officer)
    latin = LATIN.encode("latin-1")
    asked = send(client, "people", "latin.csv", latin, mission=mission)
    assert asked.status_code == 400
    assert "cannot be told for certain" in text(asked) and 'name="encoding"' in text(asked)
    named = send(client, "people", "latin.csv", latin, mission=mission, encoding="latin-1")
    assert named.status_code == 200 and count(named, "created") == 1
    assert "Müller" in text(named) and "iso8859-1" in text(named)
    plain = send(client, "people", "utf8.csv", NAMES.encode(), mission=mission)
    assert 'id="import-encoding">utf-8<' in plain.content.decode()
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    asked = send(client, "people", "latin.csv", latin, mission=mission)
    assert asked.status_code == 400
    assert "无法确定文件的编码" in text(asked) and "导入页面的“字符编码”栏" in text(asked)


# ---------------------------------------------------------------------------------------------
# Dates: 1800-01-01..2199-12-31 wherever a date comes in, with the same clear error.

INSIGHT = ["/insight/", "/insight/coverage/", "/insight/quiet/", "/insight/handover/"]


def test_insight_pages_refuse_dates_out_of_range_at_once(client, officer, ambassador_posting):
    import time

    client.force_login(officer)
    for url in INSIGHT:
        for query in ("as_of=9999-12-31", "as_of=5000-01-01", "from=0001-01-01", "as_of=nonsense"):
            started = time.perf_counter()
            page = client.get(f"{url}?posting=P-HOM&{query}")
            assert page.status_code == 400, (url, query, page.status_code)
            assert time.perf_counter() - started < 2, (url, query)
            body = page.content.decode()
            assert "out of range: dates run from 1800-01-01 to 2199-12-31" in body or (
                "is not a date" in body
            ), body
    network = client.get(f"/insight/people/{ambassador_posting.person.pk}/?as_of=9999-12-31")
    assert network.status_code == 400
    assert client.get("/insight/?posting=P-HOM&as_of=2199-12-31").status_code == 200


def test_command_options_refuse_dates_out_of_range(ambassador_posting):
    import pytest
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bounds = "out of range: dates run from 1800-01-01 to 2199-12-31"
    with pytest.raises(CommandError, match=f"--as-of: 5000-01-01 is {bounds}"):
        call_command("stats", "--posting", "P-HOM", "--as-of", "5000-01-01")
    with pytest.raises(CommandError, match=f"--from: 1000-01-01 is {bounds}"):
        call_command("report", "coverage", "--from", "1000-01-01", "--format", "json", "-o", "x")
    with pytest.raises(CommandError, match=f"--until: 9999-12-31 is {bounds}"):
        call_command("import", "ics", "nothing.ics", "--until", "9999-12-31")


def test_imported_dates_and_form_dates_out_of_range_are_rejected(client, officer, mission, write):
    from legation.intake.importers import preview

    rows = (
        "date,kind,subject\n2024-05-01,meeting,Fine\n9999-12-31,meeting,Far\n"
        "0001-01-01T10:00,meeting,Early\n"
    )
    report = preview("engagements", write("e.csv", rows), actor=SYSTEM, mission=mission)
    assert report.counts["created"] == 1 and report.counts["rejected"] == 2
    reasons = [str(i) for i in report.issues]
    assert reasons == [
        "line 3, column date: 9999-12-31 is out of range: dates run from 1800-01-01 to 2199-12-31.",
        "line 4, column date: 0001-01-01 is out of range: dates run from 1800-01-01 to 2199-12-31.",
    ]
    as_client(client, officer)
    page = send(
        client, "ics", "tick.ics", EVERY_SECOND.encode(), mission=mission, until="9999-12-31"
    )
    assert page.status_code == 400
    assert "out of range: dates run from 1800-01-01 to 2199-12-31" in text(page)
