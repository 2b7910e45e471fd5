"""The shipped thanks and greeting letters recall the last engagement in a phrase that reads right
for its kind, in both languages: never "our letter received on …" or "与我的来信"."""

from __future__ import annotations

import datetime as dt

import pytest

from legation.core.access import SYSTEM
from legation.engagements.models import Kind
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import production as merge
from tests import factories
from tests.letters.conftest import LETTER_DATE, at

DAY = dt.date(2022, 11, 3)
CASES = [
    (Kind.MEETING, "Thank you for our meeting on November 3, 2022.", "感谢您2022年11月3日与我会见。"),
    (Kind.CALL, "Thank you for our telephone conversation on November 3, 2022.",
     "感谢您2022年11月3日与我通话。"),
    (Kind.LETTER_RECEIVED, "Thank you for your letter of November 3, 2022.",
     "感谢您2022年11月3日的来信。"),
    (Kind.EMAIL, "Thank you for your message of November 3, 2022.", "感谢您2022年11月3日的来函。"),
    (Kind.SITE_VISIT, "Thank you for your hospitality during my visit on November 3, 2022.",
     "感谢您2022年11月3日对我参观访问的热情接待。"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "english", "chinese"), CASES, ids=[c[0] for c in CASES])
def test_thanks_names_the_occasion_by_its_kind(tmp_path, embassy, posting, kind, english, chinese):
    person = factories.PersonFactory(mission=embassy, family_name="Lee", given_name="Ann")
    factories.EngagementFactory(
        mission=embassy, people=[person], staff=[posting], kind=kind, start=at(DAY), city="",
        region=None,
    )  # fmt: skip
    for language, expected in (("en", english), ("zh", chinese)):
        out = tmp_path / f"thanks-{kind}-{language}.txt"
        done, _ = merge.render_one(
            actor=SYSTEM, template=find_template(f"thanks.{language}"), person=person,
            posting=posting, letter_date=LETTER_DATE, fmt="txt", out=out, draft=True,
        )  # fmt: skip
        assert not done.error, done.error
        text = " ".join(out.read_text(encoding="utf-8").split())
        assert expected in text, text
        assert "received on" not in text and "与我的来信" not in text


def test_greeting_recalls_a_letter_received_as_a_letter(tmp_path, embassy, posting):
    person = factories.PersonFactory(mission=embassy, family_name="Lee", given_name="Ann")
    factories.EngagementFactory(
        mission=embassy, people=[person], staff=[posting], kind=Kind.LETTER_RECEIVED,
        start=at(DAY), city="", region=None,
    )  # fmt: skip
    texts = {}
    for language in ("en", "zh"):
        out = tmp_path / f"greeting-{language}.txt"
        done, _ = merge.render_one(
            actor=SYSTEM, template=find_template(f"greeting.{language}"), person=person,
            posting=posting, letter_date=LETTER_DATE, fmt="txt", out=out, draft=True,
        )  # fmt: skip
        assert not done.error, done.error
        texts[language] = " ".join(out.read_text(encoding="utf-8").split())
    assert "Thank you again for your letter of November 3, 2022." in texts["en"]
    assert " our letter" not in texts["en"]
    assert "再次感谢您2022年11月3日的来信。" in texts["zh"]
