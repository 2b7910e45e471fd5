"""Names across scripts: splitting, pinyin, order and search keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legation.people.names import (
    NAME_ORDER_EASTERN,
    NAME_ORDER_WESTERN,
    full_name,
    has_cjk,
    infer_name_order,
    normalise_query,
    pinyin,
    search_keys,
    split_chinese_name,
)


def test_has_cjk_finds_chinese_japanese_and_korean_characters():
    assert has_cjk("秦刚")
    assert has_cjk("きしだ")
    assert has_cjk("김정은")
    assert has_cjk("Qin 刚")


def test_has_cjk_ignores_latin_text_and_punctuation():
    assert not has_cjk("Qin Gang")
    assert not has_cjk("José")
    assert not has_cjk("・")
    assert not has_cjk("")


def test_chinese_name_is_family_first():
    assert split_chinese_name("秦刚") == ("秦", "刚")
    assert split_chinese_name("王小明") == ("王", "小明")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("欧阳修", ("欧阳", "修")),
        ("司马光", ("司马", "光")),
        ("诸葛亮", ("诸葛", "亮")),
        ("上官婉儿", ("上官", "婉儿")),
        ("东方朔", ("东方", "朔")),
        ("令狐冲", ("令狐", "冲")),
        ("长孙无忌", ("长孙", "无忌")),
        ("歐陽修", ("歐陽", "修")),
    ],
)
def test_compound_surnames_take_two_characters(name, expected):
    assert split_chinese_name(name) == expected


def test_two_character_name_starting_like_a_compound_surname_keeps_a_given_name():
    assert split_chinese_name("东方") == ("东", "方")


def test_four_character_name_splits_two_and_two():
    assert split_chinese_name("林郑月娥") == ("林郑", "月娥")
    assert split_chinese_name("岸田文雄") == ("岸田", "文雄")


@pytest.mark.parametrize("dot", ["·", "•", "・", "．"])
def test_transliterated_name_is_western_order_whatever_the_dot(dot):
    assert split_chinese_name(f"吉米{dot}卡特") == ("卡特", "吉米")


def test_transliterated_name_with_several_parts_keeps_the_last_as_family():
    assert split_chinese_name("马丁·路德·金") == ("金", "马丁·路德")


def test_spaces_inside_a_chinese_name_are_ignored():
    assert split_chinese_name(" 秦 刚 ") == ("秦", "刚")


def test_text_without_characters_has_no_chinese_split():
    assert split_chinese_name("") == ("", "")
    assert split_chinese_name("Qin Gang") == ("", "")


def test_pinyin_puts_the_family_name_first():
    assert pinyin("秦刚") == "Qin Gang"
    assert pinyin("秦刚") != "Gang Qin"


def test_pinyin_joins_given_name_syllables_into_one_word():
    assert pinyin("王小明") == "Wang Xiaoming"


def test_pinyin_joins_compound_surname_syllables():
    assert pinyin("欧阳修") == "Ouyang Xiu"
    assert pinyin("司马光") == "Sima Guang"


def test_pinyin_with_tones_uses_tone_marks():
    assert pinyin("秦刚", tones=True) == "Qín Gāng"
    assert pinyin("欧阳修", tones=True) == "Ōuyáng Xiū"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单雄信", "Shan Xiongxin"),
        ("曾国藩", "Zeng Guofan"),
        ("解缙", "Xie Jin"),
        ("仇英", "Qiu Ying"),
        ("朴槿惠", "Piao Jinhui"),
        ("令狐冲", "Linghu Chong"),
        ("尉迟恭", "Yuchi Gong"),
    ],
)
def test_surname_heteronyms_take_their_surname_reading(name, expected):
    assert pinyin(name) == expected


def test_surname_reading_keeps_its_tone():
    assert pinyin("单雄信", tones=True).startswith("Shàn ")
    assert pinyin("曾国藩", tones=True).startswith("Zēng ")


def test_pinyin_marks_syllable_boundaries_with_an_apostrophe():
    assert pinyin("吕天恩") == "Lü Tian'en"


def test_transliterated_name_gives_pinyin_per_part():
    assert pinyin("吉米·卡特") == "Jimi Kate"
    assert pinyin("谢罗德·布朗") == "Xieluode Bulang"


def test_pinyin_of_text_without_han_characters_is_empty():
    assert pinyin("") == ""
    assert pinyin("Qin Gang") == ""
    assert pinyin("김정은") == ""


def test_search_keys_hold_characters_pinyin_and_initials():
    keys = search_keys(family_name="Qin", given_name="Gang", name_zh="秦刚")
    assert "秦刚" in keys
    assert "qin gang" in keys
    assert "qingang" in keys
    assert "qg" in keys


def test_search_keys_hold_the_latin_name_in_both_orders():
    keys = search_keys(family_name="Carter", given_name="Jimmy", name_zh="")
    assert "jimmy carter" in keys
    assert "carter jimmy" in keys


def test_search_keys_are_lowercase_and_folded():
    keys = search_keys(family_name="Martínez", given_name="José", name_zh="")
    assert "jose martinez" in keys
    assert keys == keys.lower()
    assert "é" not in keys


def test_search_keys_hold_a_transliterated_name_with_and_without_its_dot():
    keys = search_keys(family_name="Carter", given_name="Jimmy", name_zh="吉米・卡特")
    assert "吉米·卡特" in keys
    assert "吉米卡特" in keys
    assert "jimi kate" in keys


def test_search_keys_hold_initials_of_compound_surnames_by_syllable():
    assert "oyx" in search_keys(family_name="", given_name="", name_zh="欧阳修")


def test_search_keys_spell_u_umlaut_as_typed_on_a_pinyin_keyboard():
    keys = search_keys(family_name="", given_name="", name_zh="吕天恩")
    assert "lu tianen" in keys
    assert "lvtianen" in keys


def test_search_keys_find_a_heteronym_surname_by_its_everyday_reading_too():
    keys = search_keys(family_name="", given_name="", name_zh="单雄信")
    assert "shan xiongxin" in keys
    assert "danxiongxin" in keys


def test_search_keys_of_nothing_are_empty():
    assert search_keys(family_name="", given_name="", name_zh="") == ""


def test_query_folds_tone_marks_and_accents():
    assert normalise_query("Qín Gāng") == "qin gang"
    assert normalise_query("JOSÉ") == "jose"
    assert normalise_query("Lǚ") == "lu"


def test_query_collapses_whitespace():
    assert normalise_query("  qin \t  gang\n") == "qin gang"


def test_query_keeps_chinese_characters():
    assert normalise_query(" 秦刚 ") == "秦刚"
    assert normalise_query("吉米・卡特") == "吉米·卡特"


def test_query_drops_apostrophes_and_splits_on_hyphens():
    assert normalise_query("O'Brien") == "obrien"
    assert normalise_query("Ing-wen") == "ing wen"


@pytest.mark.parametrize("query", ["Qín Gāng", "qin gang", "QINGANG", "秦刚", "qg", "Qin"])
def test_every_way_of_typing_qin_gang_finds_him(query):
    keys = search_keys(family_name="Qin", given_name="Gang", name_zh="秦刚")
    assert normalise_query(query) in keys


@given(family=st.text(max_size=20), given_name=st.text(max_size=20))
def test_a_typed_latin_name_is_always_found_in_its_own_search_keys(family, given_name):
    keys = search_keys(family_name=family, given_name=given_name, name_zh="")
    assert normalise_query(f"{given_name} {family}") in keys
    assert normalise_query(f"{family} {given_name}") in keys
    assert "  " not in keys


def test_chinese_name_gives_eastern_order():
    assert infer_name_order(name_zh="秦刚", family_name="Qin", given_name="Gang") == (
        NAME_ORDER_EASTERN
    )
    assert infer_name_order(name_zh="秦刚", family_name="", given_name="") == NAME_ORDER_EASTERN


def test_transliterated_name_gives_western_order_even_with_an_eastern_hint():
    order = infer_name_order(
        name_zh="吉米·卡特", family_name="Carter", given_name="Jimmy", hint="CN"
    )
    assert order == NAME_ORDER_WESTERN


def test_chinese_name_of_someone_with_a_western_given_name_gives_western_order():
    order = infer_name_order(name_zh="赵美心", family_name="Chu", given_name="Judy")
    assert order == NAME_ORDER_WESTERN


@pytest.mark.parametrize(
    ("zh", "family", "given_name"),
    [("杨安泽", "Yang", "Andrew"), ("孟昭文", "Meng", "Grace"), ("刘云平", "Lieu", "Ted")],
)
def test_chinese_americans_with_western_given_names_keep_western_order(zh, family, given_name):
    order = infer_name_order(name_zh=zh, family_name=family, given_name=given_name)
    assert order == NAME_ORDER_WESTERN


def test_japanese_name_in_kanji_gives_eastern_order():
    order = infer_name_order(name_zh="岸田文雄", family_name="Kishida", given_name="Fumio")
    assert order == NAME_ORDER_EASTERN


def test_chinese_name_romanised_in_syllables_keeps_eastern_order():
    order = infer_name_order(name_zh="蔡英文", family_name="Tsai", given_name="Ing-wen")
    assert order == NAME_ORDER_EASTERN


@pytest.mark.parametrize(
    "hint", ["CN", "TW", "HK", "JP", "KR", "HU", "zh", "ja", "ko", "hu", "zh-Hant-TW", "hu_HU"]
)
def test_family_first_country_or_language_hint_gives_eastern_order(hint):
    order = infer_name_order(name_zh="", family_name="Orbán", given_name="Viktor", hint=hint)
    assert order == NAME_ORDER_EASTERN


@pytest.mark.parametrize("hint", ["", "US", "fr", "en-HK", "VN"])
def test_latin_name_without_an_eastern_hint_gives_western_order(hint):
    order = infer_name_order(name_zh="", family_name="Carter", given_name="Jimmy", hint=hint)
    assert order == NAME_ORDER_WESTERN


def test_full_name_in_eastern_order_puts_the_family_name_first():
    assert full_name(family_name="Qin", given_name="Gang", name_order=NAME_ORDER_EASTERN) == (
        "Qin Gang"
    )


def test_full_name_in_western_order_puts_the_given_name_first():
    assert full_name(family_name="Carter", given_name="Jimmy", name_order=NAME_ORDER_WESTERN) == (
        "Jimmy Carter"
    )


def test_full_name_of_a_mononym_has_no_stray_spaces():
    assert full_name(family_name="", given_name=" Sukarno ", name_order=NAME_ORDER_WESTERN) == (
        "Sukarno"
    )
    assert full_name(family_name="Qin", given_name="", name_order=NAME_ORDER_EASTERN) == "Qin"
