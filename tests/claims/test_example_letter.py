"""The example letter end to end: `legation letters check` on the farewell letter of 2022."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.claims.command import EXIT_CONTRADICTED

LETTER = Path(__file__).with_name("data") / "farewell-letter-2022.txt"


def check(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("letters", "check", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_the_example_letter_is_checked_figure_by_figure(world, example_facts):
    code, out = check(str(LETTER), "--from", "P-QIN", "--json")
    claims = {c["text"]: c for c in json.loads(out)}
    assert set(claims) == {"500-plus days", "22 American states", "42 years ago", "1.7 billion"}
    assert claims["500-plus days"]["verdict"] == "supported"
    assert claims["500-plus days"]["expected"] == 520
    assert claims["22 American states"]["verdict"] == "supported"
    assert claims["22 American states"]["expected"] == 22
    assert claims["42 years ago"]["verdict"] == "contradicted"
    assert claims["42 years ago"]["expected"] == 43
    assert "1979-01-01" in claims["42 years ago"]["explanation"]
    assert claims["1.7 billion"]["verdict"] == "supported"
    assert code == EXIT_CONTRADICTED


def test_json_spans_point_at_the_claims_in_the_text(world, example_facts):
    _code, out = check(str(LETTER), "--from", "P-QIN", "--json")
    text = LETTER.read_text(encoding="utf-8")
    claims = json.loads(out)
    assert len(claims) == 4  # the four figures of the letter (see the test above)
    for c in claims:
        start, end = c["span"]
        assert text[start:end] == c["text"]
        assert set(c) >= {"text", "span", "kind", "verdict", "expected", "evidence"}


def test_the_letter_date_is_the_reference_not_today(world, example_facts, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("I have spent 520 days here.\n", encoding="utf-8")
    code, out = check(str(draft), "--from", "P-QIN", "--date", "2022-12-30", "--json")
    assert code == 0 and json.loads(out)[0]["verdict"] == "supported"
    code, out = check(str(draft), "--from", "P-QIN", "--date", "2023-12-30", "--json")
    assert code == EXIT_CONTRADICTED and json.loads(out)[0]["expected"] == 885


def test_the_human_table_lists_every_claim_with_its_verdict(world, example_facts):
    code, out = check(str(LETTER), "--from", "P-QIN")
    assert code == EXIT_CONTRADICTED
    assert "42 years ago" in out and "contradicted" in out and "3 supported" in out


def test_a_draft_without_a_date_needs_date(world, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("I have visited 22 states.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--date"):
        check(str(draft), "--from", "P-QIN")


def test_word_and_pdf_drafts_are_read(world, tmp_path):
    import docx
    import typst

    doc = docx.Document()
    for line in ("December 30, 2022", "Dear Senator,", "I have visited 20 states."):
        doc.add_paragraph(line)
    doc.save(tmp_path / "draft.docx")
    code, out = check(str(tmp_path / "draft.docx"), "--from", "P-QIN", "--json")
    assert code == EXIT_CONTRADICTED and json.loads(out)[0]["expected"] == 22
    source = tmp_path / "draft.typ"
    source.write_text("December 30, 2022\n\nI have visited 22 states.\n", encoding="utf-8")
    (tmp_path / "draft.pdf").write_bytes(typst.compile(str(source)))
    code, out = check(str(tmp_path / "draft.pdf"), "--from", "P-QIN", "--json")
    assert code == 0 and json.loads(out)[0]["verdict"] == "supported"


def test_a_chinese_draft_dated_under_the_signature(world, example_facts, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(
        "尊敬的卡特总统：\n\n我在美工作的500多个日日夜夜里，先后走访了美国22个州。"
        "42年前，中美两国建立外交关系。\n\n秦刚\n2022年12月30日\n",
        encoding="utf-8",
    )
    code, out = check(str(draft), "--from", "P-QIN", "--json")
    verdicts = {c["text"]: (c["verdict"], c["expected"]) for c in json.loads(out)}
    # "中美建交" is the fact's Chinese label; "中美两国建立外交关系" writes it out, and names it
    # as the English "established diplomatic relations" does (contradicted there too).
    assert verdicts == {
        "500多个日日夜夜": ("supported", 520),
        "22个州": ("supported", 22),
        "42年前": ("contradicted", 43),
    }
    assert code == EXIT_CONTRADICTED
    example_facts[0].aliases = ["建立外交关系"]
    example_facts[0].save()
    code, out = check(str(draft), "--from", "P-QIN", "--json")
    assert [c["expected"] for c in json.loads(out) if c["text"] == "42年前"] == [43]
    assert code == EXIT_CONTRADICTED


def test_figures_count_only_what_the_user_may_see(world, tmp_path):
    import datetime as dt

    from legation.core.models import Sensitivity
    from tests import factories
    from tests.claims.world import at

    factories.EngagementFactory(
        mission=world["mission"], region=factories.region("US-NV"), start=at(dt.date(2022, 3, 3)),
        staff=[world["qin"]], sensitivity=Sensitivity.RESTRICTED,
    )  # fmt: skip
    factories.user_with_role("cleared", "officer", [world["mission"]], Sensitivity.RESTRICTED)
    factories.user_with_role("internal", "officer", [world["mission"]], Sensitivity.INTERNAL)
    draft = tmp_path / "draft.txt"
    draft.write_text("December 30, 2022\n\nI have visited 22 states.\n", encoding="utf-8")
    code, out = check(str(draft), "--from", "P-QIN", "--json", "--as", "internal")
    assert code == 0 and json.loads(out)[0]["expected"] == 22
    code, out = check(str(draft), "--from", "P-QIN", "--json", "--as", "cleared")
    assert code == EXIT_CONTRADICTED and json.loads(out)[0]["expected"] == 23
