"""The sender's title, from the rules table: every mission kind × role × language."""

from __future__ import annotations

import re

import pytest

from legation.core.models import Mission
from legation.engagements.models import Posting
from legation.letters.compose.titles import SenderInput, sender_titles

NAMES = {
    "embassy": (
        "Embassy of the People's Republic of China in the United States of America",
        "中华人民共和国驻美利坚合众国大使馆",
        "",
        "",
    ),
    "consulate_general": (
        "Consulate General of the People's Republic of China in San Francisco",
        "中华人民共和国驻旧金山总领事馆",
        "San Francisco",
        "旧金山",
    ),
    "consulate": (
        "Consulate of the People's Republic of China in Houston",
        "中华人民共和国驻休斯敦领事馆",
        "Houston",
        "休斯敦",
    ),
    "trade_office": (
        "China Trade Office in Chicago",
        "中国驻芝加哥贸易办事处",
        "Chicago",
        "芝加哥",
    ),
    "representative_office": (
        "Representative Office of China in Atlanta",
        "中国驻亚特兰大代表处",
        "Atlanta",
        "亚特兰大",
    ),
    "office": ("Office of Senator Lee", "李参议员办公室", "", ""),
}
DIPLOMATIC = {
    "minister": ("Minister", "公使"),
    "minister_counsellor": ("Minister-Counsellor", "公使衔参赞"),
    "counsellor": ("Counsellor", "参赞"),
    "first_secretary": ("First Secretary", "一等秘书"),
    "second_secretary": ("Second Secretary", "二等秘书"),
    "third_secretary": ("Third Secretary", "三等秘书"),
    "attache": ("Attaché", "随员"),
    "consul": ("Consul", "领事"),
    "vice_consul": ("Vice Consul", "副领事"),
}
# The short title (signature) of each role, by kind of mission: the rules table.
SHORT = {
    "embassy": {
        "head_of_mission": ("Ambassador", "大使"),
        "charge_affaires": ("Chargé d'Affaires a.i.", "临时代办"),
        "deputy": ("Deputy Chief of Mission", "副馆长"),
        **DIPLOMATIC,
    },
    "consulate_general": {
        "head_of_mission": ("Consul General", "总领事"),
        "charge_affaires": ("Acting Consul General", "代总领事"),
        "deputy": ("Deputy Consul General", "副总领事"),
        **DIPLOMATIC,
    },
    "consulate": {
        "head_of_mission": ("Consul", "领事"),
        "charge_affaires": ("Acting Consul", "代领事"),
        "deputy": ("Vice Consul", "副领事"),
        **DIPLOMATIC,
    },
    "trade_office": {
        "head_of_mission": ("Director", "主任"),
        "charge_affaires": ("Acting Director", "代主任"),
        "deputy": ("Deputy Director", "副主任"),
        **DIPLOMATIC,
    },
    "representative_office": {
        "head_of_mission": ("Representative", "代表"),
        "charge_affaires": ("Acting Representative", "代理代表"),
        "deputy": ("Deputy Representative", "副代表"),
        **DIPLOMATIC,
    },
    "office": {},
}
KINDS = [k for k, _ in Mission.Kind.choices]
ROLES = [r for r, _ in Posting.Role.choices]


def titles(kind: str, role: str, **kw):
    en, zh, seat_en, seat_zh = NAMES[kind]
    fields = {
        "kind": kind, "role": role, "mission_name_en": en, "mission_name_zh": zh,
        "seat_en": seat_en, "seat_zh": seat_zh, "sending_country": "CN", "host_country": "US",
    }  # fmt: skip
    return sender_titles(SenderInput(**(fields | kw)))


def test_the_table_covers_every_kind_of_mission():
    assert set(SHORT) == set(KINDS)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_role_and_language(kind, role, language):
    t = titles(kind, role)
    expected = SHORT[kind].get(role, ("", ""))[language == "zh"]
    assert t.short(language) == expected
    for form in (t.short(language), t.full(language), t.common(language)):
        # Never an internal role label, never the Ambassador of a building.
        assert "head of mission" not in form.lower()
        assert "Ambassador of the Embassy" not in form and "大使馆大使" not in form
        if language == "zh":
            assert not re.search(r"[A-Za-z]", form), form
    if expected:
        assert t.rule == "role"
        assert expected in t.full(language) and expected in t.common(language)
        assert t.common(language)
    else:  # officer, other, and every role of a legislator's office or an NGO
        assert (t.full(language), t.common(language), t.rule) == ("", "", "none")


