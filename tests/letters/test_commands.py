"""`legation letters`: render, merge, segments, with one-line errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.engagements.models import Engagement
from tests.letters.conftest import PERSONAL


def letters(*args):
    out = io.StringIO()
    call_command("letters", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_render_writes_the_finished_letter_as_text(tmp_path, farewell_world):
    out = tmp_path / "carter.txt"
    said = letters("render", "farewell", "--to", "P-CARTER", "--from", "P-QIN", "--date",
                   "2022-12-30", "--personal", PERSONAL, "--format", "txt", "-o", str(out))  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "Dear President Carter," in text and "43 years ago" in text and PERSONAL in text
    assert "recorded as engagement" in said
    assert Engagement.objects.filter(kind="letter_sent", people=farewell_world).count() == 1


def test_render_as_a_user_who_cannot_see_the_person_says_not_found(
    tmp_path, farewell_world, outsider
):
    with pytest.raises(CommandError, match="No person 'P-CARTER'"):
        letters("render", "farewell", "--to", "P-CARTER", "--from", "P-QIN", "--format", "txt",
                "-o", str(tmp_path / "x.txt"), "--as", "outsider")  # fmt: skip


def test_merge_writes_files_manifest_and_combined_pdf_and_lists_the_unaddressed(
    tmp_path, farewell_world, embassy, posting
):
    from tests import factories
    from tests.letters.conftest import at

    nobody = factories.PersonFactory(mission=embassy, family_name="Nobody", given_name="No")
    factories.EngagementFactory(mission=embassy, people=[nobody], staff=[posting],
                                start=at(farewell_world.created.date()))  # fmt: skip
    said = letters("merge", "farewell", "--to", "met-by=P-QIN", "--from", "P-QIN", "--date",
                   "2022-12-30", "--format", "pdf", "--out", str(tmp_path), "--combined",
                   "--workers", "1", "--draft")  # fmt: skip
    assert (tmp_path / "manifest.csv").is_file() and (tmp_path / "combined.pdf").is_file()
    assert (tmp_path / f"carter-jimmy-{farewell_world.pk}.pdf").is_file()
    assert "no letter: No Nobody" in said and "skipped: no address" in said
    assert not Engagement.objects.filter(kind="letter_sent").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["merge", "farewell", "--to", "colour=red"], "Unknown filter key"),
        (["merge", "farewell", "--to", "no-such-segment"], "No saved segment"),
        (["merge", "nosuch", "--to", "all=yes"], "No template 'nosuch'"),
        (["merge", "farewell", "--to", "all=yes", "--date", "30/12/2022"], "not a date"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, farewell_world, args, message):
    with pytest.raises(CommandError, match=message) as info:
        letters(*args, "--from", "P-QIN", "--out", str(tmp_path))
    assert "\n" not in str(info.value)


def test_segments_are_saved_listed_and_deleted(farewell_world):
    letters("segment", "save", "carter", "person=P-CARTER", "--mission", "EMB-CN-US")
    assert "person=P-CARTER" in letters("segment", "list")
    assert "Jimmy Carter" in letters("segment", "show", "carter", "--mission", "EMB-CN-US")
    letters("segment", "delete", "carter", "--mission", "EMB-CN-US")
    assert "carter" not in letters("segment", "list")


def test_templates_are_listed(farewell_world):
    assert "farewell.zh" in letters("templates", "--mission", "EMB-CN-US")
