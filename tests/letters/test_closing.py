"""The complimentary close: the table (kind × rank × language), the front matter, the outputs."""

from __future__ import annotations

import pytest
from docx import Document

from legation.letters.compose.closing import complimentary_close
from legation.letters.compose.letter_template import KINDS, find_template, parse_template
from tests import factories
from tests.letters.test_render import pdf_text, render

EXCELLENCY = "Please accept, Excellency, the assurances of my highest consideration."
# kind -> rank -> English close in the United States ("" rank: anyone not addressed as Excellency)
TABLE = {
    "farewell": {"excellency": EXCELLENCY, "honorable": "Sincerely,", "": "Sincerely,"},
    "invitation": {"excellency": EXCELLENCY, "honorable": "Sincerely,", "": "Sincerely,"},
    "condolence": {
        "excellency": EXCELLENCY,
        "honorable": "With deepest sympathy,",
        "": "With deepest sympathy,",
    },
    "other": {"excellency": EXCELLENCY, "honorable": "Sincerely,", "": "Sincerely,"},
    "greeting": {
        "excellency": "With warm regards,",
        "honorable": "With warm regards,",
        "": "With warm regards,",
    },
    "thanks": {"excellency": "Sincerely,", "honorable": "Sincerely,", "": "Sincerely,"},
}


def test_the_table_covers_every_kind():
    assert set(TABLE) == set(KINDS)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("rank", ["excellency", "honorable", ""])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_rank_and_language(kind, rank, language):
    close = complimentary_close(kind, language, rank=rank, host_country="US")
    if language == "zh":
        assert close == ["此致", "敬礼！"]
    else:
        assert close == [TABLE[kind][rank]]


def test_royalty_is_named_in_the_formula():
    assert complimentary_close("farewell", "en", rank="majesty") == [
        "Please accept, Your Majesty, the assurances of my highest consideration."
    ]
    assert complimentary_close("invitation", "en", rank="royal-highness") == [
        "Please accept, Your Royal Highness, the assurances of my highest consideration."
    ]


def test_outside_the_united_states_the_close_is_yours_sincerely_or_faithfully():
    assert complimentary_close("thanks", "en", host_country="GB", salutation="Dear Dr. Lee,") == [
        "Yours sincerely,"
    ]
    assert complimentary_close(
        "thanks", "en", host_country="GB", salutation="Dear Sir or Madam,"
    ) == ["Yours faithfully,"]


def ambassador(mission):
    return factories.PersonFactory(
        mission=mission, family_name="Lefebvre", given_name="Anne", gender="f",
        title="Ambassador", office="Ambassador of France to the United States",
    )  # fmt: skip


def test_a_farewell_to_a_serving_ambassador_closes_with_the_formula_in_pdf_and_word(
    tmp_path, posting, farewell_world
):
    from tests.letters.conftest import add_address

    person = ambassador(posting.mission)
    add_address(person)
    pdf = pdf_text(render(tmp_path, posting, person, "pdf"))
    assert "Please accept, Excellency, the assurances of my highest consideration." in " ".join(
        pdf.split()
    )
    assert pdf.index("highest consideration") < pdf.index("Qin Gang")
    doc = Document(str(render(tmp_path, posting, person, "docx")))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert EXCELLENCY in lines
    assert lines.index(EXCELLENCY) < lines.index("Qin Gang")


def test_the_farewell_to_president_carter_closes_sincerely_and_chinese_keeps_cizhi(
    tmp_path, posting, farewell_world
):
    text = render(tmp_path, posting, farewell_world, "txt").read_text(encoding="utf-8")
    assert text.splitlines()[-5:] == ["Sincerely,", "", "", "Qin Gang", "Ambassador"]
    zh = render(tmp_path, posting, farewell_world, "txt", name="farewell.zh", personal="谢谢。")
    assert zh.read_text(encoding="utf-8").splitlines()[-8:-4] == ["", "此致", "敬礼！", ""]


def test_the_front_matter_says_the_close_or_none(tmp_path, posting, farewell_world):
    body = "---\nname: t\nlanguage: en\nkind: farewell\n{}---\nHello.\n"
    own = parse_template(body.format("closing: Respectfully, / Your friend\n"))
    assert own.closing == ("Respectfully,", "Your friend") and own.closing_set
    none = parse_template(body.format("closing: none\n"))
    assert none.closing == () and none.closing_set
    default = parse_template(body.format(""))
    assert default.closing == () and not default.closing_set
    for template, close in ((own, ["Respectfully,", "Your friend"]), (none, [])):
        path = tmp_path / f"{template.closing_set}-{len(template.closing)}.en.md"
        path.write_text(template.source, encoding="utf-8")
        out = render(tmp_path, posting, farewell_world, "txt", name=str(path))
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines[lines.index("Hello.") + 1 : lines.index("Qin Gang")] == [
            "",
            *close,
            *([""] if close else []),
            "",
        ]
    assert find_template("farewell.en").closing_set is False


# (title, office) -> rank -> the farewell's close in the United States (docs/letters.md: only a
# national minister or cabinet secretary is Excellency, never a state's).
RECIPIENTS = [
    ("Secretary", "Secretary, Kentucky Department of Economic Development", "honorable"),
    ("Secretary", "Kentucky Secretary of State", "honorable"),
    ("Secretary", "Secretary of State of the State of Iowa", "honorable"),
    ("Minister", "Minister of Finance, Province of Ontario", "honorable"),
    ("Secretary", "Secretary of Commerce", "excellency"),
    ("Secretary", "U.S. Secretary of State", "excellency"),
    ("Secretary", "Secretary of Homeland Security, Washington, D.C.", "excellency"),
    ("Minister", "Minister of Foreign Affairs of Canada", "excellency"),
    ("Secretary", "", "excellency"),
]


@pytest.mark.parametrize("title, office, rank", RECIPIENTS)
def test_only_a_national_secretary_or_minister_is_excellency(title, office, rank):
    from legation.people.address import AddressInput, forms_of_address

    forms = forms_of_address(
        AddressInput("Morales", "Ana", "", "western", title=title, office=office)
    )
    assert forms.rank == rank
    assert complimentary_close("farewell", "en", rank=forms.rank, host_country="US") == [
        TABLE["farewell"][rank]
    ]


def test_a_kentucky_secretary_gets_sincerely_in_the_rendered_farewell(tmp_path, posting):
    person = factories.PersonFactory(
        mission=posting.mission, family_name="Morales", given_name="Ana", title="Secretary",
        office="Secretary, Kentucky Department of Economic Development",
    )  # fmt: skip
    out = tmp_path / "morales.txt"
    from legation.core.access import SYSTEM
    from legation.letters.merge import production as merge
    from tests.letters.conftest import LETTER_DATE

    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template("farewell.en"), person=person, posting=posting,
        letter_date=LETTER_DATE, fmt="txt", out=out, personal="", draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    text = out.read_text(encoding="utf-8")
    assert "Dear Secretary Morales," in text
    assert "Sincerely," in text and "Excellency" not in text