FORMS = [
    # kind, role, full (en, zh), common (en, zh)
    (
        "embassy", "head_of_mission",
        "Ambassador of the People's Republic of China to the United States of America",
        "中华人民共和国驻美利坚合众国大使",
        "Chinese Ambassador to the United States", "中国驻美国大使",
    ),
    (
        "embassy", "charge_affaires",
        "Chargé d'Affaires a.i. of the Embassy of the People's Republic of China in the United "
        "States of America",
        "中华人民共和国驻美利坚合众国大使馆临时代办",
        "Chinese Chargé d'Affaires a.i. in the United States", "中国驻美国临时代办",
    ),
    (
        "embassy", "minister_counsellor",
        "Minister-Counsellor of the Embassy of the People's Republic of China in the United "
        "States of America",
        "中华人民共和国驻美利坚合众国大使馆公使衔参赞",
        "Minister-Counsellor of the Chinese Embassy in the United States", "中国驻美国大使馆公使衔参赞",
    ),
    (
        "consulate_general", "head_of_mission",
        "Consul General of the People's Republic of China in San Francisco",
        "中华人民共和国驻旧金山总领事",
        "Chinese Consul General in San Francisco", "中国驻旧金山总领事",
    ),
    (
        "consulate_general", "deputy",
        "Deputy Consul General of the Consulate General of the People's Republic of China in San "
        "Francisco",
        "中华人民共和国驻旧金山总领事馆副总领事",
        "Deputy Consul General of the Chinese Consulate General in San Francisco",
        "中国驻旧金山总领事馆副总领事",
    ),
    (
        "consulate", "head_of_mission",
        "Consul of the People's Republic of China in Houston", "中华人民共和国驻休斯敦领事",
        "Chinese Consul in Houston", "中国驻休斯敦领事",
    ),
    (
        "trade_office", "head_of_mission",
        "Director of the China Trade Office in Chicago", "中国驻芝加哥贸易办事处主任",
        "Director of the China Trade Office in Chicago", "中国驻芝加哥贸易办事处主任",
    ),
    (
        "representative_office", "deputy",
        "Deputy Representative of the Representative Office of China in Atlanta",
        "中国驻亚特兰大代表处副代表",
        "Deputy Representative of the Representative Office of China in Atlanta",
        "中国驻亚特兰大代表处副代表",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "role", "full_en", "full_zh", "common_en", "common_zh"), FORMS)
def test_full_and_common_forms(kind, role, full_en, full_zh, common_en, common_zh):
    t = titles(kind, role)
    assert (t.full_en, t.full_zh) == (full_en, full_zh)
    assert (t.common_en, t.common_zh) == (common_en, common_zh)


def test_the_posting_title_wins_and_names_its_rank():
    t = titles("embassy", "deputy", posting_title="Ambassador")
    assert (t.short_en, t.short_zh, t.rule) == ("Ambassador", "大使", "posting-rank")
    assert t.common_en == "Chinese Ambassador to the United States"


def test_a_posting_title_outside_the_table_is_printed_as_written():
    t = titles(
        "embassy", "head_of_mission",
        posting_title="Ambassador Extraordinary and Plenipotentiary", posting_title_zh="特命全权大使",
    )  # fmt: skip
    assert t.short_en == t.full_en == t.common_en == "Ambassador Extraordinary and Plenipotentiary"
    assert t.short_zh == "特命全权大使"


def test_an_english_posting_title_is_never_printed_in_a_chinese_letter():
    t = titles("embassy", "head_of_mission", posting_title="Special Envoy")
    assert t.short_en == "Special Envoy"
    assert t.short_zh == "大使"  # the role's Chinese title stands in
    t = titles("office", "other", posting_title="Special Envoy")
    assert t.short_zh == t.full_zh == ""


