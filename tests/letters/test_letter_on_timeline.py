"""A letter sent opens from the recipient's timeline: its file, served only to users who may see
its record (as sensitive as its engagement); "not found" to anyone else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from legation.core.models import Sensitivity
from legation.letters.models import LetterRecord
from legation.letters.services import SentLetter, letter_record
from tests import factories

PDF = b"%PDF-1.7 the letter\n%%EOF\n"


@pytest.fixture
def recipient(mission):
    return factories.PersonFactory(mission=mission, family_name="Carter", given_name="Jimmy")


def send(officer, posting, person, tmp_path, sensitivity=Sensitivity.INTERNAL, name="carter.pdf"):
    path = tmp_path / name
    path.write_bytes(PDF)
    letter = SentLetter(
        person=person, path=str(path), checksum="0" * 64, size=len(PDF), subject="Farewell",
        language="en", template_name="farewell", template_checksum="", format="pdf",
        sensitivity=sensitivity,
    )  # fmt: skip
    engagement = letter_record(
        actor=officer, posting=posting, letter=letter, letter_date=dt.date(2022, 12, 30)
    )
    return LetterRecord.objects.get(engagement=engagement)


@pytest.mark.parametrize(("language", "label"), [("en", "The letter (PDF)"), ("zh", "信函（PDF）")])
def test_the_timeline_links_the_letter_file(
    client, officer, ambassador_posting, recipient, tmp_path, language, label
):
    record = send(officer, ambassador_posting, recipient, tmp_path)
    client.force_login(officer)
    client.cookies["django_language"] = language
    page = client.get(f"/people/{recipient.pk}/").content.decode()
    assert f'href="/letters/sent/{record.pk}/"' in page and label in page
    response = client.get(f"/letters/sent/{record.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("persona", "internal", "restricted"),
    [
        ("officer", 200, 200),
        ("reader", 200, 404),
        ("public_reader", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_the_file_reaches_only_those_who_may_see_it(
    client, request, officer, ambassador_posting, recipient, tmp_path, persona, internal, restricted
):
    plain = send(officer, ambassador_posting, recipient, tmp_path)
    secret = send(
        officer, ambassador_posting, recipient, tmp_path, Sensitivity.RESTRICTED, "secret.pdf"
    )
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(f"/letters/sent/{plain.pk}/").status_code == internal
    assert client.get(f"/letters/sent/{secret.pk}/").status_code == restricted
    page = client.get(f"/people/{recipient.pk}/")
    if page.status_code == 200:
        html = page.content.decode()
        assert (f"/letters/sent/{plain.pk}/" in html) == (internal == 200)
        assert (f"/letters/sent/{secret.pk}/" in html) == (restricted == 200)


def test_a_missing_file_is_not_found(client, officer, ambassador_posting, recipient, tmp_path):
    record = send(officer, ambassador_posting, recipient, tmp_path)
    Path(record.file.path).unlink()
    client.force_login(officer)
    assert client.get(f"/letters/sent/{record.pk}/").status_code == 404
