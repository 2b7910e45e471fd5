"""The documented filters, in both languages."""

from __future__ import annotations

import pytest

from legation.letters.compose.jinja_filters import (
    chinese_words,
    english_words,
    format_date,
    round_down,
)
from legation.letters.compose.sandbox import LetterSandbox


def render(source: str, language: str = "en") -> str:
    context = {
        "language": language,
        "date_iso": "2022-12-30",
        "facts": {"relations": {"date_iso": "1979-01-01", "value": 1700000000}},
    }
    return LetterSandbox().render_text(source, context)


def test_years_since_counts_completed_years_to_the_letter_date():
    assert render("{{ facts.relations | years_since }}") == "43"
    assert render("{{ '2021-12-30' | years_since }}") == "1"
    assert render("{{ '2021-12-31' | years_since }}") == "0"
    assert render("{{ '2022-01-01' | days_since }}") == "363"


@pytest.mark.parametrize(("value", "step", "expected"), [(520, None, 500), (47, None, 40),
                         (1734, None, 1700), (520, 50, 500), (999, 100, 900)])  # fmt: skip
def test_round_down_gives_the_figure_before_plus(value, step, expected):
    assert round_down(value, step) == expected


def test_number_words_and_ordinals_follow_the_letter_language():
    assert render("{{ 22 | number_words }} {{ 43 | ordinal }} {{ 11 | ordinal }}") == (
        "twenty-two 43rd 11th"
    )
    assert render("{{ 22 | number_words }} {{ 43 | ordinal }}", "zh") == "二十二 第43"
    assert english_words(1700000000) == "one billion seven hundred million"
    assert [chinese_words(n) for n in (10, 105, 10300, 1700000000)] == [
        "十", "一百零五", "一万零三百", "十七亿"
    ]  # fmt: skip


def test_magnitude_and_lists_read_naturally():
    assert render("{{ facts.relations | magnitude }}") == "1.7 billion"
    assert render("{{ facts.relations | magnitude }}", "zh") == "17亿"
    assert render("{{ ['a', 'b', 'c'] | and_list }}") == "a, b, and c"
    assert render("{{ ['a', 'b', 'c'] | and_list }}", "zh") == "a、b和c"


def test_dates_are_written_the_way_each_language_writes_them():
    assert format_date("2022-12-30", "en") == "December 30, 2022"
    assert format_date("2022-12-30", "zh") == "2022年12月30日"