def test_the_persons_office_is_the_last_resort_never_a_courtesy_title():
    t = titles("office", "head_of_mission", person_title="Senator")
    assert (t.short_en, t.short_zh, t.rule) == ("Senator", "参议员", "person")
    assert titles("office", "head_of_mission", person_title="Dr.").short_en == ""
    assert titles("office", "head_of_mission", person_title="Senator", person_former=True).rule == (
        "none"
    )


def test_a_consulate_without_its_seat_falls_back_to_the_missions_name():
    t = titles("consulate_general", "head_of_mission", seat_en="", seat_zh="")
    assert t.full_en == (
        "Consul General of the Consulate General of the People's Republic of China in San Francisco"
    )
    assert t.common_zh == "中华人民共和国驻旧金山总领事馆总领事"


def test_an_unknown_sending_state_keeps_chinese_letters_chinese():
    t = titles("embassy", "head_of_mission", sending_country="SE")
    assert t.full_en == "Ambassador of the Kingdom of Sweden to the United States of America"
    assert t.full_zh == t.common_zh == "大使"  # no Chinese name known: the short title


def test_a_consulate_general_imported_from_a_file_signs_consul_general(seeded, tmp_path):
    """End to end: the mission's kind and seat from the import, the role from the posting, the
    shipped templates in both languages."""
    import datetime as dt

    from legation.core.access import SYSTEM
    from legation.intake.importers import commit
    from legation.letters.compose.letter_template import find_template
    from legation.letters.merge import production as merge
    from tests import factories

    path = tmp_path / "m.csv"
    path.write_text(
        "ref,name_en,name_zh,kind,sending_country,seat_en,seat_zh\n"
        "CG-SF,Consulate General of the People's Republic of China in San Francisco,"
        "中华人民共和国驻旧金山总领事馆,总领事馆,cn,San Francisco,旧金山\n",
        encoding="utf-8",
    )
    assert commit("missions", path, actor=SYSTEM).counts["created"] == 1
    mission = Mission.objects.get(ref="CG-SF")
    assert (mission.kind, mission.sending_country, mission.seat_zh) == (
        "consulate_general", "CN", "旧金山",
    )  # fmt: skip
    person = factories.PersonFactory(
        mission=mission, family_name="Zhang", given_name="Jianmin", name_zh="张建敏",
        name_order="eastern",
    )  # fmt: skip
    posting = factories.PostingFactory(
        mission=mission, person=person, role="head_of_mission", title="", title_zh="",
        arrival=dt.date(2021, 1, 1),
    )  # fmt: skip
    friend = factories.PersonFactory(mission=mission, family_name="Lee", given_name="Ed")
    texts = {}
    for language in ("en", "zh"):
        out = tmp_path / f"l.{language}.txt"
        done, _ = merge.render_one(
            actor=SYSTEM, template=find_template(f"farewell.{language}"), person=friend,
            posting=posting, letter_date=dt.date(2022, 12, 30), fmt="txt", out=out, personal="",
            draft=True,
        )  # fmt: skip
        assert not done.error, done.error
        texts[language] = out.read_text(encoding="utf-8")
    assert "my duty as Chinese Consul General in San Francisco and" in texts["en"]
    assert texts["en"].splitlines()[-2:] == ["Zhang Jianmin", "Consul General"]
    assert "我即将结束中国驻旧金山总领事任期" in texts["zh"]
    assert texts["zh"].splitlines()[-3:-1] == ["张建敏", "总领事"]
    assert "head of mission" not in texts["en"].lower()


def test_a_sending_state_without_an_adjective_on_record_uses_the_formal_form():
    t = titles("embassy", "head_of_mission", sending_country="SE")
    assert t.common_en == t.full_en  # never "Sweden Ambassador to the United States"


def test_a_chinese_posting_title_outside_the_table_is_kept_in_every_chinese_form():
    t = titles(
        "embassy", "head_of_mission", posting_title="Ambassador", posting_title_zh="特命全权大使"
    )
    assert t.short_zh == t.full_zh == t.common_zh == "特命全权大使"
    assert t.common_en == "Chinese Ambassador to the United States"
