"""Letter templates belong to a mission: saved as records with history and restore, audited, and
never seen or changed by another mission; the shipped ones are shared and read-only."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.models import Operation, Sensitivity
from legation.letters.compose import library
from legation.letters.compose.letter_template import DEFAULT_DIR, find_template
from legation.letters.merge.review import merge_job_create
from legation.letters.models import MissionTemplate
from legation.letters.services import letter_template_restore, letter_template_save
from tests import factories
from tests.letters.conftest import LETTER_DATE

OURS = (
    "---\nname: farewell\nlanguage: en\nkind: farewell\n---\nOUR FAREWELL, {{ recipient.name }}.\n"
)
NEWER = "---\nname: farewell\nlanguage: en\nkind: farewell\n---\nNEWER FAREWELL.\n"
SHIPPED = find_template("farewell").source


@pytest.fixture(autouse=True)
def _home(settings, tmp_path):
    settings.LEGATION_HOME = tmp_path / "home"


@pytest.fixture
def personas(embassy, other_mission, letters_officer, letters_internal_officer, letters_reader):
    return {
        "restricted officer": letters_officer,
        "internal officer": letters_internal_officer,
        "reader": letters_reader,
        "public reader": factories.user_with_role(
            "lpublic", "reader", [embassy], Sensitivity.PUBLIC
        ),
        "assistant": factories.user_with_role(
            "lassistant", "assistant", [embassy], Sensitivity.RESTRICTED
        ),
        "other mission": factories.user_with_role(
            "lother", "officer", [other_mission], Sensitivity.RESTRICTED
        ),
    }


@pytest.fixture
def other_posting(other_mission):
    person = factories.PersonFactory(mission=other_mission, family_name="Zhang", given_name="Jian")
    return factories.PostingFactory(
        mission=other_mission, person=person, ref="P-ZHANG", role="head_of_mission",
        title="Consul General", arrival=dt.date(2021, 1, 1),
    )  # fmt: skip


def test_a_template_saved_by_one_mission_never_replaces_what_another_mission_sees(
    client, embassy, other_mission, other_posting, farewell_world, posting, personas
):
    officer, other = personas["restricted officer"], personas["other mission"]
    client.force_login(officer)
    response = client.post(
        "/letters/templates/save/", {"text": OURS, "mission": embassy.pk, "posting": posting.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert library.find_for(officer, embassy, "farewell").source == OURS
    # The other mission still writes with the shipped text, on the page and in a merge.
    assert library.find_for(other, other_mission, "farewell").source == SHIPPED
    client.force_login(other)
    page = client.get("/letters/?template=farewell&lang=en").content.decode()
    assert "OUR FAREWELL" not in page and "I am writing to bid farewell" in page
    factories.EngagementFactory(
        mission=other_mission, staff=[other_posting],
        people=[factories.PersonFactory(mission=other_mission, family_name="Lee")],
    )  # fmt: skip
    job = merge_job_create(
        actor=other, template=library.find_for(other, other_mission, "farewell"),
        segment="met-by=P-ZHANG", posting=other_posting, letter_date=LETTER_DATE,
    )  # fmt: skip
    assert "OUR FAREWELL" not in job.template_text
    # The shipped file itself is never written.
    assert (DEFAULT_DIR / "farewell.en.md").read_text(encoding="utf-8") == SHIPPED
    # Nor can the other mission save into, read or restore the embassy's templates.
    with pytest.raises(ValidationError):
        letter_template_save(actor=other, mission=embassy, text=NEWER)
    record = MissionTemplate.objects.get(mission=embassy, name="farewell")
    assert not MissionTemplate.objects.visible_to(other).filter(pk=record.pk).exists()
    with pytest.raises(MissionTemplate.DoesNotExist):
        letter_template_restore(actor=other, template=record, version=record.history.last().pk)
    version = record.history.last().history_id
    assert client.post(f"/letters/templates/{record.pk}/restore/{version}/").status_code == 404
    assert client.get(f"/letters/templates/{record.pk}/history/").status_code == 404
    response = client.post("/letters/templates/save/", {"text": NEWER, "mission": embassy.pk})
    assert response.status_code == 400 and "valid choice" in response.content.decode()
    record.refresh_from_db()
    assert record.text == OURS and not MissionTemplate.objects.filter(mission=other_mission)


def test_every_save_is_kept_and_an_old_text_can_be_restored_audited(
    client, embassy, posting, farewell_world, personas
):
    officer = personas["restricted officer"]
    first = letter_template_save(actor=officer, mission=embassy, text=OURS)
    second = letter_template_save(actor=officer, mission=embassy, text=NEWER)
    assert first.pk == second.pk and MissionTemplate.objects.count() == 1
    versions = list(second.history.order_by("history_date"))
    assert [v.text for v in versions] == [OURS, NEWER]
    assert all(v.history_user == officer and v.operation is not None for v in versions)
    client.force_login(officer)
    page = client.get(f"/letters/templates/{second.pk}/history/").content.decode()
    assert "OUR FAREWELL" in page and "NEWER FAREWELL" in page
    response = client.post(f"/letters/templates/{second.pk}/restore/{versions[0].history_id}/")
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.text == OURS
    latest = second.history.order_by("-history_date").first()
    assert latest.operation.source == Operation.Source.WEB
    assert "restore" in latest.operation.description
    assert second.history.count() == 3
    # A version of another template is refused with a clear error; nothing changes.
    with pytest.raises(ValidationError, match="version"):
        letter_template_restore(actor=officer, template=second, version=10**9)


# Who may do what with the embassy's templates: (list/show, save, restore, page status).
MATRIX = {
    "restricted officer": (True, True, 200),
    "internal officer": (True, True, 200),
    "assistant": (True, True, 200),
    "reader": (False, False, 403),
    "public reader": (False, False, 403),
    "other mission": (False, False, 404),
}


def test_the_persona_matrix_of_templates(client, embassy, posting, farewell_world, personas):
    record = letter_template_save(actor=personas["restricted officer"], mission=embassy, text=OURS)
    version = record.history.first().history_id
    for name, user in personas.items():
        sees, saves, status = MATRIX[name]
        assert MissionTemplate.objects.visible_to(user).filter(pk=record.pk).exists() is (
            sees or name in ("reader", "public reader")  # the query layer: mission members
        ), name
        if saves:
            letter_template_save(actor=user, mission=embassy, text=OURS)
            letter_template_restore(actor=user, template=record, version=version)
        else:
            with pytest.raises((PermissionDenied, ValidationError)):
                letter_template_save(actor=user, mission=embassy, text=NEWER)
        client.force_login(user)
        assert client.get(f"/letters/templates/{record.pk}/history/").status_code == status, name
        page = client.get("/letters/")
        assert page.status_code == (403 if status == 403 else 200), name
        assert ("OUR FAREWELL" in page.content.decode()) is sees, name
    record.refresh_from_db()
    assert record.text == OURS


def letters(*args):
    out = io.StringIO()
    call_command("letters", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_line_saves_lists_shows_and_restores_a_mission_s_templates(
    tmp_path, embassy, other_mission, posting, farewell_world, personas
):
    ours = tmp_path / "ours.md"
    ours.write_text(OURS, encoding="utf-8")
    said = letters("templates", "save", str(ours), "--mission", embassy.ref, "--as", "lofficer")
    assert "farewell.en" in said
    listing = letters("templates", "list", "--mission", embassy.ref, "--as", "lofficer")
    assert "farewell.en" in listing and embassy.ref in listing and "greeting.en" in listing
    assert "OUR FAREWELL" in letters("templates", "show", "farewell", "--as", "lofficer")
    (tmp_path / "newer.md").write_text(NEWER, encoding="utf-8")
    letters("templates", "save", str(tmp_path / "newer.md"), "--as", "lofficer")
    history = letters("templates", "history", "farewell", "--as", "lofficer")
    first = MissionTemplate.objects.get().history.order_by("history_date").first()
    assert str(first.history_id) in history and "lofficer" in history
    letters("templates", "restore", "farewell", str(first.history_id), "--as", "lofficer")
    assert MissionTemplate.objects.get().text == OURS
    # Another mission's officer sees the shipped template and cannot reach the embassy's.
    assert "OUR FAREWELL" not in letters("templates", "show", "farewell", "--as", "lother")
    with pytest.raises(CommandError, match="No mission"):
        letters("templates", "save", str(ours), "--mission", embassy.ref, "--as", "lother")
    with pytest.raises(CommandError):
        letters("templates", "list", "--as", "lreader")
    # Rendering on the command line uses the mission's text.
    out = tmp_path / "carter.txt"
    letters("render", "farewell", "--to", "P-CARTER", "--from", "P-QIN", "--format", "txt",
            "-o", str(out), "--draft", "--as", "lofficer")  # fmt: skip
    assert "OUR FAREWELL" in out.read_text(encoding="utf-8")


def test_template_files_saved_before_are_migrated_into_every_mission(
    settings, embassy, other_mission
):
    folder = settings.LEGATION_HOME / "letters" / "templates"
    folder.mkdir(parents=True)
    (folder / "farewell.en.md").write_text(OURS, encoding="utf-8")
    (folder / "broken.en.md").write_text("---\nname: broken\ncolour: red\n---\nx\n")
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("legation.letters.migrations.0004_mission_template")
    # The models as the migration saw them (Mission still in engagements then).
    state = MigrationLoader(connection).project_state(("letters", "0004_mission_template"))
    migration.import_template_files(state.apps, None)
    records = MissionTemplate.objects.filter(name="farewell")
    assert {r.mission_id for r in records} == {embassy.pk, other_mission.pk}
    assert all(r.text == OURS and r.history.count() == 1 for r in records)
    broken = MissionTemplate.objects.filter(name="broken")
    assert broken.count() == 2  # kept as written, to be corrected, never lost
