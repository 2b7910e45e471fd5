from __future__ import annotations

import datetime as dt

from django.utils import timezone

from legation.core.access import SYSTEM
from legation.core.models import Operation
from legation.engagements.models import (
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
)
from legation.intake.importers import commit, preview
from legation.people.models import Organisation
from tests import factories

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
    assert got == [(2, "people"), (3, "staff"), (4, "date"), (5, "kind"), (5, "sensitivity")]
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


LINKED = (
    "B1,2022-03-01,10:30,meeting,US-GA,Atlanta,,Call on President Carter,"
    "P-CARTER;P-BROWN,P-HOM,Carter Center;Emory University,,internal\n"
    "B2,2022-04-02,,call,,,,Phone call with Brown,P-BROWN,P-HOM,Carter Center,Warm,public\n"
    ",2022-05-03,16:00,event,,,,Reception,jimmy@carter.example,,,,\n"
)
LINKS = (EngagementParticipant, EngagementStaff, EngagementOrganisation)


def test_every_created_row_has_its_historical_row_with_user_source_and_operation(
    staffed, officer, write
):
    report = commit(
        "engagements", write("e.csv", HEADER + LINKED), actor=officer, mission=staffed["mission"]
    )
    assert report.counts["created"] == 3, report.issues
    operation = Operation.objects.get(pk=report.operation_id)
    assert (operation.actor, operation.source) == (officer, "import")
    engagements = Engagement.objects.filter(mission=staffed["mission"])
    for model in (Engagement, *LINKS):
        rows = (
            model.objects.all()
            if model is Engagement
            else model.objects.filter(engagement__in=engagements)
        )
        history = model.history.filter(operation=operation)
        assert rows.count() == history.count() > 0
        assert sorted(h.id for h in history) == sorted(r.pk for r in rows)
        assert {(h.history_type, h.history_user_id, h.source) for h in history} == {
            ("+", officer.pk, "import")
        }
    assert EngagementParticipant.objects.filter(engagement__ref="B1").count() == 2
    assert EngagementOrganisation.objects.filter(engagement__ref="B1").count() == 2
    # A historical row holds the record as written.
    for engagement in engagements:
        past = Engagement.history.get(id=engagement.pk).instance
        for field in Engagement._meta.concrete_fields:
            assert getattr(past, field.attname) == getattr(engagement, field.attname), field.name
    b1 = Engagement.objects.get(ref="B1")
    assert timezone.localtime(b1.start).replace(tzinfo=None) == dt.datetime(2022, 3, 1, 10, 30)
    assert b1.duration == dt.timedelta(hours=1) and b1.region.code == "US-GA"
    assert Operation.objects.filter(source="import").count() == 1


def test_a_re_run_of_the_same_file_creates_nothing_and_writes_no_history(staffed, write):
    path = write("e.csv", HEADER.replace("\n", ",tags\n") + LINKED.replace("\n", ",a;b\n"))
    first = commit("engagements", path, actor=SYSTEM, mission=staffed["mission"])
    assert first.counts["created"] == 3, first.issues
    assert set(Engagement.objects.get(ref="B1").tags.values_list("name", flat=True)) == {"a", "b"}
    counted = [m.objects.count() for m in (Engagement, *LINKS)]
    history = [m.history.count() for m in (Engagement, *LINKS)]
    again = commit("engagements", path, actor=SYSTEM, mission=staffed["mission"])
    assert again.counts == {"created": 0, "updated": 0, "matched": 3, "rejected": 0}
    assert [m.objects.count() for m in (Engagement, *LINKS)] == counted
    assert [m.history.count() for m in (Engagement, *LINKS)] == history


def test_ids_come_after_existing_and_deleted_rows_and_later_creates_succeed(staffed, write):
    mission, carter = staffed["mission"], staffed["carter"]
    before = [factories.EngagementFactory(mission=mission, people=[carter]) for _ in range(3)]
    gone = factories.EngagementFactory(mission=mission, people=[staffed["brown"]])
    gone_id = gone.pk
    gone_link = EngagementParticipant.objects.get(engagement=gone).pk
    gone.delete()  # its id stays named by its history: never to be given again
    report = commit("engagements", write("e.csv", HEADER + LINKED), actor=SYSTEM, mission=mission)
    assert report.counts["created"] == 3, report.issues
    new = Engagement.objects.exclude(pk__in=[e.pk for e in before])
    assert new.count() == 3 and min(e.pk for e in new) > gone_id
    links = EngagementParticipant.objects.filter(engagement__in=new)
    assert links.count() == 4 and min(link.pk for link in links) > gone_link
    # The ORM carries on after the imported rows (PostgreSQL's sequences, SQLite's counters).
    later = Engagement.objects.create(
        mission=mission, kind="call", start=timezone.now(), subject="After the import"
    )
    assert later.pk > max(e.pk for e in new)
    link = EngagementParticipant.objects.create(engagement=later, person=carter)
    assert link.pk > max(x.pk for x in links)
    org = EngagementOrganisation.objects.create(
        engagement=later, organisation=Organisation.objects.get(name_en="Carter Center")
    )
    assert org.pk > max(
        EngagementOrganisation.objects.exclude(pk=org.pk).values_list("pk", flat=True)
    )
    assert EngagementStaff.objects.create(engagement=later, posting=staffed["posting"]).pk


def test_a_second_import_takes_ids_after_the_first(staffed, write):
    mission = staffed["mission"]

    def rows(prefix: str) -> str:
        return "".join(
            f"{prefix}{i},2022-01-{1 + i:02d},,meeting,,,,{prefix} {i},P-CARTER,P-HOM,,,\n"
            for i in range(5)
        )

    commit("engagements", write("a.csv", HEADER + rows("R")), actor=SYSTEM, mission=mission)
    report = commit(
        "engagements", write("b.csv", HEADER + rows("S")), actor=SYSTEM, mission=mission
    )
    assert report.counts["created"] == 5, report.issues
    assert Engagement.objects.count() == 10 and EngagementParticipant.objects.count() == 10
    assert Engagement.history.count() == 10 and EngagementStaff.history.count() == 10
    first = Engagement.objects.filter(ref__startswith="R").values_list("pk", flat=True)
    second = Engagement.objects.filter(ref__startswith="S").values_list("pk", flat=True)
    assert max(first) < min(second)


def test_each_imported_engagement_has_a_first_version_with_its_tags(staffed, officer, write):
    from legation.core.audit import version_links

    path = write("e.csv", HEADER.replace("\n", ",tags\n") + LINKED.replace("\n", ",a;b\n"))
    report = commit("engagements", path, actor=officer, mission=staffed["mission"])
    operation = Operation.objects.get(pk=report.operation_id)
    assert "e.csv" in operation.description
    engagements = list(Engagement.objects.filter(mission=staffed["mission"]))
    assert len(engagements) == 3  # the three rows of LINKED
    for engagement in engagements:
        row = Engagement.history.get(id=engagement.pk, operation=operation)
        assert row.history_type == "+"
        tags = set(engagement.tags.values_list("pk", flat=True))
        assert set(version_links(row)["tags"]) == tags and len(tags) == 2
