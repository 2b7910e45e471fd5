"""A private copy of the SQLite database: what previews and backups read and write."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from legation.core.access import SYSTEM
from legation.core.dbcopy import private_copy
from legation.core.models import Mission
from legation.intake.importers import preview
from legation.people.models import Person

HEADER = "ref,family_name,given_name,name_zh,title,organisation,sector,region,email\n"


@pytest.fixture
def committed_mission(transactional_db, seeded):
    """Committed rows (a copy sees what is committed, as another connection would)."""
    from tests import factories

    return factories.MissionFactory(ref="EMB-US", name_en="Embassy", name_zh="大使馆")


def test_writes_in_the_copy_never_reach_the_database(committed_mission):
    with private_copy("test") as copied:
        assert copied == (connection.vendor == "sqlite")
        assert Mission.objects.filter(ref="EMB-US").exists()  # the copy has the rows
        if copied:
            Mission.objects.filter(ref="EMB-US").update(name_en="Changed in the copy")
    assert Mission.objects.get(ref="EMB-US").name_en == "Embassy"


def test_inside_a_transaction_there_is_no_copy(committed_mission):
    with transaction.atomic(), private_copy("test") as copied:
        assert not copied


def test_a_preview_on_the_copy_reports_every_row_and_writes_nothing(committed_mission, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        HEADER
        + "P1,Smith,Ann,,,,business,US-CA,ann@example.org\n"
        + "P2,Jones,Bob,,,,nowhere,US-CA,bob@example.org\n"
        + "P3,Lee,Cy,,,Acme Institute,business,US-NY,\n"
    )
    report = preview("people", path, actor=SYSTEM, mission=committed_mission)
    assert report.dry_run and not report.written
    assert report.counts == {"created": 2, "updated": 0, "matched": 0, "rejected": 1}
    assert [(i.line, i.column) for i in report.issues] == [(3, "sector")]
    assert report.new_organisations == ["Acme Institute"]
    assert not Person.objects.exists()
    from legation.core.models import Operation

    assert not Operation.objects.filter(source="import").exists()
