"""No restricted engagement reaches a letter, whoever renders it: not its subject, notes or
summary in the text a template prints, not as the source of a suggested personal line. An
officer cleared for restricted records writes the same outgoing letter as any other."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from legation.core.access import SYSTEM
from legation.core.models import Sensitivity
from legation.letters.compose.letter_template import find_template, parse_template
from legation.letters.merge import production as merge
from legation.letters.merge.review import merge_job_create
from legation.letters.services import letter_template_save
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address, at

SECRETS = ("Private follow-up", "SECRET", "back channel", "Dr. Hidden", "Sacramento",
           "December 1, 2022", "2022年12月1日", "萨克拉门托")  # fmt: skip


@pytest.fixture
def restricted_last(embassy, posting, farewell_world):
    """Carter's last engagement is restricted; the one before (Nov 1, 2022) is not."""
    factories.EngagementFactory(
        mission=embassy, people=[farewell_world], staff=[posting], start=at(dt.date(2022, 12, 1)),
        subject="Private follow-up", notes="SECRET: the back channel",
        summary="Talked with Dr. Hidden about the back channel.", city="Sacramento",
        region=factories.region("US-CA"), sensitivity=Sensitivity.RESTRICTED,
    )  # fmt: skip
    return farewell_world


def read_back(path) -> str:
    if str(path).endswith(".pdf"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
    else:
        text = path.read_text(encoding="utf-8")
    # pdftotext puts spaces between figures and Chinese characters ("2022 年"): compared without.
    return re.sub(r"\s+", "", text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def render(tmp_path, actor, posting, person, template, fmt, personal=None):
    out = tmp_path / f"{template.label}.{fmt}"
    done, _ = merge.render_one(
        actor=actor, template=template, person=person, posting=posting,
        letter_date=LETTER_DATE, fmt=fmt, out=out, personal=personal, draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    return read_back(out)


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
@pytest.mark.parametrize("name", ["thanks.en", "thanks.zh", "greeting.en", "greeting.zh"])
def test_a_cleared_officer_s_letter_never_prints_a_restricted_engagement(
    tmp_path, restricted_last, posting, letters_officer, name, fmt
):
    text = render(tmp_path, letters_officer, posting, restricted_last, find_template(name), fmt)
    for secret in SECRETS:
        assert squeeze(secret) not in text, (secret, text)
    # The letter recalls the last engagement it may: the meeting of November 1, 2022.
    assert squeeze("November 1, 2022" if name.endswith(".en") else "2022年11月1日") in text
    # Nor does it paste any record's subject, restricted or not.
    assert squeeze("Conversation on hope") not in text


def test_a_template_reading_the_subject_gets_the_last_non_restricted_one(
    tmp_path, restricted_last, embassy, posting, letters_officer
):
    text = """---
name: recall
language: en
kind: other
---
About {{ last_engagement.subject }} on {{ last_engagement.date }} ({{ last_engagement.city }}).
"""
    letter_template_save(actor=SYSTEM, mission=embassy, text=text)
    template = parse_template(text, default_name="recall")
    for fmt in ("txt", "pdf"):
        said = render(tmp_path, letters_officer, posting, restricted_last, template, fmt)
        assert squeeze("About Conversation on hope on November 1, 2022") in said
        for secret in SECRETS:
            assert squeeze(secret) not in said


def test_the_review_queue_suggests_from_the_last_non_restricted_engagement_or_nothing(
    restricted_last, embassy, posting, letters_officer
):
    only_secret = factories.PersonFactory(mission=embassy, family_name="Hidden", given_name="Al")
    add_address(only_secret)
    factories.EngagementFactory(
        mission=embassy, people=[only_secret], staff=[posting], start=at(dt.date(2022, 10, 1)),
        subject="Private follow-up", notes="SECRET", sensitivity=Sensitivity.RESTRICTED,
    )  # fmt: skip
    for language in ("en", "zh"):
        job = merge_job_create(
            actor=letters_officer, template=find_template(f"thanks.{language}"),
            segment="met-by=P-QIN", posting=posting, letter_date=LETTER_DATE,
        )  # fmt: skip
        carter = job.rows.get(person=restricted_last)
        assert (
            carter.personal
            == {
                "en": "I remember with gratitude our meeting in the District of Columbia on "
                "November 1, 2022.",
                "zh": "我还记得2022年11月1日我们在哥伦比亚特区的会见。",
            }[language]
        )
        assert carter.suggestion_source.startswith("2022-11-01 meeting: Conversation on hope")
        assert carter.sensitivity == Sensitivity.INTERNAL
        hidden = job.rows.get(person=only_secret)
        assert (hidden.personal, hidden.suggestion_source, hidden.personal_source) == ("", "", "")
        everything = " ".join(
            r.personal + r.suggestion_source for r in job.rows.all()
        )  # fmt: skip
        for secret in SECRETS:
            assert secret not in everything
