from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.access import SYSTEM
from legation.core.models import Operation
from legation.intake.importers import commit, preview
from legation.intake.mapping import load_mapping
from legation.people.models import Organisation, Person
from tests import factories
from tests.conftest import rows_for_the_group, seed
from tests.intake.conftest import CONGRESS, MAPPING

HEADER = "ref,family_name,given_name,name_zh,title,organisation,sector,region,email,phone,salutation,tags,notes\n"


@pytest.fixture(scope="class")
def congress(django_db_setup, django_db_blocker):
    """The congress file imported once for the tests of the class (each runs in its own
    transaction within): (the mission, the import's report)."""

    def build():
        seed()
        mission = factories.MissionFactory(
            ref="EMB-US", name_en="Embassy in the United States", name_zh="驻美国大使馆"
        )
        report = commit(
            "people", CONGRESS, actor=SYSTEM, mission=mission, mapping=load_mapping(MAPPING)
        )
        return mission, report

    with rows_for_the_group(django_db_blocker, build) as imported:
        yield imported


@pytest.mark.django_db
class TestTheCongressFile:
    """One import of the 540 members for the three tests that read it (it takes seconds)."""

    def test_the_congress_file_imports_540_members_with_their_forms_of_address(self, congress):
        mission, report = congress
        assert report.counts == {"created": 540, "updated": 0, "matched": 0, "rejected": 0}
        people = Person.objects.filter(mission=mission)
        assert people.count() == 540
        assert set(people.values_list("sector__code", flat=True)) == {"legislature"}
        brown = people.get(ref="B000944")
        assert brown.region.code == "US-OH"
        assert brown.title == "Senator"
        assert brown.office == "United States Senator from Ohio"
        assert brown.forms_of_address().salutation_en == "Dear Senator Brown,"
        assert set(brown.tags.values_list("name", flat=True)) == {"Democrat", "Senate"}
        assert list(brown.phones.values_list("number", flat=True)) == ["+12022242315"]
        assert brown.addresses.get().lines.startswith("503 Hart Senate Office Building")
        assert brown.affiliations.get().organisation.name_en == "United States Senate"
        assert people.filter(ref__isnull=True).count() == 78  # the members-elect
        assert people.get(family_name="Britt", given_name="Katie").title == "Senator"
        assert people.get(family_name="Norton").title == "Delegate"
        assert (
            people.get(family_name="Norton").forms_of_address().salutation_en
            == "Dear Delegate Norton,"
        )
        assert (
            people.get(ref="K000009").office
            == "Representative for Ohio's 9th congressional district"
        )
        assert report.new_organisations == [
            "United States Senate",
            "United States House of Representatives",
        ]

    def test_the_congress_import_is_one_audited_operation(self, congress):
        _mission, report = congress
        operation = Operation.objects.get(pk=report.operation_id)
        assert operation.source == "import"
        assert operation.description == "import people us-congress-2022-12.csv"
        assert Person.history.filter(operation=operation).count() == 540
        assert set(Person.history.values_list("operation", flat=True)) == {operation.pk}

    def test_a_second_run_of_the_congress_file_creates_no_duplicates(self, congress):
        mission, _report = congress
        again = commit(
            "people", CONGRESS, actor=SYSTEM, mission=mission, mapping=load_mapping(MAPPING)
        )
        assert again.counts == {"created": 0, "updated": 0, "matched": 540, "rejected": 0}
        assert Person.objects.count() == 540
        assert Organisation.objects.count() == 2
        assert again.operation_id is None  # nothing changed: no operation in the audit trail


def test_a_dry_run_reports_everything_and_writes_nothing(mission):
    report = preview(
        "people", CONGRESS, actor=SYSTEM, mission=mission, mapping=load_mapping(MAPPING)
    )
    assert report.dry_run and not report.written
    assert report.count("created") == 540
    assert Person.objects.count() == 0 and Organisation.objects.count() == 0
    assert not Operation.objects.filter(source="import").exists()


def test_a_rejected_row_names_its_line_column_and_reason_and_nothing_is_written(mission, write):
    path = write(
        "people.csv",
        HEADER
        + "A1,Smith,Ann,,,,,,ann@example.org,,,,\nA2,Jones,Bob,,,,nowhere,,not-an-email,,,,\n",
    )
    report = commit("people", path, actor=SYSTEM, mission=mission)
    assert [str(i) for i in report.issues] == [
        "line 3, column sector: Unknown sector 'nowhere': use one of academia, business, civil_society, "
        "culture_sports, executive, legislature, media, public, subnational, think_tank.",
        "line 3, column email: 'not-an-email' is not a valid email address.",
    ]  # every problem of the row, not only the first
    assert not report.written
    assert Person.objects.count() == 0


def test_skip_rejected_writes_the_valid_rows(mission, write):
    path = write(
        "people.csv",
        HEADER + "A1,Smith,Ann,,,,,,ann@example.org,,,,\nA2,Jones,Bob,,,,,,not-an-email,,,,\n",
    )
    report = commit("people", path, actor=SYSTEM, mission=mission, skip_rejected=True)
    assert report.written
    assert report.issues[0].column == "email" and report.issues[0].line == 3
    assert list(Person.objects.values_list("ref", flat=True)) == ["A1"]


