"""The letter corpus (tests/claims/letters): whole letters checked claim by claim, as text and as
legation's own PDF and Word renders read back."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

from legation.claims.reading import _join, normalise, read_draft
from tests.claims.conftest import ledger_for_module
from tests.claims.letters_corpus import (
    FOLDER,
    by_language,
    check_letter,
    load,
    render,
    signature,
)
from tests.claims.world import build_letter_world, create_facts

LIBRARY, LETTERS = load()
# Letters rendered in the tests (all of them: `python3 -m tests.claims.score_letters --pdf`).
RENDERED = ["en01-farewell.txt", "en06-farewell.txt", "en12-farewell.txt", "en14-greeting.txt",
            "zh01-farewell.txt", "zh06-farewell.txt", "zh11-invitation.txt",
            "zh18-new-year.txt"]  # fmt: skip


@pytest.fixture(scope="module")
def letter_world(django_db_setup, django_db_blocker):
    with ledger_for_module(django_db_blocker, build_letter_world) as ledger:
        yield ledger


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
    from legation.core.fonts import font_dirs

    (tmp_path / "narrow.pdf").write_bytes(typst.compile(str(source), font_paths=font_dirs()))
    lines = [line for line in read_draft(tmp_path / "narrow.pdf").splitlines() if line]
    assert lines == ["December 30, 2022", english, chinese]


def test_the_letters_are_in_the_folder():
    assert sorted(p.name for p in FOLDER.glob("*.txt")) == sorted(a.file for a in LETTERS)


def test_a_short_chinese_pdf_with_as_many_paragraph_gaps_as_wrapped_lines(
    letter_world, db, tmp_path
):
    """The trial's letter: two paragraphs of two lines each, so the distance between a
    paragraph's lines is as common as the one between paragraphs. The wrapped lines are joined
    ("…走访了美国9个" / "州，会见了30多位国会议员": one sentence, the sender's), and the PDF checks
    as its text: the count of states found, the false count of legislators contradicted."""
    first = (
        "我于2022年3月14日抵达华盛顿，在美工作十五个月后，我已走访了美国9个州，"
        "会见了30多位国会议员，参观了许多工厂。"
    )
    second = (
        "今年是两国建交45周年。建交以来，双边货物贸易额已达174亿美元，约1.3万名中国留学生在美学习，"
        "两国人民的交往日益密切。"
    )
    letter = tmp_path / "zh-trial.txt"
    letter.write_text(
        f"尊敬的布朗参议员：\n\n{first}\n\n{second}\n\n此致\n敬礼！\n\n林海\n大使\n2023年6月15日\n",
        encoding="utf-8",
    )
    create_facts(LIBRARY, ["ties", "trade-goods", "students-here"])
    pdf = render(letter, "pdf", tmp_path)
    text = read_draft(pdf)
    assert first in text.splitlines() and second in text.splitlines()
    code, from_text = _command(letter)
    code_pdf, from_pdf = _command(pdf)
    assert _shape(from_pdf) == _shape(from_text) and code_pdf == code == 3
    verdicts = {c["text"]: (c["verdict"], c["expected"]) for c in from_pdf}
    assert verdicts["9个州"] == ("supported", 9)
    assert verdicts["30多位国会议员"] == ("contradicted", 3)


def test_a_hard_wrapped_line_of_prose_keeps_its_sentence(letter_world, db, tmp_path):
    """A line that stops inside a sentence ("…20多个" / "州，会见了…") goes on with its subject:
    the next line's count is still the sender's."""
    from legation.claims.extraction import sentences

    text = "来美以后，我已走访了美国20多个\n州，会见了30多位国会议员。\n此致\n敬礼！\n林海\n大使"
    assert text[slice(*sentences(text)[0])] == (
        "来美以后，我已走访了美国20多个\n州，会见了30多位国会议员。"
    )
    # Short lines without a comma (a closing, a signature) stay lines of their own.
    assert not any("林海" in text[slice(*s)] and "大使" in text[slice(*s)] for s in sentences(text))
    draft = tmp_path / "wrapped.txt"
    draft.write_text(text + "\n2023年6月15日\n", encoding="utf-8")
    _, out = _command(draft)
    verdicts = {c["text"]: (c["verdict"], c["expected"]) for c in out}
    assert verdicts["30多位国会议员"] == ("contradicted", 3)
