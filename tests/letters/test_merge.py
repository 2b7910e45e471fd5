"""Merges: one file per recipient, manifest, combined PDF, letters recorded unless draft."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pypdf
import pytest
from django.core.exceptions import PermissionDenied

from legation.core.models import Operation, SecurityEvent
from legation.engagements.models import Engagement
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import production as merge
from legation.letters.models import LetterRecord
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address


def people(embassy, n, with_address=True):
    out = []
    for i in range(n):
        p = factories.PersonFactory(mission=embassy, family_name=f"Smith{i}", given_name="Ann",
                                    title="Senator")  # fmt: skip
        if with_address:
            add_address(p, email=f"ann{i}@example.org")
        out.append(p)
    return out


def run(actor, posting, recipients, tmp_path, **kw):
    options = {"fmt": "pdf", "draft": False, "combined": False, "workers": 1} | kw
    return merge.produce(
        actor=actor, templates={"en": find_template("farewell")},
        recipients=[merge.Recipient(p) for p in recipients], posting=posting,
        letter_date=LETTER_DATE, out_dir=tmp_path / "out", **options,
    )  # fmt: skip


def test_merge_records_a_letter_sent_engagement_with_its_file_on_each_timeline(
    tmp_path, embassy, posting, letters_officer
):
    recipients = people(embassy, 3)
    result = run(letters_officer, posting, recipients, tmp_path, combined=True)
    assert len(result.rendered) == 3 and result.recorded == 3
    for person in recipients:
        engagement = Engagement.objects.get(people=person, kind="letter_sent")
        assert list(engagement.staff.all()) == [posting]
        record = LetterRecord.objects.get(engagement=engagement)
        data = Path(record.file.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record.checksum
        assert record.template_name == "farewell.en"
    operations = {
        e.history.first().operation_id for e in Engagement.objects.filter(kind="letter_sent")
    }
    assert len(operations) == 1  # the batch is one audited operation
    assert Operation.objects.get(pk=operations.pop()).actor == letters_officer
    assert len(pypdf.PdfReader(result.combined).pages) == 3
    event = SecurityEvent.objects.get(kind="merge")
    assert event.user == letters_officer and event.detail["recorded"] == 3


def test_a_draft_merge_records_nothing(tmp_path, embassy, posting, letters_officer):
    result = run(letters_officer, posting, people(embassy, 2), tmp_path, draft=True)
    assert len(result.rendered) == 2
    assert not Engagement.objects.filter(kind="letter_sent").exists()
    assert SecurityEvent.objects.get(kind="merge").detail["draft"] is True


def test_people_without_an_address_for_the_channel_are_listed_in_the_manifest(
    tmp_path, embassy, posting, letters_officer
):
    reachable, unreachable = people(embassy, 1), people(embassy, 1, with_address=False)
    result = run(letters_officer, posting, reachable + unreachable, tmp_path, fmt="eml")
    rows = list(csv.DictReader(result.manifest.open(encoding="utf-8")))
    status = {int(r["person_id"]): r["status"] for r in rows}
    assert status == {reachable[0].pk: "rendered", unreachable[0].pk: "skipped: no email"}
    assert rows[0]["file"].endswith(".eml") or rows[1]["file"].endswith(".eml")
    assert result.recorded == 1


def test_a_reader_cannot_merge_for_sending(tmp_path, embassy, posting, letters_reader):
    with pytest.raises(PermissionDenied):
        run(letters_reader, posting, people(embassy, 1), tmp_path)


def test_recipients_the_user_cannot_see_get_no_letter(tmp_path, embassy, posting, letters_officer):
    stranger = factories.PersonFactory(mission=factories.MissionFactory())
    add_address(stranger)
    result = run(letters_officer, posting, [stranger, *people(embassy, 1)], tmp_path)
    assert [o.person.pk for o in result.outcomes] != [] and stranger.pk not in {
        o.person.pk for o in result.outcomes
    }
    assert not Engagement.objects.filter(people=stranger).exists()


def test_a_pool_of_worker_processes_renders_a_bigger_merge(
    tmp_path, embassy, posting, letters_officer
):
    recipients = people(embassy, merge.BATCH + 5)
    result = run(letters_officer, posting, recipients, tmp_path, workers=2, draft=True)
    assert len(result.rendered) == len(recipients)
    assert all(Path(o.path).read_bytes()[:5] == b"%PDF-" for o in result.rendered)
