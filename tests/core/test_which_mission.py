"""Which mission an action is for is decided in one place (core.access.mission_for): the one
asked for among the user's, else their only one; never the first of several."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from legation.core import access
from legation.core.models import Sensitivity
from legation.engagements.models import Engagement
from legation.letters.models import MissionTemplate
from legation.people.models import Organisation, Person
from tests import factories
from tests.people.formdata import empty_person


@pytest.fixture
def two_missions(mission, other_mission):
    """An officer of both missions, the second one's ref sorting first (a guess would take it)."""
    return factories.user_with_role(
        "both", "officer", [mission, other_mission], Sensitivity.RESTRICTED
    )


def test_the_only_mission_is_taken_and_one_asked_for_must_be_the_users(
    officer, mission, other_mission
):
    assert access.mission_for(officer) == mission
    assert access.mission_for(officer, mission.pk) == mission
    assert access.mission_for(officer, str(mission.pk)) == mission
    assert access.mission_for(officer, "EMB-US") == mission
    assert access.mission_for(officer, "") == mission
    with pytest.raises(access.MissionRequired) as refused:
        access.mission_for(officer, other_mission)
    assert refused.value.missions == [mission]


def test_a_user_of_several_missions_is_asked_not_given_the_first(
    two_missions, mission, other_mission
):
    with pytest.raises(access.MissionRequired) as refused:
        access.mission_for(two_missions)
    assert set(refused.value.missions) == {mission, other_mission}
    assert access.mission_for(two_missions, other_mission.pk) == other_mission
    assert access.mission_for(two_missions, "EMB-US") == mission


def test_a_user_of_no_mission_is_refused(seeded):
    nobody = factories.user_with_role("nobody", "officer", [], Sensitivity.RESTRICTED)
    with pytest.raises(PermissionDenied):
        access.mission_for(nobody)


NEW_PAGES = ("/people/new/", "/people/organisations/new/", "/engagements/log/")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_new_record_pages_ask_a_user_of_two_missions_which(
    client, two_missions, mission, other_mission, language
):
    from legation.core.models import Profile

    Profile.objects.filter(user=two_missions).update(language=language)
    client.force_login(two_missions)
    expected = {"en": "choose the one this is for", "zh-hans": "请选择此项所属的使馆"}[language]
    for url in NEW_PAGES:
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200, url
        assert 'id="choose-mission"' in html and expected in html, url
        assert f"{url}?mission={mission.pk}" in html and f"?mission={other_mission.pk}" in html
        chosen = client.get(url, {"mission": other_mission.pk})
        assert chosen.status_code == 200 and 'id="choose-mission"' not in chosen.content.decode()


def test_a_form_sent_without_its_mission_is_refused_and_saves_nothing(
    client, two_missions, mission, other_mission
):
    client.force_login(two_missions)
    page = client.post("/people/new/", empty_person(family_name="Nowhere"))
    assert page.status_code == 400 and 'id="choose-mission"' in page.content.decode()
    page = client.post("/people/organisations/new/", {"name_en": "Nowhere Inc."})
    assert page.status_code == 400
    assert not Person.objects.filter(family_name="Nowhere").exists()
    assert not Organisation.objects.filter(name_en="Nowhere Inc.").exists()


def test_a_form_sent_for_a_chosen_mission_saves_into_it(client, two_missions, other_mission):
    client.force_login(two_missions)
    url = f"/people/new/?mission={other_mission.pk}"
    page = client.post(url, empty_person(family_name="Faraway"))
    assert page.status_code == 302
    assert Person.objects.get(family_name="Faraway").mission == other_mission
    url = f"/people/organisations/new/?mission={other_mission.pk}"
    page = client.post(url, {"name_en": "Faraway Inc.", "version": ""})
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Organisation.objects.get(name_en="Faraway Inc.").mission == other_mission


def test_an_engagement_logged_from_a_persons_page_goes_to_their_mission(
    client, two_missions, other_mission
):
    theirs = factories.PersonFactory(mission=other_mission, family_name="Faraway")
    client.force_login(two_missions)
    page = client.get("/engagements/log/", {"person": theirs.pk})
    assert page.status_code == 200 and 'id="choose-mission"' not in page.content.decode()
    data = {
        "kind": "meeting",
        "start": "2022-11-02T10:30",
        "subject": "Far talk",
        "people": [theirs.pk],
        "sensitivity": "1",
        "c-TOTAL_FORMS": "0",
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "10",
    }
    page = client.post(f"/engagements/log/?person={theirs.pk}", data)
    assert page.status_code == 302
    assert Engagement.objects.get(subject="Far talk").mission == other_mission
    page = client.post("/engagements/log/", {**data, "subject": "Lost talk"})
    assert page.status_code == 400
    assert not Engagement.objects.filter(subject="Lost talk").exists()


def test_a_one_mission_user_is_not_asked(client, officer, mission):
    client.force_login(officer)
    for url in NEW_PAGES:
        page = client.get(url)
        assert page.status_code == 200 and 'id="choose-mission"' not in page.content.decode()
    page = client.post("/people/new/", empty_person(family_name="Nearby"))
    assert page.status_code == 302
    assert Person.objects.get(family_name="Nearby").mission == mission


TEMPLATE = "---\nname: note\nlanguage: en\n---\nDear {{ person.name }},\n"


