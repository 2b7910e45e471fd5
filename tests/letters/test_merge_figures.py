"""A recorded merge is correspondence: it leaves every figure of the posting as it was.

The figures of issue 14 ("the figures feed on the letters"): a merge of farewell letters to a list
made "people met" go from 1 to 301 and "sectors engaged" from one sector to six, and the next
letter quoted them. Here the merge runs through the real command (`legation letters merge` with a
saved segment) and through the web merge job, and every figure is compared before and after:
`legation stats --json`, the tenure, coverage, quiet and handover reports, the posting figures a
letter quotes, the claim checker's ledger and the strength scores. Only the correspondence figures
move, by exactly the letters sent.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from legation.claims.ledger import Ledger
from legation.core.models import Sector
from legation.engagements.models import Engagement
from legation.insight import reports
from legation.insight.figures import relationship_strength, strengths, tenure
from legation.letters.compose.context import LetterBasis
from legation.letters.models import MergeJob
from tests import factories
from tests.letters.conftest import LETTER_DATE, add_address, at

AS_OF = LETTER_DATE + dt.timedelta(days=1)
SECTORS = ("legislature", "business", "academia", "media", "think_tank", "civil_society")
CORRESPONDENCE = "correspondence"


@pytest.fixture(autouse=True)
def _home(settings, tmp_path):
    settings.LEGATION_HOME = tmp_path / "home"


@pytest.fixture
def mailing_list(farewell_world, embassy):
    """Twelve people of six sectors the ambassador never met, each with an address."""
    out = []
    for i in range(12):
        person = factories.PersonFactory(
            mission=embassy, family_name=f"Listed{i}", given_name="Pat", title="Professor",
            sector=Sector.objects.get(code=SECTORS[i % len(SECTORS)]),
        )  # fmt: skip
        add_address(person)
        out.append(person)
    return [farewell_world, *out]


def without_correspondence(value):
    """The figures with every correspondence key taken out, at any depth."""
    if isinstance(value, dict):
        return {
            k: without_correspondence(v)
            for k, v in value.items()
            if k != CORRESPONDENCE and k != "correspondence_by_month"
        }
    if isinstance(value, list):
        return [without_correspondence(v) for v in value]
    return value


def stats(user):
    out = io.StringIO()
    call_command("stats", "--posting", "P-QIN", "--as-of", AS_OF.isoformat(), "--json",
                 "--as", user.username, stdout=out)  # fmt: skip
    return json.loads(out.getvalue())


def every_figure(user, posting, people):
    """Everything a figure is computed into, as plain values."""
    figures = {"stats": stats(user)}
    for kind in ("tenure", "coverage", "quiet", "handover"):
        data = reports.build(kind, user=user, posting=posting, as_of=AS_OF)
        figures[kind] = json.loads(reports.to_json(data))
    basis = LetterBasis.build(posting, actor=user, letter_date=AS_OF)
    figures["letter_en"] = basis.shared("en")["posting"]
    figures["letter_zh"] = basis.shared("zh")["posting"]
    ledger = Ledger(user=user, posting=posting, as_of=AS_OF)
    figures["ledger"] = {
        key: ledger.count(key)[0]
        for key in ("people", "organisations", "engagements", "states", "regions", "sectors",
                    "legislators", "scholars", "journalists", "meetings")
    }  # fmt: skip
    figures["strengths"] = [
        (s["person_id"], s["score"], s["engagements"], s["weight"], s["last"])
        for s in strengths(user, posting=posting, as_of=AS_OF, limit=50)
    ] + [
        (s["person_id"], s["score"], s["engagements"], s["weight"], s["last"])
        for s in strengths(user, as_of=AS_OF, limit=50)
    ]
    figures["strength_each"] = {
        p.pk: (s or {}).get("score")
        for p in people
        for s in [relationship_strength(p, user, as_of=AS_OF)]
    }
    return figures


def assert_only_correspondence_moved(before, after, sent):
    assert without_correspondence(after) == without_correspondence(before)
    for where in (after["stats"], after["tenure"]):
        was = (before["stats"] if where is after["stats"] else before["tenure"])[CORRESPONDENCE]
        now = where[CORRESPONDENCE]
        assert now["letters_sent"] == was["letters_sent"] + sent
        assert now["letters_received"] == was["letters_received"]
        december = {m["month"]: m for m in now["by_month"]}["2022-12"]
        assert december["letters_sent"] == sent


def assert_on_every_timeline(client, people):
    for person in people:
        letter = Engagement.objects.get(people=person, kind="letter_sent")
        page = client.get(f"/people/{person.pk}/").content.decode()
        assert f"/engagements/{letter.pk}/" in page and "letter sent" in page


def test_a_merge_through_the_command_changes_only_the_correspondence_figures(
    tmp_path, mailing_list, posting, letters_officer, client
):
    # A call and a letter received from Carter: a call is engaged but not "met"; a letter
    # received is correspondence the other side wrote.
    before = every_figure(letters_officer, posting, mailing_list)
    assert before["stats"]["people_met"] == 1 and before["stats"]["sectors_engaged"] == (
        [mailing_list[0].sector.code] if mailing_list[0].sector else []
    )
    call_command("letters", "segment", "save", "farewell-list", "has=address",
                 "--as", letters_officer.username, stdout=io.StringIO())  # fmt: skip
    said = io.StringIO()
    call_command("letters", "merge", "farewell", "--to", "farewell-list", "--from", "P-QIN",
                 "--date", LETTER_DATE.isoformat(), "--format", "pdf", "--out",
                 str(tmp_path / "out"), "--workers", "1", "--as", letters_officer.username,
                 stdout=said, stderr=io.StringIO())  # fmt: skip
    assert f"{len(mailing_list)} recorded" in said.getvalue()
    after = every_figure(letters_officer, posting, mailing_list)
    assert_only_correspondence_moved(before, after, len(mailing_list))
    client.force_login(letters_officer)
    assert_on_every_timeline(client, mailing_list)


def test_a_merge_through_the_web_job_changes_only_the_correspondence_figures(
    mailing_list, posting, letters_officer, client, django_capture_on_commit_callbacks
):
    client.force_login(letters_officer)
    before = every_figure(letters_officer, posting, mailing_list)
    response = client.post(
        "/letters/jobs/",
        {"template": "farewell", "filter": "has=address", "posting": posting.pk,
         "letter_date": LETTER_DATE.isoformat(), "format": "pdf"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    job = MergeJob.objects.latest("pk")
    for row in job.rows.all():
        client.post(f"/letters/jobs/{job.pk}/rows/{row.pk}/approve/", {"approved": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/letters/jobs/{job.pk}/produce/").status_code == 302
    queued = DBTaskResult.objects.ready().get()  # what the worker runs
    assert queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"]) == "done"
    assert Engagement.objects.filter(kind="letter_sent").count() == len(mailing_list)
    after = every_figure(letters_officer, posting, mailing_list)
    assert_only_correspondence_moved(before, after, len(mailing_list))
    assert_on_every_timeline(client, mailing_list)


def test_which_kinds_count_towards_which_figure(farewell_world, embassy, posting, letters_officer):
    """Met and visited: in person. Engaged: not correspondence. Strength: not what we send."""
    senator = factories.PersonFactory(
        mission=embassy, family_name="Call", title="Senator",
        sector=Sector.objects.get(code="legislature"),
    )  # fmt: skip
    editor = factories.PersonFactory(
        mission=embassy, family_name="Writes", title="Editor",
        sector=Sector.objects.get(code="media"),
    )  # fmt: skip
    reader = factories.PersonFactory(
        mission=embassy, family_name="Reads", title="Professor",
        sector=Sector.objects.get(code="academia"),
    )  # fmt: skip
    day = at(dt.date(2022, 6, 1))
    call = factories.EngagementFactory(mission=embassy, kind="call", people=[senator],
                                       staff=[posting], start=day)  # fmt: skip
    factories.EngagementFactory(mission=embassy, kind="letter_received", people=[editor],
                                staff=[posting], start=day)  # fmt: skip
    factories.EngagementFactory(mission=embassy, kind="email", people=[editor],
                                staff=[posting], start=day)  # fmt: skip
    factories.EngagementFactory(mission=embassy, kind="letter_sent", people=[reader],
                                staff=[posting], start=day)  # fmt: skip
    data = stats(letters_officer)
    assert data["people_met"] == 1  # Carter; the senator was called, never met
    assert "legislature" in data["sectors_engaged"]  # a call engages
    assert "media" not in data["sectors_engaged"] and "academia" not in data["sectors_engaged"]
    assert data["engagements_by_kind"] == {"meeting": 23, "call": 1}
    assert data["engagements"] == 24
    assert data[CORRESPONDENCE]["letters_sent"] == 1
    assert data[CORRESPONDENCE]["letters_received"] == 1
    assert data[CORRESPONDENCE]["emails"] == 1
    assert data["counts"]["engagements"] == 24 and data["counts"][CORRESPONDENCE] == 3
    assert relationship_strength(senator, letters_officer, as_of=AS_OF)["engagements"] == 1
    editor_strength = relationship_strength(editor, letters_officer, as_of=AS_OF)
    assert editor_strength["by_kind"] == {"letter_received": 1}  # the email does not count
    assert relationship_strength(reader, letters_officer, as_of=AS_OF) is None
    assert call.pk in Engagement.objects.filter(people=senator).values_list("pk", flat=True)


@pytest.fixture
def mail(farewell_world, embassy, posting):
    """Two letters sent in December 2022, one received in November (restricted), one email."""
    from legation.core.models import Sensitivity

    for day in (dt.date(2022, 12, 1), dt.date(2022, 12, 2)):
        factories.EngagementFactory(mission=embassy, kind="letter_sent", people=[farewell_world],
                                    staff=[posting], start=at(day))  # fmt: skip
    factories.EngagementFactory(mission=embassy, kind="letter_received", people=[farewell_world],
                                staff=[posting], start=at(dt.date(2022, 11, 3)),
                                sensitivity=Sensitivity.RESTRICTED)  # fmt: skip
    factories.EngagementFactory(mission=embassy, kind="email", people=[farewell_world],
                                staff=[posting], start=at(dt.date(2022, 11, 4)))  # fmt: skip


def test_correspondence_is_shown_on_the_tenure_page_in_both_languages_and_respects_clearance(
    mail, client, letters_officer, letters_internal_officer
):
    client.force_login(letters_officer)
    url = f"/insight/?posting=P-QIN&as_of={AS_OF.isoformat()}"
    page = client.get(url).content.decode()
    section = page.split('id="correspondence"', 1)[1].split("</section>", 1)[0]
    assert 'data-figure="letters_sent">2<' in section
    assert 'data-figure="letters_received">1<' in section
    assert 'data-figure="emails">1<' in section
    assert '<tr data-month="2022-12"><td>2022-12</td><td>2</td><td>0</td><td>0</td></tr>' in section
    assert 'data-figure="engagements">23<' in page  # the letters are not engagements
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    zh = client.get(url).content.decode().split('id="correspondence"', 1)[1]
    assert "通信往来" in zh and "发出信函" in zh and "收到信函" in zh and "Letters sent" not in zh
    client.force_login(letters_internal_officer)  # not cleared for the restricted letter
    section = client.get(url).content.decode().split('id="correspondence"', 1)[1]
    assert 'data-figure="letters_received">0<' in section


def test_correspondence_in_the_tenure_report_and_the_stats_command(
    mail, posting, tmp_path, letters_officer, letters_internal_officer
):
    import pypdf

    out = tmp_path / "tenure.pdf"
    call_command("report", "tenure", "--posting", "P-QIN", "--as-of", AS_OF.isoformat(),
                 "--format", "pdf", "-o", str(out), "--as", letters_officer.username)  # fmt: skip
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "Correspondence" in text and "Letters sent" in text and "2022-12" in text
    out = tmp_path / "tenure.csv"
    call_command("report", "tenure", "--posting", "P-QIN", "--as-of", AS_OF.isoformat(),
                 "--format", "csv", "-o", str(out), "--as", letters_officer.username)  # fmt: skip
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert "correspondence,letters_sent,2" in rows
    assert "correspondence_letters_sent_by_month,2022-12,2" in rows
    data = stats(letters_officer)
    assert data[CORRESPONDENCE]["letters_sent"] == 2
    assert data[CORRESPONDENCE]["letters_received"] == 1
    # The same figures as the tenure's (stats places only the correspondence in its months).
    t = tenure(posting, user=letters_officer, as_of=AS_OF)
    assert data[CORRESPONDENCE] == json.loads(json.dumps(t[CORRESPONDENCE]))
    assert stats(letters_internal_officer)[CORRESPONDENCE]["letters_received"] == 0
    said = io.StringIO()
    call_command("stats", "--posting", "P-QIN", "--as-of", AS_OF.isoformat(),
                 "--as", letters_officer.username, stdout=said)  # fmt: skip
    human = said.getvalue()
    assert "Correspondence" in human and "letters sent" in human
    assert "2022-12" in human and "2022-11" in human
