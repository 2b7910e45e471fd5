"""The insight figures through the API: computed as the caller (what they may not see does not
count), the same as the pages' JSON download, for postings the caller may see only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.api.helpers import api_as
from tests.core.test_access import ledger  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ledger")]


def _tenure(user, posting):
    answer = api_as(user, scope="read").get(
        "/api/v1/figures/tenure/", {"posting": posting.pk, "as_of": "2022-12-30"}
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_tenure_counts_only_what_the_caller_may_see(officer, public_reader, ambassador_posting):
    everything = _tenure(officer, ambassador_posting)
    public = _tenure(public_reader, ambassador_posting)
    assert everything["kind"] == "tenure"
    assert everything["engagements"] > public["engagements"] >= 1


def test_the_figures_are_the_pages_json_download(officer, ambassador_posting):
    page = Client()
    page.force_login(officer)
    download = page.get(
        "/insight/",
        {"posting": ambassador_posting.pk, "as_of": "2022-12-30", "format": "json"},
        secure=True,
    )
    assert download.status_code == 200
    assert json.loads(download.content) == _tenure(officer, ambassador_posting)


def test_another_missions_posting_is_not_found_and_bad_values_are_named(
    outsider,
    officer,
    ambassador_posting,
):
    api = api_as(outsider, scope="read")
    assert api.get("/api/v1/figures/tenure/", {"posting": ambassador_posting.pk}).status_code == 404
    mine = api_as(officer, scope="read")
    assert mine.get("/api/v1/figures/nonsense/").status_code == 404
    bad = mine.get("/api/v1/figures/coverage/", {"as_of": "30/12/2022"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "as_of"
    whole = mine.get("/api/v1/figures/tenure/", {"posting": "all"})
    assert whole.status_code == 400 and whole.json()["errors"][0]["field"] == "posting"
    for kind in ("coverage", "quiet", "handover"):
        answer = mine.get(
            f"/api/v1/figures/{kind}/",
            {
                "posting": "all" if kind != "handover" else ambassador_posting.pk,
                "as_of": "2022-12-30",
            },
        )
        assert answer.status_code == 200, (kind, answer.content)
        assert answer.json()["kind"] == kind


def test_the_whole_missions_coverage_is_on_its_host_countrys_regions():
    from legation.core.models import Region, Sensitivity
    from tests import factories

    mexico = factories.MissionFactory(ref="EMB-MX", host_country="MX")
    Region.objects.get_or_create(
        code="MX-JAL", defaults={"country": "MX", "name_en": "Jalisco", "kind": "State"}
    )
    officer = factories.user_with_role("mx", "officer", [mexico], Sensitivity.RESTRICTED)
    answer = api_as(officer, scope="read").get("/api/v1/figures/coverage/", {"posting": "all"})
    assert answer.status_code == 200, answer.content
    codes = {r["code"] for r in answer.json()["regions"]}
    assert "MX-JAL" in codes and not any(code.startswith("US-") for code in codes)
