"""Letters through the API (docs/api.md): one rendered on the letterhead and recorded on the
recipient's timeline unless a draft (a read token renders drafts only); a draft's claims checked
against the ledger as the caller sees it. The PDF is read back."""

from __future__ import annotations

import subprocess

import pytest

from legation.core.models import Sensitivity
from legation.engagements.models import Engagement
from tests import factories
from tests.api.helpers import api_as
from tests.letters.conftest import LETTER_DATE

pytestmark = pytest.mark.django_db


def _render(api, person, **extra):
    body = {"template": "farewell", "to": person.pk, "date": LETTER_DATE.isoformat(),
            "personal": "Thank you for the conversation on hope.", **extra}  # fmt: skip
    return api.post("/api/v1/letters/render/", body)


def test_a_draft_with_a_read_token_is_the_letter_and_records_nothing(
    tmp_path, letters_officer, farewell_world
):
    before = Engagement.objects.count()
    answer = _render(api_as(letters_officer, scope="read"), farewell_world, draft=True)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/pdf"
    path = tmp_path / "letter.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "中华人民共和国驻美利坚合众国大使馆" in text and "Dear President Carter," in text
    assert "Thank you for the conversation on hope." in text
    assert Engagement.objects.count() == before
    # Recording it needs a write token.
    refused = _render(api_as(letters_officer, scope="read"), farewell_world)
    assert refused.status_code == 403 and Engagement.objects.count() == before


def test_a_sent_letter_is_recorded_on_the_recipients_timeline(letters_officer, farewell_world):
    answer = _render(api_as(letters_officer), farewell_world, format="txt")
    assert answer.status_code == 200, answer.content
    assert "Dear President Carter," in answer.content.decode()
    recorded = Engagement.objects.get(pk=answer["Legation-Engagement"])
    assert recorded.kind == "letter_sent" and list(recorded.people.all()) == [farewell_world]


def test_no_letter_to_someone_out_of_sight_nor_from_a_path(
    letters_officer, farewell_world, embassy
):
    other = factories.MissionFactory(ref="OTHER")
    outsider = factories.user_with_role("far", "officer", [other], Sensitivity.RESTRICTED)
    answer = _render(api_as(outsider), farewell_world, draft=True)
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "to"
    for spec in ("/etc/passwd", "../farewell", "farewell.en.md"):
        bad = _render(api_as(letters_officer), farewell_world, template=spec, draft=True)
        assert bad.status_code == 400, spec
        assert bad.json()["errors"][0]["field"] == "template"


def test_a_drafts_figures_are_checked_against_the_ledger(letters_officer, farewell_world):
    draft = (
        f"{LETTER_DATE:%B %d, %Y}\n\nDear President Carter,\n\nIn my 500-plus days here I "
        "visited 30 states of this country."
    )
    answer = api_as(letters_officer, scope="read").post("/api/v1/letters/check/", {"text": draft})
    assert answer.status_code == 200, answer.content
    result = answer.json()
    assert result["contradicted"] >= 1
    states = [c for c in result["claims"] if c["verdict"] == "contradicted"]
    assert any("30" in c["text"] for c in states), states


@pytest.mark.parametrize("date", ["9999-12-31", "1700-01-01"])
def test_a_letter_date_out_of_range_is_refused(letters_officer, farewell_world, date):
    api = api_as(letters_officer)
    before = Engagement.objects.count()
    answer = _render(api, farewell_world, date=date)
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "date"
    check = api.post("/api/v1/letters/check/", {"text": "I visited 5 states.", "date": date})
    assert check.status_code == 400
    in_text = api.post(
        "/api/v1/letters/check/", {"text": "December 31, 9999\n\nI visited 5 states."}
    )
    assert in_text.status_code == 400 and in_text.json()["errors"][0]["field"] == "text"
    assert Engagement.objects.count() == before
