from __future__ import annotations

from legation.core.access import SYSTEM
from legation.core.models import Mission
from legation.engagements.models import Commitment, Fact, Posting
from legation.intake.importers import commit
from legation.people.models import Organisation


def test_missions_import_and_update_by_ref(seeded, write):
    path = write(
        "m.csv", "ref;name_en;name_zh;host_country;address\nM1;Embassy;大使馆;us;Washington\n"
    )
    assert commit("missions", path, actor=SYSTEM).counts["created"] == 1
    path = write("m2.csv", "ref,name_en\nM1,Embassy of Demoland\n")
    assert commit("missions", path, actor=SYSTEM).counts["updated"] == 1
    assert Mission.objects.get(ref="M1").name_en == "Embassy of Demoland"


def test_organisations_with_a_parent_earlier_in_the_file(mission, write):
    path = write(
        "o.csv",
        "ref,name_en,sector,region,parent\nO1,University of Georgia,academia,GA,\nO2,School of Law,,,University of Georgia\n",
    )
    report = commit("organisations", path, actor=SYSTEM, mission=mission)
    assert report.counts["created"] == 2, report.issues
    assert Organisation.objects.get(ref="O2").parent.ref == "O1"


def test_postings_commitments_and_facts(staffed, write):
    mission = staffed["mission"]
    report = commit(
        "postings",
        write(
            "p.csv",
            "ref,person,role,title,arrival,departure\nP-2,P-BROWN,counsellor,Counsellor,2022-01-01,2021-01-01\n",
        ),
        actor=SYSTEM,
        mission=mission,
    )
    assert report.issues[0].column == "departure"
    report = commit(
        "postings",
        write("p.csv", "ref,person,role,title,arrival\nP-2,P-BROWN,参赞,Counsellor,2022-01-01\n"),
        actor=SYSTEM,
        mission=mission,
    )
    assert report.counts["created"] == 1 and Posting.objects.get(ref="P-2").role == "counsellor"
    commit(
        "engagements",
        write("e.csv", "ref,date,kind,subject\nE1,2022-03-01,meeting,Talk\n"),
        actor=SYSTEM,
        mission=mission,
    )
    path = write(
        "c.csv",
        "engagement,description,direction,owner,due,status\nE1,Send the report,ours,P-HOM,2022-04-01,open\n",
    )
    assert commit("commitments", path, actor=SYSTEM, mission=mission).counts["created"] == 1
    assert commit("commitments", path, actor=SYSTEM, mission=mission).counts["matched"] == 1
    assert Commitment.objects.get().owner == staffed["posting"]
    path = write(
        "f.csv",
        'key,label_en,label_zh,date,value,unit,aliases,source\nsoybeans,Soybean exports,大豆出口,2021-12-31,"1,700,000,000",USD,1.7 billion;17亿,USDA\n',
    )
    assert commit("facts", path, actor=SYSTEM, mission=mission).counts["created"] == 1
    fact = Fact.objects.get(key="soybeans")
    assert (
        fact.value == 1_700_000_000
        and fact.aliases == ["1.7 billion", "17亿"]
        and fact.mission == mission
    )


def test_the_facts_source_column_fills_the_citation(mission, write):
    """The file's column keeps its documented name, `source`; it is the fact's citation."""
    path = write("f.csv", "key,label_en,value,source\ntrade,Trade,250,Ministry of Commerce\n")
    assert commit("facts", path, actor=SYSTEM, mission=mission).counts["created"] == 1
    fact = Fact.objects.get(key="trade")
    assert fact.citation == "Ministry of Commerce"
    row = fact.history.get()
    assert (row.source, row.citation) == ("import", "Ministry of Commerce")
    path = write("f2.csv", 'key,label_en,value,source\ntrade,Trade,250,"Customs, 2023"\n')
    report = commit("facts", path, actor=SYSTEM, mission=mission)
    assert report.counts["updated"] == 1, report.issues
    assert Fact.objects.get(key="trade").citation == "Customs, 2023"
    latest = fact.history.order_by("history_id").last()
    assert (latest.source, latest.citation) == ("import", "Customs, 2023")
    path = write("f3.csv", "key,label_en,source\nlong,Long," + "x" * 301 + "\n")
    report = commit("facts", path, actor=SYSTEM, mission=mission)
    assert [issue.column for issue in report.issues] == ["source"]
