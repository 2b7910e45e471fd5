"""The import page: upload, preview (nothing written), confirm, result; tokens, limits, access."""

from __future__ import annotations

import datetime as dt
import html
import re
import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from legation.core.models import Operation
from legation.engagements.models import Engagement
from legation.intake import uploads
from legation.people.models import Organisation, Person
from tests import factories
from tests.intake.conftest import CONGRESS, CORPUS, MAPPING

URL = "/intake/import/"
CONFIRM = "/intake/import/confirm/"
HEADER = "ref,family_name,given_name,sector,email\n"


@pytest.fixture(autouse=True)
def _home(settings, tmp_path):
    settings.LEGATION_HOME = tmp_path / "home"


def as_client(client, user):
    client.force_login(user)
    return client


def send(client, kind, name, content, *, mission=None, mapping=None, **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}
    if mission is not None:
        data["mission"] = mission.pk
    if mapping is not None:
        data["mapping"] = SimpleUploadedFile(mapping.name, mapping.read_bytes())
    return client.post(URL, data)


def text(response) -> str:
    return html.unescape(response.content.decode())


def token_in(response) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "no confirmation form on the page"
    return found.group(1)


def count(response, what: str) -> int:
    return int(re.search(rf'id="count-{what}">(\d+)<', response.content.decode()).group(1))


def pending_folders(settings) -> list:
    root = settings.LEGATION_HOME / "uploads"
    return sorted(p for p in root.iterdir()) if root.exists() else []


def test_the_congress_file_previews_540_writes_nothing_then_confirms_as_the_user(
    client, officer, mission, settings
):
    as_client(client, officer)
    preview = send(
        client,
        "people",
        CONGRESS.name,
        CONGRESS.read_bytes(),
        mission=mission,
        mapping=MAPPING,
    )
    assert preview.status_code == 200, text(preview)[:2000]
    assert (count(preview, "created"), count(preview, "rejected")) == (540, 0)
    page = text(preview)
    assert "United States Senate" in page and "United States House of Representatives" in page
    assert "Sherrod Brown" in page  # a sample of the rows to be created
    assert Person.objects.count() == 0 and Organisation.objects.count() == 0
    assert Person.history.count() == 0
    assert not Operation.objects.filter(source="import").exists()
    # The upload waits in a private folder under LEGATION_HOME, not under MEDIA_ROOT.
    [folder] = pending_folders(settings)
    stored = folder / "file" / CONGRESS.name
    assert stored.read_bytes() == CONGRESS.read_bytes()
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.parent.stat().st_mode & 0o777) == "0o700"
    assert not (settings.MEDIA_ROOT / "uploads").exists()

    done = client.post(CONFIRM, {"token": token_in(preview)})
    assert done.status_code == 200, text(done)[:2000]
    assert count(done, "created") == 540
    assert Person.objects.filter(mission=mission).count() == 540
    assert Organisation.objects.count() == 2
    operation = Operation.objects.get(source="import")
    assert operation.actor == officer and operation.actor_name == "officer"
    assert operation.remote_addr == "127.0.0.1"
    assert operation.description == f"import people {CONGRESS.name}"
    assert str(operation.pk) in done.content.decode()
    assert Person.history.filter(operation=operation, history_user=officer).count() == 540
    assert 'href="/people/"' in done.content.decode()
    assert pending_folders(settings) == []  # imported: the upload is gone

    again = client.post(CONFIRM, {"token": token_in(preview)})  # a second click
    assert again.status_code == 400 and "gone" in text(again)
    assert Person.objects.count() == 540

    reupload = send(
        client, "people", CONGRESS.name, CONGRESS.read_bytes(), mission=mission, mapping=MAPPING
    )
    assert (count(reupload, "created"), count(reupload, "matched")) == (0, 540)
    assert 'id="confirm-form"' not in reupload.content.decode()
    assert "nothing to import" in text(reupload)


