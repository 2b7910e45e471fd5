from __future__ import annotations

import json

import pytest

from legation.insight import reports
from tests.insight.conftest import AS_OF

PAGES = ["/insight/", "/insight/coverage/", "/insight/quiet/", "/insight/handover/"]


@pytest.fixture
def logged_in(client, officer):
    client.force_login(officer)
    return client


def test_insight_pages_require_login(client, book):
    for url in [*PAGES, f"/insight/people/{book['governor'].pk}/"]:
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/"), url


def test_insight_pages_render_with_the_map_charts_and_heat_map(logged_in, book):
    q = "?posting=P-HOM&as_of=2022-12-30&from=2022-01-01"
    for url in PAGES:
        assert logged_in.get(url + q).status_code == 200, url
    tenure = logged_in.get("/insight/" + q).content.decode()
    assert 'class="choropleth"' in tenure and "<title>Texas: 5 visits</title>" in tenure
    assert "Puerto Rico" in tenure  # a territory, listed beside the map
    assert 'aria-label="Engagements by month"' in tenure
    cover = logged_in.get("/insight/coverage/" + q).content.decode()
    assert 'class="heat"' in cover
    assert "Insight</a>" in logged_in.get("/").content.decode()


def test_the_page_json_is_the_report_json(logged_in, book, officer):
    q = "?posting=P-HOM&as_of=2022-12-30&format=json"
    page = json.loads(logged_in.get("/insight/" + q).content)
    built = json.loads(
        reports.to_json(reports.build("tenure", user=officer, posting=book["hom"], as_of=AS_OF))
    )
    assert page == built
    assert logged_in.get("/insight/handover/?posting=P-HOM&format=pdf").content[:4] == b"%PDF"


def test_reader_without_clearance_sees_figures_without_restricted_engagements(client, book):
    from legation.core.models import Sensitivity
    from tests import factories

    internal = factories.user_with_role(
        "int", "reader", [book["hom"].mission], Sensitivity.INTERNAL
    )
    client.force_login(internal)
    page = client.get("/insight/?posting=P-HOM&as_of=2022-12-30").content.decode()
    assert 'data-figure="engagements">5<' in page  # not the restricted meeting, nor the email
    assert "<title>Texas: 4 visits</title>" in page


def test_network_page_shows_holders_and_hides_invisible_people(logged_in, client, book, outsider):
    page = logged_in.get(f"/insight/people/{book['businessman'].pk}/").content.decode()
    assert 'id="holders"' in page and "Counsellor" in page
    client.force_login(outsider)
    assert client.get(f"/insight/people/{book['businessman'].pk}/").status_code == 404
    assert client.get("/insight/?posting=P-HOM").status_code == 404


def test_key_figures_are_written_with_the_thousands_grouped():
    """135,342 engagements read "135,342", not "135342"."""
    from django.template.loader import render_to_string

    t = {
        "days_in_post": 528,
        "engagements": 135342,
        "people_met": 65073,
        "organisations_met": 17170,
        "states_visited": 22,
        "sectors_engaged": [],
        "commitments": {"opened": 26973, "solved": 19267, "still_open": 4143, "overdue": 0},
    }
    from django.utils import translation

    with translation.override("en"):  # Chinese groups by four without a separator (Django's)
        html = render_to_string("insight/_tenure.html", {"data": t})
    assert 'data-figure="engagements">135,342<' in html
    assert 'data-figure="people_met">65,073<' in html


def test_the_chinese_dashboard_names_regions_in_chinese(logged_in, book):
    logged_in.post("/language/", {"language": "zh-hans", "next": "/"})
    page = logged_in.get("/insight/?posting=P-HOM&as_of=2022-12-30").content.decode()
    most = page.split("走访最多", 1)[1].split("</ol>", 1)[0]
    assert "得克萨斯州：5" in most and "Texas" not in most


@pytest.mark.parametrize(
    ("language", "overdue", "choice"),
    [
        ("en", " (1 overdue)", " (EMB-US, until "),
        ("zh-hans", "（1项已逾期）", "（EMB-US，任期至"),
    ],
)
def test_brackets_and_commas_are_the_languages_own(logged_in, book, language, overdue, choice):
    import datetime as dt

    counsellor = book["counsellor"]
    counsellor.departure = dt.date(2022, 8, 31)
    counsellor.save()
    logged_in.post("/language/", {"language": language, "next": "/"})
    html = logged_in.get("/insight/?posting=P-HOM&as_of=2022-12-30").content.decode()
    assert overdue in html
    assert choice in html  # the counsellor's posting, ended: its mission and end in brackets
    assert ("(EMB-US" in html) == (language == "en")
