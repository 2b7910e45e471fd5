"""Forms of address: salutations and address blocks by protocol rules."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legation.people.address import (
    TITLE_ZH,
    AddressInput,
    FormsOfAddress,
    forms_of_address,
    normalise_title,
)
from legation.people.names import NAME_ORDER_EASTERN, NAME_ORDER_WESTERN


def address(
    *,
    family: str = "",
    given: str = "",
    zh: str = "",
    order: str = NAME_ORDER_WESTERN,
    title: str = "",
    office: str = "",
    gender: str = "",
    former: bool = False,
) -> FormsOfAddress:
    return forms_of_address(
        AddressInput(
            family_name=family,
            given_name=given,
            name_zh=zh,
            name_order=order,
            title=title,
            office=office,
            gender=gender,
            former=former,
        )
    )


def carter(**overrides) -> FormsOfAddress:
    fields = {
        "family": "Carter",
        "given": "Jimmy",
        "zh": "吉米·卡特",
        "title": "President",
        "office": "39th President of the United States",
        "gender": "m",
        "former": True,
    }
    return address(**(fields | overrides))


def brown(**overrides) -> FormsOfAddress:
    fields = {
        "family": "Brown",
        "given": "Sherrod",
        "zh": "谢罗德·布朗",
        "title": "Senator",
        "office": "United States Senator from Ohio",
    }
    return address(**(fields | overrides))


def qin(**overrides) -> FormsOfAddress:
    fields = {
        "family": "Qin",
        "given": "Gang",
        "zh": "秦刚",
        "order": NAME_ORDER_EASTERN,
        "title": "Ambassador",
        "office": "Ambassador of the People's Republic of China to the United States",
        "gender": "m",
    }
    return address(**(fields | overrides))


def test_former_president_is_dear_president_by_name_as_in_the_farewell_letter():
    forms = carter()
    assert forms.salutation_en == "Dear President Carter,"
    assert forms.salutation_zh == "尊敬的卡特前总统："
    assert forms.address_block_en == ("The Honorable Jimmy Carter",)
    assert forms.address_block_zh == ("吉米·卡特前总统阁下",)
    assert forms.rule == "former-head-of-state"


def test_former_is_read_from_the_office_too():
    forms = carter(former=False, office="Former President of the United States")
    assert forms.salutation_en == "Dear President Carter,"


def test_sitting_president_is_mr_president():
    forms = carter(former=False, office="President of the United States")
    assert forms.salutation_en == "Dear Mr. President,"
    assert forms.address_block_en == ("The President", "The White House")
    assert forms.rule == "head-of-state"


def test_sitting_president_who_is_a_woman_is_madam_president():
    forms = address(
        family="Smith",
        given="Jane",
        title="President",
        office="President of the United States",
        gender="f",
    )
    assert forms.salutation_en == "Dear Madam President,"


def test_sitting_president_of_unknown_gender_is_president_by_name():
    forms = carter(former=False, gender="", office="President of the United States")
    assert forms.salutation_en == "Dear President Carter,"


def test_sitting_vice_president_is_madam_vice_president():
    forms = address(
        family="Harris",
        given="Kamala",
        title="Vice President",
        office="Vice President of the United States",
        gender="f",
    )
    assert forms.salutation_en == "Dear Madam Vice President,"
    assert forms.salutation_zh == "尊敬的Harris副总统："


def test_foreign_head_of_state_is_his_excellency_in_the_block():
    forms = address(
        family="Macron",
        given="Emmanuel",
        title="President",
        office="President of the French Republic",
        gender="m",
    )
    assert forms.salutation_en == "Dear Mr. President,"
    assert forms.address_block_en == (
        "His Excellency Emmanuel Macron",
        "President of the French Republic",
    )


def test_president_of_an_organisation_is_president_by_name_and_not_zongtong():
    forms = address(
        family="Garber",
        given="Alan",
        title="President",
        office="President of Harvard University",
        gender="m",
    )
    assert forms.salutation_en == "Dear President Garber,"
    assert forms.salutation_zh == "尊敬的Garber先生："
    assert "总统" not in forms.address_block_zh[0]
    assert forms.rule == "president-by-name"


def test_president_of_unknown_gender_and_organisation_is_named_in_full_in_chinese():
    forms = address(family="Garber", given="Alan", title="President", office="President of AAAS")
    assert forms.salutation_zh == "尊敬的Alan Garber："


@pytest.mark.parametrize(
    "title", ["Mr. President", "President", "PRESIDENT.", " president ", "Former President"]
)
def test_salutation_never_says_mr_president_with_a_name(title):
    forms = carter(title=title)
    assert "Mr. President Carter" not in forms.salutation_en
    assert forms.salutation_en == "Dear President Carter,"


def test_senator_is_dear_senator_with_chinese_family_name_from_characters():
    forms = brown()
    assert forms.salutation_en == "Dear Senator Brown,"
    assert forms.salutation_zh == "尊敬的布朗参议员："
    assert forms.address_block_en == ("The Honorable Sherrod Brown", "United States Senate")
    assert forms.address_block_zh == ("谢罗德·布朗参议员阁下",)
    assert forms.rule == "honorable"


def test_senator_without_chinese_name_uses_the_latin_family_name_in_chinese():
    forms = brown(zh="")
    assert forms.salutation_zh == "尊敬的Brown参议员："
    assert forms.address_block_zh == ("Sherrod Brown参议员阁下",)


def test_us_senator_written_with_abbreviations_is_in_the_united_states_senate():
    assert brown(office="U.S. Senator").address_block_en[1] == "United States Senate"


def test_state_senator_keeps_the_office_and_is_a_state_senator_in_chinese():
    forms = brown(zh="", office="Ohio State Senator")
    assert forms.address_block_en == ("The Honorable Sherrod Brown", "Ohio State Senator")
    assert forms.salutation_zh == "尊敬的Brown州参议员："


def test_former_senator_keeps_the_courtesy_title_but_not_the_office_line():
    forms = brown(former=True)
    assert forms.salutation_en == "Dear Senator Brown,"
    assert forms.address_block_en == ("The Honorable Sherrod Brown",)


def test_representative_is_dear_representative_and_the_house():
    forms = address(
        family="Smith", given="Adam", title="Representative", office="U.S. Representative"
    )
    assert forms.salutation_en == "Dear Representative Smith,"
    assert forms.salutation_zh == "尊敬的Smith众议员："
    assert forms.address_block_en == (
        "The Honorable Adam Smith",
        "United States House of Representatives",
    )


def test_congresswoman_is_a_representative():
    forms = address(
        family="Meng", given="Grace", title="Congresswoman", office="Member of Congress"
    )
    assert forms.salutation_en == "Dear Representative Meng,"


def test_delegate_is_dear_delegate():
    forms = address(family="Norton", given="Eleanor", title="Delegate", office="")
    assert forms.salutation_en == "Dear Delegate Norton,"
    assert forms.salutation_zh == "尊敬的Norton代表："
    assert forms.address_block_en == ("The Honorable Eleanor Norton",)


@pytest.mark.parametrize(
    ("title", "office", "salutation", "zh"),
    [
        ("Governor", "Governor of Iowa", "Dear Governor Reynolds,", "尊敬的Reynolds州长："),
        ("Lt. Governor", "", "Dear Lieutenant Governor Reynolds,", "尊敬的Reynolds副州长："),
        ("Lieutenant-Governor", "", "Dear Lieutenant Governor Reynolds,", "尊敬的Reynolds副州长："),
        ("Mayor", "Mayor of Seattle", "Dear Mayor Reynolds,", "尊敬的Reynolds市长："),
        ("Minister", "Minister of Trade", "Dear Minister Reynolds,", "尊敬的Reynolds部长："),
        ("Secretary", "Secretary of Commerce", "Dear Secretary Reynolds,", "尊敬的Reynolds部长："),
        ("Judge", "", "Dear Judge Reynolds,", "尊敬的Reynolds法官："),
        ("Justice", "", "Dear Justice Reynolds,", "尊敬的Reynolds大法官："),
    ],
)
def test_honorable_offices_are_dear_title_by_family_name(title, office, salutation, zh):
    forms = address(family="Reynolds", given="Kim", title=title, office=office)
    assert forms.salutation_en == salutation
    assert forms.salutation_zh == zh
    assert forms.address_block_en[0] == "The Honorable Kim Reynolds"
    assert forms.rule == "honorable"


def test_governor_block_has_the_office_line():
    forms = address(family="Reynolds", given="Kim", title="Governor", office="Governor of Iowa")
    assert forms.address_block_en == ("The Honorable Kim Reynolds", "Governor of Iowa")
    assert forms.address_block_zh == ("Kim Reynolds州长阁下",)


def test_mayor_and_judge_have_no_gexia_in_chinese():
    assert address(family="Harrell", given="Bruce", title="Mayor").address_block_zh == (
        "Bruce Harrell市长",
    )
    assert address(family="Ito", given="Lance", title="Judge").address_block_zh == (
        "Lance Ito法官",
    )


def test_us_secretary_of_state_is_guowuqing():
    forms = address(
        family="Blinken", given="Antony", title="Secretary", office="Secretary of State"
    )
    assert forms.salutation_en == "Dear Secretary Blinken,"
    assert forms.salutation_zh == "尊敬的Blinken国务卿："


def test_a_states_secretary_of_state_is_zhouwuqing():
    forms = address(
        family="Weber", given="Shirley", title="Secretary", office="California Secretary of State"
    )
    assert forms.salutation_zh == "尊敬的Weber州务卿："


def test_eastern_order_uses_the_family_name_in_the_salutation():
    forms = qin()
    assert forms.salutation_en == "Dear Ambassador Qin,"
    assert "Gang" not in forms.salutation_en


def test_foreign_ambassador_is_his_excellency_with_the_name_family_first():
    forms = qin()
    assert forms.address_block_en[0] == "His Excellency Qin Gang"
    assert "Gang Qin" not in " ".join(forms.address_block_en)
    assert forms.salutation_zh == "尊敬的秦大使："
    assert forms.address_block_zh == ("秦刚大使阁下",)
    assert forms.rule == "ambassador-excellency"


def test_ambassador_who_is_a_woman_is_her_excellency():
    assert qin(gender="f").address_block_en[0] == "Her Excellency Qin Gang"


def test_ambassador_of_unknown_gender_is_the_neutral_he():
    assert qin(gender="").address_block_en[0] == "H.E. Qin Gang"


def test_us_ambassador_is_the_honorable():
    forms = address(
        family="Burns", given="Nicholas", title="Ambassador", office="U.S. Ambassador to China"
    )
    assert forms.salutation_en == "Dear Ambassador Burns,"
    assert forms.address_block_en == ("The Honorable Nicholas Burns", "U.S. Ambassador to China")
    assert forms.rule == "ambassador-honorable"


def test_former_ambassador_is_the_honorable_without_an_office_line():
    forms = qin(former=True)
    assert forms.salutation_en == "Dear Ambassador Qin,"
    assert forms.address_block_en == ("The Honorable Qin Gang",)


def test_foreign_prime_minister_is_your_excellency():
    forms = address(
        family="Kishida",
        given="Fumio",
        zh="岸田文雄",
        order=NAME_ORDER_EASTERN,
        title="Prime Minister",
        office="Prime Minister of Japan",
        gender="m",
    )
    assert forms.salutation_en == "Your Excellency,"
    assert forms.salutation_zh == "尊敬的岸田总理："
    assert forms.address_block_en == ("His Excellency Kishida Fumio", "Prime Minister of Japan")
    assert forms.address_block_zh == ("岸田文雄总理阁下",)


def test_excellency_as_the_title_names_the_person_in_full_in_chinese():
    forms = qin(title="H.E.", office="")
    assert forms.salutation_en == "Your Excellency,"
    assert forms.salutation_zh == "尊敬的秦刚阁下："


def test_king_is_your_majesty():
    forms = address(given="Charles", title="His Majesty", office="King of the United Kingdom")
    assert forms.salutation_en == "Your Majesty,"
    assert forms.salutation_zh == "尊敬的陛下："
    assert forms.address_block_en == ("His Majesty Charles", "King of the United Kingdom")
    assert forms.rule == "majesty"


def test_queen_is_her_majesty_queen():
    forms = address(given="Margrethe", zh="玛格丽特", title="Queen")
    assert forms.salutation_en == "Your Majesty,"
    assert forms.salutation_zh == "尊敬的女王陛下："
    assert forms.address_block_en == ("Her Majesty Queen Margrethe",)
    assert forms.address_block_zh == ("玛格丽特女王陛下",)


def test_prince_is_your_royal_highness():
    forms = address(given="William", title="Prince")
    assert forms.salutation_en == "Your Royal Highness,"
    assert forms.address_block_en == ("His Royal Highness Prince William",)


@pytest.mark.parametrize(
    ("title", "salutation", "block", "zh"),
    [
        ("Dr.", "Dear Dr. Smith,", "Dr. Jane Smith", "尊敬的Smith博士："),
        ("dr", "Dear Dr. Smith,", "Dr. Jane Smith", "尊敬的Smith博士："),
        (" DR. . ", "Dear Dr. Smith,", "Dr. Jane Smith", "尊敬的Smith博士："),
        ("Doctor", "Dear Dr. Smith,", "Dr. Jane Smith", "尊敬的Smith博士："),
        ("Professor", "Dear Professor Smith,", "Professor Jane Smith", "尊敬的Smith教授："),
        ("Prof.", "Dear Professor Smith,", "Professor Jane Smith", "尊敬的Smith教授："),
        ("Mr", "Dear Mr. Smith,", "Mr. Jane Smith", "尊敬的Smith先生："),
        ("Ms.", "Dear Ms. Smith,", "Ms. Jane Smith", "尊敬的Smith女士："),
        ("Mrs.", "Dear Mrs. Smith,", "Mrs. Jane Smith", "尊敬的Smith夫人："),
        ("Miss", "Dear Miss Smith,", "Miss Jane Smith", "尊敬的Smith女士："),
        ("Mx.", "Dear Mx. Smith,", "Mx. Jane Smith", "尊敬的Jane Smith："),
    ],
)
def test_courtesy_titles_are_dear_title_by_family_name(title, salutation, block, zh):
    forms = address(family="Smith", given="Jane", title=title)
    assert forms.salutation_en == salutation
    assert forms.address_block_en == (block,)
    assert forms.salutation_zh == zh


def test_courtesy_title_uses_the_chinese_family_name_from_characters():
    forms = address(family="Wang", given="Xiaoming", zh="王小明", order="eastern", title="Dr.")
    assert forms.salutation_en == "Dear Dr. Wang,"
    assert forms.salutation_zh == "尊敬的王博士："
    assert forms.address_block_en == ("Dr. Wang Xiaoming",)
    assert forms.address_block_zh == ("王小明博士",)


def test_compound_surname_is_the_family_name_in_chinese_salutation():
    forms = address(family="Ouyang", given="Xiu", zh="欧阳修", order="eastern", title="Professor")
    assert forms.salutation_zh == "尊敬的欧阳教授："


def test_general_ranks_are_all_dear_general():
    forms = address(family="Milley", given="Mark", title="Lt. Gen.")
    assert forms.salutation_en == "Dear General Milley,"
    assert forms.address_block_en == ("Lieutenant General Mark Milley",)
    assert address(family="Milley", given="Mark", title="General").salutation_zh == (
        "尊敬的Milley将军："
    )


def test_knight_is_addressed_by_given_name():
    forms = address(family="McKellen", given="Ian", title="Sir")
    assert forms.salutation_en == "Dear Sir Ian,"
    assert forms.address_block_en == ("Sir Ian McKellen",)


def test_the_honorable_is_never_said_in_the_salutation():
    forms = address(family="Brown", given="Sherrod", title="The Honorable", gender="m")
    assert forms.salutation_en == "Dear Mr. Brown,"
    assert forms.address_block_en == ("The Honorable Sherrod Brown",)
    unknown = address(family="Brown", given="Sherrod", title="Hon.")
    assert unknown.salutation_en == "Dear Sherrod Brown,"


def test_unknown_honorific_is_used_as_written():
    forms = address(family="Cohen", given="Aaron", title="Rabbi")
    assert forms.salutation_en == "Dear Rabbi Cohen,"
    assert forms.address_block_en == ("Rabbi Aaron Cohen",)
    assert forms.rule == "honorific-verbatim"


def test_unknown_vocative_honorific_takes_no_name():
    forms = address(family="Smith", given="John", title="Mr. Chairman")
    assert forms.salutation_en == "Dear Mr. Chairman,"


def test_no_title_is_the_full_name_never_a_guessed_mr_or_ms():
    forms = address(family="Carter", given="Jimmy", gender="m")
    assert forms.salutation_en == "Dear Jimmy Carter,"
    assert forms.salutation_zh == "尊敬的Jimmy Carter："
    assert forms.rule == "name-only"


def test_no_title_and_eastern_order_is_the_full_name_family_first():
    forms = address(family="Qin", given="Gang", zh="秦刚", order="eastern")
    assert forms.salutation_en == "Dear Qin Gang,"
    assert forms.salutation_zh == "尊敬的秦刚："


def test_name_only_in_characters_is_romanised_for_english():
    forms = address(zh="秦刚", order="eastern", title="Ambassador", gender="m")
    assert forms.salutation_en == "Dear Ambassador Qin,"
    assert forms.address_block_en[0] == "His Excellency Qin Gang"


def test_no_name_at_all_is_sir_or_madam():
    forms = address()
    assert forms.salutation_en == "Dear Sir or Madam,"
    assert forms.salutation_zh == "尊敬的先生/女士："


def test_title_without_a_name_has_no_dangling_space():
    forms = address(title="Senator")
    assert forms.salutation_en == "Dear Senator,"


def test_stray_spaces_in_names_are_collapsed():
    forms = address(family="  Brown ", given=" Sherrod\t", title="  Senator. ")
    assert forms.salutation_en == "Dear Senator Brown,"
    assert forms.address_block_en == ("The Honorable Sherrod Brown",)


def test_title_zh_is_keyed_by_the_normalised_title():
    assert TITLE_ZH[normalise_title("Senator")] == "参议员"
    assert TITLE_ZH[normalise_title("Dr.")] == "博士"
    assert TITLE_ZH[normalise_title("Lt. Governor")] == "副州长"
    assert TITLE_ZH[normalise_title("Ms.")] == TITLE_ZH[normalise_title("Miss")] == "女士"
    assert TITLE_ZH["mrs"] == "夫人"
    assert TITLE_ZH["general"] == "将军"
    assert TITLE_ZH["secretary"] == "部长"


_TITLES = st.sampled_from(
    ["", "President", "Senator", "Ambassador", "Dr.", "Sir", "King", "Prime Minister", "Mx."]
)


@given(
    family=st.text(max_size=15),
    given_name=st.text(max_size=15),
    zh=st.text(max_size=8),
    order=st.sampled_from([NAME_ORDER_WESTERN, NAME_ORDER_EASTERN]),
    title=st.one_of(_TITLES, st.text(max_size=15)),
    office=st.text(max_size=30),
    gender=st.sampled_from(["", "f", "m", "x"]),
    former=st.booleans(),
)
# Drawing text is slow on a busy machine (the suites run beside each other): the inputs are what
# they are whatever the time, so the speed check is not this test's business.
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_forms_of_address_are_always_tidy_for_any_text(
    family, given_name, zh, order, title, office, gender, former
):
    forms = forms_of_address(
        AddressInput(family, given_name, zh, order, title, office, gender, former)
    )
    typed = f"{family}{given_name}{zh}{title}{office}"
    lines = [forms.salutation_en, forms.salutation_zh, *forms.address_block_en]
    lines += forms.address_block_zh
    for line in lines:
        assert line
        assert line == line.strip()
        assert "  " not in line
        assert "\n" not in line
        assert "None" not in line or "None" in typed
    assert forms.salutation_en.startswith(("Dear ", "Your "))
    assert forms.salutation_en.endswith(",")
    assert forms.salutation_en not in {"Dear ,", "Dear,"}
    assert not forms.salutation_en.startswith("Dear Mr. President ")
    assert forms.salutation_zh.startswith("尊敬的")
    assert forms.salutation_zh.endswith("：")
    assert forms.rule
