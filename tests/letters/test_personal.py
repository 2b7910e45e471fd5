"""Suggested personal lines: a sentence per kind of engagement, in English and in Chinese, built
from the kind, the date, the place and the organisation visited; never a record's subject pasted
in, never cut at "Dr.", never an English word in a Chinese sentence."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from legation.letters.compose.personal import first_sentence, suggest_line, suggestion_source
from legation.letters.merge.review import suggest_personal
from tests import factories
from tests.letters.conftest import at

DAY = dt.date(2022, 5, 3)
LONG = (
    "Follow-up with Dr. Amelia Chen, Ms. Rosa Park and Mr. Tom St. John on the St. Lawrence "
    "Seaway grain corridor, cold-chain logistics, port fees, tariff schedules, the 2023 trade "
    "mission and the sister-city agreement between Sacramento and a partner city, continued"
)

# kind, subject, city, region, organisation (English, Chinese) -> English line, Chinese line
CASES = [
    ("meeting", "Meeting with Dr. Ana Ruiz", "Sacramento", "US-CA", None,
     "I remember with gratitude our meeting in Sacramento on May 3, 2022.",
     "我还记得2022年5月3日我们在萨克拉门托的会见。"),
    ("meeting", "Mtg w/ Pres. Carter re: hope", "Atlanta", "US-GA",
     ("The Carter Center", "卡特中心"),
     "I remember with gratitude our meeting at the Carter Center in Atlanta on May 3, 2022.",
     "我还记得2022年5月3日我们在卡特中心的会见。"),
    ("meeting", "Meeting", "", "", ("University of Georgia", ""),
     "I remember with gratitude our meeting at the University of Georgia on May 3, 2022.",
     "我还记得2022年5月3日我们的会见。"),
    ("site_visit", "Site visit to Port of Long Beach", "Long Beach", "US-CA",
     ("Port of Long Beach", "长滩港务局"),
     "I will not forget my visit to the Port of Long Beach on May 3, 2022.",
     "我不会忘记2022年5月3日参观长滩港务局的情景。"),
    # No Chinese name for the port nor for Long Beach: the region's Chinese name stands in.
    ("site_visit", "Site visit to Port of Long Beach", "Long Beach", "US-CA",
     ("Port of Long Beach", ""),
     "I will not forget my visit to the Port of Long Beach on May 3, 2022.",
     "我不会忘记2022年5月3日在加利福尼亚州参观访问的情景。"),
    ("site_visit", "Site visit: Ms. Lee's farm", "", "", None,
     "I will not forget my visit on May 3, 2022.",
     "我不会忘记2022年5月3日的参观访问。"),
    ("call", "Call with Ms. Lee re: St. Louis trade mission", "", "", None,
     "I remember with gratitude our telephone conversation on May 3, 2022.",
     "我还记得2022年5月3日与您的通话。"),
    ("event", "Reception for Mr. Smith", "Washington", "US-DC", None,
     "It was a pleasure to see you at the event in Washington on May 3, 2022.",
     "很高兴2022年5月3日在华盛顿的活动上与您相见。"),
    ("event", "Gala dinner (Asia Society)", "New York", "US-NY", ("Asia Society", "亚洲协会"),
     "It was a pleasure to see you at the Asia Society event in New York on May 3, 2022.",
     "很高兴2022年5月3日在亚洲协会的活动上与您相见。"),
    ("event", "Reception", "Nowhereville", "", None,
     "It was a pleasure to see you at the event in Nowhereville on May 3, 2022.",
     "很高兴2022年5月3日在活动上与您相见。"),
    ("speech", "Speech at St. Mary's College", "Boston", "US-MA", None,
     "I remain grateful for the opportunity to speak in Boston on May 3, 2022.",
     "感谢您2022年5月3日让我有机会在波士顿发表演讲。"),
    ("interview", "Interview with Dr. Who of the Gazette", "", "", None,
     "Thank you again for the interview on May 3, 2022.",
     "再次感谢您2022年5月3日对我的采访。"),
    ("letter_received", "Letter from Mr. Brown about St. Patrick's Day", "", "", None,
     "Thank you again for your letter of May 3, 2022.",
     "再次感谢您2022年5月3日的来信。"),
    ("email", "Re: Fwd: agenda", "", "", None,
     "Thank you again for your message of May 3, 2022.",
     "再次感谢您2022年5月3日的来函。"),
    ("other", LONG, "St. Louis", "US-MO", None,
     "I remember with gratitude our conversation in St. Louis on May 3, 2022.",
     "我还记得2022年5月3日与您在圣路易斯的交流。"),
    ("meeting", "Courtesy call on Senator Wright", "Washington", "US-DC",
     ("United States Senate", "美国参议院"),
     "I remember with gratitude our meeting at the United States Senate in Washington on "
     "May 3, 2022.",
     "我还记得2022年5月3日我们在美国参议院的会见。"),
    ("meeting", "Private follow-up", "", "US-DC", None,
     "I remember with gratitude our meeting in the District of Columbia on May 3, 2022.",
     "我还记得2022年5月3日我们在哥伦比亚特区的会见。"),
]  # fmt: skip


def engagement(embassy, kind, subject, city, region, organisation, summary=""):
    e = factories.EngagementFactory(
        mission=embassy, kind=kind, subject=subject, city=city, start=at(DAY), summary=summary,
        region=factories.region(region) if region else None,
    )  # fmt: skip
    if organisation:
        e.organisations.add(
            factories.OrganisationFactory(
                mission=embassy, name_en=organisation[0], name_zh=organisation[1]
            )
        )
    return e


@pytest.mark.parametrize(("kind", "subject", "city", "region", "org", "en", "zh"), CASES)
def test_each_kind_has_its_own_sentence_in_both_languages(
    embassy, kind, subject, city, region, org, en, zh
):
    e = engagement(embassy, kind, subject, city, region, org)
    line_en, line_zh = suggest_line(e, "en"), suggest_line(e, "zh")
    assert line_en == en
    assert line_zh == zh
    # Never the record's label pasted in, never a cut sentence, never English in Chinese.
    assert subject not in line_en and " about " not in line_en
    assert re.fullmatch(r"[A-Z][^.]*(St\. [A-Za-z]+[^.]*)?\.", line_en), line_en
    assert not re.search(r"[A-Za-z]", line_zh), line_zh
    assert line_zh.endswith("。")


def test_the_officer_sees_the_subject_and_the_summary_s_first_whole_sentence(embassy):
    e = engagement(
        embassy, "meeting", "Meeting with Dr. Ana Ruiz", "Sacramento", "US-CA", None,
        summary="Met Dr. Ana Ruiz and Ms. Lee of St. Mary's Hospital at the port. Then lunch.",
    )  # fmt: skip
    line, source = suggest_personal(e, "en")
    assert line == "I remember with gratitude our meeting in Sacramento on May 3, 2022."
    assert source == (
        "2022-05-03 meeting: Meeting with Dr. Ana Ruiz — "
        "Met Dr. Ana Ruiz and Ms. Lee of St. Mary's Hospital at the port."
    )
    assert suggest_personal(None, "zh") == ("", "")


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Met Dr. Smith and Ms. Lee at the port. Then lunch.",
         "Met Dr. Smith and Ms. Lee at the port."),
        ("Mr. J. R. Smith, Jr. visited St. Louis on Tuesday. Good talk.",
         "Mr. J. R. Smith, Jr. visited St. Louis on Tuesday."),
        ("Talked about U.S. trade policy with Prof. Kim. More later.",
         "Talked about U.S. trade policy with Prof. Kim."),
        ("No full stop at all", "No full stop at all"),
        ("双方讨论了贸易问题。随后共进午餐。", "双方讨论了贸易问题。"),
        ("", ""),
    ],
)  # fmt: skip
def test_a_summary_is_split_into_sentences_with_abbreviations_kept(text, first):
    assert first_sentence(text) == first


def test_a_long_subject_is_cut_in_the_source_only(embassy):
    e = engagement(embassy, "other", LONG, "", "", None)
    assert len(suggestion_source(e)) <= 300
    assert suggest_line(e, "en") == "I remember with gratitude our conversation on May 3, 2022."