def test_rejected_rows_are_listed_with_line_column_and_reason_and_confirm_writes_nothing(
    client, officer, mission
):
    as_client(client, officer)
    content = (
        HEADER
        + "A1,Smith,Ann,,ann@example.org\n"
        + "A2,Jones,Bob,nowhere,\n"
        + "A3,Wu,Kim,,not-an-email\n"
        + "A1,Lee,Sam,,\n"
    )
    preview = send(client, "people", "people.csv", content.encode(), mission=mission)
    assert preview.status_code == 200
    assert (count(preview, "created"), count(preview, "rejected")) == (1, 3)
    rows = re.findall(
        r'<tr><td class="line">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>',
        html.unescape(preview.content.decode().split('id="rejected-rows"')[1]),
    )
    assert [(line, column) for line, column, _ in rows] == [
        ("3", "sector"),
        ("4", "email"),
        ("5", "ref"),
    ]
    assert rows[0][2].startswith("Unknown sector 'nowhere': use one of academia")
    assert rows[2][2] == "The same ref as line 2."
    assert "3 rows are rejected" in text(preview)

    refused = client.post(CONFIRM, {"token": token_in(preview)})
    assert refused.status_code == 400
    assert "Nothing was written: 3 rows are rejected" in text(refused)
    assert 'id="rejected-rows"' in refused.content.decode()
    assert Person.objects.count() == 0
    assert not Operation.objects.filter(source="import").exists()

    skipped = client.post(CONFIRM, {"token": token_in(refused), "skip_rejected": "1"})
    assert skipped.status_code == 200
    assert list(Person.objects.values_list("ref", flat=True)) == ["A1"]


def test_a_file_that_changed_meaning_since_its_preview_is_shown_again_not_written(
    client, officer, mission
):
    as_client(client, officer)
    content = HEADER + "A1,Smith,Ann,,\nA2,Jones,Bob,,\n"
    preview = send(client, "people", "people.csv", content.encode(), mission=mission)
    assert count(preview, "created") == 2
    # Someone records A2 meanwhile, with another given name: the import would now update it.
    factories.PersonFactory(mission=mission, ref="A2", family_name="Jones", given_name="Robert")
    changed = client.post(CONFIRM, {"token": token_in(preview)})
    assert changed.status_code == 409
    assert "has changed since the preview" in text(changed)
    assert (count(changed, "created"), count(changed, "updated")) == (1, 1)
    assert Person.objects.count() == 1  # nothing written
    assert not Operation.objects.filter(source="import").exists()
    done = client.post(CONFIRM, {"token": token_in(changed)})
    assert done.status_code == 200
    assert Person.objects.get(ref="A2").given_name == "Bob"
    assert Person.objects.count() == 2


def test_readers_cannot_reach_the_page_nor_confirm(client, officer, reader, mission):
    as_client(client, officer)
    preview = send(
        client, "people", "p.csv", (HEADER + "A1,Smith,Ann,,\n").encode(), mission=mission
    )
    token = token_in(preview)
    assert 'href="/intake/import/"' in client.get("/people/").content.decode()

    as_client(client, reader)
    assert 'href="/intake/import/"' not in client.get("/people/").content.decode()
    assert client.get(URL).status_code == 403
    sent = send(client, "people", "p.csv", (HEADER + "A2,Doe,Jo,,\n").encode(), mission=mission)
    assert sent.status_code == 403
    assert client.post(CONFIRM, {"token": token}).status_code == 403
    assert Person.objects.count() == 0
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


def test_an_assistant_imports_people_but_not_missions(client, assistant, mission):
    as_client(client, assistant)
    page = client.get(URL).content.decode()
    assert 'value="people"' in page and 'value="missions"' not in page
    refused = send(client, "missions", "m.csv", b"ref,name_en\nX,Embassy X\n")
    assert refused.status_code == 403
    ok = send(client, "people", "p.csv", (HEADER + "A1,Smith,Ann,,\n").encode(), mission=mission)
    assert ok.status_code == 200 and count(ok, "created") == 1


