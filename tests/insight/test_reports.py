from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.access import SYSTEM
from legation.insight import reports
from tests import factories
from tests.insight.conftest import AS_OF


def run(tmp_path, *args: str) -> bytes:
    out = tmp_path / "out"
    call_command("report", *args, "-o", str(out))
    return out.read_bytes()


def test_json_report_holds_the_tenure_figures_of_the_book(book, tmp_path):
    data = json.loads(run(tmp_path, "tenure", "--posting", "P-HOM", "--as-of", "2022-12-30",
                          "--format", "json"))  # fmt: skip
    # The figures by hand from the book (tests/insight/conftest.py): the ambassador arrived on
    # 2021-07-28 (520 days before 2022-12-30); four meetings with the governor in Texas, the
    # restricted meeting with the scholar in Texas, the call to the businessman; the email is
    # correspondence, the site visit the counsellor's.
    assert (data["kind"], data["posting"], data["arrival"], data["as_of"]) == (
        "tenure", "P-HOM", "2021-07-28", "2022-12-30",
    )  # fmt: skip
    assert data["days_in_post"] == 520
    assert data["engagements"] == 6
    assert data["engagements_by_kind"] == {"meeting": 5, "call": 1}
    assert (data["people_met"], data["organisations_met"]) == (2, 0)
    months = {m["month"]: m["engagements"] for m in data["engagements_by_month"]}
    assert len(months) == 18 and sum(months.values()) == 6
    assert {m: n for m, n in months.items() if n} == {
        "2022-01": 1, "2022-02": 2, "2022-03": 1, "2022-04": 1, "2022-05": 1,
    }  # fmt: skip
    assert data["regions_visited"] == ["US-TX"] and data["states_visited"] == 1
    assert [(r["code"], r["visits"], r["first"], r["last"]) for r in data["regions"]] == [
        ("US-TX", 5, "2022-01-10", "2022-04-10")
    ]
    assert {s["code"]: s["engagements"] for s in data["sectors"]} == {
        "subnational": 4, "think_tank": 1, "business": 1,
    }  # fmt: skip
    mail = data["correspondence"]
    assert (mail["letters_sent"], mail["letters_received"], mail["emails"]) == (0, 0, 1)
    # Send data (open, due 2022-06-01: overdue), Invite (done), the restricted follow-up (open).
    assert data["commitments"] == {
        "opened": 3, "solved": 1, "dropped": 0, "still_open": 2, "overdue": 1,
    }  # fmt: skip


def test_coverage_report_takes_a_period_and_the_whole_mission(book, tmp_path):
    data = json.loads(run(tmp_path, "coverage", "--posting", "all", "--from", "2022-01-01",
                          "--as-of", "2022-12-30", "--format", "json"))  # fmt: skip
    # By hand from the book: the governor's four meetings and the scholar's in Texas, the site
    # visit in California; the call has no region (its business sector is unplaced), the email
    # is not an engagement of the matrix.
    assert data["cells"] == {"US-TX": {"subnational": 4, "think_tank": 1}, "US-CA": {"business": 1}}
    assert (data["total"], data["unplaced"]) == (6, {"business": 1})
    # Gaps: first the seven sectors nobody in the book belongs to, then states never visited
    # (neither Texas nor California), forty at most.
    gaps = data["gaps"]
    assert [(g["kind"], g["sector"]) for g in gaps[:7]] == [("sector", code) for code in (
        "executive", "legislature", "media", "academia", "civil_society", "culture_sports",
        "public",
    )]  # fmt: skip
    assert gaps[0]["text"] == "no engagement with executive government anywhere, ever"
    assert len(gaps) == 40 and {g["kind"] for g in gaps[7:]} == {"region"}
    assert gaps[7]["text"] == "no engagement in Alabama, ever"
    assert not {"US-TX", "US-CA"} & {g["region"] for g in gaps}


def test_report_as_a_reader_counts_only_what_the_reader_may_see(book, reader, tmp_path):
    data = json.loads(run(tmp_path, "tenure", "--posting", "P-HOM", "--as-of", "2022-12-30",
                          "--format", "json", "--as", "reader"))  # fmt: skip
    assert data["engagements"] == 5  # not the restricted meeting, nor the email


def test_handover_brief_as_pdf_html_and_csv(book, tmp_path):
    common = ["handover", "--posting", "P-HOM", "--as-of", "2022-12-30"]
    assert run(tmp_path, *common, "--format", "pdf").startswith(b"%PDF")
    html = run(tmp_path, *common, "--format", "html").decode()
    assert "<svg" in html and "Abbott" in html and "Send data" in html
    assert 'data-region="US-TX" data-visits="5"' in html
    rows = run(tmp_path, *common, "--format", "csv").decode().splitlines()
    assert rows[0].lstrip("\ufeff").startswith("rank,person_id,name,score")
    assert "Greg Abbott" in rows[1] and rows[1].endswith("True")  # a handover risk


def test_csv_cells_cannot_run_as_formulas(mission, ambassador_posting, tmp_path):
    evil = factories.PersonFactory(mission=mission, family_name="=HYPERLINK(1)", given_name="")
    factories.EngagementFactory(mission=mission, people=[evil], staff=[ambassador_posting])
    rows = run(tmp_path, "handover", "--posting", "P-HOM", "--as-of", "2022-12-30",
               "--format", "csv").decode()  # fmt: skip
    assert ",'=HYPERLINK(1)," in rows


def test_the_quiet_report_lists_reasons(book, tmp_path):
    data = json.loads(run(tmp_path, "quiet", "--posting", "all", "--as-of", "2022-12-30",
                          "--format", "json"))  # fmt: skip
    assert [q["person"]["name"] for q in data["quiet"]] == ["Greg Abbott"]
    assert "usually engaged every 30 days" in data["quiet"][0]["reason"]


def test_tenure_report_needs_one_posting(book, tmp_path):
    with pytest.raises(CommandError, match="about one posting"):
        run(tmp_path, "tenure", "--posting", "all", "--format", "json")


def test_report_of_an_invisible_posting_is_not_found(book, outsider, tmp_path):
    with pytest.raises(CommandError, match="No posting"):
        run(tmp_path, "tenure", "--posting", "P-HOM", "--format", "json", "--as", "outsider")


def test_pdf_layout_gets_data_only_through_inputs(book):
    data = reports.build("handover", user=SYSTEM, posting=book["hom"], as_of=AS_OF)
    data["tenure"]["person"] = '#panic("injected")'
    assert reports.to_pdf(data).startswith(b"%PDF")
