"""Done when: the example letter is reproduced word for word from its ledger, "43 years", signed
"Ambassador" — as text and as the PDF read back."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from legation.core.access import SYSTEM
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import production as merge
from legation.letters.render import preview
from legation.people.models import PersonNote

DATA = Path(__file__).with_name("data")
LETTER = DATA / "farewell-letter-2022.txt"
TEMPLATE = DATA / "farewell-2022.en.md"
LETTER_DATE = dt.date(2022, 12, 30)
PERSONAL = (
    "I will never forget our enlightening conversation, and your enthusiasm in building hope for "
    "the world which is badly needed in our times."
)


@pytest.fixture
def example_ledger(world, example_facts):
    """The corpus ledger (P-QIN, 22 states, the facts) with what the letter's page shows: the
    embassy's names, the ambassador's name in both scripts, President Carter as a former
    president, the line recalling him."""
    mission = world["mission"]
    mission.name_en = "Embassy of the People's Republic of China in the United States of America"
    mission.name_zh = "中华人民共和国驻美利坚合众国大使馆"
    mission.save()
    qin = world["qin"].person
    qin.name_order, qin.name_zh = "eastern", "秦刚"  # Qin Gang, family name first
    qin.save()
    carter = world["carter"]
    carter.title, carter.former, carter.name_zh = "President", True, "吉米·卡特"
    carter.save()
    PersonNote.objects.create(person=carter, text=f"personal: {PERSONAL}")
    return world


def expected_words() -> list[str]:
    text = LETTER.read_text(encoding="utf-8")
    assert text.count("42 years") == 1
    return text.replace("42 years", "43 years").split()


def test_the_example_letter_is_reproduced_word_for_word_as_text(tmp_path, example_ledger):
    out = tmp_path / "letter.txt"
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template(str(TEMPLATE)), person=example_ledger["carter"],
        posting=example_ledger["qin"], letter_date=LETTER_DATE, fmt="txt", out=out, draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    text = out.read_text(encoding="utf-8")
    assert text.split() == expected_words()
    lines = text.splitlines()
    assert "Dear President Carter," in lines
    assert lines[-2:] == ["Qin Gang", "Ambassador"]
    assert "Sincerely," not in lines  # the template says closing: none, as the example has none


def test_the_example_letter_is_reproduced_word_for_word_in_the_pdf(example_ledger):
    letter, pdf = preview.pdf_for(
        actor=SYSTEM, template=find_template(str(TEMPLATE)), person=example_ledger["carter"],
        posting=example_ledger["qin"], letter_date=LETTER_DATE, draft=False,
    )  # fmt: skip
    assert letter.signature == ["Qin Gang", "Ambassador"]
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    # Page numbers ("— 2 —") are the layout's, not the letter's words.
    text = re.sub(r"(?m)^\s*—\s*\d+\s*—\s*$", "", text)
    # The layout hyphenates nothing, so a line that ends in "-" broke after a hyphen of the text
    # ("China-" / "U.S."): the word is whole again without the line break.
    text = re.sub(r"(?<=\w)-[ \t]*\n\s*", "-", text)
    assert text.split() == expected_words()


def test_the_shipped_farewell_says_the_title_not_the_embassy(tmp_path, example_ledger):
    """The shipped template, on the same ledger: "Chinese Ambassador to the United States", never
    "Ambassador of the Embassy of …" nor an internal role label."""
    out = tmp_path / "shipped.txt"
    qin = example_ledger["qin"]
    qin.title = ""  # the role and the mission compose it
    qin.save()
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template("farewell.en"), person=example_ledger["carter"],
        posting=qin, letter_date=LETTER_DATE, fmt="txt", out=out, draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    text = out.read_text(encoding="utf-8")
    assert "completing my duty as Chinese Ambassador to the United States and" in text
    assert "of the Embassy" not in text and "head of mission" not in text.lower()
    assert text.splitlines()[-2:] == ["Qin Gang", "Ambassador"]
    zh = tmp_path / "shipped-zh.txt"
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template("farewell.zh"), person=example_ledger["carter"],
        posting=qin, letter_date=LETTER_DATE, fmt="txt", out=zh, personal="", draft=True,
    )  # fmt: skip
    text = zh.read_text(encoding="utf-8")
    assert "尊敬的卡特前总统：" in text and "我即将结束中国驻美国大使任期" in text
    body = text.split("尊敬的卡特前总统：", 1)[1]
    assert not re.search(r"[A-Za-z]", body), body  # no English word in the Chinese letter
    assert text.splitlines()[-3:] == ["秦刚", "大使", "2022年12月30日"]


@pytest.mark.parametrize("fmt", ["txt", "pdf", "docx"])
def test_the_shipped_chinese_farewell_names_diplomatic_relations(tmp_path, example_ledger, fmt):
    """The shipped farewell.zh writes the fact out ("N年前，我们两国建立了外交关系"); the fact is
    labelled as the demo ledger labels it, "建交". The figure is checked against that fact, as the
    English letter's is, in every format, and a wrong one is caught."""
    from legation.claims.reading import read_draft
    from legation.claims.verify import check_text
    from legation.engagements.models import Fact

    Fact.objects.filter(key="diplomatic-relations").update(
        label_zh="建交", aliases=["diplomatic relations", "建交"]
    )
    qin = example_ledger["qin"]
    out = tmp_path / f"farewell-zh.{fmt}"
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template("farewell.zh"), person=example_ledger["carter"],
        posting=qin, letter_date=LETTER_DATE, fmt=fmt, out=out, personal="", draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    text = read_draft(out)
    assert "43年前，我们两国建立了外交关系" in text
    found = {c.claim.text: c for c in check_text(text, user=SYSTEM, posting=qin).claims}
    assert (found["43年前"].verdict, found["43年前"].about) == (
        "supported",
        "fact diplomatic-relations",
    )
    wrong = text.replace("43年前", "44年前")
    found = {c.claim.text: c for c in check_text(wrong, user=SYSTEM, posting=qin).claims}
    assert (found["44年前"].verdict, found["44年前"].expected) == ("contradicted", 43)