def test_forged_expired_and_other_users_tokens_are_refused(
    client, officer, head, mission, monkeypatch
):
    as_client(client, officer)
    preview = send(
        client, "people", "p.csv", (HEADER + "A1,Smith,Ann,,\n").encode(), mission=mission
    )
    token = token_in(preview)
    upload = uploads.open_upload(token, officer)

    assert "not valid" in text(client.post(CONFIRM, {"token": token[:-2] + "xx"}))
    assert client.post(CONFIRM, {"token": "../../etc/passwd"}).status_code == 400
    assert client.post(CONFIRM, {}).status_code == 400
    # Signed with the real key but naming a path, not an upload id: still refused.
    crafted = signing.dumps({"id": "../../secret_key", "u": officer.pk}, salt=uploads.SALT)
    assert client.post(CONFIRM, {"token": crafted}).status_code == 400

    real_time = time.time
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real_time() - 2 * uploads.MAX_AGE)
        old = uploads.token_for(upload, officer)
    expired = client.post(CONFIRM, {"token": old})
    assert expired.status_code == 400 and "expired" in text(expired)

    as_client(client, head)
    theirs = client.post(CONFIRM, {"token": token})
    assert theirs.status_code == 400 and "not valid" in text(theirs)
    posing = signing.dumps({"id": upload.id, "u": head.pk}, salt=uploads.SALT)
    assert client.post(CONFIRM, {"token": posing}).status_code == 400  # the upload is not theirs
    assert Person.objects.count() == 0

    as_client(client, officer)
    assert client.post(CONFIRM, {"token": token}).status_code == 200
    assert Person.objects.count() == 1


def test_a_file_over_the_size_limit_is_refused_with_a_message(client, officer, mission, settings):
    settings.LEGATION_IMPORT_MAX_BYTES = 1000
    as_client(client, officer)
    big = (HEADER + "A1,Smith,Ann,,\n" * 200).encode()
    refused = send(client, "people", "big.csv", big, mission=mission)
    assert refused.status_code == 413
    assert "larger than the 1000\xa0bytes limit" in text(refused)
    assert pending_folders(settings) == []  # nothing kept, not even a part of it
    # Far over the limit: refused from the declared length, before the body is read.
    huge = send(client, "people", "huge.csv", b"x" * (2 * 1024 * 1024), mission=mission)
    assert huge.status_code == 413 and "larger than" in text(huge)
    assert pending_folders(settings) == []
    assert Person.objects.count() == 0


def test_an_unreadable_file_or_a_wrong_mapping_is_a_message_not_an_error(
    client, officer, mission, settings
):
    as_client(client, officer)
    old = send(client, "people", "old.xls", b"\xd0\xcf\x11\xe0 not really", mission=mission)
    assert old.status_code == 400 and "Old .xls files are not read" in text(old)
    wrong = send(
        client,
        "organisations",
        CONGRESS.name,
        CONGRESS.read_bytes(),
        mission=mission,
        mapping=MAPPING,
    )
    assert wrong.status_code == 400 and "mapping" in text(wrong).lower()
    missing = send(client, "people", "p.csv", b"", mission=mission)
    assert missing.status_code == 400 and "empty" in text(missing)
    assert pending_folders(settings) == []


def test_contacts_and_mail_import_through_the_page(client, officer, mission):
    as_client(client, officer)
    cards = send(
        client,
        "vcard",
        "contacts.vcf",
        (CORPUS / "contacts.vcf").read_bytes(),
        mission=mission,
        skip_rejected="on",
    )
    assert (count(cards, "created"), count(cards, "rejected")) == (3, 2)
    assert Person.objects.count() == 0
    done = client.post(CONFIRM, {"token": token_in(cards), "skip_rejected": "1"})
    assert done.status_code == 200 and Person.objects.count() == 3

    mail = send(client, "mail", "box.mbox", (CORPUS / "box.mbox").read_bytes(), mission=mission)
    assert mail.status_code == 200
    created = count(mail, "created")
    assert created > 0 and not Engagement.objects.exists()
    kept = client.post(CONFIRM, {"token": token_in(mail), "skip_rejected": "1"})
    assert kept.status_code == 200
    assert Engagement.objects.filter(kind="email").count() == created
    assert 'href="/engagements/"' in kept.content.decode()


def test_a_calendar_preview_uses_the_date_range(client, officer, mission):
    as_client(client, officer)
    march = send(
        client,
        "ics",
        "calendar.ics",
        (CORPUS / "calendar.ics").read_bytes(),
        mission=mission,
        date_from="2022-03-01",
        until="2022-03-31",
    )
    assert march.status_code == 200
    assert "State fair" not in text(march)  # April: out of range
    backwards = send(
        client,
        "ics",
        "calendar.ics",
        (CORPUS / "calendar.ics").read_bytes(),
        mission=mission,
        date_from=dt.date(2022, 3, 31).isoformat(),
        until="2022-03-01",
    )
    assert backwards.status_code == 400


