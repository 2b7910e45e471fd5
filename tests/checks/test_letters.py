"""The letter corpus (tests/checks/letters): whole letters checked claim by claim, as text and as
legation's own PDF and Word renders read back."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction

from legation.checks.reading import _join, normalise, read_draft
from tests.checks.letters_corpus import (
    FOLDER,
    by_language,
    check_letter,
    load,
    render,
    signature,
)
from tests.checks.world import build_letter_world, create_facts

LIBRARY, LETTERS = load()
# Letters rendered in the tests (all of them: `python3 -m tests.checks.score_letters --pdf`).
RENDERED = ["en01-farewell.txt", "en06-farewell.txt", "en12-farewell.txt", "en14-greeting.txt",
            "zh01-farewell.txt", "zh06-farewell.txt", "zh11-invitation.txt",
            "zh18-new-year.txt"]  # fmt: skip


@pytest.fixture(scope="module")
def letter_world(django_db_setup, django_db_blocker):
    from legation.core.vocab import seed_regions, seed_sectors

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_sectors()
            seed_regions("US")
            yield build_letter_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_corpus_has_forty_varied_letters_half_chinese_with_planted_errors():
    chinese = [a for a in LETTERS if a.language == "zh"]
    assert len(LETTERS) >= 40 and len(chinese) * 2 == len(LETTERS)
    kinds = {a.file.split("-", 1)[1].removesuffix(".txt") for a in LETTERS}
    assert kinds >= {"farewell", "thanks", "greeting", "condolence", "invitation", "new-year"}
    for a in LETTERS:
        body = a.path.read_text(encoding="utf-8")
        assert 5 <= len(re.findall(r"[.!?](?=\s)|[。！？]", body)) <= 15, a.file
    claims = [c for a in LETTERS for c in a.claims]
    assert {c["kind"] for c in claims} == {"duration", "anniversary", "count", "date", "quantity"}
    planted = [c for c in claims if c.get("planted")]
    assert len(planted) >= 20 and all(c["verdict"] == "contradicted" for c in planted)
    assert {c["kind"] for c in planted} >= {"duration", "anniversary", "count"}


def test_the_check_meets_its_goals_on_the_letters(letter_world, db):
    outcomes = [check_letter(LIBRARY, a) for a in LETTERS]
    scores = by_language(outcomes)
    problems = [f"{o.letter.file}: {p}" for o in outcomes for p in o.problems]
    for label in ("en", "zh"):
        s = scores[label]
        assert s.recall >= 0.95, (label, s.line(label), problems)
        assert s.verdicts >= 0.95, (label, s.line(label), problems)
        assert s.false_alarms == 0, (label, problems)
        assert s.caught == s.planted, (label, problems)


def _command(path, *args: str) -> tuple[int, list[dict]]:
    out = io.StringIO()
    try:
        call_command("letters", "check", str(path), "--from", "P-LIN", "--json", *args,
                     stdout=out, stderr=io.StringIO())  # fmt: skip
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def _shape(claims: list[dict]) -> list[tuple]:
    return [(re.sub(r"\s+", " ", c["text"]), c["kind"], c["verdict"], c["expected"])
            for c in claims]  # fmt: skip


@pytest.mark.parametrize("name", RENDERED)
def test_pdf_and_word_renders_check_exactly_like_the_text(letter_world, db, tmp_path, name):
    letter = next(a for a in LETTERS if a.file == name)
    create_facts(LIBRARY, letter.facts)
    code, from_text = _command(letter.path)
    assert from_text and code in (0, 3)
    for fmt in ("pdf", "docx"):
        rendered = render(letter.path, fmt, tmp_path)
        code_r, from_render = _command(rendered)
        assert _shape(from_render) == _shape(from_text), fmt
        assert code_r == code
        text = read_draft(rendered)
        for c in from_render:  # spans index the text read from the file
            assert text[c["span"][0] : c["span"][1]] == c["text"]


def test_the_whole_corpus_checks_alike_as_pdf(letter_world, db, tmp_path):
    for letter in LETTERS:
        text = check_letter(LIBRARY, letter)
        pdf = check_letter(LIBRARY, letter, read_draft(render(letter.path, "pdf", tmp_path)))
        assert signature(pdf.found) == signature(text.found), letter.file


def test_extracted_text_loses_what_typesetting_added():
    # Spaces an extractor sets between a number and a Chinese character (pdftotext does).
    assert normalise("我在美工作的 500 多个日日夜夜里，走访了 22 个州。\n2022 年 12 月 30 日") == (
        "我在美工作的500多个日日夜夜里，走访了22个州。\n2022年12月30日"
    )
    assert (
        normalise("visited 22\u00a0states, estab\u00adlished") == "visited 22 states, established"
    )
    # Lines a typesetter wrapped, joined back.
    assert _join("I have visited twenty-", "two states") == "I have visited twenty-two states"
    assert _join("the past 500-", "plus days") == "the past 500-plus days"
    assert _join("we estab-", "lished relations") == "we established relations"
    assert _join("in the United ", "States") == "in the United States"
    assert _join("先后走访了美国22个", "州，会见了") == "先后走访了美国22个州，会见了"


def test_a_hyphenated_narrow_pdf_reads_as_its_text(tmp_path):
    """Lines broken inside words (hyphenation) and inside Chinese sentences are joined back."""
    import typst

    english = (
        "I have visited twenty-two American states and established relationships with "
        "representatives of extraordinarily different institutions over more than five "
        "hundred days here, meeting entrepreneurs, legislators and administrators."
    )
    chinese = "我在美工作的500多个日日夜夜里，先后走访了美国22个州，会见了40多位国会议员和企业家。"
    source = tmp_path / "narrow.typ"
    source.write_text(
        "#set page(width: 9cm, height: auto, margin: 1cm)\n"
        '#set text(lang: "en", hyphenate: true, font: ("Libertinus Serif", "Noto Serif CJK SC"))\n'
        "#set par(justify: true, spacing: 1.4em)\n"
        f"December 30, 2022\n\n{english}\n\n{chinese}\n",
        encoding="utf-8",
    )
    from legation.letters.render_pdf import font_dirs

    (tmp_path / "narrow.pdf").write_bytes(typst.compile(str(source), font_paths=font_dirs()))
    lines = [line for line in read_draft(tmp_path / "narrow.pdf").splitlines() if line]
    assert lines == ["December 30, 2022", english, chinese]


def test_the_letters_are_in_the_folder():
    assert sorted(p.name for p in FOLDER.glob("*.txt")) == sorted(a.file for a in LETTERS)
