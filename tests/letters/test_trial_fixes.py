"""What the user trial on the demo found in letters: each case renders a real letter (text)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from legation.core.access import SYSTEM
from legation.letters.compose.letter_template import DEFAULT_DIR, find_template
from legation.letters.merge import production as merge
from tests import factories
from tests.letters.conftest import LETTER_DATE


def render(tmp_path: Path, name: str, person, posting, personal: str | None = ""):
    out = tmp_path / f"{name}-{person.pk}.txt"
    done, _ = merge.render_one(
        actor=SYSTEM, template=find_template(name), person=person, posting=posting,
        letter_date=LETTER_DATE, fmt="txt", out=out, personal=personal, draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    return out.read_text(encoding="utf-8"), done


@pytest.fixture
def officer_posting(seeded):
    """An officer without a title, at an office whose kind composes no title."""
    mission = factories.MissionFactory(
        ref="OFF-1", name_en="Office of Demoland Affairs", name_zh="", kind="office"
    )
    person = factories.PersonFactory(mission=mission, family_name="Lin", given_name="Mei")
    return factories.PostingFactory(mission=mission, person=person, role="officer", title="")


@pytest.mark.parametrize("name", ["farewell.en", "thanks.en", "greeting.en"])
def test_an_officer_without_a_title_gets_no_empty_title_in_english(tmp_path, officer_posting, name):
    recipient = factories.PersonFactory(
        mission=officer_posting.mission, family_name="Baker", given_name="Ann", title="Mayor"
    )
    text, _ = render(tmp_path, name, recipient, officer_posting)
    assert "  " not in text, [line for line in text.splitlines() if "  " in line]
    assert not re.search(r"\bas (and|,|\.)", text)
    if name == "farewell.en":
        assert "as I am completing my posting and will be leaving the United States" in text


def test_the_chinese_farewell_rewords_without_a_title(tmp_path, officer_posting):
    recipient = factories.PersonFactory(
        mission=officer_posting.mission, family_name="Baker", given_name="Ann", name_zh="安·贝克"
    )
    text, _ = render(tmp_path, "farewell.zh", recipient, officer_posting)
    assert "我即将结束任期" in text


def test_every_title_variable_in_a_shipped_template_is_guarded_or_in_a_chinese_sentence():
    """A title-derived variable may be empty: in English it must sit inside an {% if %} on it
    (Chinese sentences read whole without it, "我即将结束任期")."""
    paths = sorted(DEFAULT_DIR.glob("*.en.md"))
    assert [p.name for p in paths] == ["farewell.en.md", "greeting.en.md", "thanks.en.md"]
    checked = 0
    for path in paths:
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\{\{\s*sender\.(title\w*)\s*\}\}", source):
            checked += 1
            before = source[: match.start()]
            guard = before.rfind("{% if sender." + match.group(1))
            assert guard != -1 and "{% endif %}" not in before[guard:], (path.name, match.group())
    assert checked == 3  # farewell's two, thanks' one


@pytest.fixture
def atlanta_meeting(embassy, posting):
    from tests.letters.conftest import add_address, at

    person = factories.PersonFactory(
        mission=embassy, family_name="Young", given_name="Andrew", name_zh="安德鲁·扬",
        title="Mayor",
    )  # fmt: skip
    add_address(person)
    engagement = factories.EngagementFactory(
        mission=embassy, people=[person], staff=[posting], kind="meeting", city="Atlanta",
        region=factories.region("US-GA"), start=at(dt.date(2022, 11, 1)),
    )  # fmt: skip
    engagement.organisations.clear()
    return person, engagement


@pytest.mark.parametrize(
    "language, place, occasion",
    [
        ("en", "Atlanta", "Thank you for our meeting in Atlanta on November 1, 2022."),
        ("zh", "亚特兰大", "感谢您2022年11月1日在亚特兰大与我会见。"),
    ],
)
def test_greeting_and_thanks_recall_the_place_as_the_review_suggestion_does(
    tmp_path, posting, atlanta_meeting, language, place, occasion
):
    from legation.letters.compose.context import last_engagements
    from legation.letters.merge.review import suggest_personal

    person, _engagement = atlanta_meeting
    last = last_engagements([person.pk], SYSTEM)[person.pk]
    suggestion, _source = suggest_personal(last, language)
    assert place in suggestion
    greeting, _ = render(tmp_path, f"greeting.{language}", person, posting, personal="")
    assert suggestion in greeting
    thanks, _ = render(tmp_path, f"thanks.{language}", person, posting, personal="")
    assert occasion in thanks


@pytest.fixture
def second_mission(farewell_world, posting):
    """Another mission with its own ambassador and a contact: two heads of mission in force."""
    other = factories.MissionFactory(ref="EMB-2", name_en="Second Embassy", name_zh="第二大使馆")
    head = factories.PersonFactory(mission=other, family_name="Wu", given_name="Lan")
    factories.PostingFactory(mission=other, person=head, ref="P-WU", role="head_of_mission",
                             arrival=dt.date(2021, 1, 1))  # fmt: skip
    contact = factories.PersonFactory(mission=other, family_name="Reed", given_name="Jo")
    return other, contact


def test_without_from_the_recipients_head_of_mission_signs(tmp_path, second_mission):
    from tests.letters.test_commands import letters

    out = tmp_path / "carter.txt"
    letters("render", "farewell.en", "--to", "P-CARTER", "--date", "2022-12-30", "--draft",
            "--format", "txt", "-o", str(out))  # fmt: skip
    assert out.read_text(encoding="utf-8").splitlines()[-2:] == ["Qin Gang", "Ambassador"]

    letters("merge", "farewell.en", "--to", "met-by=P-QIN", "--date", "2022-12-30", "--draft",
            "--format", "txt", "--workers", "1", "--out", str(tmp_path / "merge"))  # fmt: skip
    (letter,) = (tmp_path / "merge").glob("carter-*.txt")
    assert letter.read_text(encoding="utf-8").splitlines()[-2:] == ["Qin Gang", "Ambassador"]


def test_a_merge_over_people_of_two_missions_without_from_is_refused(tmp_path, second_mission):
    from django.core.management.base import CommandError

    from tests.letters.test_commands import letters

    with pytest.raises(CommandError, match=r"several missions \(EMB-2, EMB-CN-US\)") as info:
        letters("merge", "farewell.en", "--to", "all=yes", "--draft", "--format", "txt",
                "--out", str(tmp_path / "merge"))  # fmt: skip
    assert "\n" not in str(info.value)


ENGLISH_LINE = "I still treasure our talk about hope."
CHINESE_LINE = "我始终珍视我们关于希望的交谈。"


def test_a_chinese_letter_to_someone_without_a_chinese_name_warns(tmp_path, posting):
    from tests.letters.conftest import add_address
    from tests.letters.test_commands import letters

    baker = factories.PersonFactory(
        mission=posting.mission, family_name="Baker", given_name="Ann", title="Mayor",
        ref="P-BAKER",
    )  # fmt: skip
    add_address(baker)
    out = tmp_path / "baker.txt"
    said = letters("render", "farewell.zh", "--to", "P-BAKER", "--from", "P-QIN", "--draft",
                   "--date", "2022-12-30", "--format", "txt", "-o", str(out))  # fmt: skip
    assert "尊敬的Baker市长：" in out.read_text(encoding="utf-8")
    assert "warning: No Chinese name recorded for Ann Baker" in said
    # In a merge, the manifest says it on the row.
    said = letters("merge", "farewell.zh", "--to", "all=yes", "--from", "P-QIN", "--draft",
                   "--date", "2022-12-30", "--format", "txt", "--workers", "1",
                   "--out", str(tmp_path / "m"))  # fmt: skip
    import csv

    rows = list(csv.DictReader((tmp_path / "m" / "manifest.csv").open(encoding="utf-8")))
    (row,) = [r for r in rows if r["ref"] == "P-BAKER"]
    assert row["warnings"].startswith("No Chinese name recorded for Ann Baker")
    assert "No Chinese name recorded for Ann Baker" in said.split("warning:", 1)[1]


@pytest.mark.parametrize(
    "notes, language, used, left_out",
    [
        # The trial's case: an English note never goes verbatim into a Chinese letter.
        ([f"personal: {ENGLISH_LINE}"], "zh", None, ENGLISH_LINE),
        ([f"personal: {CHINESE_LINE}"], "en", None, CHINESE_LINE),
        # A language's own note wins for that language; the plain one serves the other.
        ([f"personal: {ENGLISH_LINE}", f"personal.zh: {CHINESE_LINE}"], "zh", CHINESE_LINE,
         ENGLISH_LINE),
        ([f"personal.zh: {CHINESE_LINE}", f"personal: {ENGLISH_LINE}"], "en", ENGLISH_LINE,
         CHINESE_LINE),
        ([f"personal.en: {ENGLISH_LINE}"], "en", ENGLISH_LINE, None),
    ],
)  # fmt: skip
def test_a_personal_line_is_used_only_in_its_own_language(
    tmp_path, posting, farewell_world, notes, language, used, left_out
):
    from legation.people.models import PersonNote

    for text in notes:
        PersonNote.objects.create(person=farewell_world, text=text)
    text, done = render(tmp_path, f"farewell.{language}", farewell_world, posting, personal=None)
    if used:
        assert used in text
    if left_out:
        assert left_out not in text
    warned = [w for w in done.warnings if "personal" in w]
    assert bool(warned) == (used is None and left_out is not None), done.warnings


def test_the_review_row_never_takes_a_note_in_the_other_language(posting, farewell_world):
    from legation.letters.merge.review import merge_job_create
    from legation.people.models import PersonNote

    PersonNote.objects.create(person=farewell_world, text=f"personal: {ENGLISH_LINE}")
    job = merge_job_create(
        actor=SYSTEM, template=find_template("farewell.zh"), segment="met-by=P-QIN",
        posting=posting, letter_date=LETTER_DATE, fmt="txt",
    )  # fmt: skip
    row = job.rows.get(person=farewell_world)
    assert ENGLISH_LINE not in row.personal
    assert row.suggestion_source.startswith("The personal line is not in Chinese")