def test_a_template_saved_without_its_mission_is_refused(client, two_missions, other_mission):
    client.force_login(two_missions)
    page = client.post("/letters/templates/save/", {"text": TEMPLATE})
    assert page.status_code == 400
    assert "choose the one this is for" in page.content.decode()
    assert not MissionTemplate.objects.exists()
    page = client.post("/letters/templates/save/", {"text": TEMPLATE, "mission": other_mission.pk})
    assert page.status_code == 302
    assert MissionTemplate.objects.get().mission == other_mission


def test_the_templates_page_asks_rather_than_showing_the_first_mission(client, two_missions):
    client.force_login(two_missions)
    html = client.get("/letters/").content.decode()
    assert 'id="template-choose-mission"' in html


def test_commands_refuse_to_guess_the_mission(two_missions, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("family_name\nGuess\n")
    with pytest.raises(CommandError, match="--mission"):
        call_command("import", "people", str(path), "--as", "both")
    with pytest.raises(CommandError, match="--mission"):
        call_command("letters", "templates", "list", "--as", "both")
    assert not Person.objects.filter(family_name="Guess").exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refused_template_save_offers_the_missions_in_the_form_and_keeps_the_text(
    client, two_missions, mission, other_mission, language
):
    """The refusal page keeps the text and asks for the mission in the form itself; its mission
    links lead to the templates page (not to the save address, which only takes POST)."""
    from legation.core.models import Profile

    Profile.objects.filter(user=two_missions).update(language=language)
    client.force_login(two_missions)
    page = client.post("/letters/templates/save/", {"text": TEMPLATE})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="id_template_mission"' in html and "name: note" in html
    assert "posting" not in page.context["form"].errors  # a save needs no sender
    assert f'href="/letters/?mission={other_mission.pk}"' in html
    assert 'href="?mission=' not in html
    saved = client.post(
        "/letters/templates/save/", {"text": TEMPLATE, "mission": str(other_mission.pk)}
    )
    assert saved.status_code == 302
    assert MissionTemplate.objects.filter(mission=other_mission).exists()
    assert not MissionTemplate.objects.filter(mission=mission).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_form_of_a_chosen_mission_names_it_and_its_pickers_offer_only_its_records(
    client, two_missions, mission, other_mission, language
):
    from legation.core.models import Profile

    Profile.objects.filter(user=two_missions).update(language=language)
    ours = factories.PersonFactory(mission=mission, family_name="Pickwick", given_name="Sam")
    theirs = factories.PersonFactory(
        mission=other_mission, family_name="Pickwick", given_name="Tom"
    )
    factories.PostingFactory(
        mission=mission, person=factories.PersonFactory(mission=mission, family_name="Ourstaff")
    )
    client.force_login(two_missions)
    html = client.get("/engagements/log/", {"mission": other_mission.pk}).content.decode()
    assert "Ourstaff" not in html  # neither a participant nor a commitment's owner here
    assert "Ourstaff" in client.get("/engagements/log/", {"mission": mission.pk}).content.decode()
    named = {"en": "For the mission", "zh-hans": "所属使馆"}[language]
    assert 'id="form-mission"' in html and named in html and other_mission.ref in html
    assert f'"mission": "{other_mission.pk}"' in html  # the pickers ask within the mission
    person_page = client.get("/people/new/", {"mission": other_mission.pk}).content.decode()
    assert 'id="form-mission"' in person_page and other_mission.ref in person_page
    picked = client.get("/people/pick/", {"pq": "Pickwick", "mission": other_mission.pk})
    assert f'data-pick-id="{theirs.pk}"' in picked.content.decode()
    assert f'data-pick-id="{ours.pk}"' not in picked.content.decode()
    both = client.get("/people/pick/", {"pq": "Pickwick"}).content.decode()
    assert f'data-pick-id="{theirs.pk}"' in both and f'data-pick-id="{ours.pk}"' in both


def test_a_one_mission_user_is_not_told_the_mission(client, officer, mission):
    client.force_login(officer)
    assert 'id="form-mission"' not in client.get("/engagements/log/").content.decode()


def test_stats_and_reports_take_the_head_of_the_mission_named(mission, other_mission, tmp_path):
    import json
    from io import StringIO

    factories.PostingFactory(mission=mission, role="head_of_mission", ref="US-HEAD")
    head = factories.PostingFactory(mission=other_mission, role="head_of_mission", ref="CG-HEAD")
    for command in (["stats", "--json"], ["report", "tenure", "--format", "json"]):
        out = tmp_path / "out.json"
        extra = ["-o", str(out)] if command[0] == "report" else []
        printed = StringIO()
        call_command(*command, "--mission", other_mission.ref, *extra, stdout=printed)
        figures = json.loads(out.read_text() if extra else printed.getvalue())
        assert str(figures.get("posting") or figures.get("figures", {}).get("posting")) == (
            head.ref
        ), figures
    with pytest.raises(CommandError, match="--mission"):
        call_command("stats", "--mission", "NOPE", stdout=StringIO())


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refusal_by_role_reads_in_the_users_language(client, reader, language):
    from legation.core.models import Profile

    Profile.objects.filter(user=reader).update(language=language)
    client.force_login(reader)
    page = client.get("/people/new/")
    expected = {"en": "Your role does not allow this", "zh-hans": "您的角色不允许此操作"}[language]
    assert page.status_code == 403 and expected in page.content.decode()


def test_the_favicon_address_leads_to_the_icon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith(".svg")
