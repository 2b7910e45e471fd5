"""The review queue's counters and buttons follow each approval without a reload: the row's
response carries them out of band (hx-swap-oob), in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from legation.letters.models import MergeRow
from tests import factories
from tests.letters.conftest import add_address, at
from tests.letters.test_pages import HX, create_job


@pytest.fixture
def two(embassy, posting, carter):
    pelosi = factories.PersonFactory(
        mission=embassy, family_name="Pelosi", given_name="Nancy", title="Speaker"
    )
    add_address(pelosi, city="San Francisco", region="US-CA")
    for person in (carter, pelosi):
        factories.EngagementFactory(
            mission=embassy, people=[person], staff=[posting], start=at(dt.date(2022, 6, 1))
        )
    return [carter, pelosi]


def approve(client, job, row, value="1"):
    url = f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/"
    return client.post(url, {"approved": value}, **HX).content.decode()


@pytest.mark.parametrize(
    ("language", "one_of_two", "one_pending", "none_pending", "produce_one", "all_approved"),
    [
        ("en", "1 of 2", "1 pending", "0 pending", "Produce 1 approved letter", "All approved"),
        ("zh", "1 / 2", "1人待批准", "0人待批准", "生成1封已批准的信函", "已全部批准"),
    ],
)
def test_approving_a_row_swaps_the_counts_and_buttons(
    client, two, posting, letters_officer, language, one_of_two, one_pending, none_pending,
    produce_one, all_approved,
):  # fmt: skip
    client.force_login(letters_officer)
    job = create_job(client, posting)
    MergeRow.objects.filter(job=job).update(personal="", personal_source="")
    client.cookies["django_language"] = language
    page = client.get(f"/letters/jobs/{job.pk}/").content.decode()
    assert 'id="produce" disabled' in page
    first, second = MergeRow.objects.filter(job=job).order_by("pk")
    fragment = approve(client, job, first)
    assert fragment.count('hx-swap-oob="true"') == 3
    assert 'id="approved-count" hx-swap-oob="true"' in fragment
    assert 'id="job-actions" hx-swap-oob="true"' in fragment
    assert one_of_two in fragment and one_pending in fragment and produce_one in fragment
    assert 'id="produce" disabled' not in fragment and all_approved not in fragment
    fragment = approve(client, job, second)
    assert none_pending in fragment and all_approved in fragment
    fragment = approve(client, job, second, "0")
    assert one_pending in fragment and all_approved not in fragment
    assert "<script" not in fragment and "style=" not in fragment


def test_rows_of_another_mission_are_not_found(client, two, posting, letters_officer, outsider):
    client.force_login(letters_officer)
    job = create_job(client, posting)
    row = MergeRow.objects.filter(job=job).first()
    client.force_login(outsider)
    response = client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/", **HX)
    assert response.status_code == 404
    row.refresh_from_db()
    assert not row.approved


@pytest.mark.parametrize("persona", ["letters_reader"])
def test_a_reader_cannot_approve(client, two, posting, letters_officer, request, persona):
    client.force_login(letters_officer)
    job = create_job(client, posting)
    row = MergeRow.objects.filter(job=job).first()
    client.force_login(request.getfixturevalue(persona))
    response = client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/", **HX)
    assert response.status_code == 403
