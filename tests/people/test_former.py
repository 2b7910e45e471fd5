"""Former office holders: the rules table, the import column, the person form."""

from __future__ import annotations

import pytest

from legation.core.access import SYSTEM
from legation.intake.importers import commit
from legation.people.address import AddressInput, forms_of_address
from legation.people.models import Person

# title, office, gender, salutation, block (first line), Chinese salutation, Chinese block, rule
FORMER = [
    ("President", "39th President of the United States", "m", "Dear President Carter,",
     "The Honorable Jimmy Carter", "尊敬的卡特前总统：", "吉米·卡特前总统阁下",
     "former-head-of-state"),
    ("President", "", "", "Dear President Carter,", "The Honorable Jimmy Carter",
     "尊敬的卡特前总统：", "吉米·卡特前总统阁下", "former-head-of-state"),
    ("Vice President", "Vice President of the United States", "m", "Dear Mr. Carter,",
     "The Honorable Jimmy Carter", "尊敬的卡特前副总统：", "吉米·卡特前副总统",
     "former-single-office"),
    ("Senator", "United States Senator from Georgia", "m", "Dear Senator Carter,",
     "The Honorable Jimmy Carter", "尊敬的卡特前参议员：", "吉米·卡特前参议员", "former-honorable"),
    ("Representative", "U.S. Representative", "", "Dear Representative Carter,",
     "The Honorable Jimmy Carter", "尊敬的卡特前众议员：", "吉米·卡特前众议员", "former-honorable"),
    ("Governor", "Governor of Georgia", "m", "Dear Mr. Carter,", "The Honorable Jimmy Carter",
     "尊敬的卡特前州长：", "吉米·卡特前州长", "former-single-office"),
    ("Governor", "Governor of Georgia", "f", "Dear Ms. Carter,", "The Honorable Jimmy Carter",
     "尊敬的卡特前州长：", "吉米·卡特前州长", "former-single-office"),
    ("Governor", "Governor of Georgia", "", "Dear Jimmy Carter,", "The Honorable Jimmy Carter",
     "尊敬的卡特前州长：", "吉米·卡特前州长", "former-single-office"),
    ("Mayor", "Mayor of Plains", "m", "Dear Mr. Carter,", "The Honorable Jimmy Carter",
     "尊敬的卡特前市长：", "吉米·卡特前市长", "former-single-office"),
    ("Secretary", "Secretary of State", "m", "Dear Mr. Carter,", "The Honorable Jimmy Carter",
     "尊敬的卡特前国务卿：", "吉米·卡特前国务卿", "former-single-office"),
    ("Judge", "", "m", "Dear Judge Carter,", "The Honorable Jimmy Carter", "尊敬的卡特前法官：",
     "吉米·卡特前法官", "former-honorable"),
    ("Ambassador", "U.S. Ambassador to China", "m", "Dear Ambassador Carter,",
     "The Honorable Jimmy Carter", "尊敬的卡特前大使：", "吉米·卡特前大使", "ambassador-honorable"),
    ("Ambassador", "Ambassador of France to the United States", "m", "Dear Ambassador Carter,",
     "The Honorable Jimmy Carter", "尊敬的卡特前大使：", "吉米·卡特前大使", "ambassador-honorable"),
    ("Prime Minister", "Prime Minister of Japan", "m", "Dear Prime Minister Carter,",
     "The Honorable Jimmy Carter", "尊敬的卡特前总理：", "吉米·卡特前总理阁下", "former-excellency"),
]  # fmt: skip


@pytest.fixture
def write(tmp_path):
    def _write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.mark.parametrize(
    ("title", "office", "gender", "salutation", "block", "zh", "block_zh", "rule"), FORMER
)
def test_former_holders_follow_protocol(
    title, office, gender, salutation, block, zh, block_zh, rule
):
    forms = forms_of_address(
        AddressInput("Carter", "Jimmy", "吉米·卡特", "western", title, office, gender, True)
    )
    assert forms.salutation_en == salutation
    assert forms.address_block_en == (block,)  # the office is someone else's now
    assert (forms.salutation_zh, forms.address_block_zh) == (zh, (block_zh,))
    assert forms.rule == rule
    assert "Mr. President" not in forms.salutation_en


def test_a_former_president_is_never_mr_president():
    sitting = forms_of_address(
        AddressInput("Carter", "Jimmy", "", "western", "President", "President of the United States",
                     "m", False)
    )  # fmt: skip
    assert sitting.salutation_en == "Dear Mr. President,"
    former = forms_of_address(
        AddressInput("Carter", "Jimmy", "", "western", "President", "President of the United States",
                     "m", True)
    )  # fmt: skip
    assert former.salutation_en == "Dear President Carter,"
    assert former.salutation_zh == "尊敬的Carter前总统："


def test_the_people_import_reads_the_former_column(mission, write):
    path = write(
        "people.csv",
        "family_name,given_name,name_zh,title,office,former\n"
        "Carter,Jimmy,吉米·卡特,President,39th President of the United States,yes\n"
        "Brown,Sherrod,,Senator,United States Senator from Ohio,no\n"
        "Branstad,Terry,,Governor,Governor of Iowa,是\n",
    )
    report = commit("people", path, actor=SYSTEM, mission=mission)
    assert report.counts["created"] == 3, report.issues
    carter = Person.objects.get(family_name="Carter")
    assert carter.former and carter.forms_of_address().salutation_en == "Dear President Carter,"
    assert carter.forms_of_address().salutation_zh == "尊敬的卡特前总统："
    assert not Person.objects.get(family_name="Brown").former
    assert Person.objects.get(family_name="Branstad").forms_of_address().salutation_en == (
        "Dear Terry Branstad,"
    )


def test_a_bad_former_cell_is_refused_with_the_column(mission, write):
    path = write(
        "people.csv", "family_name,given_name,title,former\nCarter,Jimmy,President,maybe\n"
    )
    report = commit("people", path, actor=SYSTEM, mission=mission)
    assert [str(i) for i in report.issues] == [
        "line 2, column former: Write yes or no, not 'maybe'."
    ]
    assert not Person.objects.exists()


def test_the_person_form_marks_a_former_office_holder(client, officer, mission):
    from tests import factories

    carter = factories.PersonFactory(
        mission=mission, family_name="Carter", given_name="Jimmy", title="President",
        office="President of the United States", gender="m",
    )  # fmt: skip
    client.force_login(officer)
    page = client.get(f"/people/{carter.pk}/").content.decode()
    assert "Dear Mr. President," in page
    form = client.get(f"/people/{carter.pk}/edit/").content.decode()
    assert 'name="former"' in form
    response = client.post(
        f"/people/{carter.pk}/edit/",
        {
            "family_name": "Carter", "given_name": "Jimmy", "name_order": "western",
            "gender": "m", "title": "President", "office": "President of the United States",
            "former": "on", "tags": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    carter.refresh_from_db()
    assert carter.former
    page = client.get(f"/people/{carter.pk}/").content.decode()
    assert "Dear President Carter," in page and "Dear Mr. President," not in page
