"""A list filter given a choice it does not offer (another mission's tag, a posting id that is
not one, a word where an id goes) says so and lists nothing: never the whole list under the
error, which would read as the filter's answer."""

from __future__ import annotations

import re

import pytest

from legation.people.models import Tag
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(mission, other_mission, ambassador_posting):
    person = factories.PersonFactory(mission=mission)
    org = factories.OrganisationFactory(mission=mission)
    engagement = factories.EngagementFactory(
        mission=mission, people=[person], staff=[ambassador_posting]
    )
    engagement.organisations.add(org)
    factories.CommitmentFactory(engagement=engagement, owner=ambassador_posting)
    theirs = Tag.objects.create(mission=other_mission, name="theirs")
    return {"tag": theirs, "posting": factories.PostingFactory(mission=other_mission)}


def _rows(html, kind):
    return re.findall(rf'href="/{kind}/\d+/"', html)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refused_choice_lists_nothing(client, officer, ledger, language):
    client.force_login(officer)
    client.post("/language/", {"language": language, "next": "/"})
    tag, posting = ledger["tag"].pk, ledger["posting"].pk
    cases = {
        "engagements": ["", f"?tag={tag}", "?tag=abc", f"?staff={posting}", "?staff=abc",
                        "?kind=nonsense", "?sector=999999", "?since=notadate",
                        "?until=2024-13-45", "?q=%00"],
        "people": ["", f"?tag={tag}", "?region=abc"],
        "people/organisations": ["", f"?tag={tag}", "?sector=abc"],
        "engagements/commitments": ["", f"?owner={posting}", "?status=nonsense", "?mine=maybe",
                                    "?due_after=x"],
    }  # fmt: skip
    for path, queries in cases.items():
        kind = {"people/organisations": "people/organisations"}.get(path, path)
        unfiltered = client.get(f"/{path}/").content.decode()
        assert _rows(unfiltered, kind), path
        for query in queries[1:]:
            response = client.get(f"/{path}/{query}")
            assert response.status_code == 200, (path, query)
            html = response.content.decode()
            assert 'class="errorlist"' in html, (path, query)
            assert _rows(html, kind) == [], (path, query)
