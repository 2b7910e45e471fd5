from __future__ import annotations

from legation.core.access import SYSTEM
from legation.insight.figures import handover_risks, person_network
from tests import factories
from tests.insight.conftest import AS_OF, at


def test_network_lists_affiliations_colleagues_and_holders(book):
    net = person_network(book["businessman"], SYSTEM, as_of=AS_OF)
    assert [a["organisation"] for a in net["affiliations"]] == [book["firm"]]
    assert [c["person"] for c in net["colleagues"]] == [book["colleague"]]
    held = {h["posting"]: h["engagements"] for h in net["holders"]}
    assert held == {"P-HOM": 1, "P-COUNS": 1}
    assert net["single_holder"] is False


def test_network_counts_people_met_together_and_relationships(book, mission):
    from legation.people.services import relationship_create

    aide = factories.PersonFactory(mission=mission, family_name="Aide")
    factories.EngagementFactory(
        mission=mission, people=[book["governor"], aide], start=at("2022-04-20")
    )
    relationship_create(
        actor=SYSTEM, from_person=aide, to_person=book["governor"], kind="chief_of_staff"
    )
    net = person_network(book["governor"], SYSTEM, as_of=AS_OF)
    assert [(s["person"], s["engagements"]) for s in net["shared"]] == [(aide, 1)]
    assert net["relationships"][0]["other"] == aide
    assert net["relationships"][0]["direction"] == "in"


def test_people_known_only_through_the_departing_posting_are_a_handover_risk(book):
    risks = handover_risks(book["hom"], SYSTEM, as_of=AS_OF)
    assert {r["person"] for r in risks} == {book["governor"], book["scholar"]}
    # The businessman is also known to the counsellor, who stays.


def test_reader_without_clearance_sees_holders_of_visible_engagements_only(book, reader):
    # The scholar: a restricted meeting and an email (correspondence holds no relationship).
    cleared = person_network(book["scholar"], SYSTEM, as_of=AS_OF)
    assert [h["engagements"] for h in cleared["holders"]] == [1]
    assert cleared["strength"]["engagements"] == 1
    net = person_network(book["scholar"], reader, as_of=AS_OF)
    assert net["holders"] == [] and net["strength"] is None


def test_outsider_sees_no_holders(book, outsider):
    net = person_network(book["businessman"], outsider, as_of=AS_OF)
    assert net["holders"] == [] and net["strength"] is None