def test_the_upload_still_checks_the_csrf_token(officer, mission, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    csv = (HEADER + "A1,Smith,Ann,,\n").encode()
    assert send(client, "people", "p.csv", csv, mission=mission).status_code == 403
    assert pending_folders(settings) == []  # the file that came with it is not kept
    form = client.get(URL).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    ok = send(client, "people", "p.csv", csv, mission=mission, csrfmiddlewaretoken=csrf)
    assert ok.status_code == 200 and count(ok, "created") == 1
    assert client.get(CONFIRM).status_code == 405


@pytest.mark.parametrize(
    ("language", "needed", "duplicate"),
    [
        ("en", "A value is needed.", "The same ref as line 2."),
        ("zh-hans", "此项不能为空。", "与第2行的编号相同。"),
    ],
)
def test_every_problem_of_a_row_is_listed_not_only_the_first(
    client, officer, mission, language, needed, duplicate
):
    as_client(client, officer)
    client.post("/language/", {"language": language, "next": "/"})
    content = (
        "ref,family_name,given_name,sector,email\n"
        "A1,Smith,Ann,,ann@example.org\n"
        "A1,Jones,Bob,nowhere,not-an-email\n"
    )
    preview = send(client, "engagements", "e.csv", b"date,kind,subject\n,party,\n", mission=mission)
    rows = re.findall(
        r'<tr><td class="line">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>',
        html.unescape(preview.content.decode().split('id="rejected-rows"')[1]),
    )
    assert [(line, column) for line, column, _ in rows] == [
        ("2", "date"),
        ("2", "subject"),
        ("2", "kind"),
    ]
    assert rows[0][2] == rows[1][2] == needed
    preview = send(client, "people", "people.csv", content.encode(), mission=mission)
    rows = re.findall(
        r'<tr><td class="line">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>',
        html.unescape(preview.content.decode().split('id="rejected-rows"')[1]),
    )
    assert [(line, column) for line, column, _ in rows] == [
        ("3", "sector"),
        ("3", "email"),
        ("3", "ref"),
    ]
    assert rows[2][2] == duplicate


def rejected(preview):
    return re.findall(
        r'<tr><td class="line">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>',
        html.unescape(preview.content.decode().split('id="rejected-rows"')[1]),
    )


@pytest.mark.parametrize(
    ("language", "time", "sensitivity", "combined"),
    [
        (
            "en",
            "'25:99' is not a time (use HH:MM).",
            "Unknown sensitivity 'secret': use one of public, internal, restricted.",
            "'25:99' is not a time (use HH:MM).",
        ),
        (
            "zh-hans",
            "“25:99”不是时间（请用 HH:MM）。",
            "未知的密级“secret”：请使用以下之一：公开, 内部, 限阅, public, internal, restricted。",
            "“25:99”不是时间（请用 HH:MM）。",
        ),
    ],
)
def test_a_bad_time_is_reported_under_the_time_column_with_the_other_problems(
    client, officer, mission, language, time, sensitivity, combined
):
    as_client(client, officer)
    client.post("/language/", {"language": language, "next": "/"})
    content = (
        "date,time,kind,subject,sensitivity,duration\n"
        "2026-12-01,25:99,meeting,Lunch,,\n"
        "2026-12-01,25:99,meeting,Lunch,secret,soon\n"
        "2026-12-01 25:99,,meeting,Tea,,\n"
    )
    preview = send(client, "engagements", "e.csv", content.encode(), mission=mission)
    rows = rejected(preview)
    assert [(line, column) for line, column, _ in rows] == [
        ("2", "time"),
        ("3", "time"),
        ("3", "sensitivity"),
        ("3", "duration"),
        ("4", "date"),
    ]
    assert rows[0][2] == rows[1][2] == time
    assert rows[2][2] == sensitivity
    assert rows[4][2] == combined
    if language == "zh-hans":
        assert rows[3][2] == "“soon”不是时长（分钟数，或 H:MM）。"


@pytest.mark.parametrize(
    "label", ["restricted", "限阅", "限制", "Internal", "内部", "public", "公开"]
)
def test_sensitivity_is_accepted_by_its_labels(client, officer, mission, label):
    as_client(client, officer)
    content = f"date,kind,subject,sensitivity\n2026-12-01,meeting,Lunch,{label}\n"
    preview = send(client, "engagements", "e.csv", content.encode(), mission=mission)
    assert count(preview, "created") == 1, text(preview)
