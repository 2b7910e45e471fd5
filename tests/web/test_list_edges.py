"""Edges of the lists found by a user trial: the home page's link to one's own commitments opens
the same unfinished ones it counts, a page past the last says so, the chip of a linked record
comes before the filter form, and a NUL in an id reads correctly in Chinese."""

from __future__ import annotations

import pytest

from legation.engagements.models import Commitment
from tests import factories

PAST = {"en": "This page is past the last one.", "zh-hans": "此页已超出最后一页。"}
NUL = {"en": "Null characters are not allowed.", "zh-hans": "不允许包含空字符（NUL）。"}


@pytest.fixture(params=["en", "zh-hans"])
def language(request):
    return request.param


def _speak(client, user, language: str) -> None:
    client.force_login(user)
    client.post("/language/", {"language": language, "next": "/"})


def test_the_home_link_to_ones_commitments_opens_the_unfinished_ones(
    client, officer, mission, language
):
    posting = factories.PostingFactory(mission=mission, user=officer)
    engagement = factories.EngagementFactory(mission=mission)
    statuses = ["open"] * 13 + ["in_progress"] * 2 + ["done"] * 4 + ["dropped"]
    for k, status in enumerate(statuses):
        factories.CommitmentFactory(
            engagement=engagement, owner=posting, status=status, description=f"Task {k}"
        )
    _speak(client, officer, language)
    home = client.get("/").content.decode()
    href = "/engagements/commitments/?mine=true&amp;status=unfinished"
    assert href in home
    listed = client.get(href.replace("&amp;", "&")).content.decode()
    shown = [f"Task {k}" for k in range(len(statuses)) if f">Task {k}<" in listed]
    unfinished = Commitment.objects.filter(status__in=["open", "in_progress"]).count()
    assert len(shown) == unfinished == 15


def test_a_page_past_the_last_says_so(client, officer, mission, language):
    factories.EngagementFactory(mission=mission, subject="Only one")
    _speak(client, officer, language)
    page = client.get("/engagements/?page=999").content.decode()
    assert PAST[language] in page
    assert PAST[language] not in client.get("/engagements/").content.decode()


def test_the_chip_comes_before_the_filter_form(client, officer, mission, language):
    org = factories.OrganisationFactory(mission=mission, name_en="Harbour Board")
    _speak(client, officer, language)
    page = client.get(f"/engagements/?organisation={org.pk}").content.decode()
    assert 0 <= page.index("active-filters") < page.index('<form class="filters"')


def test_a_nul_in_an_id_is_refused_in_words_that_say_so(client, officer, language):
    _speak(client, officer, language)
    page = client.get("/engagements/?person=%00").content.decode()
    assert NUL[language] in page
