"""`legation letters merge` refuses a template with a contradicted claim unless --force."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.engagements.models import Engagement

STALE = """---
name: stale
language: en
kind: greeting
---
I have visited 20 {{ mission.country_adjective }} states since I arrived.

{{ facts['diplomatic-relations'] | years_since }} years ago, our two countries established diplomatic relations.
"""


def merge(template, out, *extra):
    said = io.StringIO()
    call_command(
        "letters", "merge", str(template), "--to", "person=P-CARTER", "--from", "P-QIN",
        "--date", "2022-12-30", "--format", "txt", "--out", str(out), "--workers", "1", *extra,
        stdout=said, stderr=io.StringIO(),
    )  # fmt: skip
    return said.getvalue()


def test_a_merge_with_a_stale_figure_is_refused(tmp_path, farewell_world):
    template = tmp_path / "stale.en.md"
    template.write_text(STALE, encoding="utf-8")
    with pytest.raises(CommandError, match="'20 American states' \\(the ledger: 22") as info:
        merge(template, tmp_path / "out")
    assert "--force" in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "out" / "manifest.csv").exists()
    assert not Engagement.objects.filter(kind="letter_sent").exists()


def test_force_merges_a_stale_template_anyway(tmp_path, farewell_world):
    template = tmp_path / "stale.en.md"
    template.write_text(STALE, encoding="utf-8")
    said = merge(template, tmp_path / "out", "--force", "--draft")
    assert "1 letters" in said and (tmp_path / "out" / "manifest.csv").is_file()


def test_the_shipped_farewell_template_passes_the_check(tmp_path, farewell_world):
    said = merge("farewell", tmp_path / "out", "--draft")
    assert "1 letters" in said
