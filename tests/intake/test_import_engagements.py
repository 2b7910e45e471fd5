from __future__ import annotations

import datetime as dt

from django.utils import timezone

from legation.core.access import SYSTEM
from legation.core.models import Operation
from legation.engagements.models import Engagement, EngagementParticipant
from legation.intake.importers import commit, preview
from legation.people.models import Organisation

HEADER = "ref,date,time,kind,region,city,site_type,subject,people,staff,organisations,notes,sensitivity\n"


def test_engagements_link_people_staff_and_new_organisations(staffed, write):
    path = write(
        "e.csv",
        HEADER
        + "E1,2022-03-01,10:30,meeting,US-GA,Atlanta,,Call on President Carter,P-CARTER;jimmy@carter.example,qin@embassy.example,Carter Center,Warm,internal\n"
        + "E2,2022-04-02,,site visit,Georgia,Savannah,港口,Port of Savannah,P-BROWN,P-HOM,,,公开\n",
    )
    report = commit("engagements", path, actor=SYSTEM, mission=staffed["mission"])
    assert report.counts["created"] == 2, report.issues
    assert report.new_organisations == ["Carter Center"]
    e1 = Engagement.objects.get(ref="E1")
    assert timezone.localtime(e1.start).replace(tzinfo=None) == dt.datetime(2022, 3, 1, 10, 30)
    assert list(e1.people.all()) == [staffed["carter"]]
    assert list(e1.staff.all()) == [staffed["posting"]]
    assert e1.organisations.get().name_en == "Carter Center"
    e2 = Engagement.objects.get(ref="E2")
    assert (e2.kind, e2.site_type, e2.region.code, e2.sensitivity) == (
        "site_visit",
        "port",
        "US-GA",
        0,
    )
    assert timezone.localtime(e2.start).hour == 12
    operation = Operation.objects.get(pk=report.operation_id)
    assert Engagement.history.filter(operation=operation).count() == 2
    assert EngagementParticipant.history.filter(operation=operation).count() == 2


def test_a_re_run_matches_by_ref_and_updates_what_changed(staffed, write):
    commit(
        "engagements",
        write("a.csv", HEADER + "E1,2022-03-01,,meeting,,,,Old subject,,,,,\n"),
        actor=SYSTEM,
        mission=staffed["mission"],
    )
    report = commit(
        "engagements",
        write("b.csv", HEADER + "E1,2022-03-01,,meeting,,,,New subject,P-BROWN,,,,\n"),
        actor=SYSTEM,
        mission=staffed["mission"],
    )
    assert report.counts == {"created": 0, "updated": 1, "matched": 0, "rejected": 0}
    e = Engagement.objects.get(ref="E1")
    assert e.subject == "New subject" and list(e.people.all()) == [staffed["brown"]]


def test_rows_without_ref_match_on_date_kind_and_subject(staffed, write):
    path = write("a.csv", HEADER + ",2022-03-01,,call,,,,Phone call with Brown,,,,,\n")
    commit("engagements", path, actor=SYSTEM, mission=staffed["mission"])
    again = commit("engagements", path, actor=SYSTEM, mission=staffed["mission"])
    assert again.counts["matched"] == 1 and Engagement.objects.count() == 1


def test_unknown_people_and_staff_without_a_posting_are_rejected_with_their_column(staffed, write):
    path = write(
        "e.csv",
        HEADER
        + "E1,2022-03-01,,meeting,,,,A,nobody@example.org,,,,\n"
        + "E2,2020-01-01,,meeting,,,,B,,qin@embassy.example,,,\n"
        + "E3,2022-13-01,,meeting,,,,C,,,,,\n"
        + "E4,2022-03-01,,tea party,,,,D,,,,,secret\n",
    )
    report = preview("engagements", path, actor=SYSTEM, mission=staffed["mission"])
    got = [(i.line, i.column) for i in report.issues]
    assert got == [(2, "people"), (3, "staff"), (4, "date"), (5, "kind")]
    assert "holds no posting on 2020-01-01" in report.issues[1].reason
    assert Engagement.objects.count() == 0 and Organisation.objects.count() == 0


def test_an_assistant_cannot_import_restricted_engagements(staffed, assistant, write):
    path = write("e.csv", HEADER + "E1,2022-03-01,,meeting,,,,Secret,,,,,restricted\n")
    report = commit("engagements", path, actor=assistant, mission=staffed["mission"])
    assert not report.written
    assert Engagement.objects.count() == 0


def test_the_large_path_writes_many_rows_in_one_operation(staffed, write):
    rows = "".join(
        f"R{i},2022-01-{1 + i % 28:02d},,meeting,,,,Meeting {i},P-CARTER,P-HOM,,,\n"
        for i in range(1200)
    )
    report = commit(
        "engagements", write("e.csv", HEADER + rows), actor=SYSTEM, mission=staffed["mission"]
    )
    assert report.count("created") == 1200
    assert Engagement.objects.count() == 1200
    assert Engagement.history.filter(operation_id=report.operation_id).count() == 1200
    assert Operation.objects.filter(source="import").count() == 1
