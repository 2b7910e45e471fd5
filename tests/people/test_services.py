from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legation.core.access import SYSTEM
from legation.core.models import Sensitivity
from legation.people import services
from legation.people.models import Person, PersonNote


def test_creating_a_chinese_name_derives_pinyin_order_and_search_keys(mission, officer):
    person = services.person_create(
        actor=officer, mission=mission, name_zh="秦刚", title="Ambassador"
    )
    assert person.family_name == "Qin"
    assert person.given_name == "Gang"
    assert person.pinyin == "Qin Gang"
    assert person.name_order == "eastern"
    assert person.full_name == "Qin Gang"
    assert "qingang" in person.search_keys
    assert "秦刚" in person.search_keys


def test_person_is_found_by_latin_pinyin_with_tones_and_characters(mission, officer):
    services.person_create(actor=officer, mission=mission, name_zh="秦刚")
    services.person_create(actor=officer, mission=mission, family_name="Carter", given_name="Jimmy")
    people = Person.objects.visible_to(officer)
    for query in ["qin gang", "Qín Gāng", "秦刚", "qingang", "QIN"]:
        assert [p.name_zh for p in people.search(query)] == ["秦刚"], query
    assert [p.family_name for p in people.search("jimmy carter")] == ["Carter"]


def test_phone_numbers_are_normalised_and_bad_ones_name_the_field(mission, officer):
    person = services.person_create(
        actor=officer,
        mission=mission,
        family_name="Brown",
        given_name="Sherrod",
        phones=["(202) 224-2315"],
        emails=["Sherrod.Brown@Senate.GOV"],
    )
    assert list(person.phones.values_list("number", flat=True)) == ["+12022242315"]
    assert list(person.emails.values_list("email", flat=True)) == ["Sherrod.Brown@senate.gov"]
    with pytest.raises(ValidationError) as err:
        services.person_create(actor=officer, mission=mission, family_name="X", phones=["12345"])
    assert "phone" in err.value.message_dict
    assert Person.objects.filter(family_name="X").count() == 0


def test_unknown_region_and_duplicate_ref_are_refused_and_nothing_is_written(mission, officer):
    services.person_create(actor=officer, mission=mission, family_name="A", ref="R1")
    before = Person.objects.count()
    with pytest.raises(ValidationError) as err:
        services.person_create(actor=officer, mission=mission, family_name="B", region="US-ZZ")
    assert "region" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.person_create(actor=officer, mission=mission, family_name="C", ref="R1")
    assert "ref" in err.value.message_dict
    assert Person.objects.count() == before


def test_region_and_sector_accept_codes_and_labels_in_either_language(mission, officer):
    a = services.person_create(
        actor=officer, mission=mission, family_name="A", region="CA", sector="legislature"
    )
    b = services.person_create(
        actor=officer, mission=mission, family_name="B", region="加利福尼亚州", sector="立法机构"
    )
    assert a.region.code == b.region.code == "US-CA"
    assert a.sector == b.sector


def test_a_person_needs_a_name(mission, officer):
    with pytest.raises(ValidationError) as err:
        services.person_create(actor=officer, mission=mission)
    assert "family_name" in err.value.message_dict


def test_reader_cannot_create_people(mission, reader):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=reader, mission=mission, family_name="Nope")


def test_officer_cannot_create_people_in_another_mission(other_mission, officer):
    with pytest.raises(ValidationError):
        services.person_create(actor=officer, mission=other_mission, family_name="Nope")


def test_assistant_cannot_write_a_note_above_their_clearance(mission, assistant):
    person = services.person_create(actor=assistant, mission=mission, family_name="A")
    with pytest.raises(ValidationError):
        services.person_add_note(
            actor=assistant, person=person, text="secret", sensitivity=Sensitivity.RESTRICTED
        )
    assert not PersonNote.objects.filter(person=person).exists()


def test_update_recomputes_derived_names(mission, officer):
    person = services.person_create(
        actor=officer, mission=mission, family_name="Wang", given_name="Xiaoming"
    )
    person = services.person_update(actor=officer, person=person, name_zh="王小明")
    assert person.pinyin == "Wang Xiaoming"
    assert "王小明" in person.search_keys
    assert person.name_order == "eastern"


def test_update_refuses_unknown_fields(mission):
    person = services.person_create(actor=SYSTEM, mission=mission, family_name="A")
    with pytest.raises(ValidationError) as err:
        services.person_update(actor=SYSTEM, person=person, mission_id=99)
    assert "mission_id" in err.value.message_dict


def test_forms_of_address_use_overrides_before_rules(mission):
    person = services.person_create(
        actor=SYSTEM,
        mission=mission,
        family_name="Carter",
        given_name="Jimmy",
        title="President",
        former=True,
        name_zh="吉米·卡特",
    )
    forms = person.forms_of_address()
    assert forms.salutation_en == "Dear President Carter,"
    assert forms.salutation_zh == "尊敬的卡特前总统："
    person = services.person_update(actor=SYSTEM, person=person, salutation_en="Dear Mr. Carter,")
    assert person.forms_of_address().salutation_en == "Dear Mr. Carter,"


def test_affiliation_end_before_start_is_refused(mission, officer):
    import datetime as dt

    person = services.person_create(actor=officer, mission=mission, family_name="A")
    org = services.organisation_create(actor=officer, mission=mission, name_en="Acme")
    with pytest.raises(ValidationError) as err:
        services.affiliation_create(
            actor=officer,
            person=person,
            organisation=org,
            start=dt.date(2022, 1, 1),
            end=dt.date(2021, 1, 1),
        )
    assert "end" in err.value.message_dict


def test_a_chinese_name_alone_gets_its_pinyin_as_latin_names(mission, officer):
    wang = services.person_create(actor=officer, mission=mission, name_zh="王小明")
    ouyang = services.person_create(actor=officer, mission=mission, name_zh="欧阳修")
    assert (wang.family_name, wang.given_name) == ("Wang", "Xiaoming")
    assert (ouyang.family_name, ouyang.given_name) == ("Ouyang", "Xiu")
