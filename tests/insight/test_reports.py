from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core.access import SYSTEM
from legation.insight import reports
from legation.insight.figures import coverage, tenure
from tests import factories
from tests.insight.conftest import AS_OF


def run(tmp_path, *args: str) -> bytes:
    out = tmp_path / "out"
    call_command("report", *args, "-o", str(out))
    return out.read_bytes()


def test_json_report_holds_exactly_the_figures_of_the_tenure_function(book, tmp_path):
    data = json.loads(run(tmp_path, "tenure", "--posting", "P-HOM", "--as-of", "2022-12-30",
                          "--format", "json"))  # fmt: skip
    expected = json.loads(json.dumps(tenure(book["hom"], user=SYSTEM, as_of=AS_OF)))
    assert data == {"kind": "tenure", **expected}


def test_coverage_report_takes_a_period_and_the_whole_mission(book, tmp_path):
    data = json.loads(run(tmp_path, "coverage", "--posting", "all", "--from", "2022-01-01",
                          "--as-of", "2022-12-30", "--format", "json"))  # fmt: skip
    assert data["cells"]["US-TX"] == {"subnational": 4, "think_tank": 1}
    assert data["gaps"] == json.loads(
        json.dumps(coverage(SYSTEM, start=AS_OF.replace(month=1, day=1), end=AS_OF)["gaps"])
    )


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