def test_matching_goes_by_ref_then_email_then_name(mission, write):
    commit(
        "people",
        write(
            "a.csv",
            HEADER
            + "R1,Lee,Ann,,,,,,ann@example.org,,,,\n,Wu,Kim,,,,,,kim@example.org,,,,\n,García,Jesús,,,,,,,,,,\n",
        ),
        actor=SYSTEM,
        mission=mission,
    )
    report = commit(
        "people",
        write(
            "b.csv",
            HEADER
            + "R1,Lee,Annie,,,,,,,,,,\n,Wu,K.,,,,,,KIM@example.org,,,,\n,Garcia,Jesus G.,,Representative,,,,,,,,\n",
        ),
        actor=SYSTEM,
        mission=mission,
    )
    assert [o.detail.split(":")[0] for o in report.outcomes] == ["by ref", "by email", "by name"]
    assert Person.objects.count() == 3
    assert Person.objects.get(ref="R1").given_name == "Annie"
    assert Person.objects.get(family_name="García").title == "Representative"


def test_an_ambiguous_name_is_rejected_rather_than_guessed(mission, write):
    commit(
        "people",
        write("a.csv", HEADER + "X1,Smith,John,,,,,,,,,,\nX2,Smith,John,,,,,,,,,,\n"),
        actor=SYSTEM,
        mission=mission,
    )
    report = commit(
        "people", write("b.csv", HEADER + ",Smith,John,,,,,,,,,,\n"), actor=SYSTEM, mission=mission
    )
    assert report.count("rejected") == 1
    assert "matches several people" in report.issues[0].reason


def test_a_chinese_name_matches_its_pinyin_spelling(mission, write):
    commit("people", write("a.csv", HEADER + ",,,王小明,,,,,,,,,\n"), actor=SYSTEM, mission=mission)
    report = commit(
        "people",
        write("b.csv", HEADER + ",Wang,Xiaoming,,,,,,,,,,\n"),
        actor=SYSTEM,
        mission=mission,
    )
    assert report.count("created") == 0
    assert Person.objects.get().name_zh == "王小明"


def test_the_import_command_prints_the_report_and_fails_on_rejections(mission, write):
    out = StringIO()
    call_command(
        "import", "people", str(CONGRESS), "--mapping", str(MAPPING), "--dry-run", stdout=out
    )
    assert (
        "540 created" in out.getvalue() and "line      2  created  Sherrod Brown" in out.getvalue()
    )
    with pytest.raises(CommandError, match="1 row\\(s\\) rejected; nothing was written"):
        call_command(
            "import",
            "people",
            str(write("p.csv", HEADER + ",,,,,,,,a@b.org,,,,\n")),
            stdout=StringIO(),
        )


def test_a_missing_column_or_wrong_mapping_is_one_clear_line(mission, write):
    with pytest.raises(CommandError, match="The file has no date, kind, subject column"):
        call_command(
            "import", "engagements", str(write("e.csv", "foo,bar\n1,2\n")), stdout=StringIO()
        )
    bad = write("m.toml", '[fields]\nref = { column = "nope" }\n')
    with pytest.raises(CommandError, match="uses column\\(s\\) nope, which the file does not have"):
        call_command("import", "people", str(CONGRESS), "--mapping", str(bad), stdout=StringIO())


def test_an_officer_of_another_mission_cannot_import_into_this_one(mission, outsider):
    with pytest.raises(CommandError, match="No mission"):
        call_command(
            "import",
            "people",
            str(CONGRESS),
            "--mission",
            "EMB-US",
            "--as",
            "outsider",
            stdout=StringIO(),
        )


def test_a_reader_may_not_import(mission, reader, write):
    path = write("p.csv", HEADER + "A1,Smith,Ann,,,,,,,,,,\n")
    with pytest.raises(CommandError, match="does not allow"):
        call_command("import", "people", str(path), "--as", "reader", stdout=StringIO())


def test_the_language_column_sets_the_preferred_language_and_exports_again(mission, tmp_path):
    import csv
    import io

    from legation.intake.exporters import export

    path = tmp_path / "people.csv"
    path.write_text(
        "ref,family_name,given_name,language\nL1,Li,Ming,中文\nL2,Smith,Ann,English\nL3,Doe,Jo,\n",
        encoding="utf-8",
    )
    report = commit("people", path, actor=SYSTEM, mission=mission)
    assert report.counts["created"] == 3, report.issues
    languages = dict(Person.objects.values_list("ref", "preferred_language"))
    assert languages == {"L1": "zh", "L2": "en", "L3": ""}
    out = io.BytesIO()
    export("people", "csv", out, user=SYSTEM)
    rows = csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")))
    assert {r["ref"]: r["language"] for r in rows} == {"L1": "zh", "L2": "en", "L3": ""}
    path.write_text("ref,family_name,language\nL4,Roe,Klingon\n", encoding="utf-8")
    report = preview("people", path, actor=SYSTEM, mission=mission)
    assert report.counts["rejected"] == 1 and "language" in str(report.issues)


def test_every_imported_person_has_a_history_in_one_operation_naming_the_file(mission, write):
    path = write(
        "people.csv", HEADER + "R1,Brown,Sherrod,,Senator,,,,,,,ohio,\nR2,Carter,Jimmy,,,,,,,,,,\n"
    )
    report = commit("people", path, actor=SYSTEM, mission=mission)
    assert report.counts["created"] == 2, report.issues
    operation = Operation.objects.get(pk=report.operation_id)
    assert "people.csv" in operation.description and operation.source == "import"
    for person in Person.objects.filter(mission=mission):
        rows = Person.history.filter(id=person.pk)
        assert {r.operation_id for r in rows} == {operation.pk}
        assert rows.filter(history_type="+").count() == 1
