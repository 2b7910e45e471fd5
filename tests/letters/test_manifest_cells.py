"""A merge job's zip manifest neutralises spreadsheet formulas (``legation.core.spreadsheets``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from legation.letters.compose.letter_template import find_template
from legation.letters.merge import jobs
from legation.letters.merge.review import merge_job_create
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address, at


def test_the_job_zip_manifest_quotes_a_name_a_spreadsheet_would_run(
    embassy, posting, letters_officer
):
    person = factories.PersonFactory(mission=embassy, family_name="=HYPERLINK(1)", given_name="")
    add_address(person)
    factories.EngagementFactory(
        mission=embassy, people=[person], staff=[posting], start=at(dt.date(2022, 6, 1))
    )
    job = merge_job_create(
        actor=letters_officer, template=find_template("farewell"), segment="met-by=P-QIN",
        posting=posting, letter_date=LETTER_DATE,
    )  # fmt: skip
    name = jobs.write_zip(job, letters_officer)
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as fh, zipfile.ZipFile(fh) as archive:
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(manifest)))
    assert [r["status"] for r in rows] == ["not approved"]
    assert rows[0]["name"].startswith("'=HYPERLINK(1)")
