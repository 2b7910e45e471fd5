from __future__ import annotations

import datetime as dt
import shutil

from django.utils import timezone

from legation.core.access import SYSTEM
from legation.engagements.models import Engagement
from legation.intake.models import Attachment
from legation.intake.sources import import_source
from legation.people.models import EmailAddress, Person
from tests.intake.conftest import CORPUS


def test_a_vcard_file_brings_every_good_card_and_reports_the_broken_ones(mission):
    report = import_source(
        "vcard", CORPUS / "contacts.vcf", actor=SYSTEM, mission=mission, skip_rejected=True
    )
    assert report.count("created") == 3
    assert report.count("rejected") == 2 and report.written
    wang = Person.objects.get(name_zh="王小明")
    assert (wang.family_name, wang.given_name) == ("Wang", "Xiaoming")
    assert sorted(wang.emails.values_list("email", flat=True)) == [
        "wang@bank.example",
        "xiaoming@home.example",
    ]
    assert wang.affiliations.get().organisation.name_en == "Bank of Georgia"
    carter = Person.objects.get(family_name="Carter")
    assert carter.title == "President" and carter.office == "Former President of the United States"
    assert set(carter.tags.values_list("name", flat=True)) == {"farewell", "vip"}
    assert any("not a number" in n for n in report.notes)
    assert Person.objects.get(family_name="Smith").addresses.get().city == "Atlanta"
    again = import_source(
        "vcard", CORPUS / "contacts.vcf", actor=SYSTEM, mission=mission, skip_rejected=True
    )
    assert again.count("created") == 0 and again.count("matched") == 3


def test_a_calendar_becomes_engagements_with_repeats_zones_and_attendees(staffed):
    EmailAddress.objects.create(person=staffed["brown"], email="sherrod@senate.example")
    report = import_source(
        "ics",
        CORPUS / "calendar.ics",
        actor=SYSTEM,
        mission=staffed["mission"],
        date_from=dt.date(2022, 3, 1),
        until=dt.date(2022, 3, 31),
        skip_rejected=True,
    )
    assert report.count("rejected") == 1  # the broken event, alone
    breakfast = Engagement.objects.get(subject="Breakfast with Sherrod Brown")
    assert breakfast.start == dt.datetime(2022, 3, 1, 17, 0, tzinfo=dt.UTC)  # 9:00 in Los Angeles
    assert breakfast.duration == dt.timedelta(minutes=90)
    assert set(breakfast.people.all()) == {staffed["brown"], staffed["carter"]}
    assert list(breakfast.staff.all()) == [staffed["posting"]]
    assert any("Unknown Person" in n for n in report.notes)
    assert Engagement.objects.filter(subject="Weekly call").count() == 4  # March only
    assert not Engagement.objects.filter(subject="State fair").exists()  # April: out of range
    again = import_source(
        "ics",
        CORPUS / "calendar.ics",
        actor=SYSTEM,
        mission=staffed["mission"],
        date_from=dt.date(2022, 3, 1),
        until=dt.date(2022, 4, 30),
        skip_rejected=True,
    )
    assert again.count("matched") == 5 and again.count("created") == 5  # 4 more calls, the fair
    fair = Engagement.objects.get(subject="State fair")
    assert timezone.localtime(fair.start).hour == 12


def test_mail_becomes_engagements_with_the_message_attached(staffed, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    for name in ("letter.eml", "box.mbox", "malformed.eml"):
        shutil.copy(CORPUS / name, folder / name)
    (folder / "link.eml").symlink_to("/etc/passwd")
    report = import_source(
        "mail", folder, actor=SYSTEM, mission=staffed["mission"], letters=True, skip_rejected=True
    )
    assert report.count("created") == 2
    assert report.count("rejected") == 3, report.issues
    thanks = Engagement.objects.get(subject="Thank you for the visit")
    assert thanks.kind == "letter_received"
    assert list(thanks.people.all()) == [staffed["carter"]]
    assert list(thanks.staff.all()) == [staffed["posting"]]
    attachment = Attachment.objects.get(engagement=thanks)
    assert attachment.file.read().startswith(b"From: Jimmy Carter")
    reply = Engagement.objects.get(subject="Re: Thank you for the visit")
    assert reply.kind == "letter_sent"
    assert any("stranger@else.example" in n for n in report.notes)
    again = import_source(
        "mail", folder, actor=SYSTEM, mission=staffed["mission"], letters=True, skip_rejected=True
    )
    assert again.count("created") == 0 and Attachment.objects.count() == 2


def test_a_mail_dry_run_leaves_no_message_file_behind(staffed, tmp_path, settings):
    """The rehearsal rolls the rows back; the files kept for them go too (none names them)."""
    from pathlib import Path

    folder = tmp_path / "mail"
    folder.mkdir()
    shutil.copy(CORPUS / "letter.eml", folder / "letter.eml")
    media = Path(settings.MEDIA_ROOT)
    report = import_source(
        "mail", folder, actor=SYSTEM, mission=staffed["mission"], letters=True, dry_run=True
    )
    assert report.count("created") == 1 and not report.written
    assert not [p for p in media.rglob("*") if p.is_file()]
    # A real run keeps the file, named by its attachment row.
    import_source("mail", folder, actor=SYSTEM, mission=staffed["mission"], letters=True)
    kept = [p for p in media.rglob("*") if p.is_file()]
    assert len(kept) == 1
    assert Attachment.objects.get().file.path == str(kept[0])
